"""`cchc-bot web-link`: a sign-in link to the web console, for an admin with no chat account.

It signs with the same key as the running bot (WEB_SECRET, or derived from the bot tokens),
so the link works on any bot process serving PUBLIC_BASE_URL. Single use, valid minutes.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

import typer

from bot.cli.common import CODE, fail, open_store, settings
from bot.clock import utc_now
from bot.web.console.sign_in import SignInLinks


class ConsoleRole(StrEnum):
    REVIEWER = "reviewer"
    ADMIN = "admin"


def register(app: typer.Typer) -> None:
    app.command("web-link")(web_link)


def web_link(
    unit: Annotated[
        str,
        typer.Option(help="Mã đơn vị được xem (và các đơn vị bên dưới), ví dụ 51.", metavar=CODE),
    ],
    role: Annotated[
        ConsoleRole,
        typer.Option(help="reviewer (người duyệt) hoặc admin (quản trị, thêm trang Quản trị)."),
    ] = ConsoleRole.ADMIN,
) -> None:
    """In một liên kết đăng nhập trang quản lý trên web (dùng một lần, trong vài phút)."""
    loaded = settings()
    if not loaded.public_base_url:
        fail("chưa đặt PUBLIC_BASE_URL (địa chỉ công khai của máy chủ bot): trang quản lý tắt.")
    try:
        key = loaded.web_signing_key
    except ValueError:
        fail("cần WEB_SECRET (hoặc mã bot Telegram/Zalo) giống như khi chạy bot để ký liên kết.")
    with open_store(loaded).reading() as repo:
        found = repo.unit_by_code(unit.strip().upper())
    if found is None or found.id is None:
        fail(f"không có đơn vị mã {unit} (xem: cchc-bot units list).")
    minutes = loaded.web_sign_in_minutes
    links = SignInLinks(key, loaded.public_base_url, timedelta(minutes=minutes), utc_now)
    typer.echo(f"Liên kết đăng nhập ({found.name}, dùng một lần, trong {minutes:g} phút):")
    typer.echo(links.for_unit(found.id, role.value))
