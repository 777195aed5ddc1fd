"""Reporting rounds and each unit's report within a round."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from storage.db import Store
from storage.errors import RoundExists
from storage.models import Submission

NOW = datetime(2024, 9, 16, 1, 0, tzinfo=UTC)
Q3 = (date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20))
Q2 = (date(2024, 3, 15), date(2024, 6, 14), date(2024, 6, 20))


def test_round_is_unique_per_template_and_period(store: Store) -> None:
    with store.transaction() as repo:
        repo.open_round("xa", "2024-Q3", *Q3, NOW)
        repo.open_round("huyen", "2024-Q3", *Q3, NOW)
    with store.transaction() as repo, pytest.raises(RoundExists, match="2024-Q3"):
        repo.open_round("xa", "2024-Q3", *Q3, NOW)
    with store.transaction() as repo:
        assert [(r.template, r.period) for r in repo.rounds()] == [
            ("huyen", "2024-Q3"),
            ("xa", "2024-Q3"),
        ]


def test_open_rounds_are_ordered_by_cutoff_and_leave_out_closed_ones(store: Store) -> None:
    with store.transaction() as repo:
        q3 = repo.open_round("xa", "2024-Q3", *Q3, NOW)
        q2 = repo.open_round("xa", "2024-Q2", *Q2, NOW)
        repo.open_round("huyen", "2024-Q3", *Q3, NOW)
    with store.transaction() as repo:
        assert [r.period for r in repo.open_rounds("xa")] == ["2024-Q2", "2024-Q3"]
        repo.close_round(q2.id or 0)
    with store.transaction() as repo:
        assert [r.id for r in repo.open_rounds("xa")] == [q3.id]
        assert [r.status for r in repo.rounds("xa")] == ["closed", "open"]


def test_submission_get_or_create_is_idempotent(store: Store, units: dict[str, int]) -> None:
    with store.transaction() as repo:
        round_id = repo.open_round("xa", "2024-Q3", *Q3, NOW).id or 0
        assert repo.submission(round_id, units["SONHA"], create=False) is None
        first = repo.submission(round_id, units["SONTRUNG"])
    with store.transaction() as repo:
        second = repo.submission(round_id, units["SONTRUNG"])
        rows = repo.session.exec(select(Submission)).all()
    assert first is not None and second is not None
    assert second.id == first.id and second.status == "draft"
    assert len(rows) == 1
