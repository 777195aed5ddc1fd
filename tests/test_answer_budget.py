"""What one answer costs the database, counted in statements, and why a kept report stays true.

An officer's answer reads at most twice (the person, locked; their open reports, locked) and
writes at most three times (the changed answers, the place, the update's record; the audit rows
and the report's version are written by the database with the answers). Counted, never timed,
on SQLite and PostgreSQL. A process keeps each report in memory between messages; another
process's change (another officer, a reviewer, a second bot process) must always show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bot.chat.conversations import Conversations, Sender
from bot.transports.console.demo import UNITS
from flows.engine import Command, Press, Text
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
OPENED = datetime(2024, 9, 10, 1, 0, tzinfo=UTC)
AN = Sender("telegram", "an", "An")
READS, WRITES = 2, 3


class Officer:
    """Xã Sơn Trung's officer, registered and at the first question, with numbered updates."""

    def __init__(self, store: Store, conversations: Conversations | None = None) -> None:
        self.conversations = conversations or Conversations(store, ZONE, lambda: self.now)
        self.now, self.seq = OPENED, 1000
        with store.transaction() as repo:
            repo.import_units(UNITS)
            repo.open_round(
                "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20), OPENED
            )
            code = repo.create_invite("SONTRUNG", "officer", OPENED, timedelta(days=3)).code
        self.send(Command("start", code))
        self.send(Press("start"))

    def send(self, event: Any, on: Conversations | None = None) -> str:
        self.seq += 1
        self.now += timedelta(seconds=1)
        outcome = (on or self.conversations).handle(
            AN, event, update_key=str(self.seq), seq=self.seq
        )
        return "\n".join(reply.text for reply in outcome.replies)


@contextmanager
def counted(store: Store) -> Iterator[Counter[str]]:
    """Statements sent to the database meanwhile, by kind: 'read' or 'write'."""
    kinds: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in ("SELECT", "WITH"):
            kinds["read"] += 1
        elif verb in ("INSERT", "UPDATE", "DELETE"):
            kinds["write"] += 1

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield kinds
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_an_answer_reads_twice_and_writes_three_times_at_most(store: Store) -> None:
    officer = Officer(store)
    officer.send(Text("3"))  # I.1
    with counted(store) as statements:
        reply = officer.send(Text("37"))
    assert "✓ Đã lưu I.2.1: 37" in reply
    assert statements["read"] <= READS, statements
    assert statements["write"] <= WRITES, statements


def test_an_answer_that_completes_a_ratio_still_writes_the_answers_once(store: Store) -> None:
    officer = Officer(store)
    officer.send(Text("3"))  # I.1
    officer.send(Text("37"))
    with counted(store) as statements:
        reply = officer.send(Text("35"))  # I.2.2, and with it I.2 = 35/37
    assert "94,59 %" in reply
    assert statements["read"] <= READS, statements
    assert statements["write"] <= WRITES, statements
    with store.transaction() as repo:
        round_ = repo.open_rounds("xa")[0]
        submission = repo.submission(round_.id, repo.unit_by_code("SONTRUNG").id)  # type: ignore[arg-type, union-attr]
        assert submission is not None and submission.id is not None
        changed = [(c.code, c.new) for c in repo.history(submission.id) if c.field == "value"]
    assert changed[-2:] == [("I.2.2", "35"), ("I.2", "94.59")]  # one audit row each


def test_a_figure_changed_by_another_process_is_read_again_not_served_from_memory(
    store: Store,
) -> None:
    officer = Officer(store)
    other = Conversations(store, ZONE, lambda: officer.now)  # a second bot process's memory
    officer.send(Text("3"))  # I.1
    officer.send(Text("37"))  # I.2.1, kept by the first process
    officer.send(Command("sua", "I.2.1"), on=other)
    officer.send(Text("40"), on=other)  # corrected through the second process
    reply = officer.send(Text("35"))  # back on the first: I.2.2, checked against I.2.1
    assert "87,50 %" in reply  # 35/40: the corrected whole, not the 37 it had kept


def test_a_report_returned_by_a_reviewer_meanwhile_shows_its_new_status(store: Store) -> None:
    officer = Officer(store)
    officer.send(Text("3"))  # I.1
    before = officer.send(Text("37"))
    with store.transaction() as repo:
        round_ = repo.open_rounds("xa")[0]
        submission = repo.submission(round_.id, repo.unit_by_code("SONTRUNG").id)  # type: ignore[arg-type, union-attr]
        assert submission is not None and submission.id is not None
        repo.set_status(submission.id, "submitted", None, officer.now)
    after = officer.send(Text("35"))
    assert "✓ Đã lưu I.2.1: 37" in before
    assert "✓ Đã lưu" not in after  # a submitted report is not changed by a typed figure
    assert "Báo cáo đã nộp" in after  # read afresh: the status changed in another transaction


def test_answers_in_a_row_keep_within_the_budget_every_time(store: Store) -> None:
    officer = Officer(store)
    officer.send(Text("3"))  # I.1
    for figure in ["37", "35", "2", "0", "0"]:
        with counted(store) as statements:
            officer.send(Text(figure))
        assert statements["read"] <= READS and statements["write"] <= WRITES, (figure, statements)
