"""One person's two messages in two processes at once: the second reads what the first wrote.

On PostgreSQL a statement sees the database as it was when the statement began, even when it
then waits for a row lock. The second message's first statement locks the person's row and
waits there while the first message commits; whatever it reads must still be what the first
message left (where the officer now is, which update numbers were applied), never what was
there before it waited. Two stores stand for two bot processes; the first message is held
open, deterministically, until the second is seen waiting for the lock.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from chat_officer import AN, ZONE, Officer
from seed_000 import stored_report
from sqlalchemy import event, text

from bot.chat.conversations import Conversations
from flows.engine import Text
from storage.db import Store

pytestmark = pytest.mark.postgres
WAIT = 30  # seconds, a bound on waiting for the other thread, never an assertion


def waiting_for_a_lock(store: Store) -> int:
    with store.engine.connect() as connection:
        query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        return int(connection.execute(text(query)).scalar_one())


def test_the_second_of_two_messages_at_once_goes_to_the_next_question(
    postgres_database: Any,
) -> None:
    url = postgres_database.fresh_schema_url()
    first_store, second_store = Store(url), Store(url, migrate=False)
    try:
        officer = Officer(first_store)  # at I.1
        second = Conversations(second_store, ZONE, officer.clock)
        held, go_on = threading.Event(), threading.Event()

        def hold_before_recording(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO PROCESSED_UPDATES"):
                held.set()
                go_on.wait(WAIT)

        event.listen(first_store.engine, "before_cursor_execute", hold_before_recording)
        results: dict[str, Any] = {}
        first = threading.Thread(
            target=lambda: results.update(first=officer.send(Text("3"), seq=2001))
        )
        first.start()
        assert held.wait(WAIT)  # the first message has written and holds the officer's row
        late = threading.Thread(
            target=lambda: results.update(
                second=second.handle(AN, Text("37"), update_key="2002", seq=2002)
            )
        )
        late.start()
        for _ in range(WAIT * 20):
            if waiting_for_a_lock(first_store):
                break
            threading.Event().wait(0.05)
        go_on.set()
        first.join(WAIT)
        late.join(WAIT)
        event.remove(first_store.engine, "before_cursor_execute", hold_before_recording)

        said = ["\n".join(r.text for r in results[k].replies) for k in ("first", "second")]
        assert "✓ Đã lưu I.1: 3" in said[0]
        assert "✓ Đã lưu I.2.1: 37" in said[1]
        _, answers, _ = stored_report(first_store)
        assert (answers["I.1"].value, answers["I.2.1"].value) == ("3", "37")
    finally:
        first_store.dispose()
        second_store.dispose()
