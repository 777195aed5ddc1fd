"""Requests to the Bot API: never more at once than the pool has connections, on a pool whose
bookkeeping costs little per connection (bot/transports/http_pool).

httpx queues the requests beyond its connections inside its pool and walks that queue on every
request and every response, so the cost of each message grows with how many wait: measured in
the Telegram benchmark, a bare echo bot holding 256 updates at once spends about three times the
CPU per message of one holding 64, and handles a third as many. A request that waits in that
queue longer than the pool timeout (1 s) fails, too. Here the surplus waits on a semaphore in
front of the pool instead, which costs the same however many wait and never times out; the
rate limiter, when on, still decides the order they go in.

The pool's own walks over its connections stay proportional to its size, so the pool is no
larger than Telegram needs: 16 connections (``TELEGRAM_CONNECTIONS``) carry 30 messages a
second at up to half a second a round trip. In the benchmark (200 officers, limit off) the bot
spent about 4.9 ms of CPU a message with 64 connections, 3.9 with 16 and 3.5 with 8.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from telegram.request import HTTPXRequest

from bot.service.settings import Settings
from bot.transports.http_pool import make_lean

POOL_SIZE: int = Settings.model_fields["telegram_connections"].default  # TELEGRAM_CONNECTIONS


class BoundedRequest(HTTPXRequest):
    def __init__(self, connection_pool_size: int = POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        self._slots = asyncio.Semaphore(connection_pool_size)

    def _build_client(self) -> httpx.AsyncClient:
        return make_lean(super()._build_client())

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._slots:
            return await super().do_request(*args, **kwargs)
