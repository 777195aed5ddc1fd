"""The reviewer's summary report of a district's or province's units, drafted from their figures.

What the reviewer used to assemble by hand from every unit's report: who sent it on time, late
or not at all; the totals of the units that submitted, written with the same phrases as a
unit's draft (ratios recomputed from the summed parts, never averaged: see exports/totals);
and, section by section, what the units wrote themselves (text answers and notes), next to a
marked place for the reviewer's own synthesis. Only submitted reports are added up: a report
still being typed is not a figure a district can sign for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flows import draft_appendix
from flows import narrative_words as words
from flows.answers import Value
from flows.catalog import Indicator, Kind, Section, Template
from flows.draft_document import Draft, Paragraph, Span, Style, paragraph
from flows.narrative import closing_parts, letterhead, recipients, signature, superior_words
from flows.narrative_sentences import BULLET, Reading, recomputed, section_paragraphs, sentence

SUBMITTED = frozenset({"submitted", "approved"})


@dataclass(frozen=True)
class UnitEntry:
    """One unit of the round as the summary needs it; ``submitted_on`` in local time."""

    name: str
    state: str  # not_started, draft, submitted, returned, approved
    submitted_on: date | None
    late: bool  # submitted after the deadline's day
    filled: int
    total: int
    values: Mapping[str, Value | None]
    notes: Mapping[str, str]

    @property
    def submitted(self) -> bool:
        return self.state in SUBMITTED


@dataclass(frozen=True)
class SummaryFigures:
    template: Template
    top_name: str
    period: str
    deadline: date
    as_of: datetime  # local time
    units: Sequence[UnitEntry]
    totals: Mapping[str, Decimal]  # over the submitted units (exports/totals)
    superior: str | None = None
    superior_level: str | None = None


def summary_draft(figures: SummaryFigures) -> Draft:
    template, period = figures.template, figures.period
    level = template.level
    totals = recomputed(template, dict(figures.totals))
    reading = Reading(template, period, totals, strict=True)
    submitted = [u for u in figures.units if u.submitted]
    body: list[Paragraph] = [
        Paragraph(
            (
                Span(words.BASIS, marked=True),
                Span(words.summary_opening(figures.top_name, level, period)),
            )
        ),
        paragraph(words.part(1, words.SUBMISSIONS), Style.PART),
        *_submissions(figures),
        paragraph(words.part(2, words.RESULTS), Style.PART),
        paragraph(words.figures_from(len(submitted), level))
        if submitted
        else paragraph(words.NO_FIGURES, marked=True),
    ]
    speaks = frozenset(i.code for i in template.indicators if i.ask)
    for number, section in enumerate(template.sections, 1):
        body.append(paragraph(f"{number}. {section.label}", Style.SECTION))
        if submitted:
            write = _writer(reading, submitted, level)
            body.extend(section_paragraphs(reading, section, speaks, {}, write))
            body.extend(_what_units_wrote(template, section, submitted))
        body.append(paragraph(words.SUMMARY_SECTION_HINT, marked=True))
    body.extend(closing_parts(period, summary=True, first=3))
    addressee = superior_words(figures.superior, figures.superior_level)
    body.append(paragraph(words.summary_closing(figures.top_name, period, addressee)))
    return Draft(
        letterhead=letterhead(figures.top_name),
        kind=words.REPORT,
        title=words.summary_title(period, level, figures.top_name),
        body=tuple(body),
        recipients_heading=words.RECIPIENTS,
        recipients=recipients(figures.superior, figures.superior_level),
        signature=signature(),
        appendix=draft_appendix.appendix(
            template,
            totals,
            {},
            title=words.summary_appendix_title(period, level, figures.top_name),
            attached=words.attached_to(figures.top_name),
            value_heading=words.SUMMARY_VALUE,
        ),
    )


def _submissions(figures: SummaryFigures) -> list[Paragraph]:
    units, level = figures.units, figures.template.level
    on_time = [u.name for u in units if u.submitted and not u.late]
    late = [
        words.submitted_on(u.name, f"{u.submitted_on:%d/%m/%Y}" if u.submitted_on else "")
        for u in units
        if u.submitted and u.late
    ]
    missing = [
        words.not_submitted(u.name, u.state, u.filled, u.total) for u in units if not u.submitted
    ]
    count = words.submitted_count(
        len(units) - len(missing),
        len(units),
        level,
        f"{figures.as_of:%H:%M} ngày {figures.as_of:%d/%m/%Y}",
        f"{figures.deadline:%d/%m/%Y}",
    )
    return [
        paragraph(count),
        paragraph(BULLET + words.on_time(on_time)),
        paragraph(BULLET + words.late(late)),
        paragraph(BULLET + words.missing(missing)),
    ]


def _writer(
    reading: Reading, submitted: list[UnitEntry], level: str
) -> Callable[[Indicator], tuple[tuple[Span, ...], tuple[str, ...]]]:
    """Sentences from the totals; a coded row is told as how many units chose each code."""

    def write(indicator: Indicator) -> tuple[tuple[Span, ...], tuple[str, ...]]:
        if indicator.kind is Kind.CHOICE:
            chosen = [
                (choice.label, n)
                for choice in indicator.choices
                if (n := sum(1 for u in submitted if u.values.get(indicator.code) == choice.code))
            ]
            if not chosen:
                return (), ()
            return (Span(words.tally(indicator.label, chosen, level)),), ()
        if indicator.kind is Kind.TEXT:
            return (), ()  # told unit by unit under the section
        return sentence(reading, indicator)

    return write


def _what_units_wrote(
    template: Template, section: Section, submitted: list[UnitEntry]
) -> list[Paragraph]:
    """Text answers and notes, row by row, unit by unit."""
    lines: list[Paragraph] = []
    for indicator in (i for i in template.indicators if i.section == section.code):
        for unit in submitted:
            value = unit.values.get(indicator.code)
            for text in (
                value if indicator.kind is Kind.TEXT else None,
                unit.notes.get(indicator.code),
            ):
                if isinstance(text, str) and text.strip():
                    line = words.unit_wrote(unit.name, indicator.label, text.strip())
                    lines.append(paragraph(line, Style.NOTE))
    return [paragraph(words.UNITS_WROTE), *lines] if lines else []
