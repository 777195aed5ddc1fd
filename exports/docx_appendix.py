"""The appendix at the end of the Word draft: Phụ lục, its title, and the five-column table.

The layout of the seeds' appendices (and of exports/appendix, the spreadsheet): bold section
and group rows, italic sub-rows, district forms grouping Đơn vị tính and Số liệu under one
heading. The header repeats on every page and no row breaks across two.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

from exports.docx_format import (
    TABLE_SIZE,
    centred,
    column_widths,
    keep_row_together,
    repeat_as_header,
    write,
)
from flows.draft_document import Appendix, RowKind, TableRow

WIDTHS = (Cm(1.3), Cm(8.2), Cm(2.6), Cm(2.0), Cm(2.4))  # 16.5 cm: the text width of the page
STT, LABEL, UNIT, VALUE, NOTE = range(5)
CENTRED = (STT, UNIT, VALUE)


def write_appendix(document: Document, appendix: Appendix) -> None:
    heading = centred(document.add_paragraph())
    heading.paragraph_format.page_break_before = True
    write(heading, appendix.heading, bold=True)
    write(centred(document.add_paragraph()), appendix.title, bold=True)
    write(centred(document.add_paragraph(), after=Pt(6)), appendix.attached, italic=True)
    if appendix.form:
        write(centred(document.add_paragraph(), after=Pt(6)), appendix.form, bold=True)
    header_rows = 2 if appendix.grouped_by else 1
    table = document.add_table(rows=header_rows + len(appendix.rows), cols=len(WIDTHS))
    table.style = document.styles["Table Grid"]
    _header(table.rows[0].cells, table.rows[1].cells if header_rows == 2 else None, appendix)
    for index in range(header_rows):
        repeat_as_header(table.rows[index])
    for row, content in zip(table.rows[header_rows:], appendix.rows, strict=True):
        keep_row_together(row)
        _row(row.cells, content)
    column_widths(table, WIDTHS)


def _header(first: list[_Cell], second: list[_Cell] | None, appendix: Appendix) -> None:
    if second is None:
        for cell, text in zip(first, appendix.headers, strict=True):
            _put(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        return
    for column in (STT, LABEL, NOTE):
        first[column].merge(second[column])
    first[UNIT].merge(first[VALUE])
    for column in (STT, LABEL, NOTE):
        _put(first[column], appendix.headers[column], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _put(first[UNIT], appendix.grouped_by, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for column in (UNIT, VALUE):
        _put(second[column], appendix.headers[column], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _row(cells: list[_Cell], row: TableRow) -> None:
    if row.kind is RowKind.FORM:
        merged = cells[STT].merge(cells[NOTE])
        _put(merged, row.cells[STT], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        return
    bold = row.kind in (RowKind.SECTION, RowKind.GROUP)
    for column, (cell, text) in enumerate(zip(cells, row.cells, strict=True)):
        align = WD_ALIGN_PARAGRAPH.CENTER if column in CENTRED else WD_ALIGN_PARAGRAPH.LEFT
        italic = row.italic and column in (LABEL, UNIT, VALUE)
        _put(cell, text, bold=bold and column != NOTE, italic=italic, align=align)


def _put(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    if text:
        write(paragraph, text, bold=bold, italic=italic, size=TABLE_SIZE)
