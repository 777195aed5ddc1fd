"""A template written as the appendix spreadsheet it came from, with every decision spelled out.

The layout is the official one (STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú)
followed by the columns an author edits when inference is not enough: kind, formula, rule,
relevant, hint, carry_over, not_for, and phrase (the sentence the Word draft writes). Every
row states all of them, so importing the file again (`cchc-bot template import`) gives back
the same template: a province edits its form, and its wording, in Excel or LibreOffice and
brings it back.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from exports.cells import fit_row, set_widths
from exports.printing import set_up_page
from exports.safe_cells import as_text
from exports.xlsx import new_workbook, to_bytes
from flows.catalog import Indicator, Kind, Template
from flows.template_inference import written_rules
from flows.texts import LEVEL_NAMES

HEADER = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
EXTRAS = ("kind", "formula", "rule", "relevant", "hint", "carry_over", "not_for", "phrase")
WIDTHS = (9, 60, 22, 10, 14, 15, 28, 30, 14, 30, 11, 10, 50)


def template_bytes(template: Template) -> bytes:
    workbook = new_workbook(template.name)
    ws = workbook.active
    ws.title = "Bieu mau"
    set_widths(ws, WIDTHS)
    bold = Font(bold=True)
    ws.append([template.title])
    ws.append([template.name])
    ws.append([f"Mã biểu: {template.id} · cấp {LEVEL_NAMES.get(template.level, template.level)}"])
    ws.append([])
    header_row = ws.max_row + 1
    for column, text in enumerate((*HEADER, *EXTRAS), 1):
        cell = ws.cell(row=header_row, column=column)
        as_text(cell, text)
        cell.font = bold
    form = ""
    for section in template.sections:
        if section.form and section.form != form:  # "Biểu mẫu 2" over the sections it holds
            form = section.form
            _heading(ws, ws.max_row + 1, form)
        _heading(ws, ws.max_row + 1, f"{section.code}. {section.label}")
        for ind in (i for i in template.indicators if i.section == section.code):
            _indicator(ws, ws.max_row + 1, ind)
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    set_up_page(
        ws,
        header_rows=(header_row, header_row),
        first_data_cell=f"A{header_row + 1}",
        orientation="landscape",
    )
    return to_bytes(workbook)


def _heading(ws: Worksheet, row: int, text: str) -> None:
    as_text(ws.cell(row=row, column=1), text)
    ws.cell(row=row, column=1).font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADER))


def _indicator(ws: Worksheet, row: int, ind: Indicator) -> None:
    unit = ind.unit
    if ind.kind is Kind.CHOICE:
        unit = " ".join(f"{c.label} = {c.code}" for c in ind.choices)
    values = (
        ind.stt,
        ind.label,
        unit,
        None,
        None,
        ind.kind.value,
        ind.formula,
        "; ".join(written_rules(ind)),
        ind.relevant,
        ind.hint,
        "có" if ind.carry_over else "không",
        ", ".join(ind.not_for),
        ind.phrase,
    )
    for column, value in enumerate(values, 1):
        if value:
            as_text(ws.cell(row=row, column=column), str(value))
    if ind.italic:
        ws.cell(row=row, column=2).font = Font(italic=True)
    # Rows say how tall they are: no spreadsheet program fits wrapped text on opening.
    fit_row(ws, row, ((str(v), w, False) for v, w in zip(values, WIDTHS, strict=True) if v))
