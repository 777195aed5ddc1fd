"""Where each user is in the dialogue, kept across restarts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

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
