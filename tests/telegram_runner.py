"""Run the real TelegramBot against the fake Bot API, on its own thread and event loop.

Tests then act as users through FakeTelegram's blocking API, exactly as people on phones would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from fake_telegram import FakeTelegram

from bot.service.runner import Service
from bot.service.settings import Settings
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def settings_for(fake: FakeTelegram, database_url: str, **extra: object) -> Settings:
    return Settings(
        database_url=database_url,
        telegram_bot_token=fake.token,
        telegram_api_base_url=fake.base_url,
        _env_file=None,  # type: ignore[call-arg]
        **extra,  # type: ignore[arg-type]
    )


class RunningBot:
    """``with RunningBot(...) as bot:`` runs `cchc-bot run`'s Service until the block ends.

    Whatever transports the settings enable (Telegram, Zalo, both) run on the bot's own thread
    and event loop, with short long-poll timeouts so the block ends quickly.
    """

    def __init__(self, settings: Settings, *, webhook_port: int | None = None) -> None:
        if webhook_port is not None:
            settings = settings.model_copy(
                update={"webhook_listen": "127.0.0.1", "webhook_port": webhook_port}
            )
        self.store = Store(settings.database_url)
        self.service = Service(settings, self.store, poll_timeout=1)
        self.telegram = self.service.telegram
        self.zalo = self.service.zalo
        self.settings = settings
        self._started = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RunningBot:
        self._thread.start()
        if not self._started.wait(30):
            raise AssertionError("the bot did not start within 30 s")
        if self._failure is not None:
            raise self._failure
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        self.store.dispose()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # surfaced to the test thread
            self._failure = exc
            self._started.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        await self.service.start()
        self._started.set()
        await self._stop.wait()
        await self.service.stop()


def bot_process(cwd: Path, **env: str) -> subprocess.Popen[str]:
    """`cchc-bot run` in a process of its own, with these settings on top of the environment;
    its log (stdout and stderr together) comes back from ``communicate()``."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env={**os.environ, "REMINDERS": "false", **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )


def webhook_env(
    fake: FakeTelegram, database_url: str, port: int, webhook_url: str | None = None
) -> dict[str, str]:
    """Settings for `cchc-bot run` taking Telegram's webhook on ``port`` (the public URL is
    ``webhook_url``, a load balancer's, or the port itself)."""
    return {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "WEBHOOK_URL": webhook_url or f"http://127.0.0.1:{port}/telegram",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
    }


def invite(database_url: str, unit: str, role: str) -> str:
    from datetime import UTC, datetime, timedelta

    store = Store(database_url)
    with store.transaction() as repo:
        code = repo.create_invite(unit, role, datetime.now(UTC), timedelta(days=1)).code
    store.dispose()
    return code


def prepare(database_url: str, templates: tuple[str, ...] = ("xa",)) -> None:
    """Sơn Hà's units and the Quý III/2024 round(s), as an admin would set them up."""
    from datetime import UTC, date, datetime

    from bot.transports.console.demo import UNITS

    store = Store(database_url)
    with store.transaction() as repo:
        if repo.unit_by_code("QNG") is None:
            repo.import_units(UNITS)
        for template in templates:
            repo.open_round(
                template,
                "2024-Q3",
                date(2024, 6, 15),
                date(2024, 9, 14),
                date(2024, 9, 20),
                datetime.now(UTC),
            )
    store.dispose()


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cchc.sqlite3'}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_webhook_bot(
    fake: FakeTelegram, url: str, webhook_url: str, port: int, home: Path
) -> subprocess.Popen[str]:
    """`cchc-bot run` in webhook mode on ``port``, its send limit off, working in ``home``."""
    home.mkdir()
    env = webhook_env(fake, url, port, webhook_url)
    return bot_process(home, **env, TELEGRAM_MAX_MESSAGES_PER_SECOND="0")


def wait_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def stop_bots(bots: list[subprocess.Popen[str]], timeout: float = 30) -> list[str]:
    """SIGTERM to every bot process at once, then each one's output once it has stopped."""
    for bot in bots:
        bot.send_signal(signal.SIGTERM)
    return [bot.communicate(timeout=timeout)[0] for bot in bots]
