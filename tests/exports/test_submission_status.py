"""States and timeliness in "Tình hình nộp", from plain reports: no database needed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from export_sheets import open_xlsx

from exports.compiled import compiled_bytes
from exports.data import RoundInfo, RoundReport, Stored, UnitInfo, build_unit_report
from exports.status_sheet import timeliness
from flows import catalog

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
XA = catalog.load("xa")
ROUND = RoundInfo(
    "xa", "2024-Q3", "Quý III/2024", date(2024, 9, 20), (date(2024, 6, 15), date(2024, 9, 14))
)
BEFORE_DEADLINE = datetime(2024, 9, 19, 3, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2024, 9, 20, 17, 30, tzinfo=UTC)  # 00:30 on the 21st, local time


def unit(code: str, status: str | None, answered: int = 0, at: datetime | None = None):
    stored = {i.code: Stored("1") for i in XA.asked if i.kind.value == "count"}
    picked = dict(list(stored.items())[:answered])
    return build_unit_report(
        XA, UnitInfo(code, f"Xã {code}", "xa"), ROUND, picked, status=status, submitted_at=at
    )


@pytest.mark.parametrize(
    ("status", "answered", "state"),
    [
        (None, 0, "chưa bắt đầu"),
        ("draft", 0, "chưa bắt đầu"),
        ("draft", 3, "đang nhập"),
        ("submitted", 5, "đã nộp"),
        ("returned", 5, "trả lại"),
        ("approved", 5, "đã duyệt"),
    ],
)
def test_each_state_reads_in_vietnamese(status, answered, state):
    report = RoundReport(
        ROUND,
        UnitInfo("SONHA", "Huyện Sơn Hà", "huyen"),
        (unit("A", status, answered),),
        BEFORE_DEADLINE,
    )
    ws = open_xlsx(compiled_bytes(report, ZONE))["Tình hình nộp"]
    assert ws.cell(5, 3).value == state
    assert ws.cell(5, 6).value is None  # before the deadline nobody is late yet


def test_a_report_submitted_by_the_end_of_the_deadline_day_is_on_time():
    on_the_day = unit("A", "submitted", 5, datetime(2024, 9, 20, 16, 59, tzinfo=UTC))
    next_day = unit("B", "submitted", 5, datetime(2024, 9, 20, 17, 0, tzinfo=UTC))
    assert timeliness(on_the_day, ROUND.deadline, AFTER_DEADLINE, ZONE) == "đúng hạn"
    assert timeliness(next_day, ROUND.deadline, AFTER_DEADLINE, ZONE) == "quá hạn"


def test_a_missing_report_is_late_only_once_the_deadline_day_is_over():
    draft = unit("A", "draft", 3)
    assert timeliness(draft, ROUND.deadline, datetime(2024, 9, 20, 16, 0, tzinfo=UTC), ZONE) == ""
    assert timeliness(draft, ROUND.deadline, AFTER_DEADLINE, ZONE) == "quá hạn"
