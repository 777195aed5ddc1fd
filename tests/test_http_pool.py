"""The chat transports' HTTP clients: an idle connection the server closed is found by one poll
and not reused, and the pool's bookkeeping decides exactly as httpcore's does, in one pass.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

import httpcore
import pytest
from _pytest.monkeypatch import MonkeyPatch
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from bot.transports import http_pool
from bot.transports.http_pool import LeanConnectionPool
from bot.transports.telegram.request import BoundedRequest
from bot.transports.zalo.api import ZaloApi


@pytest.mark.asyncio
async def test_a_connection_the_server_closed_while_idle_is_seen_by_the_poll_and_not_reused(
    monkeypatch: MonkeyPatch,
) -> None:
    peers: list[object] = []

    async def answer(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        return web.json_response({"ok": True, "result": True})

    checks: list[bool] = []
    real_check = http_pool.socket_readable

    def counted(sock: object) -> bool:
        checks.append(readable := real_check(sock))  # type: ignore[arg-type]
        return readable

    monkeypatch.setattr(http_pool, "socket_readable", counted)
    app = web.Application()
    app.router.add_post("/botTOKEN/sendMessage", answer)
    # The server drops a connection idle for 50 ms.
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=0.05)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/botTOKEN/sendMessage"
    request = BoundedRequest(connection_pool_size=2)
    await request.initialize()
    try:
        assert await request.post(url) is True
        await asyncio.sleep(0.3)
        assert await request.post(url) is True
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert True in checks  # the closed connection, found by the poll
    assert len(peers) == 2 and peers[0] != peers[1]  # and a new one made for the second


@dataclass
class FakeConnection:
    """A pooled connection as the pool's bookkeeping sees it: states only, no socket."""

    name: str
    origin: str
    closed: bool = False
    expired: bool = False
    idle: bool = False
    available: bool = False

    def is_closed(self) -> bool:
        return self.closed

    def has_expired(self) -> bool:
        return self.expired

    def is_idle(self) -> bool:
        return self.idle

    def is_available(self) -> bool:
        return self.available

    def can_handle_request(self, origin: str) -> bool:
        return origin == self.origin


@dataclass
class FakeRequest:
    name: str
    origin: str
    queued: bool
    given: list[str] = field(default_factory=list)

    @property
    def request(self) -> Any:
        return SimpleNamespace(url=SimpleNamespace(origin=self.origin))

    def is_queued(self) -> bool:
        return self.queued

    def assign_to_connection(self, connection: FakeConnection) -> None:
        self.given.append(connection.name)


ORIGINS = st.sampled_from(["api.telegram.org", "other.example"])
CONNECTIONS = st.lists(
    st.builds(
        FakeConnection,
        name=st.just(""),
        origin=ORIGINS,
        closed=st.booleans(),
        expired=st.booleans(),
        idle=st.booleans(),
        available=st.booleans(),
    ),
    max_size=10,
)
REQUESTS = st.lists(
    st.builds(FakeRequest, name=st.just(""), origin=ORIGINS, queued=st.booleans()), max_size=10
)


def decisions(
    kind: type[httpcore.AsyncConnectionPool],
    connections: list[FakeConnection],
    requests: list[FakeRequest],
    max_connections: int,
    keepalive: int,
) -> tuple[list[str], list[str], list[list[str]]]:
    """What a pool of ``kind`` keeps, closes and assigns, on copies of the same state."""
    pool = kind(max_connections=max_connections, max_keepalive_connections=keepalive)
    pool._connections = [replace(c, name=f"c{n}") for n, c in enumerate(connections)]  # type: ignore[assignment]
    pool._requests = [replace(r, name=f"r{n}", given=[]) for n, r in enumerate(requests)]  # type: ignore[assignment]
    made = iter(range(100))
    pool.create_connection = lambda origin: FakeConnection(f"new{next(made)}", origin)  # type: ignore[method-assign,assignment,return-value]
    closing = pool._assign_requests_to_connections()
    return (
        [c.name for c in pool._connections],  # type: ignore[attr-defined]
        [c.name for c in closing],  # type: ignore[attr-defined]
        [r.given for r in pool._requests],  # type: ignore[attr-defined]
    )


@st.composite
def pools(draw: st.DrawFn) -> tuple[list[FakeConnection], list[FakeRequest], int, int]:
    """A pool's state, its limits drawn near its size, where the decisions change."""
    connections, requests = draw(CONNECTIONS), draw(REQUESTS)
    near = st.integers(max(0, len(connections) - 3), len(connections) + 2)
    max_connections = max(1, draw(near))
    return connections, requests, max_connections, draw(near)


@given(pools())
def test_the_lean_pool_keeps_closes_and_assigns_exactly_as_httpcore_does(
    pool: tuple[list[FakeConnection], list[FakeRequest], int, int],
) -> None:
    assert decisions(LeanConnectionPool, *pool) == decisions(httpcore.AsyncConnectionPool, *pool)


def pool_of(client: Any) -> Any:
    return client._transport._pool


@pytest.mark.asyncio
async def test_both_chat_apps_clients_use_the_lean_pool_and_the_poll() -> None:
    telegram = BoundedRequest()
    await telegram.initialize()
    zalo = ZaloApi("TOKEN", "http://127.0.0.1:9")
    try:
        for pool in (pool_of(telegram._client), pool_of(zalo._client)):  # type: ignore[attr-defined]
            assert type(pool) is LeanConnectionPool
            assert isinstance(pool._network_backend, http_pool.IdleCheckedBackend)
    finally:
        await telegram.shutdown()
        await zalo.aclose()
