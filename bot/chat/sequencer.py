"""One person's updates one at a time, in the chat app's order; different people side by side.

A transport admits each update the moment it has it, before awaiting anything (admitting is
synchronous), and then waits for its turn. Turns go by the chat app's number for the update
(Telegram's update_id) rather than by arrival, so an update admitted a little late still goes
before the later ones that are waiting. Updates without a number (Zalo) go in arrival order.

An update may also be held back for a moment after it arrives (``hold``): in webhook mode
Telegram sends a person's button presses and typed messages over separate connections, so a
figure typed right after pressing "Bỏ qua" can arrive first; holding typed messages for a
quarter of a second lets the press that came before them take its place first.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
from collections.abc import Hashable
from dataclasses import dataclass, field
from types import TracebackType


@dataclass(eq=False)
class Turn:
    """``async with turn:`` runs the block when every earlier update of the person is done."""

    line: _Line
    order: tuple[float, int]
    ready_at: float
    granted: asyncio.Future[None] = field(repr=False)

    async def __aenter__(self) -> Turn:
        self.line.kick()
        try:
            await self.granted
        except asyncio.CancelledError:
            self.line.leave(self)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.line.leave(self)


class _Line:
    """The updates of one person: the one running and those waiting, lowest number first."""

    def __init__(self, sequencer: Sequencer, key: Hashable) -> None:
        self.sequencer = sequencer
        self.key = key
        self.waiting: list[Turn] = []
        self.running: Turn | None = None

    def join(self, turn: Turn) -> None:
        bisect.insort(self.waiting, turn, key=lambda t: t.order)

    def kick(self) -> None:
        if self.running is not None or not self.waiting:
            return
        head = self.waiting[0]
        loop = asyncio.get_running_loop()
        wait = head.ready_at - loop.time()
        if wait > 0:
            loop.call_later(wait, self.kick)
            return
        self.waiting.pop(0)
        self.running = head
        if not head.granted.done():
            head.granted.set_result(None)

    def leave(self, turn: Turn) -> None:
        if self.running is turn:
            self.running = None
        elif turn in self.waiting:
            self.waiting.remove(turn)
        if self.running is None and not self.waiting:
            self.sequencer.forget(self)
        else:
            self.kick()


class Sequencer:
    def __init__(self) -> None:
        self._lines: dict[Hashable, _Line] = {}
        self._arrivals = itertools.count()

    def admit(self, key: Hashable, seq: int | None = None, *, hold: float = 0) -> Turn:
        """Take a place in ``key``'s line now; ``async with`` the turn to wait for it."""
        loop = asyncio.get_running_loop()
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = _Line(self, key)
        arrival = next(self._arrivals)
        order = (float(seq) if seq is not None else float(arrival), arrival)
        turn = Turn(line, order, loop.time() + hold, loop.create_future())
        line.join(turn)
        return turn

    def forget(self, line: _Line) -> None:
        if self._lines.get(line.key) is line:
            del self._lines[line.key]

    @property
    def people(self) -> int:
        """How many people have updates running or waiting (0 once all are done)."""
        return len(self._lines)
