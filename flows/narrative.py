"""The commune's narrative report, drafted from its figures: pure, from plain data to a Draft.

The sections follow the seeds' reports (000, 001, 004) with the numbering slips left out: the
results, one numbered part per section of the form (1. Công tác chỉ đạo điều hành CCHC …
7. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số), then the general assessment,
proposals and the tasks ahead. Each section opens with sentences written from the figures and
closes with a marked place for what only the officer can write; the appendix follows with the
same figures, so the text and the table cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flows import draft_appendix
from flows import narrative_words as words
from flows.answers import Value
from flows.catalog import Template
from flows.draft_document import (
    Draft,
    Letterhead,
    Paragraph,
    Signature,
    Span,
    Style,
    paragraph,
)
from flows.narrative_sentences import Reading, applicable, recomputed, section_paragraphs


@dataclass(frozen=True)
class UnitFigures:
    """One unit's report for one period, with last period's figures to compare with.

    ``superior`` is the unit it reports to ("Huyện Sơn Hà"), named in Nơi nhận and the closing.
    """

    template: Template
    unit_name: str
    period: str  # "2024-Q3"
    values: Mapping[str, Value | None]
    notes: Mapping[str, str] = field(default_factory=dict)
    previous: Mapping[str, Value] = field(default_factory=dict)
    previous_period: str | None = None
    superior: str | None = None
    superior_level: str | None = None


def unit_draft(figures: UnitFigures) -> Draft:
    template = figures.template
    values = recomputed(template, figures.values)
    previous = recomputed(template, figures.previous)
    reading = Reading(
        template,
        figures.period,
        values,
        {c: v for c, v in previous.items() if v is not None},
        figures.previous_period if figures.previous else None,
    )
    speaks = applicable(template, values)
    body: list[Paragraph] = [
        Paragraph(
            (Span(words.BASIS, marked=True), Span(words.opening(figures.unit_name, figures.period)))
        ),
        paragraph(words.part(1, words.RESULTS), Style.PART),
    ]
    for number, section in enumerate(template.sections, 1):
        body.append(paragraph(f"{number}. {section.label}", Style.SECTION))
        body.extend(section_paragraphs(reading, section, speaks, figures.notes))
        body.append(paragraph(words.SECTION_HINT, marked=True))
    body.extend(closing_parts(figures.period, summary=False))
    body.append(paragraph(words.closing(figures.unit_name, figures.period, addressee(figures))))
    return Draft(
        letterhead=letterhead(figures.unit_name),
        kind=words.REPORT,
        title=words.report_title(figures.period),
        body=tuple(body),
        recipients_heading=words.RECIPIENTS,
        recipients=recipients(figures.superior, figures.superior_level),
        signature=signature(),
        appendix=draft_appendix.appendix(
            template,
            values,
            figures.notes,
            title=words.appendix_title(template.title, figures.period, figures.unit_name),
            attached=words.attached_to(figures.unit_name),
        ),
    )


# --- the parts every draft shares
def letterhead(unit_name: str) -> Letterhead:
    return Letterhead(
        issuer=(words.COMMITTEE, unit_name.upper()),
        number=words.NUMBER,
        nation=words.NATION,
        motto=words.MOTTO,
        place_date=words.place_date(unit_name),
    )


def closing_parts(period: str, *, summary: bool, first: int = 2) -> list[Paragraph]:
    """Assessment, proposals, tasks ahead: marked places, numbered on from ``first``."""
    achieved = words.SUMMARY_ACHIEVED_HINT if summary else words.ACHIEVED_HINT
    shortcomings = words.SUMMARY_SHORTCOMINGS_HINT if summary else words.SHORTCOMINGS_HINT
    return [
        paragraph(words.part(first, words.ASSESSMENT), Style.PART),
        paragraph(f"1. {words.ACHIEVED}", Style.SUBSECTION),
        paragraph(achieved, marked=True),
        paragraph(f"2. {words.SHORTCOMINGS}", Style.SUBSECTION),
        paragraph(shortcomings, marked=True),
        paragraph(words.part(first + 1, words.PROPOSALS), Style.PART),
        paragraph(words.PROPOSALS_HINT, marked=True),
        paragraph(words.part(first + 2, words.directions(period)), Style.PART),
        paragraph(words.DIRECTIONS_HINT, marked=True),
    ]


def addressee(figures: UnitFigures) -> str | None:
    """Whom the closing sentence reports to: 'UBND huyện Sơn Hà, Phòng Nội vụ'."""
    return superior_words(figures.superior, figures.superior_level)


def superior_words(superior: str | None, level: str | None) -> str | None:
    if superior is None:
        return None
    office = words.home_affairs(level or "").strip("-; ")
    return f"{words.committee_of(superior)}, {office}"


def recipients(superior: str | None, level: str | None) -> tuple[Paragraph, ...]:
    above = (
        (paragraph(words.recipient(superior)), paragraph(words.home_affairs(level or "")))
        if superior is not None
        else ()
    )
    return (*above, paragraph(words.OTHER_RECIPIENTS, marked=True), paragraph(words.KEEP))


def signature() -> Signature:
    return Signature(words.ON_BEHALF, words.CHAIR, words.DEPUTY_SIGNS, words.SIGNER)
