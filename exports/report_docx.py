"""The narrative report as a Word document (.docx), in the layout of Nghị định 30/2020/NĐ-CP.

flows/narrative and flows/summary_narrative decide every word; this module only lays a Draft
out: the letterhead in two columns, the title, the body, Nơi nhận beside the signature, then
the appendix on a page of its own. Marked places are highlighted, so the officer finds each
one before signing. A unit's draft and a reviewer's summary are built the same way.
"""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

from exports.docx_appendix import write_appendix
from exports.docx_format import FIRST_LINE, centred, column_widths, set_up, short_rule
from exports.docx_format import write as write_run
from exports.draft_data import SummaryDraftData, UnitDraftData
from exports.safe_cells import printable
from exports.totals import totals
from flows.draft_document import Draft, Letterhead, Paragraph, Signature, Style
from flows.narrative import UnitFigures, unit_draft
from flows.summary_narrative import SummaryFigures, UnitEntry, summary_draft

ISSUER_WIDTH, MOTTO_WIDTH = Cm(6.5), Cm(10.0)  # the letterhead's two columns: 16.5 cm
SIGN_WIDTHS = (Cm(8.0), Cm(8.5))
BOLD = {Style.PART, Style.SECTION, Style.SUBSECTION}
RECIPIENT_SIZE, RECIPIENTS_HEADING_SIZE = Pt(11), Pt(12)


# --- from the loaded data to a Draft -------------------------------------------------------------
def unit_figures(data: UnitDraftData) -> UnitFigures:
    report = data.report
    superior = data.superior
    return UnitFigures(
        template=report.template,
        unit_name=report.unit.name,
        period=report.round.period,
        values=report.values,
        notes=report.notes,
        previous=data.previous.values,
        previous_period=data.previous.period,
        superior=superior.name if superior else None,
        superior_level=superior.level if superior else None,
    )


def summary_figures(data: SummaryDraftData, zone: ZoneInfo) -> SummaryFigures:
    """The units as the summary tells them, in local time; totals over the submitted ones."""
    report, superior = data.report, data.superior
    deadline = report.round.deadline
    entries = []
    for unit in report.units:
        local = unit.submitted_at.astimezone(zone) if unit.submitted_at else None
        entries.append(
            UnitEntry(
                name=unit.unit.name,
                state=unit.status.value,
                submitted_on=local.date() if local else None,
                late=local is not None and local.date() > deadline,
                filled=unit.filled,
                total=unit.total,
                values=unit.values,
                notes=unit.notes,
            )
        )
    submitted = [u.values for u in report.units if u.status.is_submitted]
    return SummaryFigures(
        template=report.template,
        top_name=report.top.name,
        period=report.round.period,
        deadline=deadline,
        as_of=report.as_of.astimezone(zone).replace(tzinfo=None),
        units=tuple(entries),
        totals=totals(report.template, submitted),
        superior=superior.name if superior else None,
        superior_level=superior.level if superior else None,
    )


def unit_draft_bytes(data: UnitDraftData) -> bytes:
    return docx_bytes(unit_draft(unit_figures(data)))


def summary_draft_bytes(data: SummaryDraftData, zone: ZoneInfo) -> bytes:
    return docx_bytes(summary_draft(summary_figures(data, zone)))


# --- laying a Draft out --------------------------------------------------------------------------
def docx_bytes(draft: Draft) -> bytes:
    document = docx.Document()
    set_up(document)
    properties = document.core_properties
    properties.title = printable(f"{draft.kind} {draft.title}")
    properties.author = "CCHC Bot"
    properties.language = "vi-VN"
    _letterhead(document, draft.letterhead)
    write_run(centred(document.add_paragraph(), after=Pt(0)), draft.kind, bold=True)
    title = centred(document.add_paragraph(), after=Pt(12))
    write_run(title, draft.title, bold=True)
    for paragraph in draft.body:
        _body(document, paragraph)
    _signature(document, draft)
    write_appendix(document, draft.appendix)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _letterhead(document: Document, head: Letterhead) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    for index, line in enumerate(head.issuer):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        write_run(centred(paragraph), line, bold=True, size=Pt(13))
    short_rule(left.add_paragraph(), ISSUER_WIDTH, Cm(2.5))
    write_run(centred(left.add_paragraph(), after=Pt(0)), head.number, size=Pt(13))
    left.paragraphs[-1].paragraph_format.space_before = Pt(6)
    write_run(centred(right.paragraphs[0]), head.nation, bold=True, size=Pt(13))
    write_run(centred(right.add_paragraph()), head.motto, bold=True)
    short_rule(right.add_paragraph(), MOTTO_WIDTH, Cm(6.2))
    place = centred(right.add_paragraph(), after=Pt(12))
    place.paragraph_format.space_before = Pt(6)
    write_run(place, head.place_date, italic=True)
    column_widths(table, (ISSUER_WIDTH, MOTTO_WIDTH))


def _body(document: Document, content: Paragraph) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = FIRST_LINE
    if content.style in BOLD:
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
    for span in content.spans:
        write_run(
            paragraph,
            span.text,
            bold=content.style in BOLD,
            italic=content.style is Style.NOTE,
            marked=span.marked,
        )


def _signature(document: Document, draft: Draft) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    heading = left.paragraphs[0]
    heading.paragraph_format.first_line_indent = Cm(0)
    write_run(
        heading, draft.recipients_heading, bold=True, italic=True, size=RECIPIENTS_HEADING_SIZE
    )
    heading.paragraph_format.space_after = Pt(0)
    for line in draft.recipients:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        for span in line.spans:
            write_run(paragraph, span.text, size=RECIPIENT_SIZE, marked=span.marked)
    _signer(right, draft.signature)
    column_widths(table, SIGN_WIDTHS)


def _signer(cell: _Cell, signature: Signature) -> None:
    write_run(centred(cell.paragraphs[0]), signature.on_behalf, bold=True)
    write_run(centred(cell.add_paragraph()), signature.title, bold=True)
    write_run(centred(cell.add_paragraph()), signature.hint, italic=True, size=Pt(12), marked=True)
    for _ in range(3):  # room for the signature and the seal
        centred(cell.add_paragraph())
    write_run(centred(cell.add_paragraph()), signature.name, bold=True, marked=True)
