"""Chat messages in transactions: one at a time from a thread, or on SQLite several committed
together from the event loop.

SQLite lets one writer in at a time, and every commit syncs the file (``synchronous=FULL``).
When each message is its own transaction on a thread of its own, the threads queue on the write
lock and each pays for a sync; worse, every SQLite call releases Python's GIL, so a writer
thread and the event loop hand the GIL back and forth dozens of times a message, which the
Telegram benchmark measured as the loop's own CPU per message up by half and the bot handling
half as many messages (bench/telegram_bench.py). So on SQLite the transports' messages are
applied on the event loop itself: those that arrive in one pass of the loop (a getUpdates
batch, a burst of webhook calls) are applied in one transaction, and one COMMIT makes them all
durable together. No caller's future resolves before that commit, so every reply still follows
its answer onto the disk, and what a message asked to run after its commit
(``Repository.after_commit``) runs first.

Each message keeps its own fate: if one fails, the whole transaction is rolled back and the
batch applied again with each message in a SAVEPOINT of its own, so the one that fails is rolled
back alone and its caller gets the error. Messages almost never fail, so the first attempt takes
no savepoints, whose bookkeeping in SQLAlchemy's session was a quarter of a batched answer's
CPU (bench/answer_bench.py). Running a message twice is safe: nothing of the first attempt was
committed, and a message changes nothing outside the database before its commit (what it keeps
in memory waits for ``Repository.after_commit``).

PostgreSQL locks rows, not the database, and waits on the network, so its messages run side by
side on threads, each in its own transaction; batching them would make one transaction hold
several people's locks and deadlock against another process doing the same in another order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.repository import Repository

if TYPE_CHECKING:
    from storage.db import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Repository], T]
# What runs when a job failed on a unique key: its result instead, or None when the conflict is
# not one it knows (the job's own error stands).
Fallback = Callable[[Repository], T | None]

# Messages in one SQLite transaction at most: enough to share a sync among a burst, few enough
# that the loop is back to the network within a few tens of milliseconds.
MAX_BATCH = 32


@dataclass(eq=False)
class _Job(Generic[T]):
    work: Work[T]
    on_conflict: Fallback[T] | None
    future: asyncio.Future[T]


class LoopBatches:
    """SQLite's messages applied on the event loop, those of one pass in one transaction."""

    def __init__(self, store: Store, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.max_batch = max_batch
        self._waiting: list[_Job[Any]] = []

    def submit(self, work: Work[T], on_conflict: Fallback[T] | None = None) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._flush)
        self._waiting.append(_Job(work, on_conflict, future))
        return future

    def _flush(self) -> None:
        jobs, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
        if self._waiting:  # the rest after the loop has looked at the network again
            asyncio.get_running_loop().call_soon(self._flush)
        live = [job for job in jobs if not job.future.cancelled()]
        if live:
            write_batch(self.store, live)


def write_batch(store: Store, jobs: list[_Job[Any]]) -> None:
    """Apply ``jobs`` in one transaction and settle each one's future once it is committed."""
    if len(jobs) == 1:  # nothing to share the commit with: no savepoint needed
        job = jobs[0]
        try:
            job.future.set_result(run_alone(store, job.work, job.on_conflict))
        except Exception as exc:
            job.future.set_exception(exc)
        return
    try:
        done = _all_or_none(store, jobs)
        if done is None:  # one of them failed: each on its own this time
            done = _each_in_a_savepoint(store, jobs)
    except Exception as exc:  # BEGIN or COMMIT failed: nothing of the batch is stored
        log.error("a batch of %d messages failed: %s: %s", len(jobs), type(exc).__name__, exc)
        for job in jobs:
            if not job.future.done():
                job.future.set_exception(exc)
        return
    for job, result, repo in done:
        repo.run_after_commit()
        job.future.set_result(result)


class _OneFailed(Exception):
    """Leaves the first attempt's transaction, which rolls it back."""


Done = list[tuple[_Job[Any], Any, Repository]]


def _all_or_none(store: Store, jobs: list[_Job[Any]]) -> Done | None:
    """Every job in one transaction without savepoints, committed; None (and nothing stored)
    as soon as one fails."""
    done: Done = []
    try:
        with store.session() as session:
            for job in jobs:
                repo = Repository(session)
                try:
                    result = job.work(repo)
                except Exception as exc:
                    raise _OneFailed from exc
                done.append((job, result, repo))
    except _OneFailed:
        return None
    return done


def _each_in_a_savepoint(store: Store, jobs: list[_Job[Any]]) -> Done:
    done: Done = []
    with store.session() as session:
        for job in jobs:
            applied = _in_savepoint(session, job)
            if applied is not None:
                done.append((job, *applied))
    return done


def _in_savepoint(session: Session, job: _Job[T]) -> tuple[T, Repository] | None:
    """One job of a batch, rolled back alone if it fails; None then (its future says why).

    A conflict (another process recorded the same update meanwhile) runs the job's fallback.
    """
    repo = Repository(session)
    try:
        with session.begin_nested():
            return job.work(repo), repo
    except IntegrityError as exc:
        if job.on_conflict is None:
            job.future.set_exception(exc)
            return None
        conflict = exc
    except Exception as exc:
        job.future.set_exception(exc)
        return None
    retry = Repository(session)
    try:
        with session.begin_nested():
            result = job.on_conflict(retry)
    except Exception as exc:
        job.future.set_exception(exc)
        return None
    if result is None:
        job.future.set_exception(conflict)
        return None
    return result, retry


def run_alone(store: Store, work: Work[T], on_conflict: Fallback[T] | None = None) -> T:
    """One job, one transaction; on a conflict (another process took its key), the fallback
    in a transaction of its own."""
    try:
        with store.transaction() as repo:
            return work(repo)
    except IntegrityError:
        if on_conflict is None:
            raise
        with store.transaction() as repo:
            result = on_conflict(repo)
        if result is None:
            raise
        return result
