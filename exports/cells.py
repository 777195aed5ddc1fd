"""Writing styled cells, and the heights of rows whose text wraps.

A file cannot ask for "fit the row to its text": LibreOffice keeps the default height for
rows openpyxl writes (checked by rendering to PDF), and no application fits merged cells.
So rows that wrap get a height estimated from the text, generous rather than cut short.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.cell_values import CellValue
from exports.safe_cells import as_text
from exports.styles import FONT_SIZE, Look, Styles

POINTS_PER_LINE = 1.3125  # line height over font size: 15,75 pt rows for 12 pt text
LOWER_EM = 0.37  # average glyph width of mixed-case Vietnamese text in Times New Roman, in ems
CAPS_EM = 0.55  # the same for capitals, which titles use
BOLD = 1.05
POINTS_PER_WIDTH_UNIT = 5.25  # a column-width unit is one 7 px digit of the default font
PADDING_CHARS = 1  # cells keep a few pixels of margin on each side
ROW_PADDING = 2.25  # points above and below the text, so descenders and diacritics are not cut


def put(
    ws: Worksheet, row: int, column: int, value: CellValue | datetime, look: Look, styles: Styles
) -> None:
    """Numbers and times as they are; any text as inert text (exports/safe_cells)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        as_text(cell, value)
    else:
        cell.value = value
    styles.apply(cell, look)


def put_merged(
    ws: Worksheet,
    row: int,
    first_column: int,
    last_column: int,
    text: str,
    look: Look,
    styles: Styles,
) -> None:
    """Text across several columns, every cell of the range styled so borders print whole."""
    if last_column > first_column:
        ws.merge_cells(
            start_row=row, start_column=first_column, end_row=row, end_column=last_column
        )
    for column in range(first_column, last_column + 1):
        styles.apply(ws.cell(row=row, column=column), look)
    as_text(ws.cell(row=row, column=first_column), text)
    width = sum(_width(ws, c) for c in range(first_column, last_column + 1))
    ws.row_dimensions[row].height = text_height(text, width, look.size, bold=look.bold)


def text_height(text: str, width: float, size: int, *, bold: bool = False) -> float:
    """Points needed to show ``text`` wrapped in ``width`` column units, with a little room."""
    return lines_height(lines_needed(text, width, size, bold), size)


@lru_cache(maxsize=4096)
def lines_needed(text: str, width: float, size: int, bold: bool = False) -> int:
    """Lines a wrapped cell takes, by word-wrapping on an average glyph width.

    Cached because the labels repeat on every unit's sheet of a compiled workbook.
    """
    em = (CAPS_EM if text.isupper() else LOWER_EM) * (BOLD if bold else 1.0)
    per_line = max(1, int(width * POINTS_PER_WIDTH_UNIT / (size * em)) - PADDING_CHARS)
    return sum(
        max(1, len(textwrap.wrap(part, per_line, break_long_words=True)))
        for part in text.split("\n")
    )


def lines_height(lines: int, size: int = FONT_SIZE) -> float:
    return round(lines * size * POINTS_PER_LINE + ROW_PADDING, 2)


ONE_LINE = lines_height(1)


def use_one_line_default(ws: Worksheet) -> None:
    """Rows are one 12 pt line tall unless told otherwise.

    The default height of 15 pt crowds 12 pt text with Vietnamese diacritics against the
    borders; saying it once per sheet spares a row record for each of the many one-line rows.
    """
    ws.sheet_format.defaultRowHeight = ONE_LINE
    ws.sheet_format.customHeight = True


def fit_row(
    ws: Worksheet,
    row: int,
    cells: Iterable[tuple[str | None, float, bool]],
    *,
    max_lines: int | None = None,
) -> None:
    """Make a table row tall enough for its wrapped (text, column width, bold) cells.

    Neither LibreOffice nor Excel reliably grows rows for wrapped text when opening a file
    written by openpyxl, so rows that wrap say how tall they are.
    """
    lines = max(
        (lines_needed(text, width, FONT_SIZE, bold) for text, width, bold in cells if text),
        default=1,
    )
    if max_lines is not None:
        lines = min(lines, max_lines)
    if lines > 1:
        ws.row_dimensions[row].height = lines_height(lines)


def _width(ws: Worksheet, column: int) -> float:
    width = ws.column_dimensions[get_column_letter(column)].width
    return float(width) if width else 8.43


def set_widths(ws: Worksheet, widths: tuple[float, ...], first_column: int = 1) -> None:
    for offset, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(first_column + offset)].width = width
