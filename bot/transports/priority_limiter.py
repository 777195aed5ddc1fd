"""One send limit for a chat app, shared by replies and broadcasts, with replies served first.

Telegram allows about 30 messages a second overall and about one a second to any one chat.
A single first-come-first-served bucket (what AIORateLimiter gives) makes an officer's answer
wait behind every reminder queued before it; during a reminder run that is minutes. Here one
dispatcher hands out the overall limit: a waiting reply always gets the next slot, broadcasts
(reminders, notices to others, digests) get only the slots no reply wants, and a broadcast
never goes to a chat that was sent anything in the last second (a reply is its own person's
answer and is not held back). So replies see the round trip, and broadcasts go out at what is
left of the limit, never above it.

The core is plain asyncio and reads time from the running loop, so tests can run it on a loop
with a virtual clock. ``TelegramPriorityLimiter`` adapts it to python-telegram-bot.

Why not aiolimiter for the bucket: its leaky bucket is first come first served among its
waiters and, as deep as its rate, lets twice the rate through in some one-second window; with
a depth of one it paces well but a token taken in advance cannot be handed to whichever request
turns out to be ready (a reply arriving meanwhile, a chat whose second has passed). The exact
rule "at most N in any one-second window" is the last N release times, which the dispatcher
keeps anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

T = TypeVar("T")
Priority = Literal["reply", "broadcast"]
REPLY: Priority = "reply"
BROADCAST: Priority = "broadcast"
WINDOW = 1.0  # seconds: the overall limit is counted over any window this long
# Sends leave here in order but reach the server a little unevenly: the event loop runs other
# work between a send's turn and its write (a batch of answers syncing to disk, say), and a
# send delayed less than the one ``rate`` places before it makes rate + 1 in the server's
# second (the mixed benchmark saw 31 at a limit of 30). Each window is counted this much
# longer here, so the server never counts more than the limit while that delay stays under it.
ARRIVAL_MARGIN = 0.05  # seconds
PER_CHAT_INTERVAL = 1.0  # seconds between a chat's last message and a broadcast to it
RETRY_MARGIN = 0.1  # seconds on top of a 429's retry_after, as PTB's own limiter does
CHAT_MEMORY = 4096  # chats remembered before expired entries are pruned
# asyncio runs a timer up to its clock's resolution early; an instant this close is due, or a
# dispatcher woken a hair early would set itself a timer that is already due, again and again.
SLACK = 1e-6  # seconds


@dataclass(eq=False)
class _Waiter:
    chat: Hashable | None
    granted: asyncio.Future[None] = field(repr=False)


class PriorityLimiter:
    """At most ``rate`` sends in any ``WINDOW`` (counted ``ARRIVAL_MARGIN`` longer); replies
    before broadcasts; broadcasts spaced per chat.

    ``await acquire(priority, chat)`` returns when the caller may send one message. Sends are
    also paced evenly (one every (WINDOW + ARRIVAL_MARGIN) / rate s) so that a backlog never
    leaves in a burst.
    """

    def __init__(self, rate: float, *, per_chat_interval: float = PER_CHAT_INTERVAL) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.spacing = (WINDOW + ARRIVAL_MARGIN) / rate
        self.per_chat_interval = per_chat_interval
        # The last floor(rate) release times: the next may go once the oldest is WINDOW old.
        self._released: deque[float] = deque(maxlen=max(1, math.floor(rate)))
        self._replies: deque[_Waiter] = deque()
        self._broadcasts: deque[_Waiter] = deque()
        self._chat_last: dict[Hashable, float] = {}
        self._paused_until = 0.0
        self._arrived = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None

    # --- the public side ----------------------------------------------------------------------
    @property
    def waiting(self) -> tuple[int, int]:
        """How many replies and broadcasts are waiting for a slot."""
        return len(self._replies), len(self._broadcasts)

    async def acquire(self, priority: Priority = REPLY, chat: Hashable | None = None) -> None:
        """Wait for a slot; a reply ahead of every broadcast, a broadcast after its chat's second.

        A request that is cancelled while waiting gives its place up and costs no slot.
        """
        await self._wait(priority, chat, front=False)

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (Telegram said 429 and how long to wait)."""
        now = self._now()
        self._paused_until = max(self._paused_until, now + seconds)
        self._arrived.set()  # the dispatcher recomputes when it may go next

    async def submit(
        self,
        call: Callable[[], Awaitable[T]],
        priority: Priority = REPLY,
        chat: Hashable | None = None,
        *,
        retries: int = 0,
        retry_after: Callable[[BaseException], float | None] = lambda _exc: None,
    ) -> T:
        """``call()`` once a slot is free; when it fails with a flood error, hold every send for
        the time the error names and try again, at the head of its class, up to ``retries`` times.

        ``retry_after`` tells a flood error (seconds to wait) from any other (None: raised).
        """
        front = False
        for attempt in range(retries + 1):
            await self._wait(priority, chat, front=front)
            try:
                return await call()
            except Exception as exc:
                wait = retry_after(exc)
                if wait is None or attempt == retries:
                    raise
                log.info("send limit hit; holding every send for %.1f s", wait + RETRY_MARGIN)
                self.pause(wait + RETRY_MARGIN)
                front = True  # it already waited its turn once
        raise AssertionError("unreachable")  # pragma: no cover

    async def close(self) -> None:
        """Stop the dispatcher; whoever still waits is cancelled."""
        task, self._dispatcher = self._dispatcher, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for waiter in (*self._replies, *self._broadcasts):
            waiter.granted.cancel()
        self._replies.clear()
        self._broadcasts.clear()

    # --- the dispatcher -----------------------------------------------------------------------
    async def _wait(self, priority: Priority, chat: Hashable | None, *, front: bool) -> None:
        loop = asyncio.get_running_loop()
        waiter = _Waiter(chat, loop.create_future())
        queue = self._replies if priority == REPLY else self._broadcasts
        if front:
            queue.appendleft(waiter)
        else:
            queue.append(waiter)
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = loop.create_task(self._dispatch())
        self._arrived.set()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if not waiter.granted.done() or waiter.granted.cancelled():
                with contextlib.suppress(ValueError):
                    queue.remove(waiter)
            raise

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _overall_free_at(self) -> float:
        """When the overall limit and the pacing next allow a send."""
        at = self._paused_until
        if self._released:
            at = max(at, self._released[-1] + self.spacing)
            if len(self._released) == self._released.maxlen:
                at = max(at, self._released[0] + WINDOW + ARRIVAL_MARGIN)
        return at

    def _next_broadcast(self, now: float) -> tuple[_Waiter | None, float]:
        """The first waiting broadcast whose chat may be written to now, else when one may."""
        soonest = math.inf
        for waiter in self._broadcasts:
            if waiter.granted.done():
                continue
            last = self._chat_last.get(waiter.chat) if waiter.chat is not None else None
            ready = -math.inf if last is None else last + self.per_chat_interval
            if ready <= now + SLACK:
                return waiter, now
            soonest = min(soonest, ready)
        return None, soonest

    async def _dispatch(self) -> None:
        while True:
            self._drop_done()
            if not self._replies and not self._broadcasts:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            now = self._now()
            free_at = self._overall_free_at()
            if free_at > now + SLACK:
                await self._sleep_or_arrival(free_at - now)
                continue
            if self._replies:
                waiter = self._replies.popleft()
            else:
                candidate, ready_at = self._next_broadcast(now)
                if candidate is None and ready_at == math.inf:  # only cancelled ones were left
                    self._broadcasts = deque(w for w in self._broadcasts if not w.granted.done())
                    continue
                if candidate is None:
                    await self._sleep_or_arrival(ready_at - now)
                    continue
                waiter = candidate
                self._broadcasts.remove(waiter)
            self._grant(waiter, now)

    def _grant(self, waiter: _Waiter, now: float) -> None:
        waiter.granted.set_result(None)
        self._released.append(now)
        if waiter.chat is not None:
            self._chat_last[waiter.chat] = now
            if len(self._chat_last) > CHAT_MEMORY:
                horizon = now - self.per_chat_interval
                self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}

    def _drop_done(self) -> None:
        """Forget waiters whose caller was cancelled, so they cost no slot."""
        for queue in (self._replies, self._broadcasts):
            while queue and queue[0].granted.done():
                queue.popleft()

    async def _sleep_or_arrival(self, seconds: float) -> None:
        """Sleep until ``seconds`` have passed, or sooner if a new request or a pause arrives
        (a reply may take a slot no broadcast could use)."""
        self._arrived.clear()
        if seconds == math.inf:
            await self._arrived.wait()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), timeout=max(seconds, 0.0))


# --- python-telegram-bot ------------------------------------------------------------------------
RateLimitArgs = dict[str, Any]


def _retry_after(exc: BaseException) -> float | None:
    """Seconds a 429 asks for; None for any other error. Read as PTB's own limiter reads it
    (the public ``retry_after`` warns about its type changing between versions)."""
    if isinstance(exc, RetryAfter):
        return exc._retry_after.total_seconds()
    return None


class TelegramPriorityLimiter(BaseRateLimiter[RateLimitArgs]):
    """PTB's rate limiter over ``PriorityLimiter``.

    A bot method called with ``rate_limit_args={"priority": "broadcast"}`` is a broadcast;
    anything else (no rate_limit_args) is a reply to someone's own update. Requests without a
    chat (setMyCommands, getMe, answerCallbackQuery) are not counted, as in AIORateLimiter:
    Telegram's message limits are about messages to chats. getUpdates never reaches a limiter.
    A 429 holds every send for its retry_after, then the request is tried again (``max_retries``
    times, or ``rate_limit_args["max_retries"]``).
    """

    __slots__ = ("_core", "_max_retries", "_rate")

    def __init__(self, rate: float, *, max_retries: int = 3) -> None:
        self._rate = rate
        self._max_retries = max_retries
        self._core: PriorityLimiter | None = None

    @property
    def core(self) -> PriorityLimiter:
        if self._core is None:  # created on first use, inside the bot's own event loop
            self._core = PriorityLimiter(self._rate)
        return self._core

    async def initialize(self) -> None:
        """Nothing to open: the dispatcher starts with the first request."""

    async def shutdown(self) -> None:
        if self._core is not None:
            await self._core.close()
            self._core = None

    async def process_request(
        self,
        callback: Callable[..., Awaitable[Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> Any:
        options = rate_limit_args or {}
        priority: Priority = BROADCAST if options.get("priority") == BROADCAST else REPLY
        retries = int(options.get("max_retries", self._max_retries))
        chat = data.get("chat_id")

        async def call() -> Any:
            return await callback(*args, **kwargs)

        if chat is None:  # not a message to a chat: only a 429 holds it up
            return await _retrying(call, retries)
        return await self.core.submit(
            call, priority, str(chat), retries=retries, retry_after=_retry_after
        )


async def _retrying(call: Callable[[], Awaitable[T]], retries: int) -> T:
    for attempt in range(retries + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == retries:
                raise
            await asyncio.sleep((_retry_after(exc) or 0) + RETRY_MARGIN)
    raise AssertionError("unreachable")  # pragma: no cover
