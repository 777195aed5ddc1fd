"""The reminder ladder: which step is due when, and quiet hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from flows.reminders import Policy, latest_due, quiet

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = Policy()
OPENED = datetime(2024, 9, 10, 8, 0, tzinfo=VN)
DEADLINE = date(2024, 9, 20)


def due(y, m, d, hh=12, mm=0):
    step = latest_due(OPENED, DEADLINE, datetime(y, m, d, hh, mm, tzinfo=VN), POLICY, VN)
    return step.key if step else None


def test_nothing_before_the_round_opens():
    assert due(2024, 9, 10, 7, 59) is None


def test_opening_is_the_first_step():
    assert due(2024, 9, 10, 8, 0) == "open"


def test_seven_three_one_days_before_and_on_the_day_at_eight():
    assert due(2024, 9, 13, 7, 59) == "open"
    assert due(2024, 9, 13, 8, 0) == "d-7"
    assert due(2024, 9, 17, 8, 0) == "d-3"
    assert due(2024, 9, 19, 8, 0) == "d-1"
    assert due(2024, 9, 20, 8, 0) == "d-0"


def test_daily_once_late():
    assert due(2024, 9, 21, 7, 0) == "d-0"
    assert due(2024, 9, 21, 8, 0) == "late:2024-09-21"
    assert due(2024, 9, 22, 9, 0) == "late:2024-09-22"


def test_after_a_missed_window_only_the_latest_step_is_due():
    assert due(2024, 9, 18, 9, 0) == "d-3"  # down since the 12th: d-7 is never sent


def test_a_round_opened_late_skips_steps_already_past():
    opened = datetime(2024, 9, 18, 10, 0, tzinfo=VN)
    step = latest_due(opened, DEADLINE, opened, POLICY, VN)
    assert step is not None and step.key == "open"


def test_quiet_hours_span_midnight():
    assert quiet(datetime(2024, 9, 10, 21, 0, tzinfo=VN), POLICY, VN)
    assert quiet(datetime(2024, 9, 11, 6, 59, tzinfo=VN), POLICY, VN)
    assert not quiet(datetime(2024, 9, 11, 7, 0, tzinfo=VN), POLICY, VN)


def test_equal_quiet_bounds_mean_never_quiet():
    never = Policy(quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert not quiet(datetime(2024, 9, 11, 3, 0, tzinfo=VN), never, VN)


@given(st.integers(0, 20 * 24 * 60))
def test_the_due_step_only_ever_moves_forward(minutes):
    now = OPENED + timedelta(minutes=minutes)
    later = now + timedelta(minutes=30)
    first = latest_due(OPENED, DEADLINE, now, POLICY, VN)
    second = latest_due(OPENED, DEADLINE, later, POLICY, VN)
    assert first is not None and second is not None and first.due <= second.due
