"""Where each user is in the dialogue, kept across restarts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sample_report import Report

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


def test_an_update_is_claimed_once_and_its_replies_are_kept(store: Store) -> None:
    now = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
    with store.transaction() as repo:
        assert repo.claim_update("telegram", "1001", now) is None
        repo.record_replies("telegram", "1001", '[{"text": "✓ Đã lưu: 785 Hồ sơ"}]')
    with store.transaction() as repo:
        assert repo.claim_update("telegram", "1001", now) == '[{"text": "✓ Đã lưu: 785 Hồ sơ"}]'
        assert repo.claim_update("zalo", "1001", now) is None


def test_a_claim_rolled_back_with_its_transaction_can_be_made_again(store: Store) -> None:
    now = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
    with pytest.raises(RuntimeError), store.transaction() as repo:
        repo.claim_update("telegram", "1002", now)
        raise RuntimeError("the process died before commit")
    with store.transaction() as repo:
        assert repo.claim_update("telegram", "1002", now) is None


def test_old_claims_are_forgotten(store: Store) -> None:
    now = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
    with store.transaction() as repo:
        repo.claim_update("telegram", "1", now - timedelta(days=10))
        repo.claim_update("telegram", "2", now)
    with store.transaction() as repo:
        assert repo.forget_updates(now - timedelta(days=7)) == 1
        assert repo.claim_update("telegram", "1", now) is None
