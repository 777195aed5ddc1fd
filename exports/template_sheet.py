"""A template written as the appendix spreadsheet it came from, with every decision spelled out.

The layout is the official one (STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú)
followed by the columns an author edits when inference is not enough: kind, formula, rule,
relevant, hint, carry_over, not_for. Every row states all of them, so importing the file again
(`cchc-bot template import`) gives back the same template: a province edits its form in Excel
or LibreOffice and brings it back.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from exports.safe_cells import as_text
from exports.xlsx import new_workbook, to_bytes
from flows.catalog import Indicator, Kind, Template
from flows.template_inference import written_rules

HEADER = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
EXTRAS = ("kind", "formula", "rule", "relevant", "hint", "carry_over", "not_for")
WIDTHS = (9, 60, 22, 10, 14, 15, 28, 30, 14, 30, 11, 10)


def template_bytes(template: Template) -> bytes:
    workbook = new_workbook(template.name)
    ws = workbook.active
    ws.title = "Bieu mau"
    bold = Font(bold=True)
    ws.append([template.title])
    ws.append([template.name])
    ws.append([f"Mã biểu: {template.id} · cấp: {template.level}"])
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
            row = ws.max_row + 1
            as_text(ws.cell(row=row, column=1), form)
            ws.cell(row=row, column=1).font = bold
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADER))
        row = ws.max_row + 1
        as_text(ws.cell(row=row, column=1), f"{section.code}. {section.label}")
        ws.cell(row=row, column=1).font = bold
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADER))
        for ind in (i for i in template.indicators if i.section == section.code):
            _indicator(ws, ws.max_row + 1, ind)
    for column, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return to_bytes(workbook)


def _indicator(ws, row: int, ind: Indicator) -> None:  # type: ignore[no-untyped-def]
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
    )
    for column, value in enumerate(values, 1):
        if value:
            as_text(ws.cell(row=row, column=column), str(value))
    if ind.italic:
        ws.cell(row=row, column=2).font = Font(italic=True)
