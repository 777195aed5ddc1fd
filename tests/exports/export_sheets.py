"""Reading exported workbooks back: where each indicator's row is, what a column holds."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from flows.catalog import Template


def open_xlsx(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def indicator_rows(ws: Worksheet, template: Template, first_row: int) -> dict[str, int]:
    """Row number of every indicator, walking the table as a reader would: section rows
    (Roman numeral, section label) then the indicators' STT in template order."""
    wanted = iter(template.indicators)
    sections = {s.code: s.label for s in template.sections}
    found: dict[str, int] = {}
    current = next(wanted)
    section = None
    for row in range(first_row, ws.max_row + 1):
        stt, label = ws.cell(row, 1).value, ws.cell(row, 2).value
        if stt in sections and label == sections[stt]:
            section = stt
            continue
        if section == current.section and stt == current.stt and label == current.label:
            found[current.code] = row
            current = next(wanted, None)
            if current is None:
                break
    assert len(found) == len(template.indicators), "table rows do not follow the template"
    return found
