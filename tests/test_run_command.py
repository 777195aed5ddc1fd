"""`cchc-bot run`: starts every app whose token is set, on one database, and stops on SIGTERM."""

from __future__ import annotations

import signal
import socket
import time

import pytest
from fake_telegram import FakeTelegram
from fake_zalo import FakeZalo
from telegram_runner import bot_process, free_port, invite, prepare, sqlite_url, webhook_env
from typer.testing import CliRunner

from bot.cli import app
from bot.service.settings import Settings

pytestmark = pytest.mark.slow
TIMEOUT = 60


def test_run_without_any_token_says_which_to_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DATABASE_URL", sqlite_url(tmp_path))
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 1
    assert "chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN" in result.output


def test_run_serves_telegram_and_zalo_together_and_stops_on_sigterm(tmp_path):
    url = sqlite_url(tmp_path)
    prepare(url)
    port = free_port()
    with FakeTelegram() as telegram, FakeZalo() as zalo:
        process = bot_process(
            tmp_path,
            DATABASE_URL=url,
            TELEGRAM_BOT_TOKEN=telegram.token,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            ZALO_BOT_TOKEN=zalo.token,
            ZALO_API_BASE_URL=zalo.base_url,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            HTTP_LISTEN="127.0.0.1",
            HTTP_PORT=str(port),
            LOG_LEVEL="DEBUG",
        )
        try:
            telegram.user_sends(5550001, f"/start {invite(url, 'SONTRUNG', 'officer')}")
            zalo.user_sends("zalo-can-bo", f"/start {invite(url, 'SONTHANH', 'officer')}")
            telegram.wait_for_text(5550001, "✓ Đã đăng ký", timeout=TIMEOUT)
            zalo.wait_for_text("zalo-can-bo", "✓ Đã đăng ký", timeout=TIMEOUT)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=TIMEOUT)

    assert process.returncode == 0, output
    assert "running: telegram, zalo" in output
    assert telegram.token not in output and zalo.token not in output


@pytest.mark.parametrize(
    ("fake_server", "prefix", "wrong", "message"),
    [
        (FakeZalo, "ZALO", "1234567890:token-da-bi-thu-hoi", "Zalo từ chối ZALO_BOT_TOKEN"),
        (FakeTelegram, "TELEGRAM", "999999:TOKEN-DA-BI-THU-HOI", "Telegram từ chối"),
    ],
    ids=["zalo", "telegram"],
)
def test_run_with_a_refused_token_says_so_without_printing_it(
    tmp_path, monkeypatch, fake_server, prefix, wrong, message
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.setenv("HTTP_LISTEN", "127.0.0.1")
    monkeypatch.setenv("HTTP_PORT", str(free_port()))
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with fake_server() as server:
        monkeypatch.setenv(f"{prefix}_BOT_TOKEN", wrong)
        monkeypatch.setenv(f"{prefix}_API_BASE_URL", server.base_url)
        result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 1
    assert message in result.output
    assert wrong not in result.output


def test_debug_logging_never_shows_a_secret(tmp_path):
    url = sqlite_url(tmp_path)
    prepare(url)
    http_port, hook_port = free_port(), free_port()
    with FakeTelegram() as telegram, FakeZalo() as zalo:
        env = {
            **webhook_env(telegram, url, hook_port),
            "ZALO_BOT_TOKEN": zalo.token,
            "ZALO_API_BASE_URL": zalo.base_url,
            "ZALO_WEBHOOK_URL": f"http://127.0.0.1:{http_port}/zalo",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{http_port}",
            "HTTP_LISTEN": "127.0.0.1",
            "HTTP_PORT": str(http_port),
            "LOG_LEVEL": "DEBUG",
        }
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            telegram_bot_token=telegram.token,
            zalo_bot_token=zalo.token,
        )
        process = bot_process(tmp_path, **env)
        try:
            telegram.wait_for(lambda f: f.webhook is not None, TIMEOUT)
            update = telegram.user_sends(5550001, f"/start {invite(url, 'SONTRUNG', 'officer')}")
            assert telegram.push_webhook(update) == 200
            telegram.wait_for_text(5550001, "✓ Đã đăng ký", timeout=TIMEOUT)
            zalo.user_sends("zalo-can-bo", f"/start {invite(url, 'SONTHANH', 'officer')}")
            zalo.wait_for_text("zalo-can-bo", "✓ Đã đăng ký", timeout=TIMEOUT)
            zalo.user_sends("zalo-can-bo", "/xuat")
            zalo.wait_for_text("zalo-can-bo", "📎", timeout=TIMEOUT)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=TIMEOUT)

    assert process.returncode == 0, output
    assert "setWebhook" in output  # DEBUG really was on
    secrets = settings.secrets
    assert len(secrets) == 6  # two tokens, two webhook secrets, the download and web keys
    for secret in secrets:
        assert secret not in output


@pytest.mark.parametrize("gone", ["refusing", "silent"])
@pytest.mark.parametrize("apps", [("telegram",), ("zalo",), ("telegram", "zalo")])
def test_run_stops_within_seconds_of_sigterm_when_the_bot_api_is_gone(tmp_path, apps, gone):
    """Gone: refusing connections, or silent (a host that takes the connection, never answers)."""
    url = sqlite_url(tmp_path)
    prepare(url)
    port = free_port()
    telegram, zalo = FakeTelegram().start(), FakeZalo().start()
    env = {"DATABASE_URL": url, "HTTP_LISTEN": "127.0.0.1", "HTTP_PORT": str(port)}
    if "telegram" in apps:
        env |= {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url}
    if "zalo" in apps:
        env |= {"ZALO_BOT_TOKEN": zalo.token, "ZALO_API_BASE_URL": zalo.base_url}
    process = bot_process(tmp_path, **env)
    try:
        if "telegram" in apps:
            telegram.wait_for(lambda f: any(c.method == "getUpdates" for c in f.calls), TIMEOUT)
        if "zalo" in apps:
            zalo.wait_for(lambda f: f.polling, TIMEOUT)
    finally:
        ports = [int(f.base_url.split(":")[2].split("/")[0]) for f in (telegram, zalo)]
        telegram.stop()
        zalo.stop()
    holes = [_black_hole(p) for p in ports] if gone == "silent" else []
    try:
        time.sleep(2)  # the bot now meets refused connections, or calls that never end
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=TIMEOUT)
        elapsed = time.monotonic() - started
    finally:
        for hole in holes:
            hole.close()
    assert elapsed < 5, output
    assert process.returncode == 0, output


def _black_hole(port: int) -> socket.socket:
    """A listener that never accepts: connections complete, then nothing ever comes back."""
    hole = socket.socket()
    hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hole.bind(("127.0.0.1", port))
    hole.listen(64)
    return hole
