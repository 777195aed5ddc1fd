"""Benchmark: 1,000 officers answering at once through the fake Bot API, against one bot process.

The CCHC bot and a bare python-telegram-bot echo bot run in turn on the same fake server, in
the same run, with the same client settings; each simulated officer sends a message, waits for
the reply, sends the next. Printed: updates handled per second and p50/p99 latency (user sends
→ bot's reply arrives at the server) for both, and their ratio — the bot's own cost per message
next to the cost of the Telegram round trip that any bot pays. Telegram's own send limit is off
here (it would cap both bots at 30 messages a second and measure nothing of the bot).

    .venv/bin/python bench/telegram_bench.py [--officers 1000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake Bot API server lives with the tests
sys.path.insert(0, str(ROOT))

from fake_telegram import FakeTelegram  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402
from telegram_runner import RunningBot, settings_for  # noqa: E402

from storage.db import Store  # noqa: E402

# What each officer types: start, then five answers (I.1, I.2.1, I.2.2, I.3.1, I.3.2.1).
SCRIPT = ["Bắt đầu", "3", "37", "35", "2", "0"]


def prepare(url: str, officers: int) -> None:
    """A district with ``officers`` communes, one officer each, already registered."""
    store = Store(url)
    now = datetime.now(UTC)
    rows = [("QNG", "Tỉnh Quảng Ngãi", "tinh", None), ("SONHA", "Huyện Sơn Hà", "huyen", "QNG")]
    rows += [(f"XA{n:04d}", f"Xã số {n}", "xa", "SONHA") for n in range(1, officers + 1)]
    with store.transaction() as repo:
        repo.import_units(rows)
        repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20), now
        )
        for n in range(1, officers + 1):
            code = repo.create_invite(f"XA{n:04d}", "officer", now, timedelta(days=1)).code
            repo.redeem_invite(code, "telegram", str(user_id(n)), f"Cán bộ {n}", now)
    store.dispose()


def user_id(n: int) -> int:
    return 7_000_000 + n


class Driver:
    """Every officer sends its next line as soon as the bot's reply to the last one arrives."""

    def __init__(self, fake: FakeTelegram, officers: int, script: list[str]) -> None:
        self.fake, self.officers, self.script = fake, officers, script
        self.events: queue.Queue[tuple[int, float]] = queue.Queue()
        self.latencies: list[float] = []

    def on_message(self, chat_id: int, _text: str) -> None:
        self.events.put((chat_id, time.perf_counter()))

    def run(self) -> tuple[float, int]:
        step = dict.fromkeys((user_id(n) for n in range(1, self.officers + 1)), 0)
        sent_at: dict[int, float] = {}
        started = time.perf_counter()
        for chat_id in step:
            sent_at[chat_id] = time.perf_counter()
            self.fake.user_sends(chat_id, self.script[0])
        waiting = len(step)
        while waiting:
            chat_id, at = self.events.get(timeout=120)
            if chat_id not in sent_at:
                continue  # a second message for one update (none expected); ignore
            self.latencies.append(at - sent_at.pop(chat_id))
            step[chat_id] += 1
            if step[chat_id] < len(self.script):
                sent_at[chat_id] = time.perf_counter()
                self.fake.user_sends(chat_id, self.script[step[chat_id]])
            else:
                waiting -= 1
        return time.perf_counter() - started, len(self.latencies)


class EchoBot:
    """The baseline: python-telegram-bot doing nothing but answering each message."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.application: Application = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .concurrent_updates(64)
            .connection_pool_size(64)
            .build()
        )
        self.application.add_handler(MessageHandler(filters.TEXT, self.echo))
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def echo(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.effective_chat is not None
        await self.application.bot.send_message(update.effective_chat.id, update.message.text or "")

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        app = self.application
        await app.initialize()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        self._ready.set()
        await self._stop.wait()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    def __enter__(self) -> EchoBot:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


def measure(fake: FakeTelegram, officers: int, running: Callable[[], object]) -> dict[str, float]:
    driver = Driver(fake, officers, SCRIPT)
    fake.listen(driver.on_message)
    with running():  # type: ignore[attr-defined]
        seconds, handled = driver.run()
    fake._listeners.clear()
    ms = sorted(x * 1000 for x in driver.latencies)
    return {
        "updates_per_s": handled / seconds,
        "p50_ms": statistics.median(ms),
        "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "seconds": seconds,
        "handled": handled,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        prepare(url, args.officers)
        with FakeTelegram() as fake:
            for n in range(1, args.officers + 1):
                fake.add_user(user_id(n), f"Cán bộ {n}")
            echo = measure(fake, args.officers, lambda: EchoBot(fake))
            # Reminders off: the round just opened, so the start-up run would send every officer
            # a reminder inside the measured window; this measures answering, like the echo bot.
            settings = settings_for(fake, url, telegram_max_messages_per_second=0, reminders=False)
            cchc = measure(fake, args.officers, lambda: RunningBot(settings))
    backend = url.split(":", 1)[0]
    print(
        f"Telegram: {args.officers} officers × {len(SCRIPT)} messages, one bot process, "
        f"fake Bot API on 127.0.0.1, CCHC bot on {backend}"
    )
    print(f"{'':24}{'updates/s':>12}{'p50 ms':>10}{'p99 ms':>10}")
    for name, row in (("bare PTB echo bot", echo), ("CCHC bot", cchc)):
        print(f"{name:24}{row['updates_per_s']:>12.0f}{row['p50_ms']:>10.1f}{row['p99_ms']:>10.1f}")
    print(
        f"{'ratio CCHC / echo':24}{cchc['updates_per_s'] / echo['updates_per_s']:>12.2f}"
        f"{cchc['p50_ms'] / echo['p50_ms']:>10.2f}{cchc['p99_ms'] / echo['p99_ms']:>10.2f}"
    )


if __name__ == "__main__":
    main()
