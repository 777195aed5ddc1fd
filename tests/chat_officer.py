"""Xã Sơn Trung's officer talking to `Conversations.handle` directly, as every chat app does:
registered, at the first question, with Telegram-style update numbers and a clock of its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.chat.conversations import Conversations, Sender
from bot.transports.console.demo import UNITS
from flows.engine import Command, Press
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
OPENED = datetime(2024, 9, 10, 1, 0, tzinfo=UTC)
AN = Sender("telegram", "an", "An")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Officer:
    """An officer of Xã Sơn Trung whose updates carry Telegram-style numbers."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.clock = Clock(OPENED)
        self.conversations = Conversations(store, ZONE, self.clock)
        self.seq = 1000
        with store.transaction() as repo:
            repo.import_units(UNITS)
            repo.open_round(
                "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20), OPENED
            )
            code = repo.create_invite("SONTRUNG", "officer", OPENED, timedelta(days=3)).code
        self.send(Command("start", code))
        self.send(Press("start"))

    def number(self) -> int:
        self.seq += 1
        return self.seq

    def send(self, event, seq: int | None = None, *, on: Conversations | None = None):
        """``on``: another process's Conversations (its own memory), on the same database."""
        seq = self.number() if seq is None else seq
        self.seq = max(self.seq, seq)
        self.clock.now += timedelta(seconds=1)
        return (on or self.conversations).handle(AN, event, update_key=str(seq), seq=seq)

    def answers(self) -> dict[str, tuple[str | None, bool, str | None]]:
        with self.store.transaction() as repo:
            round_ = repo.open_rounds("xa")[0]
            sub = repo.submission(round_.id, repo.unit_by_code("SONTRUNG").id)
            return {c: (a.value, a.skipped, a.note) for c, a in repo.answers(sub.id).items()}
