"""Benchmark: officers answering at once through the fake Bot API, each bot its own process.

The CCHC bot (``cchc-bot run``, as a deployment runs it) and a bare python-telegram-bot echo
bot (bench/echo_bot.py) run in turn, each in an OS process of its own, against the same fake
Bot API server, which stays in this process with the driver; at 200 and at 1,000 officers, in
the same run. Each simulated officer sends a message, waits for the reply, sends the next.
Printed per officer count: updates handled per second, p50/p99 latency (user sends → bot's
reply arrives at the server), CPU of the bot's process per update, its peak memory, and the
ratios CCHC / echo — the bot's own cost per message next to the cost of the Telegram round trip
that any bot pays (issue 16: updates/s ratio ≥ 0.8, p99 ratio ≤ 2). The CPU this process spends
(fake server and driver) is printed too: when it nears a core, the fake caps both bots alike.

Telegram's own send limit is off here (it would cap both bots at 30 messages a second and
measure nothing of the bot), and so are reminders (the round has just opened: a start-up run
would remind every officer inside the measured window). Timing starts once the bot has answered
a warm-up message, so start-up is not measured. Each bot runs three times per officer count,
the two taking turns at going first (echo, CCHC; CCHC, echo; echo, CCHC; each trial on a fresh
database), and its fastest run is printed.

    .venv/bin/python bench/telegram_bench.py [--officers 200 1000] [--trials 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import heapq
import os
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake Bot API server lives with the tests
sys.path.insert(0, str(ROOT))

from fake_telegram import FakeTelegram  # noqa: E402

from bot.service.settings import Settings  # noqa: E402
from storage.db import Store  # noqa: E402

# What each officer types: start, then five answers (I.1, I.2.1, I.2.2, I.3.1, I.3.2.1).
SCRIPT = ["Bắt đầu", "3", "37", "35", "2", "0"]
OFFICER_COUNTS = (200, 1000)
# Runs of each bot per count, taking turns: a shared machine's speed drifts by a third
# from one minute to the next, and one run each could catch one bot at a slow moment.
TRIALS = 3
# Someone who is not an officer: the bot's answer to them says it is up and polling.
WARM_UP_USER = 6_999_999
START_TIMEOUT = 60.0  # seconds for a bot process to answer its warm-up message
STOP_TIMEOUT = 30.0  # seconds for a bot process to stop on SIGTERM before it is killed


def prepare(
    url: str,
    officers: int,
    *,
    opened_at: datetime | None = None,
    deadline: date = date(2024, 9, 20),
) -> None:
    """A district with ``officers`` communes, one officer each, already registered.

    The round opens ``opened_at`` (now by default) with its deadline on ``deadline``; the
    mixed benchmark moves both so that exactly one reminder step is due when the bot starts.
    """
    store = Store(url)
    now = datetime.now(UTC)
    rows = [("QNG", "Tỉnh Quảng Ngãi", "tinh", None), ("SONHA", "Huyện Sơn Hà", "huyen", "QNG")]
    rows += [(f"XA{n:04d}", f"Xã số {n}", "xa", "SONHA") for n in range(1, officers + 1)]
    with store.transaction() as repo:
        repo.import_units(rows)
        repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), deadline, opened_at or now
        )
        for n in range(1, officers + 1):
            code = repo.create_invite(f"XA{n:04d}", "officer", now, timedelta(days=1)).code
            repo.redeem_invite(code, "telegram", str(user_id(n)), f"Cán bộ {n}", now)
    store.dispose()


def user_id(n: int) -> int:
    return 7_000_000 + n


class Driver:
    """Every officer sends its next line once the bot's reply to the last one arrives.

    With ``think`` seconds, an officer pauses that long before each next line, and the first
    lines are spread over the same time, as people reading a question and typing a figure
    would; without, the next line goes at once (a closed loop: the bot's own throughput).
    """

    def __init__(
        self, fake: FakeTelegram, officers: int, script: list[str], think: float = 0.0
    ) -> None:
        self.fake, self.officers, self.script, self.think = fake, officers, script, think
        self.events: queue.Queue[tuple[int, float]] = queue.Queue()
        self.latencies: list[float] = []

    def on_message(self, chat_id: int, _text: str) -> None:
        """A listener (runs on the fake's thread with its lock held): hand off, return fast."""
        self.events.put((chat_id, time.perf_counter()))

    def run(self) -> tuple[float, int]:
        """(seconds from the first line sent to the last reply, replies received)."""
        chats = [user_id(n) for n in range(1, self.officers + 1)]
        step = dict.fromkeys(chats, 0)
        sent_at: dict[int, float] = {}
        started = time.perf_counter()
        spread = self.think / len(chats) if chats else 0.0
        due = [(started + i * spread, chat_id) for i, chat_id in enumerate(chats)]  # sorted
        waiting = len(chats)
        while waiting:
            now = time.perf_counter()
            while due and due[0][0] <= now:
                _, chat_id = heapq.heappop(due)
                sent_at[chat_id] = time.perf_counter()
                self.fake.user_sends(chat_id, self.script[step[chat_id]])
            try:
                timeout = max(0.0, due[0][0] - time.perf_counter()) if due else 120.0
                chat_id, at = self.events.get(timeout=timeout)
            except queue.Empty:
                if due:
                    continue
                raise TimeoutError(f"no reply for 120 s; {waiting} officers waiting") from None
            if chat_id not in sent_at:
                continue  # a second message for one update (none expected); ignore
            self.latencies.append(at - sent_at.pop(chat_id))
            step[chat_id] += 1
            if step[chat_id] == len(self.script):
                waiting -= 1
            elif self.think:
                heapq.heappush(due, (at + self.think, chat_id))
            else:
                sent_at[chat_id] = time.perf_counter()
                self.fake.user_sends(chat_id, self.script[step[chat_id]])
        return time.perf_counter() - started, len(self.latencies)


class BotProcess:
    """A bot in an OS process of its own, stopped (SIGTERM, then SIGKILL) whatever happens.

    Its output goes to a temporary file, never a pipe nobody reads (a full pipe would block
    the bot mid-benchmark); the file's tail is shown when the bot fails to start. CPU time and
    peak memory are read from /proc (Linux), which counts every thread of the process.
    """

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name, self.argv, self.env, self.cwd = name, argv, env, cwd
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.peak_rss_mb = float("nan")

    def __enter__(self) -> BotProcess:
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        process = self.process
        try:
            if kind is not None and self._log is not None:  # the bot's side of the failure
                print(f"{self.name}'s log, last lines:\n{self.log_tail()}", file=sys.stderr)
            if process is not None and process.poll() is None:
                self.peak_rss_mb = self._peak_rss_mb()  # VmHWM: highest RSS the process had
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    print(f"{self.name} did not stop within {STOP_TIMEOUT} s: killed", flush=True)
                    process.kill()
                    process.wait()
        finally:
            if self._log is not None:
                self._log.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        assert self._log is not None
        self._log.flush()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float:
        """User + system CPU of the process so far, all its threads."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return float("nan")
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is fields[0]
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _peak_rss_mb(self) -> float:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def wait_ready(self, fake: FakeTelegram) -> None:
        """Until the bot answers a warm-up message: polling, handlers installed, DB open."""
        fake.user_sends(WARM_UP_USER, "xin chào")
        deadline = time.monotonic() + START_TIMEOUT
        while not fake.chat(WARM_UP_USER):
            if not self.alive():
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} not ready in {START_TIMEOUT} s:\n{self.log_tail()}"
                )
            time.sleep(0.02)


def bot_env(fake: FakeTelegram, **settings: str) -> dict[str, str]:
    """This environment without any CCHC setting of the caller's (a DATABASE_URL, a
    PUBLIC_BASE_URL would change what runs), then the fake's Bot API and ``settings``.

    PYTHONPATH puts this tree first, so the bot measured is the code next to this benchmark.
    """
    names = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.upper() not in names}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.base_url, **settings)
    return env


def cchc_bot(fake: FakeTelegram, cwd: Path, **settings: str) -> BotProcess:
    """``cchc-bot run`` long polling the fake, started in ``cwd`` (no .env file there)."""
    script = Path(sys.executable).with_name("cchc-bot")
    argv = [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot.cli", "run"]
    return BotProcess("cchc-bot run", argv, bot_env(fake, **settings), cwd)


def echo_bot(fake: FakeTelegram, cwd: Path) -> BotProcess:
    argv = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
    return BotProcess("echo bot", argv, bot_env(fake), cwd)


@dataclass(frozen=True)
class Result:
    """One bot's run: what the officers saw, and what it cost the bot's process."""

    handled: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_update: float  # the bot's process, during the measured window
    peak_rss_mb: float  # the bot's process, over its whole life
    bench_cpu_ms_per_update: float  # this process: the fake server and the driver

    @property
    def updates_per_s(self) -> float:
        return self.handled / self.seconds


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def measure(
    officers: int, start: Callable[[FakeTelegram], BotProcess], think: float = 0.0
) -> Result:
    """A fresh fake Bot API (nothing left from another bot), the bot started and warmed up,
    then every officer through the script."""
    with FakeTelegram() as fake:
        for n in range(1, officers + 1):
            fake.add_user(user_id(n), f"Cán bộ {n}")
        driver = Driver(fake, officers, SCRIPT, think)
        with start(fake) as bot:
            bot.wait_ready(fake)
            fake.listen(driver.on_message)
            cpu, bench_cpu = bot.cpu_seconds(), time.process_time()
            seconds, handled = driver.run()
            cpu, bench_cpu = bot.cpu_seconds() - cpu, time.process_time() - bench_cpu
        ms = [x * 1000 for x in driver.latencies]
        return Result(
            handled,
            seconds,
            statistics.median(ms),
            percentile(ms, 0.99),
            cpu / handled * 1000,
            bot.peak_rss_mb,
            bench_cpu / handled * 1000,
        )


def machine() -> str:
    """Cores and load: two bots and the fake share them, and a busy machine slows all three."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, load average {load:.2f}"


def print_table(officers: int, backend: str, echo: Result, cchc: Result, trials: int) -> None:
    print(
        f"Telegram: {officers} officers × {len(SCRIPT)} messages, each bot its own process, "
        f"fake Bot API on 127.0.0.1 (in the bench process), CCHC bot on {backend}, "
        f"send limit off; each bot's best of {trials} trials, taking turns; {machine()}"
    )
    print(
        f"{'':22}{'updates/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/upd':>12}"
        f"{'peak RSS MB':>13}{'fake CPU ms/upd':>17}"
    )
    for name, row in (("bare PTB echo bot", echo), ("CCHC bot", cchc)):
        print(
            f"{name:22}{row.updates_per_s:>10.0f}{row.p50_ms:>9.1f}{row.p99_ms:>9.1f}"
            f"{row.cpu_ms_per_update:>12.2f}{row.peak_rss_mb:>13.1f}"
            f"{row.bench_cpu_ms_per_update:>17.2f}"
        )
    throughput = cchc.updates_per_s / echo.updates_per_s
    p99 = cchc.p99_ms / echo.p99_ms
    print(
        f"{'ratio CCHC / echo':22}{throughput:>10.2f}{cchc.p50_ms / echo.p50_ms:>9.2f}{p99:>9.2f}"
        f"{cchc.cpu_ms_per_update / echo.cpu_ms_per_update:>12.2f}"
        f"{cchc.peak_rss_mb / echo.peak_rss_mb:>13.2f}"
    )
    print(
        f"goals: updates/s ratio ≥ 0.8: {'met' if throughput >= 0.8 else 'NOT met'}; "
        f"p99 ratio ≤ 2: {'met' if p99 <= 2 else 'NOT met'}"
    )


def best(results: list[Result]) -> Result:
    """A bot's best trial: what it can do when the machine lets it (both bots alike)."""
    return max(results, key=lambda r: r.updates_per_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, nargs="+", default=list(OFFICER_COUNTS))
    parser.add_argument(
        "--trials",
        type=int,
        default=TRIALS,
        help="runs of each bot per officer count, alternating; each bot's best is printed",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty database (one --officers, one trial only); "
        "default: a fresh SQLite file per officer count and trial",
    )
    args = parser.parse_args()
    if args.trials < 1:
        parser.error("--trials must be at least 1")
    if args.database_url and (len(args.officers) != 1 or args.trials != 1):
        parser.error("--database-url takes one --officers count and --trials 1: each needs its own")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for i, officers in enumerate(args.officers):
            echoes, products = [], []
            for trial in range(args.trials):
                url = (
                    args.database_url or f"sqlite:///{tmp / f'telegram-{officers}-{trial}.sqlite3'}"
                )
                prepare(url, officers)
                # Reminders off: the round just opened, so the start-up run would send every
                # officer a reminder inside the measured window; this measures answering.
                settings = {"TELEGRAM_MAX_MESSAGES_PER_SECOND": "0", "REMINDERS": "false"}
                cchc = functools.partial(cchc_bot, cwd=tmp, DATABASE_URL=url, **settings)
                runs = [(echoes, functools.partial(echo_bot, cwd=tmp)), (products, cchc)]
                # Each bot goes first in every other trial, so neither always follows the other.
                for results, bot in runs if trial % 2 == 0 else reversed(runs):
                    results.append(measure(officers, bot))
            if i:
                print()
            print_table(officers, url.split(":", 1)[0], best(echoes), best(products), args.trials)


if __name__ == "__main__":
    main()
