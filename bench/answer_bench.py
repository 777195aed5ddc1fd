"""Benchmark: what one answer costs the product itself, without Telegram, in-process.

The Telegram benchmark measures a whole bot, network and python-telegram-bot included; this one
isolates what the product adds to each answer (the dialogue engine and storage), so a change to
the hot path shows up here undiluted: SQL statements per answer (reads and writes, counted on
the engine), CPU and wall time per answer. ``Conversations.handle`` is called directly, as the
Telegram and Zalo transports call it, on a SQLite file (WAL, ``synchronous=FULL``): every answer
is committed before the next.

Each officer's first message (``SCRIPT[0]``, which opens the report) is a warm-up, not measured;
then the remaining lines go round-robin over the officers, so consecutive answers belong to
different people, as they would under load.

    .venv/bin/python bench/answer_bench.py [--officers 200] [--database-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from statement_count import counted  # noqa: E402
from telegram_bench import SCRIPT, prepare, user_id  # noqa: E402

from bot.chat.conversations import Conversations, Sender  # noqa: E402
from flows.engine import Text  # noqa: E402
from storage.db import Store  # noqa: E402

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def run(url: str, officers: int, profile: bool) -> None:
    prepare(url, officers)
    store = Store(url)
    try:
        conversations = Conversations(store, ZONE)
        seq = 0

        def answer(n: int, line: str) -> None:
            nonlocal seq
            seq += 1
            sender = Sender("telegram", str(user_id(n)), f"Cán bộ {n}")
            outcome = conversations.handle(sender, Text(line), update_key=str(seq), seq=seq)
            assert outcome.replies, f"no reply to {line!r} from officer {n}"

        for n in range(1, officers + 1):  # warm-up: each officer opens the report
            answer(n, SCRIPT[0])
        profiler = cProfile.Profile() if profile else None
        with counted(store.engine) as counts:
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            for line in SCRIPT[1:]:
                for n in range(1, officers + 1):
                    answer(n, line)
            if profiler is not None:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        store.dispose()

    answers = officers * (len(SCRIPT) - 1)
    backend = url.split(":", 1)[0]
    print(
        f"In-process answers: {officers} officers, {answers} answers measured "
        f"(after {officers} warm-up), Conversations.handle on {backend}"
    )
    print(f"  reads/answer     {counts.pop('read', 0) / answers:8.2f}")
    print(f"  writes/answer    {counts.pop('write', 0) / answers:8.2f}")
    if counts:
        other = ", ".join(f"{k} {v / answers:.2f}" for k, v in counts.most_common())
        print(f"  other/answer     {other}")
    where = "engine + storage, this process" + ("; profiled, so inflated" if profile else "")
    print(f"  CPU ms/answer    {cpu / answers * 1000:8.2f}  ({where})")
    print(f"  wall ms/answer   {wall / answers * 1000:8.2f}")
    if profiler is not None:
        print("\nProfile, top 30 by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 30")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.database_url or f"sqlite:///{tmp}/answers.sqlite3", args.officers, args.profile)


if __name__ == "__main__":
    main()
