"""Requests to the Bot API, never more at once than the connection pool has connections.

httpx queues the requests beyond its connections inside its pool and walks that queue on every
request and every response, so the cost of each message grows with how many wait: measured in
the Telegram benchmark, a bare echo bot holding 256 updates at once spends about three times the
CPU per message of one holding 64, and handles a third as many. A request that waits in that
queue longer than the pool timeout (1 s) fails, too. Here the surplus waits on a semaphore in
front of the pool instead, which costs the same however many wait and never times out; the
rate limiter, when on, still decides the order they go in.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest

POOL_SIZE = 64


class BoundedRequest(HTTPXRequest):
    def __init__(self, connection_pool_size: int = POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        self._slots = asyncio.Semaphore(connection_pool_size)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._slots:
            return await super().do_request(*args, **kwargs)
