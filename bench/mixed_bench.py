"""Benchmark: replies during a reminder run, with Telegram's send limit on (issue 16).

A province's round opens: 3,000 officers are owed a reminder at once, and Telegram lets a bot
send about 30 messages a second, so the run takes about 100 s. Meanwhile 100 of those officers
are filling in their report; each one's reply must still come within a second (p99), because a
reply to a person's own message goes ahead of broadcasts — and all sends together must never
exceed the limit in any one second.

``cchc-bot run`` runs in its own process with reminders on (its start-up run finds the "open"
step due: the round opened a minute ago, the deadline is two weeks ahead; quiet hours off, so
the benchmark runs at any hour) and the send limit at its default; the fake Bot API server and
the driver stay in this process. The officers start once the first reminder has arrived. Each
officer pauses ``--think`` seconds (5 by default) before each next line, as a person reading a
question and typing a figure would: 100 officers answering in a closed loop, without pause,
would ask for more replies than 30 a second and measure the limit, not the priority.

Printed: reply latency p50/p99 for the answering officers, reminders sent (and to how many
officers), seconds from the first reminder to the last, and the busiest one-second window of
sendMessage calls as the fake server received them (replies and reminders together).

    .venv/bin/python bench/mixed_bench.py [--officers 3000] [--answering 100] [--think 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))  # the fake Bot API server lives with the tests
sys.path.insert(0, str(ROOT))

from fake_server import busiest_second  # noqa: E402
from fake_telegram import FakeTelegram  # noqa: E402
from telegram_bench import (  # noqa: E402
    SCRIPT,
    Driver,
    cchc_bot,
    machine,
    percentile,
    prepare,
    user_id,
)

from bot.service.settings import Settings  # noqa: E402
from bot.transports.priority_limiter import ARRIVAL_MARGIN, WINDOW  # noqa: E402
from flows import texts  # noqa: E402

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# The words of the "open" step's reminder before its period, from flows/texts itself; no reply
# contains them.
REMINDER = texts.remind_open("\0", "", date.today(), date.today()).partition(" \0")[0]
FIRST_REMINDER_TIMEOUT = 120.0  # seconds: planning claims every reminder before the first send
LIMIT = Settings.model_fields["telegram_max_messages_per_second"].default


class Watcher:
    """Splits what the bot sends: reminders are timed here, replies go to the driver."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.reminders: list[tuple[int, float]] = []  # (chat id, perf_counter at the fake)

    def on_message(self, chat_id: int, text: str) -> None:
        if REMINDER in text:
            self.reminders.append((chat_id, time.perf_counter()))
        else:
            self.driver.on_message(chat_id, text)


def wait_until(done: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``done()`` (a cheap check) until it holds; on timeout, say so and go on."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            print(f"warning: {what} not seen within {timeout:.0f} s", flush=True)
            return
        time.sleep(0.05)


def run(officers: int, answering: int, think: float, tmp: Path) -> None:
    url = f"sqlite:///{tmp / 'mixed.sqlite3'}"
    now = datetime.now(UTC)
    deadline = now.astimezone(ZONE).date() + timedelta(days=14)
    started = time.perf_counter()
    prepare(url, officers, opened_at=now - timedelta(minutes=1), deadline=deadline)
    prepared = time.perf_counter() - started
    settings = {"DATABASE_URL": url, "REMINDERS": "true", "QUIET_HOURS": "00:00-00:00"}
    with FakeTelegram() as fake:
        for n in range(1, officers + 1):
            fake.add_user(user_id(n), f"Cán bộ {n}")  # they started the bot once
        driver = Driver(fake, answering, SCRIPT, think)
        watcher = Watcher(driver)
        fake.listen(watcher.on_message)
        with cchc_bot(fake, tmp, **settings) as bot:
            bot.wait_ready(fake)
            wait_until(lambda: watcher.reminders, FIRST_REMINDER_TIMEOUT, "a first reminder")
            answering_from = time.perf_counter()
            seconds, handled = driver.run()
            # At the limit, with the replies' share taken first, and a minute to spare.
            wait_until(
                lambda: len(watcher.reminders) >= officers,
                officers / LIMIT * 1.5 + 60,
                f"all {officers} reminders",
            )
            cpu = bot.cpu_seconds()
        sends = [c for c in fake.calls if c.method == "sendMessage"]

    ms = [x * 1000 for x in driver.latencies]
    times = [at for _, at in watcher.reminders]
    reminded = len({chat_id for chat_id, _ in watcher.reminders})
    span = times[-1] - times[0] if times else float("nan")
    during = sum(1 for at in times if answering_from <= at <= answering_from + seconds)
    refused = sum(1 for c in sends if c.status != 200)
    print(
        f"Mixed: {officers} officers owed a reminder (prepared in {prepared:.0f} s), "
        f"{answering} of them answering {len(SCRIPT)} lines each with {think:g} s to think, "
        f"send limit {LIMIT:g}/s (the default), cchc-bot run in its own process on SQLite; "
        f"{machine()}"
    )
    print(
        f"  replies            {handled} in {seconds:.1f} s; p50 {statistics.median(ms):.0f} ms, "
        f"p99 {percentile(ms, 0.99):.0f} ms, max {max(ms):.0f} ms  (goal p99 ≤ 1000 ms)"
    )
    print(
        f"  reminders sent     {len(times)} to {reminded} officers; "
        f"{during} of them while the officers answered"
    )
    print(
        f"  first → last       {span:.1f} s  "
        f"(≈ {(len(times) + handled) * (WINDOW + ARRIVAL_MARGIN) / LIMIT:.0f} s expected for "
        f"all sends at {LIMIT:g} per {WINDOW + ARRIVAL_MARGIN:g} s, the limit less the margin "
        "kept for uneven arrival)"
    )
    print(
        f"  busiest second     {busiest_second(sends)} sendMessage calls at the fake "
        f"(limit {LIMIT:g}); {len(sends)} in all, {refused} refused"
    )
    print(f"  bot process CPU    {cpu:.1f} s over its life, peak RSS {bot.peak_rss_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=3000, help="registered, each reminded")
    parser.add_argument("--answering", type=int, default=100, help="of them, filling in")
    parser.add_argument("--think", type=float, default=5.0, help="seconds before each next line")
    args = parser.parse_args()
    if not 0 < args.answering <= args.officers:
        parser.error("--answering must be between 1 and --officers")
    with tempfile.TemporaryDirectory() as name:
        run(args.officers, args.answering, args.think, Path(name))


if __name__ == "__main__":
    main()
