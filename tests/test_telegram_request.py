"""Requests to the Bot API beyond the connection pool wait in front of it, not inside it.

Inside httpx's pool they would cost more the more there are, and fail after the pool timeout;
in front of it they wait as long as it takes and all go through.
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from bot.transports.telegram.request import BoundedRequest


@pytest.mark.asyncio
async def test_requests_beyond_the_pool_wait_their_turn_and_all_go_through() -> None:
    in_flight, most = 0, 0

    async def slow(_request: web.Request) -> web.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/botTOKEN/sendMessage", slow)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/botTOKEN/sendMessage"
    # A pool timeout far shorter than the wait: a request queued inside the pool would fail.
    request = BoundedRequest(connection_pool_size=3, pool_timeout=0.01)
    await request.initialize()
    try:
        results = await asyncio.gather(*(request.post(url) for _ in range(20)))
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert results == [True] * 20
    assert most == 3
