"""`cchc-bot round …`: opening, extending and closing rounds, as an admin types them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import test_cli

from flows import periods
from storage.db import Store
from storage.errors import RoundStillOpen

run = test_cli.run  # the fixture: the command line against a new SQLite file


def open_xa(run, period: str, *extra: str, ok: bool = True) -> str:
    return run("round", "open", "--template", "xa", "--period", period, *extra, ok=ok)


def test_a_date_may_be_written_day_first(run):
    out = open_xa(
        run,
        "2024-Q3",
        "--cutoff-start",
        "16/06/2024",
        "--cutoff-end",
        "15.09.2024",
        "--deadline",
        "25/9/2024",
    )
    assert "chốt số 16/06/2024–15/09/2024, hạn nộp 25/09/2024" in out


def test_a_date_may_be_written_year_first(run):
    out = open_xa(run, "2024-Q3", "--deadline", "2024-09-25")
    assert "hạn nộp 25/09/2024" in out


def test_a_date_in_another_form_is_refused_naming_the_accepted_forms(run):
    out = open_xa(run, "2024-Q3", "--deadline", "09/20/24", ok=False)
    assert (
        "Lỗi: Hạn nộp '09/20/24' không đúng dạng ngày: "
        "viết ngày/tháng/năm như 20/09/2024, hoặc 2024-09-20."
    ) in out


def test_a_date_not_on_the_calendar_is_refused(run):
    out = open_xa(run, "2024-Q3", "--deadline", "31/09/2024", ok=False)
    assert "Hạn nộp '31/09/2024' không có trên lịch" in out


def test_the_accepted_date_forms_are_in_the_help(run):
    out = " ".join(run("round", "open", "--help").replace("│", " ").split())
    assert "Hạn nộp: ngày/tháng/năm như 20/09/2024, hoặc 2024-09-20" in out


def test_a_deadline_inside_the_cutoff_window_is_refused(run):
    # After the window starts (15/06) but before it ends (14/09): nobody could report in time.
    out = open_xa(run, "2024-Q3", "--deadline", "10/09/2024", ok=False)
    assert (
        "Lỗi: Hạn nộp 10/09/2024 sớm hơn ngày kết thúc chốt số liệu 14/09/2024: "
        "hạn nộp phải từ ngày 14/09/2024 trở đi."
    ) in out
    assert "Chưa có kỳ báo cáo nào." in run("round", "list")


def test_a_deadline_on_the_last_day_of_the_window_is_accepted(run):
    assert "hạn nộp 14/09/2024" in open_xa(run, "2024-Q3", "--deadline", "14/09/2024")


def test_a_round_is_refused_while_the_previous_one_of_its_template_is_open(run):
    open_xa(run, "2024-Q2")
    out = open_xa(run, "2024-Q3", ok=False)
    assert (
        "Lỗi: Kỳ 2024-Q2 của biểu 'xa' vẫn đang mở. "
        "Hãy đóng kỳ đó trước khi mở kỳ mới: cchc-bot round close 2024-Q2"
    ) in out


def test_once_the_previous_round_is_closed_the_next_one_opens(run):
    open_xa(run, "2024-Q2")
    out = run("round", "close", "2024-Q2")
    assert "✓ Đã đóng kỳ Quý II/2024 (biểu xa): bot không nhận số liệu" in out
    assert "✓ Đã mở kỳ Quý III/2024" in open_xa(run, "2024-Q3")
    listed = run("round", "list")
    assert "xa     2024-Q2  đã đóng" in listed and "xa     2024-Q3  đang mở" in listed


def test_another_templates_open_round_does_not_stop_a_round_opening(run):
    run("round", "open", "--template", "huyen", "--period", "2024-Q2")
    assert "✓ Đã mở kỳ Quý III/2024 (biểu xa, phiên bản 1)" in open_xa(run, "2024-Q3")


def test_the_period_in_progress_opens_beside_the_last_one_and_says_it_is_still_open(run):
    current = periods.quarter_of(date.today())
    previous = current.previous_quarter()
    open_xa(run, previous.code)
    out = open_xa(run, current.code)
    assert f"✓ Đã mở kỳ {current.label}" in out
    assert f"Lưu ý: kỳ {previous.code} của biểu xa vẫn đang mở" in out


def test_closing_a_closed_round_says_so_and_changes_nothing(run):
    open_xa(run, "2024-Q3")
    run("round", "close", "2024-Q3")
    assert "Kỳ Quý III/2024 (biểu xa) đã đóng từ trước." in run("round", "close", "2024-Q3")


def test_closing_a_period_open_for_two_templates_needs_the_template(run):
    open_xa(run, "2024-Q3")
    run("round", "open", "--template", "huyen", "--period", "2024-Q3")
    out = run("round", "close", "2024-Q3", ok=False)
    assert "Lỗi: kỳ 2024-Q3 có nhiều biểu (huyen, xa): chọn một bằng --template." in out
    assert "(biểu huyen)" in run("round", "close", "2024-Q3", "--template", "huyen")
    assert "xa     2024-Q3  đang mở" in run("round", "list")


def test_closing_a_period_never_opened_is_refused(run):
    out = run("round", "close", "2023-Q1", ok=False)
    assert "Lỗi: chưa mở kỳ báo cáo 2023-Q1 (xem: cchc-bot round list)." in out


def test_extend_moves_the_deadline(run):
    open_xa(run, "2024-Q3")
    out = run("round", "extend", "2024-Q3", "--deadline", "30/09/2024")
    assert "✓ Đã đổi hạn nộp kỳ Quý III/2024 (biểu xa): 20/09/2024 → 30/09/2024." in out
    assert "hạn 30/09/2024" in run("round", "list")


def test_extend_refuses_a_date_before_the_end_of_the_cutoff_window(run):
    open_xa(run, "2024-Q3")
    out = run("round", "extend", "2024-Q3", "--deadline", "2024-09-13", ok=False)
    assert "Lỗi: Hạn nộp 13/09/2024 sớm hơn ngày kết thúc chốt số liệu 14/09/2024" in out
    assert "hạn 20/09/2024" in run("round", "list")


def test_extend_refuses_a_closed_round(run):
    open_xa(run, "2024-Q3")
    run("round", "close", "2024-Q3")
    out = run("round", "extend", "2024-Q3", "--deadline", "30/09/2024", ok=False)
    assert "Lỗi: Kỳ báo cáo 2024-Q3 của biểu 'xa' đã đóng." in out


# --- the rule behind `round open`, as the repository keeps it for every caller ----------------
NOW = datetime(2024, 9, 16, 1, 0, tzinfo=UTC)  # Quý IV/2024's window started the day before
Q2 = (date(2024, 3, 15), date(2024, 6, 14), date(2024, 6, 20))
Q3 = (date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20))
Q4 = (date(2024, 9, 15), date(2024, 12, 14), date(2024, 12, 20))


def test_an_earlier_period_may_be_opened_beside_an_open_one(store: Store):
    with store.transaction() as repo:
        repo.open_round("xa", "2024-Q3", *Q3, NOW)
        repo.open_round("xa", "2024-Q2", *Q2, NOW)  # filling in history
        assert [r.period for r in repo.open_rounds("xa")] == ["2024-Q2", "2024-Q3"]


def test_the_period_in_progress_may_be_opened_while_the_last_one_is_still_due(store: Store):
    # What ROUND_CALENDAR does on the 15th: Quý III is due on the 20th, Quý IV has begun.
    with store.transaction() as repo:
        repo.open_round("xa", "2024-Q3", *Q3, NOW)
        repo.open_round("xa", "2024-Q4", *Q4, NOW)
        assert [r.period for r in repo.open_rounds("xa")] == ["2024-Q3", "2024-Q4"]


def test_a_finished_period_is_refused_while_an_earlier_round_is_open(store: Store):
    with store.transaction() as repo:
        repo.open_round("xa", "2024-Q2", *Q2, NOW)
    with store.transaction() as repo, pytest.raises(RoundStillOpen) as refused:
        repo.open_round("xa", "2024-Q3", *Q3, NOW)
    assert refused.value.open_periods == ["2024-Q2"]
    with store.transaction() as repo:
        assert [r.period for r in repo.rounds("xa")] == ["2024-Q2"]


def test_close_others_closes_the_templates_other_open_rounds(store: Store):
    with store.transaction() as repo:
        repo.open_round("xa", "2024-Q2", *Q2, NOW)
        repo.open_round("huyen", "2024-Q2", *Q2, NOW)
        repo.open_round("xa", "2024-Q3", *Q3, NOW + timedelta(days=1), close_others=True)
    with store.transaction() as repo:
        assert [(r.template, r.period) for r in repo.open_rounds()] == [
            ("huyen", "2024-Q2"),
            ("xa", "2024-Q3"),
        ]
