"""An httpx client's connection pool, made cheap per request: one ``poll`` to see whether an
idle connection was closed by the server, and one pass for the pool's bookkeeping.

On every request and every response httpcore's pool asks each idle connection whether the
server has closed it, and anyio answers by building a dict of every attribute of the socket,
with a ``getpeername`` system call, to pick one: 13.5 µs a connection here, so with 64
connections about a third of a bare echo bot's CPU (py-spy, Telegram benchmark). The streams
here answer the same question as httpcore does, with one ``poll``, in 1.5 µs.

The same bookkeeping pass re-lists every connection for each one it looks at; the pool here
makes the same decisions in one pass. Both chat transports' clients use it (the Telegram Bot
API's through python-telegram-bot, Zalo's directly).
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


def socket_readable(sock: socket.socket | None) -> bool:
    """Whether an idle connection's socket has something to read, which for HTTP/1.1 means the
    server closed it or broke the protocol: either way it must not be reused. A closed or
    unknown socket counts as readable, as in httpcore."""
    if sock is None or sock.fileno() == -1:
        return True
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


class IdleCheckedStream(httpcore.AsyncNetworkStream):
    """A network stream that answers the pool's idle check from the socket it keeps."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, sock: socket.socket | None) -> None:
        self._stream, self._socket = stream, sock

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # TLS runs over the same socket, which is what httpcore polls for TLS streams too.
        tls = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return IdleCheckedStream(tls, self._socket)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return socket_readable(self._socket)
        return self._stream.get_extra_info(info)


class IdleCheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, its streams wrapped in IdleCheckedStream."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return IdleCheckedStream(stream, stream.get_extra_info("socket"))

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout, socket_options)
        return IdleCheckedStream(stream, stream.get_extra_info("socket"))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class LeanConnectionPool(httpcore.AsyncConnectionPool):
    """httpcore's pool, its bookkeeping pass doing the same in fewer steps.

    httpcore 1.0 re-lists every connection for each idle one it looks at (a list whose length
    it compares with the keep-alive limit) and, for each queued request, lists every available
    and every idle connection to take the first: about 600 state checks a request with 16
    connections, 6 % of the bot's CPU in the Telegram benchmark. Here the same decisions, in the
    same order, with the length read once and the first match taken as found (encode/httpcore
    #1035 and pydantic/httpx2 #974 describe the cost; neither is in a release PTB can use).
    """

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        connections = self._connections
        for connection in list(connections):
            if connection.is_closed():
                connections.remove(connection)
            elif connection.has_expired() or (
                connection.is_idle() and len(connections) > self._max_keepalive_connections
            ):
                connections.remove(connection)
                closing.append(connection)
        for pool_request in [request for request in self._requests if request.is_queued()]:
            origin = pool_request.request.url.origin
            available = next(
                (c for c in connections if c.can_handle_request(origin) and c.is_available()),
                None,
            )
            if available is not None:
                pool_request.assign_to_connection(available)
            elif len(connections) < self._max_connections:
                new = self.create_connection(origin)
                connections.append(new)
                pool_request.assign_to_connection(new)
            elif (idle := next((c for c in connections if c.is_idle()), None)) is not None:
                connections.remove(idle)
                closing.append(idle)
                new = self.create_connection(origin)
                connections.append(new)
                pool_request.assign_to_connection(new)
        return closing


def make_lean(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """``client`` with its pool's backend and bookkeeping replaced, before it has opened a
    connection (each connection takes the pool's backend when it is made).

    Neither httpx nor python-telegram-bot takes a network backend or a pool class, so both go
    onto the pool httpx built; tests/test_http_pool.py fails if an upgrade moves them. A
    proxy's pool keeps its own class.
    """
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    if isinstance(getattr(pool, "_network_backend", None), httpcore.AsyncNetworkBackend):
        pool._network_backend = IdleCheckedBackend(pool._network_backend)  # type: ignore[union-attr]
    if type(pool) is httpcore.AsyncConnectionPool:
        pool.__class__ = LeanConnectionPool  # the same object, configured as httpx made it
    return client
