"""Where each user is in the dialogue, kept across restarts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sample_report import Report
from sqlalchemy.exc import IntegrityError

from storage.db import Store

NOW = datetime(2024, 9, 17, 2, 0, tzinfo=UTC)


def test_conversation_state_round_trips(store: Store, report: Report) -> None:
    first = json.dumps({"submission": report.submission_id, "session": {"code": "III.2.2"}})
    second = json.dumps({"submission": report.submission_id, "session": {"code": "III.2.3"}})
    with store.transaction() as repo:
        assert repo.load_state(report.officer_id) is None
        repo.save_state(report.officer_id, first, NOW)
    with store.transaction() as repo:
        assert repo.load_state(report.officer_id) == first
        repo.save_state(report.officer_id, second, NOW + timedelta(minutes=1))
    with store.transaction() as repo:
        assert repo.load_state(report.officer_id) == second


def test_a_handled_update_is_recorded_with_its_replies(store: Store) -> None:
    now = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
    with store.transaction() as repo:
        assert repo.handled_replies("telegram", "1001") is None
        repo.record_update("telegram", "1001", '[{"text": "✓ Đã lưu: 785 Hồ sơ"}]', now)
    with store.transaction() as repo:
        assert repo.handled_replies("telegram", "1001") == '[{"text": "✓ Đã lưu: 785 Hồ sơ"}]'
        assert repo.handled_replies("zalo", "1001") is None


def test_recording_an_update_twice_fails_so_its_transaction_rolls_back(store: Store) -> None:
    now = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
    with store.transaction() as repo:
        repo.record_update("telegram", "1002", "[]", now)
    with pytest.raises(IntegrityError), store.transaction() as repo:
        repo.record_update("telegram", "1002", "[]", now)


def test_a_record_rolled_back_with_its_transaction_leaves_the_update_new(store: Store) -> None:
    now = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
    with pytest.raises(RuntimeError), store.transaction() as repo:
        repo.record_update("telegram", "1003", "[]", now)
        raise RuntimeError("the process died before commit")
    with store.transaction() as repo:
        assert repo.handled_replies("telegram", "1003") is None


def test_old_update_records_are_forgotten(store: Store) -> None:
    now = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
    with store.transaction() as repo:
        repo.record_update("telegram", "1", "[]", now - timedelta(days=10))
        repo.record_update("telegram", "2", "[]", now)
    with store.transaction() as repo:
        assert repo.forget_updates(now - timedelta(days=7)) == 1
        assert repo.handled_replies("telegram", "1") is None
        assert repo.handled_replies("telegram", "2") == "[]"
