"""Messages applied from the event loop: on SQLite those of one pass share one transaction.

Each keeps its own fate (when one fails, the batch is applied again with a SAVEPOINT each, so
that one is rolled back alone), a duplicate of an update recorded in the same batch is answered
from the record, and no caller hears back before the commit. On PostgreSQL each message is its
own transaction, on a thread.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chat_officer import ZONE, Clock
from sqlalchemy import event, text

from bot.chat.conversations import Conversations, Sender
from bot.transports.console.demo import UNITS
from flows.engine import Command, Press, Text
from storage.db import Store
from storage.repository import Repository

OPENED = datetime(2024, 9, 10, 1, 0, tzinfo=UTC)
COMMUNES = ("SONTRUNG", "SONTHANH", "SONTHUONG", "PHOAN", "PHOCHAU")


def sqlite_store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'batch.sqlite3'}")


def commits(store: Store) -> list[int]:
    """A list that grows by one for every COMMIT the engine sends."""
    seen: list[int] = []
    event.listen(store.engine, "commit", lambda _connection: seen.append(1))
    return seen


def record(key: str, fail: bool = False) -> Any:
    """A job that records update ``key`` (and then fails, if asked)."""

    def work(repo: Repository) -> str:
        repo.record_update("telegram", key, f'[{{"text": "{key}"}}]', OPENED)
        if fail:
            raise RuntimeError(f"{key} failed")
        return key

    return work


def recorded(store: Store, key: str) -> str | None:
    with store.transaction() as repo:
        return repo.handled_replies("telegram", key)


def officers(store: Store) -> tuple[Conversations, list[Sender]]:
    """An officer in each of five communes, registered and at their first question."""
    clock = Clock(OPENED)
    conversations = Conversations(store, ZONE, clock)
    senders = [Sender("telegram", str(100 + n), f"Cán bộ {n}") for n in range(len(COMMUNES))]
    with store.transaction() as repo:
        repo.import_units(UNITS)
        repo.open_round("xa", "2024-Q3", OPENED.date(), OPENED.date(), OPENED.date(), OPENED)
        codes = [
            repo.create_invite(unit, "officer", OPENED, timedelta(days=3)).code for unit in COMMUNES
        ]
    for sender, code in zip(senders, codes, strict=True):
        conversations.handle(sender, Command("start", code))
        conversations.handle(sender, Press("start"))
    return conversations, senders


def test_answers_arriving_together_on_sqlite_are_committed_by_one_transaction(
    tmp_path: Path,
) -> None:
    store = sqlite_store(tmp_path)
    try:
        conversations, senders = officers(store)
        seen = commits(store)

        async def together() -> list[str]:
            outcomes = await asyncio.gather(
                *(
                    conversations.apply(s, Text(str(n + 1)), update_key=f"u{n}", seq=n)
                    for n, s in enumerate(senders)
                )
            )
            return [o.replies[0].text for o in outcomes]

        replies = asyncio.run(together())
        assert len(seen) == 1
        assert [r.splitlines()[0] for r in replies] == [
            f"✓ Đã lưu I.1: {n + 1} Văn bản" for n in range(len(senders))
        ]
        for n in range(len(senders)):  # every figure in its own report, once
            assert recorded(store, f"u{n}") is not None
    finally:
        store.dispose()


def sent_to_sqlite(store: Store) -> list[str]:
    """Every statement the SQLite driver runs from now on, savepoints included (they bypass
    SQLAlchemy's cursor events: storage/db)."""
    sent: list[str] = []
    store.engine.dispose()  # new connections, each traced from the start
    event.listen(
        store.engine,
        "connect",
        lambda driver, _record: driver.set_trace_callback(sent.append),
    )
    return sent


def test_a_batch_where_nothing_fails_takes_no_savepoints(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path)
    try:
        sent = sent_to_sqlite(store)

        async def batch() -> list[Any]:
            return await asyncio.gather(*(store.apply(record(k)) for k in "abc"))

        assert asyncio.run(batch()) == ["a", "b", "c"]
        assert [s for s in sent if "SAVEPOINT" in s.upper()] == []
        assert sum(s.upper().startswith("COMMIT") for s in sent) == 1
    finally:
        store.dispose()


def test_a_message_that_fails_in_a_batch_is_rolled_back_alone(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path)
    try:

        async def batch() -> list[Any]:
            return await asyncio.gather(
                store.apply(record("a")),
                store.apply(record("b", fail=True)),
                store.apply(record("c")),
                return_exceptions=True,
            )

        a, b, c = asyncio.run(batch())
        assert (a, c) == ("a", "c")
        assert isinstance(b, RuntimeError) and str(b) == "b failed"
        assert recorded(store, "a") is not None and recorded(store, "c") is not None
        assert recorded(store, "b") is None  # its write went with it
    finally:
        store.dispose()


def test_one_officers_answers_in_a_batch_that_fails_once_are_stored_once_and_in_order(
    tmp_path: Path,
) -> None:
    store = sqlite_store(tmp_path)
    try:
        conversations, senders = officers(store)
        officer = senders[0]

        async def batch() -> list[Any]:
            return await asyncio.gather(
                conversations.apply(officer, Text("12"), update_key="a1", seq=1),
                store.apply(record("broken", fail=True)),
                conversations.apply(officer, Text("37"), update_key="a2", seq=2),
                return_exceptions=True,
            )

        first, broken, second = asyncio.run(batch())
        assert isinstance(broken, RuntimeError)
        assert first.replies[0].text.startswith("✓ Đã lưu I.1: 12")
        assert second.replies[0].text.startswith("✓ Đã lưu I.2.1: 37")
        with store.engine.connect() as connection:
            changes = connection.execute(
                text("SELECT code, new FROM answer_changes WHERE field = 'value' ORDER BY id")
            ).all()
        assert [tuple(row) for row in changes] == [("I.1", "12"), ("I.2.1", "37")]
    finally:
        store.dispose()


def test_a_duplicate_update_in_the_same_batch_is_answered_by_its_fallback(
    tmp_path: Path,
) -> None:
    store = sqlite_store(tmp_path)
    try:

        def first_reply(repo: Repository) -> str | None:
            return repo.handled_replies("telegram", "same")

        async def batch() -> list[Any]:
            return await asyncio.gather(
                store.apply(record("same")),
                store.apply(record("same"), first_reply),
                store.apply(record("same")),  # no fallback: the key's error stands
                return_exceptions=True,
            )

        first, repeated, refused = asyncio.run(batch())
        assert first == "same"
        assert repeated == '[{"text": "same"}]'
        assert type(refused).__name__ == "IntegrityError"
    finally:
        store.dispose()


def test_no_caller_hears_back_before_the_batch_is_committed(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path)
    other = Store(store.engine.url.render_as_string(hide_password=False), migrate=False)
    try:

        async def batch() -> list[str | None]:
            async def one(key: str) -> str | None:
                await store.apply(record(key))
                return recorded(other, key)  # another connection: only committed rows

            return await asyncio.gather(one("x"), one("y"))

        assert all(asyncio.run(batch()))
    finally:
        other.dispose()
        store.dispose()


def test_after_commit_actions_run_only_for_messages_that_were_kept(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path)
    ran: list[str] = []
    try:

        def noted(key: str, fail: bool = False) -> Any:
            def work(repo: Repository) -> str:
                repo.after_commit(lambda: ran.append(key))
                return record(key, fail)(repo)

            return work

        async def batch() -> None:
            await asyncio.gather(
                store.apply(noted("kept")),
                store.apply(noted("lost", fail=True)),
                return_exceptions=True,
            )

        asyncio.run(batch())
        assert ran == ["kept"]
    finally:
        store.dispose()


@pytest.mark.postgres
def test_on_postgres_each_message_is_a_transaction_of_its_own(postgres_database: Any) -> None:
    store = Store(postgres_database.fresh_schema_url())
    try:
        seen = commits(store)

        async def together() -> list[Any]:
            return await asyncio.gather(*(store.apply(record(k)) for k in "pqr"))

        assert asyncio.run(together()) == ["p", "q", "r"]
        assert len(seen) == 3
    finally:
        store.dispose()
