"""Routing a notice to the chat app its recipient uses, whichever app the sender wrote from.

A reviewer on Telegram is told when a commune's officer submits from Zalo; reminders go to each
person on their own app. Each running transport registers how it delivers to its own users.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.chat.outcome import Notice, RecipientBlocked
from storage.models import ReminderStatus

log = logging.getLogger(__name__)


class NoTransport(Exception):
    """The recipient's app is not running in this process."""


Deliver = Callable[[Notice], Awaitable[None]]
Record = Callable[[list[tuple[Notice, str]]], Awaitable[None]]


class Hub:
    def __init__(self, record: Record | None = None) -> None:
        self._transports: dict[str, Deliver] = {}
        # Writes what became of each notice to the outbox and, for reminders, their log.
        self.record = record

    def add(self, platform: str, deliver: Deliver) -> None:
        self._transports[platform] = deliver

    @property
    def platforms(self) -> list[str]:
        return list(self._transports)

    async def deliver(self, notice: Notice) -> None:
        """Raises what the transport raises (RecipientBlocked among them); callers decide."""
        transport = self._transports.get(notice.platform)
        if transport is None:
            raise NoTransport(notice.platform)
        await transport(notice)

    async def deliver_all(self, notices: list[Notice]) -> None:
        """One by one, each whatever became of the others; what failed is retried later.

        The change that caused them is saved whatever happens, and so are they, in the outbox.
        """
        results: list[tuple[Notice, str]] = []
        for notice in notices:
            status = ReminderStatus.SENT
            try:
                await self.deliver(notice)
            except RecipientBlocked:
                status = ReminderStatus.BLOCKED
            except Exception as exc:
                log.warning("notice to %s failed: %s: %s", notice.platform, type(exc).__name__, exc)
                status = ReminderStatus.FAILED
            if notice.reminder_id is not None or notice.outbox_id is not None:
                results.append((notice, status))
        if results and self.record is not None:
            try:
                await self.record(results)
            except Exception as exc:  # the outbox still holds them: the next sweep retries
                log.warning("recording notices failed: %s: %s", type(exc).__name__, exc)
