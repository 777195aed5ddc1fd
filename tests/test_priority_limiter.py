"""The send limiter with priorities, on an event loop whose clock is virtual.

Time only moves when every task waits for a timer, and then jumps to the next one, so these
tests count and order sends at exact (virtual) instants; nothing here depends on the machine.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import selectors
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import RetryAfter

from bot.transports.priority_limiter import (
    ARRIVAL_MARGIN,
    BROADCAST,
    REPLY,
    SLACK,
    PriorityLimiter,
    TelegramPriorityLimiter,
)


class _JumpingSelector(selectors.DefaultSelector):
    """Never sleeps: when nothing is ready, the loop's clock jumps to its next timer."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if not ready and timeout:
            self.now += timeout
        elif not ready and timeout is None:
            raise AssertionError("deadlock: nothing to run and no timer set")
        return ready


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._jumping = _JumpingSelector()
        super().__init__(self._jumping)

    def time(self) -> float:
        return self._jumping.now


def run(main: Callable[[], Awaitable[Any]]) -> Any:
    loop = VirtualLoop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


class Recorder:
    """Stands for the chat app: remembers what was sent, when (virtual time) and to whom."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, str, object]] = []  # (time, kind, chat)

    async def send(self, limiter: PriorityLimiter, kind: str, chat: object) -> None:
        priority = REPLY if kind == "reply" else BROADCAST
        await limiter.acquire(priority, chat)
        self.sent.append((asyncio.get_running_loop().time(), kind, chat))


def busiest_window(times: list[float], window: float = 1.0) -> int:
    """Most sends in any half-open window [t, t + window), counting, as the limiter and asyncio's
    timers do, an instant within a microsecond of the window's end as past it."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window - SLACK:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_replies_queued_behind_500_broadcasts_are_sent_first():
    recorder = Recorder()

    async def main() -> None:
        limiter = PriorityLimiter(30)
        tasks = [
            asyncio.create_task(recorder.send(limiter, "broadcast", f"b{n}")) for n in range(500)
        ]
        await asyncio.sleep(0)  # the broadcasts are queued first
        tasks += [asyncio.create_task(recorder.send(limiter, "reply", f"r{n}")) for n in range(20)]
        await asyncio.gather(*tasks)
        await limiter.close()

    run(main)

    kinds = [kind for _, kind, _ in recorder.sent]
    assert len(kinds) == 520
    # At most the one broadcast granted before the replies arrived goes ahead of them.
    assert kinds.index("reply") <= 1
    assert kinds[: kinds.index("reply") + 20].count("reply") == 20
    reply_times = [at for at, kind, _ in recorder.sent if kind == "reply"]
    assert max(reply_times) < 1.0  # 20 replies at 30 a second: all within the first second


def test_a_reply_arriving_during_a_broadcast_run_takes_the_next_slot():
    recorder = Recorder()

    async def main() -> None:
        limiter = PriorityLimiter(10)
        broadcasts = [
            asyncio.create_task(recorder.send(limiter, "broadcast", n)) for n in range(100)
        ]
        await asyncio.sleep(3.05)  # thirty or so broadcasts out, seventy waiting
        await recorder.send(limiter, "reply", "officer")
        await asyncio.gather(*broadcasts)
        await limiter.close()

    run(main)

    order = [kind for _, kind, _ in recorder.sent]
    position = order.index("reply")
    assert 25 <= position <= 35
    (reply_at,) = [at for at, kind, _ in recorder.sent if kind == "reply"]
    assert reply_at - 3.05 <= (1 + ARRIVAL_MARGIN) / 10 + 1e-9  # at most one slot after it asked


@pytest.mark.parametrize("rate", [30, 10, 7.5])
def test_the_overall_rate_is_never_exceeded_in_any_one_second_window(rate):
    recorder = Recorder()

    async def main() -> None:
        limiter = PriorityLimiter(rate)
        tasks = [asyncio.create_task(recorder.send(limiter, "broadcast", n)) for n in range(300)]
        for n in range(60):  # replies trickling in while the broadcasts run
            tasks.append(asyncio.create_task(recorder.send(limiter, "reply", f"r{n}")))
            await asyncio.sleep(0.13)
        await asyncio.gather(*tasks)
        await limiter.close()

    run(main)

    times = [at for at, _, _ in recorder.sent]
    assert len(times) == 360
    assert busiest_window(times) <= int(rate)
    # ... and the broadcasts use what is left: the whole run is as short as the limit allows
    # (7.5 a second is at most 7 in any one second), less the margin kept for arrival.
    assert times[-1] - times[0] <= 360 * (1 + ARRIVAL_MARGIN) / math.floor(rate) + 1


def test_a_chat_never_gets_two_broadcasts_within_a_second():
    recorder = Recorder()

    async def main() -> None:
        limiter = PriorityLimiter(30)
        # Five chats with twenty broadcasts each, queued chat after chat.
        tasks = [
            asyncio.create_task(recorder.send(limiter, "broadcast", chat))
            for chat in "abcde"
            for _ in range(20)
        ]
        await asyncio.gather(*tasks)
        await limiter.close()

    run(main)

    assert len(recorder.sent) == 100
    for chat in "abcde":
        times = [at for at, _, c in recorder.sent if c == chat]
        assert len(times) == 20
        assert all(b - a >= 1.0 - SLACK for a, b in itertools.pairwise(times))
    # The others' broadcasts are not held up by one busy chat: all five go each second.
    assert {c for at, _, c in recorder.sent if at < 1.0} == set("abcde")


def test_a_broadcast_waits_a_second_after_a_reply_to_the_same_chat():
    recorder = Recorder()

    async def main() -> None:
        limiter = PriorityLimiter(30)
        await recorder.send(limiter, "reply", "officer")
        await recorder.send(limiter, "reply", "officer")  # replies are not spaced
        await recorder.send(limiter, "broadcast", "officer")
        await limiter.close()

    run(main)

    (first, _, _), (second, _, _), (notice, _, _) = recorder.sent
    assert second - first < 0.1
    assert notice - second >= 1.0 - SLACK


def test_a_cancelled_waiter_costs_no_slot():
    recorder = Recorder()

    async def main() -> None:
        limiter = PriorityLimiter(1)
        await recorder.send(limiter, "broadcast", "a")
        doomed = asyncio.create_task(recorder.send(limiter, "reply", "gone"))
        await asyncio.sleep(0.5)
        doomed.cancel()
        await recorder.send(limiter, "broadcast", "b")
        await limiter.close()

    run(main)

    assert [c for _, _, c in recorder.sent] == ["a", "b"]
    assert recorder.sent[1][0] == pytest.approx(1.0 + ARRIVAL_MARGIN)  # the next slot: no later


def test_a_flood_error_holds_every_send_then_retries():
    class Flood(Exception):
        pass

    attempts: list[tuple[float, str]] = []

    async def main() -> None:
        limiter = PriorityLimiter(30)
        refused = False

        async def call(name: str) -> str:
            nonlocal refused
            attempts.append((asyncio.get_running_loop().time(), name))
            if name == "notice" and not refused:
                refused = True
                raise Flood
            return name

        def retry_after(exc: BaseException) -> float | None:
            return 2.0 if isinstance(exc, Flood) else None

        async def reply_later() -> str:
            await asyncio.sleep(0.5)  # asks while every send is held
            return await limiter.submit(lambda: call("reply"), REPLY, 2, retry_after=retry_after)

        results = await asyncio.gather(
            limiter.submit(
                lambda: call("notice"), BROADCAST, 1, retries=3, retry_after=retry_after
            ),
            reply_later(),
        )
        assert results == ["notice", "reply"]
        await limiter.close()

    run(main)

    assert [name for _, name in attempts] == ["notice", "reply", "notice"]
    (refused_at, _), (reply_at, _), (retry_at, _) = attempts
    assert refused_at == 0.0
    assert reply_at >= 2.1 - SLACK  # nothing at all goes out while Telegram said wait
    assert retry_at >= reply_at  # the retried broadcast still gives way to the reply


def test_an_error_that_is_not_a_flood_is_raised_at_once():
    async def main() -> None:
        limiter = PriorityLimiter(30)

        async def call() -> None:
            raise ValueError("bad request")

        with pytest.raises(ValueError):
            await limiter.submit(call, REPLY, 1, retries=3, retry_after=lambda _exc: None)
        await limiter.close()

    run(main)


def test_the_telegram_adapter_marks_broadcasts_and_retries_on_429():
    calls: list[tuple[float, str]] = []

    async def main() -> None:
        limiter = TelegramPriorityLimiter(10, max_retries=2)
        await limiter.initialize()
        refused = False

        async def callback(name: str) -> dict[str, str]:
            nonlocal refused
            calls.append((asyncio.get_running_loop().time(), name))
            if name == "notice" and not refused:
                refused = True
                raise RetryAfter(1)
            return {"sent": name}

        async def request(name: str, args: dict[str, Any] | None) -> Any:
            return await limiter.process_request(
                callback, (name,), {}, "sendMessage", {"chat_id": name}, args
            )

        notices = [
            asyncio.create_task(request(f"n{n}", {"priority": "broadcast"})) for n in range(30)
        ]
        await asyncio.sleep(0)
        assert limiter.core.waiting[1] == 30
        reply = asyncio.create_task(request("reply", None))
        flood = asyncio.create_task(request("notice", {"priority": BROADCAST}))
        results = await asyncio.gather(reply, flood, *notices)
        assert results[0] == {"sent": "reply"} and results[1] == {"sent": "notice"}
        await limiter.shutdown()

    run(main)

    names = [name for _, name in calls]
    assert names.index("reply") <= 1  # ahead of the thirty notices queued before it
    first, again = [at for at, name in calls if name == "notice"]
    assert again - first >= 1.1
    assert busiest_window([at for at, _ in calls]) <= 10


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, ARRIVAL_MARGIN * 0.999), min_size=200, max_size=200))
def test_sends_reaching_the_server_unevenly_never_exceed_the_limit_there(delays):
    """Each send reaches the server up to ARRIVAL_MARGIN after its turn, each by its own delay:
    the server still never counts more than the limit in any one second."""
    recorder = Recorder()

    async def main() -> None:
        limiter = PriorityLimiter(30)
        tasks = [asyncio.create_task(recorder.send(limiter, "broadcast", n)) for n in range(200)]
        await asyncio.gather(*tasks)
        await limiter.close()

    run(main)

    arrivals = [at + delay for (at, _, _), delay in zip(recorder.sent, delays, strict=True)]
    assert busiest_window(arrivals) <= 30
