"""Benchmark: what one answer costs the product itself, without Telegram, in-process.

The Telegram benchmark measures a whole bot, network and python-telegram-bot included; this one
isolates what the product adds to each answer (the dialogue engine and storage), so a change to
the hot path shows up here undiluted: SQL statements per answer (reads and writes, counted on
the engine), CPU and wall time per answer, on a SQLite file (WAL, ``synchronous=FULL``). Two
ways: one message at a time through ``Conversations.handle`` (the console and the command line;
a commit each), and as the Telegram and Zalo bots apply them on SQLite, through
``Conversations.apply``, the messages of one pass of the event loop sharing a commit. Either
way every answer is committed before its reply.

Each officer's first message (``SCRIPT[0]``, which opens the report) is a warm-up, not measured;
then the remaining lines go round-robin over the officers, so consecutive answers belong to
different people, as they would under load.

    .venv/bin/python bench/answer_bench.py [--officers 200] [--trials 3] [--profile]
        [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from statement_count import counted  # noqa: E402
from telegram_bench import SCRIPT, prepare, user_id  # noqa: E402

from bot.chat.conversations import Conversations, Sender  # noqa: E402
from flows.engine import Text  # noqa: E402
from storage.db import Store  # noqa: E402
from storage.group_commit import MAX_BATCH  # noqa: E402

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


RW = ("read", "write")  # the statement kinds counted apart; any other is listed by its verb


@dataclass(frozen=True)
class Row:
    answers: int
    reads: float
    writes: float
    other: str
    cpu_ms: float
    wall_ms: float
    commits: int


def measure(url: str, officers: int, together: bool, profiler: cProfile.Profile | None) -> Row:
    """Every officer's first message as a warm-up, then the rest of the script round-robin:
    one at a time through ``handle``, or (``together``) as the Telegram and Zalo bots apply
    them on SQLite, through ``apply`` with as many at once as one loop pass takes
    (storage/group_commit.MAX_BATCH), so those share a commit."""
    prepare(url, officers)
    store = Store(url)
    try:
        conversations = Conversations(store, ZONE)
        # As the bot does once started (bot/service/runner): what start-up made is left out of
        # the collector's rounds, so a full collection falling in the measured window costs
        # what it would cost the bot, not a scan of the whole interpreter.
        gc.freeze()
        seq = 0

        def message(n: int, line: str) -> tuple[Sender, Text, str, int]:
            nonlocal seq
            seq += 1
            return Sender("telegram", str(user_id(n)), f"Cán bộ {n}"), Text(line), str(seq), seq

        def one(n: int, line: str) -> None:
            sender, text, key, number = message(n, line)
            outcome = conversations.handle(sender, text, update_key=key, seq=number)
            assert outcome.replies, f"no reply to {line!r} from officer {n}"

        async def at_once(line: str) -> None:
            for first in range(1, officers + 1, MAX_BATCH):
                batch = [
                    message(n, line) for n in range(first, min(first + MAX_BATCH, officers + 1))
                ]
                outcomes = await asyncio.gather(
                    *(conversations.apply(s, t, update_key=k, seq=q) for s, t, k, q in batch)
                )
                assert all(outcome.replies for outcome in outcomes), f"no reply to {line!r}"

        def lines(script: tuple[str, ...] | list[str]) -> None:
            if together:
                asyncio.run(_each(script, at_once))
            else:
                for line in script:
                    for n in range(1, officers + 1):
                        one(n, line)

        lines(SCRIPT[:1])  # warm-up: each officer opens the report
        commits = 0

        def commit(_connection: object) -> None:
            nonlocal commits
            commits += 1

        event.listen(store.engine, "commit", commit)
        with counted(store.engine) as counts:
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            lines(SCRIPT[1:])
            if profiler is not None:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        event.remove(store.engine, "commit", commit)
    finally:
        store.dispose()
        gc.unfreeze()
    answers = officers * (len(SCRIPT) - 1)
    other = ", ".join(f"{k} {v / answers:.2f}" for k, v in counts.items() if k not in RW)
    return Row(
        answers,
        counts["read"] / answers,
        counts["write"] / answers,
        other,
        cpu / answers * 1000,
        wall / answers * 1000,
        commits,
    )


async def _each(script: tuple[str, ...] | list[str], run: Callable[[str], Awaitable[None]]) -> None:
    for line in script:
        await run(line)


def run(tmp: Path, url: str | None, officers: int, profile: bool, trials: int) -> None:
    backend = (url or "sqlite").split(":", 1)[0]
    print(
        f"In-process answers: {officers} officers, {officers * (len(SCRIPT) - 1)} answers "
        f"measured (after {officers} warm-up), on {backend}; engine + storage, this process; "
        f"best of {trials} trials, each on a fresh database"
        + ("; profiled, so inflated" if profile else "")
    )
    print(f"{'per answer':24}{'reads':>7}{'writes':>8}{'CPU ms':>8}{'wall ms':>9}{'commits':>9}")
    profiler = cProfile.Profile() if profile else None
    modes = [("one at a time", False)]
    if backend == "sqlite":  # on PostgreSQL the bots apply each message on a thread, alone
        modes.append(("as the bots apply them", True))
    for i, (name, together) in enumerate(modes):
        rows = [
            measure(
                url or f"sqlite:///{tmp}/answers-{i}-{trial}.sqlite3", officers, together, profiler
            )
            for trial in range(trials)
        ]
        # The least CPU of the trials: what the work costs when the machine's neighbours are
        # quiet; statements and commits are the same in every trial.
        row = min(rows, key=lambda r: r.cpu_ms)
        print(
            f"{name:24}{row.reads:>7.2f}{row.writes:>8.2f}{row.cpu_ms:>8.2f}"
            f"{row.wall_ms:>9.2f}{row.commits:>9}"
        )
        if row.other:
            print(f"  other statements per answer: {row.other}")
        if url:  # one database, one mode
            break
    print("goal: CPU ms per answer ≤ 1 on SQLite")
    print(
        "one at a time: Conversations.handle, a transaction and a sync each; as the bots apply "
        f"them: Conversations.apply, up to {MAX_BATCH} from one pass of the event loop "
        "sharing a commit (storage/group_commit)"
    )
    if profiler is not None:
        print("\nProfile, top 30 by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 30")
    parser.add_argument("--trials", type=int, default=3, help="each mode's best of this many")
    args = parser.parse_args()
    if args.trials < 1:
        parser.error("--trials must be at least 1")
    if args.database_url and args.trials != 1:
        parser.error("--database-url takes --trials 1: each trial needs a fresh database")
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), args.database_url, args.officers, args.profile, args.trials)


if __name__ == "__main__":
    main()
