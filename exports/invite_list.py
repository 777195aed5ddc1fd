"""The invite list as a spreadsheet, to send through the province's document system.

One header row and one row per unit, so that it also serves a mail merge. Every cell is text:
official unit codes carry leading zeros ("00070") that a number cell would drop, and a unit
name imported from a CSV must never run as a formula (exports/safe_cells).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exports import words
from exports.printed_invites import PrintedInvite
from exports.safe_cells import as_text
from exports.xlsx import new_workbook, to_bytes

WIDTHS = (12, 34, 18, 46, 18)  # characters, one per column of words.LIST_HEADERS


def invite_list_xlsx(invites: Sequence[PrintedInvite]) -> bytes:
    workbook = new_workbook(words.CARDS_TITLE)
    ws = workbook.active
    assert ws is not None
    ws.title = words.LIST_SHEET
    bold = Font(bold=True)
    for column, header in enumerate(words.LIST_HEADERS, start=1):
        cell = ws.cell(row=1, column=column)
        as_text(cell, header)
        cell.font = bold
        ws.column_dimensions[get_column_letter(column)].width = WIDTHS[column - 1]
    for row, invite in enumerate(invites, start=2):
        values = (
            invite.unit_code,
            invite.unit_name,
            invite.code,
            invite.link or "",
            invite.expires,
        )
        for column, value in enumerate(values, start=1):
            as_text(ws.cell(row=row, column=column), value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(words.LIST_HEADERS))}{len(invites) + 1}"
    return to_bytes(workbook)
