"""The "Tổng hợp" sheet: one row per indicator, one column per unit, then the district's total.

This is the table reviewers used to re-type by hand from every commune's appendix. The totals
follow exports.totals: sums for counts and amounts, ratios recomputed from the summed parts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports import words
from exports.appendix import blocks
from exports.cell_values import cell_value
from exports.cells import fit_row, put, put_merged, set_widths, use_one_line_default
from exports.data import RoundReport
from exports.printing import set_up_page
from exports.styles import HEADER, SUBTITLE, TITLE, Styles, look
from exports.totals import totals
from flows.catalog import Indicator, Kind, Section

LABEL_WIDTHS = (7.0, 55.0, 16.0)  # STT, Chỉ tiêu, Đơn vị tính: frozen on screen, repeated on paper
UNIT_WIDTH = 13.0
UNITS_PER_PAGE = 10  # unit columns that still read well shrunk onto one landscape page
STT, LABEL, UNIT = 1, 2, 3
FIRST_UNIT = 4
HEADER_ROW = 4
MAX_LINES = 6  # a long text answer must not make its row a page tall; its own sheet shows it all


def write_summary_sheet(
    ws: Worksheet, report: RoundReport, zone: ZoneInfo, styles: Styles | None = None
) -> None:
    styles = styles or Styles(ws.parent)
    template = report.template
    count = len(report.units)
    total_column = FIRST_UNIT + count
    set_widths(ws, LABEL_WIDTHS)
    use_one_line_default(ws)
    set_widths(ws, (UNIT_WIDTH,) * (count + 1), FIRST_UNIT)
    pages_wide = max(1, math.ceil((count + 1) / UNITS_PER_PAGE))
    last_title_column = total_column if pages_wide == 1 else UNIT
    title = words.summary_title(report.round.period, report.top.name)
    put_merged(ws, 1, STT, last_title_column, title, TITLE, styles)
    submitted = sum(1 for u in report.units if u.status.is_submitted)
    as_of = words.as_of_line(report.as_of.astimezone(zone), report.round.deadline, submitted, count)
    put_merged(ws, 2, STT, last_title_column, as_of, SUBTITLE, styles)
    _header(ws, report, total_column, styles)
    set_up_page(
        ws,
        header_rows=(HEADER_ROW, HEADER_ROW),
        first_data_cell=f"{get_column_letter(FIRST_UNIT)}{HEADER_ROW + 1}",
        orientation="landscape",
        pages_wide=pages_wide,
        repeat_columns=None if pages_wide == 1 else f"A:{get_column_letter(UNIT)}",
    )
    total = totals(template, (u.values for u in report.units))
    row = HEADER_ROW + 1
    for block in blocks(template):
        _section_row(ws, row, block.section, total_column, styles)
        row += 1
        for indicator in block.indicators:
            _indicator_row(ws, row, indicator, report, total, total_column, styles)
            row += 1


def _header(ws: Worksheet, report: RoundReport, total_column: int, styles: Styles) -> None:
    put(ws, HEADER_ROW, STT, words.STT, HEADER, styles)
    put(ws, HEADER_ROW, LABEL, words.INDICATOR, HEADER, styles)
    put(ws, HEADER_ROW, UNIT, words.UNIT, HEADER, styles)
    for offset, unit in enumerate(report.units):
        put(ws, HEADER_ROW, FIRST_UNIT + offset, unit.unit.name, HEADER, styles)
    put(ws, HEADER_ROW, total_column, words.TOTAL, HEADER, styles)
    names = [(u.unit.name, UNIT_WIDTH, True) for u in report.units]
    fit_row(ws, HEADER_ROW, names)


def _section_row(
    ws: Worksheet, row: int, section: Section, total_column: int, styles: Styles
) -> None:
    put(ws, row, STT, section.code, look("center", True), styles)
    put(ws, row, LABEL, section.label, look("left", True), styles)
    for column in range(UNIT, total_column + 1):
        put(ws, row, column, None, look("center", True), styles)
    label = (section.label, LABEL_WIDTHS[LABEL - 1], True)
    fit_row(ws, row, [label])


def _indicator_row(
    ws: Worksheet,
    row: int,
    indicator: Indicator,
    report: RoundReport,
    total: Mapping[str, Decimal],
    total_column: int,
    styles: Styles,
) -> None:
    bold = indicator.kind is Kind.GROUP
    italic = indicator.italic
    unit = indicator.unit_column or None
    put(ws, row, STT, indicator.stt, look("center", bold), styles)
    put(ws, row, LABEL, indicator.label, look("left", bold, italic), styles)
    put(ws, row, UNIT, unit, look("center", bold, italic), styles)
    texts: list[tuple[str | None, float, bool]] = []
    for offset, unit_report in enumerate(report.units):
        value, number_format = cell_value(indicator, unit_report.value(indicator.code))
        if isinstance(value, str):
            texts.append((value, UNIT_WIDTH, bold))
        put(ws, row, FIRST_UNIT + offset, value, look("right", bold, italic, number_format), styles)
    value, number_format = cell_value(indicator, total.get(indicator.code))
    put(ws, row, total_column, value, look("right", True, italic, number_format), styles)
    fit_row(
        ws,
        row,
        (
            (indicator.label, LABEL_WIDTHS[LABEL - 1], bold),
            (unit, LABEL_WIDTHS[UNIT - 1], bold),
            *texts,
        ),
        max_lines=MAX_LINES,
    )
