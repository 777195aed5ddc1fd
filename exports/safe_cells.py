"""Text from users and admins goes into files as inert text, whatever it holds.

An officer's note "=1+1", a text answer "=HYPERLINK(…)" or a unit name imported from a CSV
that starts with "=" must reach a reviewer's Excel as the characters typed, never as a formula
that runs when the file is opened. And text stored before the door checked it (flows/safe_text)
may still hold a control character, which an .xlsx cannot contain at all: it is dropped here,
so one unit's typing never stops a province's workbook from being written.

- xlsx: a string cell (data type "s"), never a formula, control characters removed;
- CSV: a field that a spreadsheet program would read as a formula (starting with =, +, -, @,
  a tab or a carriage return) gets a leading apostrophe, as OWASP recommends;
- file properties and sheet titles: control and invisible characters removed.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell

from flows import safe_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: Cell, text: str) -> None:
    """Put ``text`` in the cell as a string, even if it looks like a formula."""
    cell.value = printable(text)
    cell.data_type = "s"


def printable(text: str) -> str:
    """The text without what an .xlsx file cannot hold or a reader cannot see."""
    return safe_text.scrub(text)


def csv_field(text: str) -> str:
    """A CSV field a spreadsheet program opens as text, never as a formula."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
