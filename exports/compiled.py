"""The reviewer's workbook: the summary table, who has submitted, and every unit's appendix.

Sheet order follows what a reviewer opens first: the totals, then the submission status (a
district chasing late communes looks there next), then one appendix per unit in code order.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from openpyxl.workbook import Workbook

from exports import words
from exports.appendix import write_appendix_sheet
from exports.data import RoundReport
from exports.sheet_titles import unique_titles
from exports.status_sheet import write_status_sheet
from exports.styles import Styles
from exports.summary_sheet import write_summary_sheet
from exports.xlsx import new_workbook, to_bytes


def compiled_workbook(report: RoundReport, zone: ZoneInfo) -> Workbook:
    workbook = new_workbook(words.summary_title(report.round.period, report.top.name))
    styles = Styles(workbook)
    summary = workbook.active
    assert summary is not None
    summary.title = words.SUMMARY_SHEET
    write_summary_sheet(summary, report, zone, styles)
    write_status_sheet(workbook.create_sheet(words.STATUS_SHEET), report, zone, styles)
    titles = unique_titles(
        (u.unit.name for u in report.units), taken=(words.SUMMARY_SHEET, words.STATUS_SHEET)
    )
    for unit, title in zip(report.units, titles, strict=True):
        write_appendix_sheet(workbook.create_sheet(title), unit, styles)
    return workbook


def compiled_bytes(report: RoundReport, zone: ZoneInfo) -> bytes:
    return to_bytes(compiled_workbook(report, zone))
