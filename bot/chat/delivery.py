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
Record = Callable[[list[tuple[int, str]]], Awaitable[None]]


class Hub:
    def __init__(self, record: Record | None = None) -> None:
        self._transports: dict[str, Deliver] = {}
        self.record = record  # writes what became of claimed reminders (/nhac) to their log

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
        """Best effort, one by one: the change that caused them is saved whatever happens."""
        results: list[tuple[int, str]] = []
        for notice in notices:
            status = ReminderStatus.SENT
            try:
                await self.deliver(notice)
            except RecipientBlocked:
                status = ReminderStatus.BLOCKED
            except Exception as exc:
                log.warning("notice to %s failed: %s: %s", notice.platform, type(exc).__name__, exc)
                status = ReminderStatus.FAILED
            if notice.reminder_id is not None:
                results.append((notice.reminder_id, status))
        if results and self.record is not None:
            await self.record(results)
