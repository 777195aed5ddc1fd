"""Telegram's webhook: the secret before the body, a cap on the body, 4xx for what is not JSON.

The URL is public; only Telegram knows the secret. A call without it is refused before a byte
of its body is read, a body larger than Telegram ever sends is refused without being held in
memory, and an update is acknowledged only once it is applied.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fake_telegram import FakeTelegram
from telegram_runner import RunningBot, bot_process, free_port, invite, settings_for, webhook_env

from storage.db import Store

pytestmark = pytest.mark.slow
OFFICER = 5550301
SECRET = "bi-mat-cua-tinh"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
MB = 1024 * 1024


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def webhook(fake, url) -> Iterator[str]:
    """The bot running in webhook mode; its webhook's URL."""
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram"
    settings = settings_for(fake, url, webhook_url=hook, webhook_secret=SECRET)
    with RunningBot(settings, webhook_port=port):
        fake.wait_for(lambda f: f.webhook is not None)
        yield hook


def test_an_update_is_acknowledged_only_once_it_is_applied(fake, url, webhook):
    update = fake.user_sends(OFFICER, f"/start {invite(url, 'SONTRUNG', 'officer')}")
    assert fake.push_webhook(update) == 200
    store = Store(url)
    with store.reading() as repo:  # saved before Telegram got its answer
        assert repo.user("telegram", str(OFFICER)) is not None
        assert repo.handled_replies("telegram", str(update)) is not None
    store.dispose()
    fake.wait_for_text(OFFICER, "✓ Đã đăng ký")


def test_malformed_or_unauthenticated_calls_get_4xx(webhook):
    def post(body: bytes, secret: str | None = SECRET) -> int:
        headers = {HEADER: secret} if secret else {}
        return httpx.post(webhook, content=body, headers=headers, timeout=30).status_code

    assert post(b'{"update_id": 1}', secret=None) == 403
    assert post(b'{"update_id": 1}', secret="sai") == 403
    assert post(b"{not json") == 400
    assert post(b"\xff\xfe\x00") == 400
    assert post(b"[1, 2, 3]") == 400
    assert post(b'{"update_id": "mot", "message": 7}') == 400
    assert post(b"x" * (2 * MB)) == 413
    assert post(b'{"update_id": 5, "edited_message": null}') == 200  # nothing to do


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def chunks(total: int) -> Iterator[bytes]:
    block = b"x" * MB
    for _ in range(total // MB):
        yield block


def send_big(url: str, headers: dict[str, str], *, declared: bool) -> int | None:
    """POST 90 MB; the status, or None when the bot hung up before taking it all."""
    size = 90 * MB
    if declared:
        headers = {**headers, "Content-Length": str(size)}
    try:
        response = httpx.post(url, content=chunks(size), headers=headers, timeout=60)
    except httpx.TransportError:
        return None
    return response.status_code


def test_a_huge_body_is_refused_before_it_is_read_and_memory_stays_flat(fake, url, tmp_path):
    port = free_port()
    webhook = f"http://127.0.0.1:{port}/telegram"
    bot = bot_process(tmp_path, **webhook_env(fake, url, port), WEBHOOK_SECRET=SECRET)
    try:
        fake.wait_for(lambda f: f.webhook is not None, 30)
        time.sleep(0.5)
        before = rss_mb(bot.pid)
        results = [
            send_big(webhook, {}, declared=True),  # no secret
            send_big(webhook, {HEADER: SECRET}, declared=True),  # too large, says so
            send_big(webhook, {HEADER: SECRET}, declared=False),  # too large, chunked
        ]
        after = rss_mb(bot.pid)
    finally:
        bot.send_signal(signal.SIGTERM)
        output = bot.communicate(timeout=30)[0]
    assert results == [403, 413, 413]
    assert after - before < 20, (before, after, output)
