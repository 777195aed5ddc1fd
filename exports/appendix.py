"""One unit's appendix as the seeds print it: Phụ lục, title, Biểu, then the five-column table.

The officer gets this file back after submitting, and it goes to the district with the signed
report, so it follows the paper layout (seed 000 for communes, seed 003 for districts) rather
than a database dump: section rows in bold, sub-rows in italic where the form has them, codes
of coded indicators listed under Đơn vị tính.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from exports import words
from exports.cell_values import cell_value
from exports.cells import fit_row, put, put_merged, set_widths, use_one_line_default
from exports.data import UnitReport
from exports.printing import set_up_page
from exports.styles import FORM, HEADER, HEADING, SUBTITLE, TITLE, Look, Styles, look
from exports.xlsx import new_workbook, to_bytes
from flows.catalog import Indicator, Kind, Section, Template

WIDTHS = (7.0, 55.0, 16.0, 12.0, 18.0)  # STT, label, unit, value, note: A4 portrait at ~90 %
COLUMNS = len(WIDTHS)
STT, LABEL, UNIT, VALUE, NOTE = range(1, COLUMNS + 1)
BOLD_CENTER = Look("center", bold=True)
FORM_ROW = BOLD_CENTER  # a later Biểu mẫu inside the table, bordered like the rows around it
BOLD_LEFT = Look("left", bold=True)
PLAIN_LEFT = Look("left")


@dataclass(frozen=True)
class Block:
    """A section of the table and its indicators, grouped once per template, not per sheet."""

    section: Section
    indicators: tuple[Indicator, ...]


@cache
def blocks(template: Template) -> tuple[Block, ...]:
    return tuple(
        Block(s, tuple(i for i in template.indicators if i.section == s.code))
        for s in template.sections
    )


def grouped_header(template: Template) -> bool:
    """District and province forms (seed 003) put Đơn vị tính and Số liệu under one heading."""
    return template.level != "xa"


def appendix_workbook(report: UnitReport) -> Workbook:
    workbook = new_workbook(words.appendix_title(*_title_parts(report)))
    ws = workbook.active
    assert ws is not None
    ws.title = words.APPENDIX_SHEET
    write_appendix_sheet(ws, report)
    return workbook


def appendix_bytes(report: UnitReport) -> bytes:
    return to_bytes(appendix_workbook(report))


def _title_parts(report: UnitReport) -> tuple[str, str, str]:
    return report.template.title, report.round.period, report.unit.name


def write_appendix_sheet(ws: Worksheet, report: UnitReport, styles: Styles | None = None) -> None:
    """Fill an empty sheet with the unit's appendix, print setup included."""
    styles = styles or Styles(ws.parent)
    template = report.template
    set_widths(ws, WIDTHS)
    use_one_line_default(ws)
    put_merged(ws, 1, STT, NOTE, words.APPENDIX_HEADING, HEADING, styles)
    put_merged(ws, 2, STT, NOTE, words.appendix_title(*_title_parts(report)), TITLE, styles)
    put_merged(ws, 3, STT, NOTE, words.attached_to(report.unit.name), SUBTITLE, styles)
    row = 5
    first_form = template.sections[0].form if template.sections else ""
    if first_form:
        put_merged(ws, row, STT, NOTE, first_form, FORM, styles)
        row += 1
    header_first = row
    row = _header(ws, row, styles, grouped=grouped_header(template))
    set_up_page(ws, header_rows=(header_first, row - 1), first_data_cell=f"A{row}")
    form = first_form
    for block in blocks(template):
        if block.section.form and block.section.form != form:
            form = block.section.form
            put_merged(ws, row, STT, NOTE, form, FORM_ROW, styles)
            row += 1
        _section_row(ws, row, block.section, styles)
        row += 1
        for indicator in block.indicators:
            _indicator_row(ws, row, indicator, report, styles)
            row += 1


def _header(ws: Worksheet, row: int, styles: Styles, *, grouped: bool) -> int:
    """Writes the header at ``row`` and returns the first row after it."""
    if not grouped:
        for column, text in enumerate(
            (words.STT, words.INDICATOR, words.UNIT, words.VALUE, words.NOTE), start=1
        ):
            put(ws, row, column, text, HEADER, styles)
        return row + 1
    for column in (STT, LABEL, NOTE):
        ws.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column)
    ws.merge_cells(start_row=row, start_column=UNIT, end_row=row, end_column=VALUE)
    for column, text in ((STT, words.STT), (LABEL, words.INDICATOR), (UNIT, words.RESULTS)):
        put(ws, row, column, text, HEADER, styles)
    put(ws, row, NOTE, words.NOTE, HEADER, styles)
    put(ws, row + 1, UNIT, words.UNIT, HEADER, styles)
    put(ws, row + 1, VALUE, words.VALUE, HEADER, styles)
    for r, column in ((row, VALUE), (row + 1, STT), (row + 1, LABEL), (row + 1, NOTE)):
        styles.apply(ws.cell(row=r, column=column), HEADER)
    return row + 2


def _section_row(ws: Worksheet, row: int, section: Section, styles: Styles) -> None:
    label = (section.label, WIDTHS[LABEL - 1], True)
    fit_row(ws, row, [label])
    put(ws, row, STT, section.code, BOLD_CENTER, styles)
    put(ws, row, LABEL, section.label, BOLD_LEFT, styles)
    for column in (UNIT, VALUE, NOTE):
        put(ws, row, column, None, BOLD_CENTER, styles)


def _indicator_row(
    ws: Worksheet, row: int, indicator: Indicator, report: UnitReport, styles: Styles
) -> None:
    bold = indicator.kind is Kind.GROUP
    italic = indicator.italic
    value, number_format = cell_value(indicator, report.value(indicator.code))
    put(ws, row, STT, indicator.stt, look("center", bold), styles)
    put(ws, row, LABEL, indicator.label, look("left", bold, italic), styles)
    unit = indicator.unit_column or None
    put(ws, row, UNIT, unit, look("center", bold, italic), styles)
    put(ws, row, VALUE, value, look("center", bold, italic, number_format), styles)
    note = report.notes.get(indicator.code)
    put(ws, row, NOTE, note, PLAIN_LEFT, styles)
    fit_row(
        ws,
        row,
        (
            (indicator.label, WIDTHS[LABEL - 1], bold),
            (unit, WIDTHS[UNIT - 1], bold),
            (value if isinstance(value, str) else None, WIDTHS[VALUE - 1], bold),
            (note, WIDTHS[NOTE - 1], False),
        ),
    )
