"""A new workbook with CCHC Bot's document properties, and a workbook as the bytes of a file."""

from __future__ import annotations

import io

from openpyxl.workbook import Workbook

from exports.safe_cells import printable


def new_workbook(title: str) -> Workbook:
    """Language vi-VN in the properties tells spell checkers and screen readers what they read."""
    workbook = Workbook()
    workbook.properties.title = printable(title)
    workbook.properties.creator = "CCHC Bot"
    workbook.properties.language = "vi-VN"
    return workbook


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
