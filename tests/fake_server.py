"""What the fake chat Bot API servers (``fake_telegram``, ``fake_zalo``) have in common.

Each fake serves from its own event loop on a daemon thread, so a test gets a synchronous,
thread-safe API whichever loop (if any) the bot runs on, and a free port on 127.0.0.1, so tests
never reach the internet nor collide with each other. ``FakeServer`` owns that thread and the
aiohttp site, the one lock (with its condition) that guards a fake's state, and the blocking
wait on that condition; a fake adds what it serves and how its API behaves.
"""

from __future__ import annotations

import asyncio
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

from aiohttp import web

_T = TypeVar("_T")
_ChatId = TypeVar("_ChatId", int, str)  # Telegram's chat ids are numbers, Zalo's strings


class ApiError(Exception):
    """An error answer; raised inside handlers, turned into the JSON error body.

    Zalo copied Telegram's error shape, so one class serves both: ``ok`` false, the HTTP status
    again as ``error_code``, a ``description`` and, for 429, ``parameters.retry_after``.
    """

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.status)


@dataclass(frozen=True)
class Call(Generic[_ChatId]):
    """One request the bot made: when it arrived (``time.monotonic()``) and how it ended."""

    time: float
    method: str
    chat_id: _ChatId | None
    status: int


def busiest_second(calls: Iterable[Call[Any]]) -> int:
    """Most calls that arrived within any one-second sliding window: a send limit's proof."""
    times = sorted(c.time for c in calls)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def refuse_on_running_loop(message: str) -> None:
    """A blocking wait on a running event loop would starve a bot running on that loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(message)


class FakeServer(ABC, Generic[_ChatId]):
    """A fake Bot API served from a background thread; see the module docstring.

    A fake implements ``_startup`` (serve with ``_serve``), ``_serving_on`` (publish its URLs),
    ``_shutdown`` (end what is in flight, so stopping is quick) and ``describe``.
    """

    _thread_name: ClassVar[str] = "fake-server"

    def __init__(self) -> None:
        # One re-entrant lock guards all state; the condition wakes synchronous waiters.
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call[_ChatId]] = []  # in answer order; a fake decides which count
        # Owned by the server loop thread only.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # --- life cycle -----------------------------------------------------------------------------
    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve from a background thread."""
        if self._loop is not None:
            raise RuntimeError(f"{type(self).__name__} already started")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=loop.run_forever, name=self._thread_name, daemon=True
        )
        self._thread.start()
        port = asyncio.run_coroutine_threadsafe(self._startup(), loop).result(timeout=10)
        self._serving_on(port)
        return self

    def stop(self) -> None:
        """Stop serving; harmless when not started, so teardown may always call it.

        The state is kept: a fake started again serves the same users on a new port.
        """
        loop, self._loop = self._loop, None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            loop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @abstractmethod
    async def _startup(self) -> int:
        """Runs on the new loop: make the loop's objects, then ``return await self._serve(...)``."""

    @abstractmethod
    def _serving_on(self, port: int) -> None:
        """Set the URLs a bot is given, now that the port is known."""

    @abstractmethod
    async def _shutdown(self) -> None:
        """Runs on the loop before the site closes: end long polls and pushes in flight."""

    async def _serve(
        self,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        *,
        client_max_size: int = 1024**2,
    ) -> int:
        """Serve every path with ``handler`` on a free loopback port; returns the port.

        One catch-all route, because the handler answers unknown paths the way the real API
        does, not with aiohttp's own 404 page.
        """
        app = web.Application(client_max_size=client_max_size)
        app.router.add_route("*", "/{tail:.*}", handler)
        # handler_cancellation: a request the bot abandoned (a long poll it gave up on) ends
        # with its connection instead of lingering as a poller the bot no longer listens to.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def _close(self) -> None:
        await self._shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError(f"{type(self).__name__} is not running; call start() first")
        return self._loop

    def _call_soon(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the server loop; dropped when stopped, as nothing there waits."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(callback)

    # --- waiting --------------------------------------------------------------------------------
    @abstractmethod
    def describe(self, chat_id: _ChatId | None = None) -> str:
        """A readable dump for failure messages: one chat in full, or the tail of every chat."""

    def _wait(
        self,
        check: Callable[[], _T | None],
        timeout: float,
        failure: Callable[[], str],
        chat_id: _ChatId | None = None,
        *,
        recheck: float | None = None,
    ) -> _T:
        """Re-check under the lock whenever state changes; ``None`` or False means not yet.

        Checking under the lock means no change can slip in between a check and the wait. A
        fake whose state may change without a notification passes ``recheck``, the longest
        a wait may go without looking again. On timeout ``failure()`` says what did not happen.
        """
        refuse_on_running_loop(
            f"{type(self).__name__} waits block; in async code use the *_async twins"
        )
        deadline = time.monotonic() + timeout
        with self._cond:
            while (found := check()) is None or found is False:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{failure()} within {timeout} s\n{self.describe(chat_id)}"
                    )
                self._cond.wait(remaining if recheck is None else min(remaining, recheck))
            return found

    def _last_calls(self) -> list[str]:
        """The tail of ``describe()``: what the bot last asked is often why a wait failed."""
        with self._cond:
            lines = ["last calls:"]
            lines.extend(
                f"  {call.method} chat={call.chat_id} -> {call.status}"
                for call in self._calls[-15:]
            )
            return lines
