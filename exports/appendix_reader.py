"""Reading the appendix spreadsheet a province already sends, row by row.

The official layout is a table STT | Chỉ tiêu (thống kê) | Đơn vị tính | Số liệu | Ghi chú
under a few title rows, with the header sometimes on two rows (Kết quả thống kê over Đơn vị
tính | Số liệu), repeated after each page break, and tables of several "Biểu mẫu" one after
the other. This module only finds the columns and hands back each data row as text, with
the sheet row it came from; what a row means is inferred in flows/template_inference.
Optional extra columns (kind, formula, rule, relevant, hint, carry_over, not_for) let an author
state what inference cannot, in the manner of XLSForm.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from flows.answers import fold
from flows.template_inference import SheetRow

HEADER_SEARCH = 40  # rows to look through for the header, under the title
EXTRA_COLUMNS = (
    "kind",
    "formula",
    "rule",
    "relevant",
    "hint",
    "carry_over",
    "not_for",
    "phrase",
)
FORM_TITLE = re.compile(r"^\s*biểu(\s+mẫu)?\s*(số\s*)?\d+\b", re.IGNORECASE)


class SheetError(ValueError):
    """A spreadsheet that cannot be read as an appendix; the message says where and why."""


@dataclass
class Columns:
    stt: int
    label: int
    unit: int
    value: int | None = None
    note: int | None = None
    extras: dict[str, int] = field(default_factory=dict)
    header_rows: tuple[int, ...] = ()


def read(source: Path | bytes) -> tuple[str, list[SheetRow]]:
    """(the sheet's title text, its data rows) from the first sheet laid out as an appendix."""
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except OSError as exc:
        raise SheetError(f"không đọc được tệp: {exc}") from exc
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise SheetError(f"tệp không phải bảng tính Excel (.xlsx) đọc được: {exc}") from exc
    problems = []
    for ws in workbook.worksheets:
        try:
            columns = find_columns(ws)
        except SheetError as exc:
            problems.append(f"trang “{ws.title}”: {exc}")
            continue
        return _title(ws, columns), _rows(ws, columns)
    raise SheetError("; ".join(problems) or "bảng tính không có trang nào")


def find_columns(ws: Worksheet) -> Columns:
    for row in range(1, min(ws.max_row, HEADER_SEARCH) + 1):
        cells = {c: _folded(ws, row, c) for c in range(1, ws.max_column + 1)}
        stt = _column(cells, ("stt", "so tt", "tt"))
        label = _column(cells, ("chi tieu",), prefix=True)
        if stt is None or label is None:
            continue
        below = {c: _folded(ws, row + 1, c) for c in range(1, ws.max_column + 1)}
        unit = _column(cells, ("don vi tinh", "dvt"), prefix=True)
        header_rows = (row,)
        if unit is None:  # "Kết quả thống kê" above "Đơn vị tính | Số liệu"
            unit = _column(below, ("don vi tinh", "dvt"), prefix=True)
            header_rows = (row, row + 1)
        if unit is None:
            raise SheetError(f"dòng {row} có cột STT và Chỉ tiêu nhưng không có cột Đơn vị tính")
        both = {**{c: v for c, v in below.items() if v}, **{c: v for c, v in cells.items() if v}}
        columns = Columns(stt, label, unit, header_rows=header_rows)
        columns.value = _column(below, ("so lieu",), prefix=True) or _column(
            cells, ("so lieu",), prefix=True
        )
        columns.note = _column(both, ("ghi chu",), prefix=True)
        for name in EXTRA_COLUMNS:
            found = _column(both, (name, name.replace("_", " ")))
            if found is not None:
                columns.extras[name] = found
        return columns
    raise SheetError(
        f"không tìm thấy dòng tiêu đề có các cột STT, Chỉ tiêu và Đơn vị tính "
        f"trong {HEADER_SEARCH} dòng đầu"
    )


def _rows(ws: Worksheet, columns: Columns) -> list[SheetRow]:
    out: list[SheetRow] = []
    for row in range(1, min(columns.header_rows)):  # "Biểu mẫu 1 …" just above the header
        text = _text(ws, row, 1) or _text(ws, row, columns.label)
        if FORM_TITLE.match(text):
            out.append(SheetRow(row, "", text, "", title=True))
    last_header = max(columns.header_rows)
    row = last_header + 1
    while row <= ws.max_row:
        stt, label = _text(ws, row, columns.stt), _text(ws, row, columns.label)
        unit = _text(ws, row, columns.unit)
        if fold(stt) in ("stt", "so tt") and fold(label).startswith("chi tieu"):
            row += len(columns.header_rows)  # the header again, after a page break
            continue
        if not stt and not label and not unit:
            row += 1
            continue
        whole = " ".join(t for t in (stt, label) if t)
        if FORM_TITLE.match(whole) and not unit:
            out.append(SheetRow(row, "", whole, "", title=True))
            row += 1
            continue
        if not stt and not label and not unit and not _text(ws, row, columns.value):
            row += 1
            continue
        out.append(
            SheetRow(
                line=row,
                stt=stt,
                label=label,
                unit=unit,
                value=_value(ws, row, columns.value),
                note=_text(ws, row, columns.note),
                extras={k: _text(ws, row, c) for k, c in columns.extras.items()},
                italic=bool(ws.cell(row=row, column=columns.label).font.i),
            )
        )
        row += 1
    return out


def _title(ws: Worksheet, columns: Columns) -> str:
    lines = []
    for row in range(1, min(columns.header_rows)):
        text = " ".join(_text(ws, row, c) for c in range(1, ws.max_column + 1) if _text(ws, row, c))
        if text and not FORM_TITLE.match(text):
            lines.append(text)
    return "\n".join(lines)


def _column(cells: dict[int, str], names: tuple[str, ...], *, prefix: bool = False) -> int | None:
    for column, text in cells.items():
        if not text:
            continue
        if text in names or (prefix and any(text.startswith(n) for n in names)):
            return column
    return None


def _folded(ws: Worksheet, row: int, column: int) -> str:
    return fold(_text(ws, row, column)).rstrip(":.")


def _text(ws: Worksheet, row: int, column: int | None) -> str:
    if column is None:
        return ""
    value = ws.cell(row=row, column=column).value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _value(ws: Worksheet, row: int, column: int | None) -> str | Decimal | None:
    """Số liệu as the sheet holds it: a number cell as a number, text as text."""
    if column is None:
        return None
    cell = ws.cell(row=row, column=column)
    value = cell.value
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        number = Decimal(str(value))
        # 99,37 % typed into a percent-formatted cell is stored as 0.9937
        return number * 100 if "%" in (cell.number_format or "") else number
    return " ".join(str(value).split())
