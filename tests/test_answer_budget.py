"""What one answer costs the database, counted in statements, and why a kept report stays true.

An officer's answer reads at most twice (the person, locked; their open reports, locked) and
writes at most three times (the changed answers, the place, the update's record; the audit rows
and the report's version are written by the database with the answers). Counted, never timed,
on SQLite and PostgreSQL. A process keeps each report in memory between messages; another
process's change (another officer, a reviewer, a second bot process) must always show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chat_officer import ZONE, Officer
from seed_000 import stored_report
from sqlalchemy import event
from statement_count import counted

from bot.chat.conversations import Conversations
from flows.engine import Command, Text
from storage.db import Store

READS, WRITES = 2, 3


def said(officer: Officer, event: Any, on: Conversations | None = None) -> str:
    """What the officer reads back, on ``on`` (another process's Conversations) if given."""
    return "\n".join(reply.text for reply in officer.send(event, on=on).replies)


def test_an_answer_reads_twice_and_writes_three_times_at_most(store: Store) -> None:
    officer = Officer(store)
    said(officer, Text("3"))  # I.1
    with counted(store.engine) as statements:
        reply = said(officer, Text("37"))
    assert "✓ Đã lưu I.2.1: 37" in reply
    assert statements["read"] <= READS, statements
    assert statements["write"] <= WRITES, statements


def test_every_statement_of_an_answer_finds_its_rows_by_an_index_on_sqlite(
    tmp_path: Path,
) -> None:
    """No statement may scan a table that grows with the province, nor build a throwaway
    index to avoid it (SQLite's AUTOMATIC index, once made for the reviewers above a unit):
    either would make each answer dearer with every commune added. Only `rounds`, a few rows a
    quarter, is read whole."""
    store = Store(f"sqlite:///{tmp_path}/plans.sqlite3")
    try:
        officer = Officer(store)
        said(officer, Text("3"))  # I.1
        sent: list[tuple[str, Any]] = []

        def keep(
            _c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, many: bool
        ) -> None:
            sent.append((statement, parameters[0] if many else parameters))

        event.listen(store.engine, "before_cursor_execute", keep)
        said(officer, Text("37"))
        event.remove(store.engine, "before_cursor_execute", keep)
        plans = []
        with store.engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None
            for statement, parameters in sent:
                if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE"):
                    plan = driver.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                    plans += [row[3] for row in plan.fetchall()]
    finally:
        store.dispose()
    assert len([s for s, _ in sent if s.lstrip().upper().startswith("SELECT")]) == READS
    assert any("memberships" in step for step in plans)  # the reviewers were read
    assert not [step for step in plans if "AUTOMATIC" in step], plans
    assert [step for step in plans if step.startswith("SCAN")] == ["SCAN rounds"], plans


def test_an_answer_that_completes_a_ratio_still_writes_the_answers_once(store: Store) -> None:
    officer = Officer(store)
    said(officer, Text("3"))  # I.1
    said(officer, Text("37"))
    with counted(store.engine) as statements:
        reply = said(officer, Text("35"))  # I.2.2, and with it I.2 = 35/37
    assert "94,59 %" in reply
    assert statements["read"] <= READS, statements
    assert statements["write"] <= WRITES, statements
    _, _, history = stored_report(store)
    changed = [(c.code, c.new) for c in history if c.field == "value"]
    assert changed[-2:] == [("I.2.2", "35"), ("I.2", "94.59")]  # one audit row each


def test_a_figure_changed_by_another_process_is_read_again_not_served_from_memory(
    store: Store,
) -> None:
    officer = Officer(store)
    other = Conversations(store, ZONE, officer.clock)  # a second bot process's memory
    said(officer, Text("3"))  # I.1
    said(officer, Text("37"))  # I.2.1, kept by the first process
    said(officer, Command("sua", "I.2.1"), on=other)
    said(officer, Text("40"), on=other)  # corrected through the second process
    reply = said(officer, Text("35"))  # back on the first: I.2.2, checked against I.2.1
    assert "87,50 %" in reply  # 35/40: the corrected whole, not the 37 it had kept


def test_a_status_changed_in_another_transaction_meanwhile_shows_at_once(store: Store) -> None:
    officer = Officer(store)
    said(officer, Text("3"))  # I.1
    before = said(officer, Text("37"))
    submission, _, _ = stored_report(store)
    with store.transaction() as repo:
        assert submission.id is not None
        repo.set_status(submission.id, "submitted", None, officer.clock.now)
    after = said(officer, Text("35"))
    assert "✓ Đã lưu I.2.1: 37" in before
    assert "✓ Đã lưu" not in after  # a submitted report is not changed by a typed figure
    assert "Báo cáo đã nộp" in after  # read afresh: the status changed in another transaction


def test_answers_in_a_row_keep_within_the_budget_every_time(store: Store) -> None:
    officer = Officer(store)
    said(officer, Text("3"))  # I.1
    for figure in ["37", "35", "2", "0", "0"]:
        with counted(store.engine) as statements:
            said(officer, Text(figure))
        assert statements["read"] <= READS and statements["write"] <= WRITES, (figure, statements)
