"""Routing a notice to the chat app its recipient uses, whichever app the sender wrote from.

A reviewer on Telegram is told when a commune's officer submits from Zalo; reminders go to each
person on their own app. Each running transport registers how it delivers to its own users.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.outcome import Notice

log = logging.getLogger(__name__)

Deliver = Callable[[Notice], Awaitable[None]]


class Hub:
    def __init__(self) -> None:
        self._transports: dict[str, Deliver] = {}

    def add(self, platform: str, deliver: Deliver) -> None:
        self._transports[platform] = deliver

    @property
    def platforms(self) -> list[str]:
        return list(self._transports)

    async def deliver(self, notice: Notice) -> None:
        """Raises what the transport raises (RecipientBlocked among them); callers decide."""
        transport = self._transports.get(notice.platform)
        if transport is None:
            log.info("no %s transport running; a notice was not delivered", notice.platform)
            return
        await transport(notice)
