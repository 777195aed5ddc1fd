"""The "Tình hình nộp" sheet: who has submitted, when, by whom, on time or not, how complete.

Times are shown in the deployment's local time and a deadline lasts to the end of its day
there, the way officers read "hạn nộp 20/09": a report sent at 23:30 on the 20th is on time.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl.worksheet.worksheet import Worksheet

from exports import words
from exports.cells import fit_row, put, put_merged, set_widths, use_one_line_default
from exports.data import RoundReport, UnitReport
from exports.printing import set_up_page
from exports.styles import DATETIME_FORMAT, HEADER, SUBTITLE, TITLE, Look, Styles

COLUMNS = (
    (words.UNIT_CODE, 14.0),
    (words.UNIT_NAME, 28.0),
    (words.STATE, 14.0),
    (words.SUBMITTED_AT, 17.0),
    (words.SUBMITTED_BY, 22.0),
    (words.TIMELINESS, 12.0),
    (words.ANSWERED, 13.0),
)
HEADER_ROW = 4


def timeliness(unit: UnitReport, deadline: date, as_of: datetime, zone: ZoneInfo) -> str:
    """'đúng hạn' / 'quá hạn' for a submitted report; a missing one is late once the day is over."""
    if unit.status.is_submitted and unit.submitted_at is not None:
        on_time = unit.submitted_at.astimezone(zone).date() <= deadline
        return words.ON_TIME if on_time else words.LATE
    return words.LATE if as_of.astimezone(zone).date() > deadline else ""


def write_status_sheet(
    ws: Worksheet, report: RoundReport, zone: ZoneInfo, styles: Styles | None = None
) -> None:
    styles = styles or Styles(ws.parent)
    widths = tuple(width for _, width in COLUMNS)
    set_widths(ws, widths)
    use_one_line_default(ws)
    last = len(COLUMNS)
    deadline = report.round.deadline
    title = words.status_title(report.round.period, report.top.name)
    put_merged(ws, 1, 1, last, title, TITLE, styles)
    submitted = sum(1 for u in report.units if u.status.is_submitted)
    as_of = words.as_of_line(report.as_of.astimezone(zone), deadline, submitted, len(report.units))
    put_merged(ws, 2, 1, last, as_of, SUBTITLE, styles)
    for column, (text, _) in enumerate(COLUMNS, start=1):
        put(ws, HEADER_ROW, column, text, HEADER, styles)
    headings = [(text, width, True) for text, width in COLUMNS]
    fit_row(ws, HEADER_ROW, headings)
    set_up_page(ws, header_rows=(HEADER_ROW, HEADER_ROW), first_data_cell=f"A{HEADER_ROW + 1}")
    left, center = Look("left"), Look("center")
    moment = Look("center", number_format=DATETIME_FORMAT)
    for row, unit in enumerate(report.units, start=HEADER_ROW + 1):
        at = unit.submitted_at.astimezone(zone).replace(tzinfo=None) if unit.submitted_at else None
        put(ws, row, 1, unit.unit.code, left, styles)
        put(ws, row, 2, unit.unit.name, left, styles)
        put(ws, row, 3, words.STATE_NAMES[unit.status.value], center, styles)
        put(ws, row, 4, at, moment, styles)
        put(ws, row, 5, unit.submitted_by, left, styles)
        put(ws, row, 6, timeliness(unit, deadline, report.as_of, zone) or None, center, styles)
        put(ws, row, 7, words.answered(unit.filled, unit.skipped, unit.total), center, styles)
        texts = [(unit.unit.name, widths[1], False), (unit.submitted_by, widths[4], False)]
        fit_row(ws, row, texts)
