"""The `cchc-bot` command line: what an admin runs to set up units, invites and rounds."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bot.chat.conversations import Conversations
from bot.cli import (
    database,
    invites,
    people,
    prefill,
    rounds,
    templates,
    units,
    vietnamese,
    web_link,
)
from bot.cli import export as cli_export
from bot.cli.common import CODE, FILE, NUMBER, fail, open_store, settings
from bot.clock import utc_now
from bot.transports.console import demo as demo_data
from flows.texts import ROLE_NAMES
from storage.errors import UnknownUnit
from storage.models import Level, Role, Unit
from storage.repository import Repository, RepositoryError

# The order an admin meets the commands in: set up, then run.
ORDER = [
    "db",
    "units",
    "template",
    "invite",
    "people",
    "round",
    "prefill",
    "export",
    "chat",
    "run",
    "web-link",
    "demo",
]


class InOrder(TyperGroup):
    """Commands listed in ORDER; Typer would list single commands first and groups last."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))


app = typer.Typer(
    cls=InOrder,
    help="CCHC Bot: báo cáo cải cách hành chính qua chat.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(database.app, name="db")
app.add_typer(units.app, name="units")
app.add_typer(people.app, name="people")
app.add_typer(rounds.app, name="round")
app.add_typer(templates.app, name="template")
cli_export.register(app)
prefill.register(app)
web_link.register(app)

vietnamese.install()  # the framework's own words (Usage, Options…) in Vietnamese too


# --- invites
@app.command()
def invite(
    role: Annotated[
        Role,
        typer.Option(
            help="officer (cán bộ nhập liệu), reviewer (người duyệt) hoặc admin (quản trị)."
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Option(help="Mã đơn vị, ví dụ SONTRUNG (chữ hoa hay thường đều được).", metavar=CODE),
    ] = None,
    under: Annotated[
        str | None,
        typer.Option(help="Mỗi đơn vị thuộc đơn vị này một mã, ví dụ 51 (cả tỉnh).", metavar=CODE),
    ] = None,
    level: Annotated[
        Level | None, typer.Option(help="Với --under: cấp được mời (mặc định xa).")
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Với --under: cả đơn vị đã có người ở vai trò này.")
    ] = False,
    pdf: Annotated[
        Path | None, typer.Option(help="Với --under: thẻ mời in A4 (PDF).", metavar=FILE)
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option(help="Với --under: danh sách mã mời (Excel).", metavar=FILE)
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(help="Số ngày mã còn hiệu lực (mặc định: INVITE_TTL_DAYS).", metavar=NUMBER),
    ] = None,
) -> None:
    """Tạo mã mời dùng một lần: một mã (--unit, dòng cuối là mã) hoặc cả loạt (--under)."""
    if unit is None or under is not None:
        options = {"level": level, "every": every, "pdf": pdf, "xlsx": xlsx, "days": days}
        invites.for_units_under(under, role, unit=unit, **options)
        return
    invites.refuse_bulk_options(level=level, every=every, pdf=pdf, xlsx=xlsx)
    loaded = settings()
    if days is not None and days <= 0:
        fail(f"số ngày hiệu lực (--days) phải lớn hơn 0, không được là {days}.")
    ttl = timedelta(days=days if days is not None else loaded.invite_ttl_days)
    try:
        with open_store(loaded).transaction() as repo:
            target = repo.unit_by_code(unit)
            if target is None:
                raise UnknownUnit(unit)
            refusal = _role_refusal(repo, target, role)
            if refusal is None:
                created = repo.create_invite(target.code, role.value, utc_now(), ttl)
    except RepositoryError as exc:
        fail(str(exc))
    if refusal is not None:
        fail(refusal)
    expires = created.expires_at.astimezone(loaded.zone).strftime("%d/%m/%Y %H:%M")
    typer.echo(f"Mã mời {ROLE_NAMES[role.value]} cho {target.name}, hạn dùng đến {expires}.")
    typer.echo(f"Người dùng gõ trong chat: /start {created.code}")
    if loaded.telegram_bot_username:
        username = loaded.telegram_bot_username.lstrip("@")
        typer.echo(f"Hoặc mở liên kết Telegram: https://t.me/{username}?start={created.code}")
    typer.echo(created.code)


def _role_refusal(repo: Repository, unit: Unit, role: Role) -> str | None:
    """A reviewer follows the units below its own; a commune has none, so it cannot have one."""
    if role is not Role.REVIEWER or unit.level != Level.COMMUNE.value:
        return None
    parent = repo.unit(unit.parent_id) if unit.parent_id is not None else None
    above = f" (ví dụ --unit {parent.code}, {parent.name})" if parent is not None else ""
    return (
        f"{unit.name} là xã, không có đơn vị cấp dưới để {ROLE_NAMES['reviewer']} theo dõi: "
        f"hãy mời {ROLE_NAMES['reviewer']} ở huyện hoặc tỉnh{above}; "
        f"xã thì mời {ROLE_NAMES['officer']} (--role officer)."
    )


# --- chat
@app.command()
def chat(
    user: Annotated[
        str,
        typer.Option(help="Tên người dùng tự đặt; dùng lại tên đó để tiếp tục.", metavar="TÊN"),
    ],
) -> None:
    """Trò chuyện với bot ngay trong cửa sổ dòng lệnh (gõ /start MÃ để đăng ký)."""
    from bot.transports.console import chat as console

    loaded = settings()
    console.run(Conversations(open_store(loaded), loaded.zone), user)


@app.command()
def run() -> None:
    """Chạy bot trên Telegram và/hoặc Zalo (mỗi nền tảng có token), kèm lịch nhắc hạn và trang
    quản lý trên web (khi có PUBLIC_BASE_URL)."""
    from telegram.error import InvalidToken, TelegramError

    from bot.service.log_safety import protect_logs
    from bot.service.runner import NothingToRun, Service
    from bot.transports.zalo.api import ZaloError

    loaded = settings()
    protect_logs(loaded.secrets)
    try:
        service = Service(loaded, open_store(loaded))
    except NothingToRun:
        fail(
            "chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN "
            "(xem .env.example và README, mục Telegram và Zalo)."
        )
    except ValueError:  # the console alone, with no bot token to derive its key from
        fail(
            "trang quản lý chạy một mình cần WEB_SECRET (chuỗi bí mật để ký liên kết đăng nhập; "
            "xem README, mục The web console)."
        )
    try:
        asyncio.run(service.run())
    except InvalidToken:
        fail("Telegram từ chối TELEGRAM_BOT_TOKEN (token sai hoặc đã bị thu hồi).")
    except ZaloError as exc:
        if exc.code == 401:
            fail("Zalo từ chối ZALO_BOT_TOKEN (token sai hoặc đã bị thu hồi).")
        fail(f"không kết nối được tới Zalo ({exc.code}).")
    except TelegramError as exc:  # its message may quote the token: name the kind only
        fail(f"không kết nối được tới Telegram ({type(exc).__name__}).")


@app.command()
def demo(
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Xóa dữ liệu chạy thử cũ và tạo lại.")
    ] = False,
    user: Annotated[
        str, typer.Option(help="Tên người dùng trong chat chạy thử.", metavar="TÊN")
    ] = "can-bo-son-trung",
) -> None:
    """Tạo dữ liệu chạy thử (tỉnh Quảng Ngãi, 2 huyện, vài xã, một kỳ đang mở) và mở chat."""
    from bot.transports.console import chat as console

    loaded = settings()
    store = demo_data.prepare(loaded.demo_database_url, user, fresh=fresh, now=utc_now())
    unit_name = demo_data.officer_unit_name(store, user)
    conversations = Conversations(store, loaded.zone)
    console.run(conversations, user, greeting=demo_data.welcome(unit_name, user))
