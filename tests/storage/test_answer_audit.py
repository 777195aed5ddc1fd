"""Saving figures, notes and statuses, and the audit trail every change leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sample_report import Report

from storage.db import Store
from storage.repository import Progress

T0 = datetime(2024, 9, 17, 2, 15, tzinfo=UTC)
T1 = T0 + timedelta(minutes=3)
T2 = T0 + timedelta(minutes=9)


def test_save_answer_audits_only_real_changes(store: Store, report: Report) -> None:
    sid, officer = report.submission_id, report.officer_id
    with store.transaction() as repo:
        assert repo.save_answer(sid, "III.2.2", "790", False, officer, T0) is True
        assert repo.save_answer(sid, "III.2.2", "790", False, officer, T1) is False
        assert repo.save_answer(sid, "III.2.2", None, True, officer, T2) is True
    with store.transaction() as repo:
        changes = [(c.field, c.code, c.old, c.new) for c in repo.history(sid)]
        answer = repo.answers(sid)["III.2.2"]
    assert changes == [("value", "III.2.2", None, "790"), ("value", "III.2.2", "790", None)]
    assert (answer.value, answer.skipped, answer.updated_at) == (None, True, T2)


def test_history_shows_who_changed_what_when(store: Store, report: Report) -> None:
    sid, officer = report.submission_id, report.officer_id
    with store.transaction() as repo:
        repo.save_answer(sid, "III.2.3", "758", False, officer, T0)
        repo.save_answer(sid, "III.2.3", "785", False, None, T1)
    with store.transaction() as repo:
        history = repo.history(sid)
    assert [(c.user_id, c.at, c.old, c.new) for c in history] == [
        (officer, T0, None, "758"),
        (None, T1, "758", "785"),
    ]


def test_save_note_is_audited(store: Store, report: Report) -> None:
    sid, officer = report.submission_id, report.officer_id
    note = "Gồm 5 hồ sơ tiếp nhận trực tuyến"
    with store.transaction() as repo:
        assert repo.save_note(sid, "III.2.2", note, officer, T0) is True
        assert repo.save_note(sid, "III.2.2", note, officer, T1) is False
        assert repo.save_note(sid, "III.2.2", None, officer, T2) is True
    with store.transaction() as repo:
        answer = repo.answers(sid)["III.2.2"]
        changes = [(c.field, c.old, c.new, c.at) for c in repo.history(sid)]
    assert (answer.value, answer.skipped, answer.note) == (None, False, None)
    assert changes == [("note", None, note, T0), ("note", note, None, T2)]


def test_set_status_submitted_stamps_time_and_user(store: Store, report: Report) -> None:
    sid, officer = report.submission_id, report.officer_id
    with store.transaction() as repo:
        repo.set_status(sid, "submitted", officer, T1)
    with store.transaction() as repo:
        submission = repo.submission(report.round_id, report.unit_id, create=False)
        changes = [(c.code, c.field, c.old, c.new, c.user_id) for c in repo.history(sid)]
    assert submission is not None
    assert (submission.status, submission.submitted_at, submission.submitted_by) == (
        "submitted",
        T1,
        officer,
    )
    assert changes == [("", "status", "draft", "submitted", officer)]


def test_returning_a_report_keeps_the_reason(store: Store, report: Report) -> None:
    sid = report.submission_id
    reason = "Chỉ tiêu III.2.3 lớn hơn số hồ sơ tiếp nhận, đề nghị kiểm tra lại."
    with store.transaction() as repo:
        repo.set_status(sid, "submitted", report.officer_id, T0)
        repo.set_status(sid, "returned", None, T1, note=reason)
    with store.transaction() as repo:
        submission = repo.submission(report.round_id, report.unit_id, create=False)
        statuses = [(c.old, c.new) for c in repo.history(sid)]
    assert submission is not None
    assert (submission.status, submission.status_note) == ("returned", reason)
    assert statuses == [("draft", "submitted"), ("submitted", "returned")]


def test_progress_counts_answered_and_skipped_asked_codes_per_submission(
    store: Store, report: Report
) -> None:
    now = datetime(2024, 9, 17, 2, 0, tzinfo=UTC)
    sid = report.submission_id
    with store.transaction() as repo:
        repo.save_answer(sid, "III.2.2", "790", False, report.officer_id, now)
        repo.save_answer(sid, "III.2.3", "785", False, report.officer_id, now)
        repo.save_answer(sid, "III.2.1", "99.37", False, report.officer_id, now)  # computed
        repo.save_answer(sid, "I.1", None, True, report.officer_id, now)
        repo.save_note(sid, "I.3.1", "VHXH, TP-HT", report.officer_id, now)  # a note alone
        counted = repo.progress(report.round_id, ["III.2.2", "III.2.3", "I.1", "I.3.1"])
    assert counted == {sid: Progress(filled=2, skipped=1)}
