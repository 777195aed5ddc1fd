"""What a bot restart, a crash mid-message and a server in another time zone must not change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sample_report import Report

from storage.db import Store

NOW = datetime(2024, 9, 17, 2, 0, tzinfo=UTC)
HANOI = timezone(timedelta(hours=7))


def test_committed_answer_is_seen_by_a_restarted_store(
    database_url: str, store: Store, report: Report
) -> None:
    with store.transaction() as repo:
        repo.save_answer(report.submission_id, "VI.1.2", "4318.9", False, report.officer_id, NOW)
    store.dispose()
    restarted = Store(database_url)
    try:
        with restarted.transaction() as repo:
            answer = repo.answers(report.submission_id)["VI.1.2"]
        assert (answer.value, answer.updated_by) == ("4318.9", report.officer_id)
    finally:
        restarted.dispose()


def test_an_exception_rolls_the_whole_message_back(store: Store, report: Report) -> None:
    with pytest.raises(RuntimeError), store.transaction() as repo:
        repo.save_answer(report.submission_id, "III.2.2", "790", False, report.officer_id, NOW)
        raise RuntimeError("reply could not be built")
    with store.transaction() as repo:
        assert repo.answers(report.submission_id) == {}
        assert repo.history(report.submission_id) == []


def test_datetimes_read_back_timezone_aware_in_utc(store: Store, report: Report) -> None:
    local = datetime(2024, 9, 17, 9, 0, tzinfo=HANOI)
    with store.transaction() as repo:
        repo.save_answer(report.submission_id, "III.2.2", "790", False, report.officer_id, local)
    with store.transaction() as repo:
        stamps = [
            repo.answers(report.submission_id)["III.2.2"].updated_at,
            repo.history(report.submission_id)[0].at,
        ]
    for stamp in stamps:
        assert stamp.utcoffset() == timedelta(0) and stamp.tzinfo is UTC
        assert stamp == datetime(2024, 9, 17, 2, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(store: Store, report: Report) -> None:
    with store.transaction() as repo, pytest.raises(ValueError, match="naive"):
        repo.save_answer(
            report.submission_id, "III.2.2", "790", False, None, datetime(2024, 9, 17, 9, 0)
        )
