"""Settings and small steps for running the real bot against the fake Zalo Bot API."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from fake_zalo import FakeZalo, Message
from telegram_runner import free_port, invite

from bot.service.settings import Settings

LINK = re.compile(r"https?://\S+/tai/\S+")


def zalo_settings(fake: FakeZalo, database_url: str, **extra: object) -> Settings:
    """Zalo only, its web server on a free local port, reminders off unless a test wants them."""
    port = free_port()
    values: dict[str, object] = {
        "database_url": database_url,
        "zalo_bot_token": fake.token,
        "zalo_api_base_url": fake.base_url,
        "public_base_url": f"http://127.0.0.1:{port}",
        "http_listen": "127.0.0.1",
        "http_port": port,
        "zalo_max_messages_per_second": 0,
        "reminders": False,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def register(
    fake: FakeZalo, url: str, user: str, unit: str = "SONTRUNG", role: str = "officer"
) -> Message:
    code = invite(url, unit, role)
    fake.user_sends(user, f"/start {code}")
    return fake.wait_for_text(user, "✓ Đã đăng ký")


def says(fake: FakeZalo, user: str, text: str) -> list[Message]:
    """Type one line and wait until the bot has answered it (at least one message)."""
    before = len(fake.chat(user))
    fake.user_sends(user, text)
    return fake.wait_for_count(user, before + 1)[before:]


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(0)


def eventually(check: Callable[[], bool], timeout: float = 10) -> None:
    """For state outside the fake (the database), which wakes no one when it changes."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(0.05)
