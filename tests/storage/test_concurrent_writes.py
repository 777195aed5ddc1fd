"""Two bot processes (or threads) writing the same rows at once: nobody's write is lost.

The first writer holds its transaction open while the second starts; the second must wait for it
(asserted), then build on what it committed rather than fail or overwrite it blindly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sample_report import Report
from sqlmodel import select

from storage.db import Store
from storage.models import Submission
from storage.repository import Repository

NOW = datetime(2024, 9, 17, 2, 0, tzinfo=UTC)
T = TypeVar("T")


def _while_holding(
    store: Store, first: Callable[[Repository], object], second: Callable[[Repository], T]
) -> T:
    """Run `first` in an open transaction, start `second` in another thread, then commit first."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future: Future[T]
        with store.transaction() as repo:
            first(repo)
            future = pool.submit(lambda: _in_transaction(store, second))
            time.sleep(0.5)
            assert not future.done(), "the second writer did not wait for the first"
        return future.result(timeout=30)


def _in_transaction(store: Store, work: Callable[[Repository], T]) -> T:
    with store.transaction() as repo:
        return work(repo)


def test_concurrent_first_writes_of_one_answer_are_both_kept(store: Store, report: Report) -> None:
    sid, officer = report.submission_id, report.officer_id
    changed = _while_holding(
        store,
        lambda repo: repo.save_answer(sid, "III.2.2", "709", False, officer, NOW),
        lambda repo: repo.save_answer(
            sid, "III.2.2", "790", False, None, NOW + timedelta(seconds=1)
        ),
    )
    assert changed is True
    with store.transaction() as repo:
        assert repo.answers(sid)["III.2.2"].value == "790"
        assert [(c.old, c.new, c.user_id) for c in repo.history(sid)] == [
            (None, "709", officer),
            ("709", "790", None),
        ]


def test_concurrent_submission_creation_leaves_one_row(store: Store, report: Report) -> None:
    with store.transaction() as repo:
        q4 = repo.open_round("xa", "2024-Q4", NOW.date(), NOW.date(), NOW.date(), NOW)
    round_id, unit_id = q4.id or 0, report.unit_id
    created: list[int | None] = []
    second = _while_holding(
        store,
        lambda repo: created.append(getattr(repo.submission(round_id, unit_id), "id", None)),
        lambda repo: repo.submission(round_id, unit_id),
    )
    assert second is not None and created == [second.id]
    with store.transaction() as repo:
        rows = repo.session.exec(select(Submission).where(Submission.round_id == round_id)).all()
    assert len(rows) == 1
