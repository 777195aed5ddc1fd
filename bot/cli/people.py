"""`cchc-bot people …`: who is registered where, and ending a role (an officer left, a phone lost).

People are named by the number the list shows: display names come from the chat apps, are
chosen by the people themselves and may repeat, so a number is the only safe handle.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer

from bot.cli import roster
from bot.cli.common import CODE, NUMBER, fail, open_store, settings
from bot.clock import utc_now
from flows.texts import ROLE_NAMES
from storage import people
from storage.errors import UnknownUnit
from storage.models import Invite, Unit
from storage.repository import RepositoryError

app = typer.Typer(
    help="Người dùng: ai đã đăng ký cho đơn vị nào, thu hồi quyền.", no_args_is_help=True
)

NEVER = "chưa"
HEADERS = ("Số", "Người", "Ứng dụng", "Vai trò", "Đơn vị", "Đăng ký từ", "Hoạt động gần nhất")
GAP = "  "


@app.command("list")
def people_list(
    under: Annotated[
        str | None,
        typer.Option(help="Chỉ người của đơn vị này và các đơn vị bên dưới.", metavar=CODE),
    ] = None,
) -> None:
    """Ai đã đăng ký: đơn vị, vai trò, ứng dụng, từ khi nào, hoạt động gần nhất."""
    loaded = settings()
    try:
        with open_store(loaded).transaction() as repo:
            unit_ids = None
            if under is not None:
                top = repo.unit_by_code(under)
                if top is None:
                    raise UnknownUnit(under)
                assert top.id is not None
                unit_ids = [top.id, *(u.id for u in repo.descendants(top.id) if u.id)]
            found = people.registrations(repo, unit_ids)
    except RepositoryError as exc:
        fail(str(exc))
    if not found:
        typer.echo(
            "Chưa có ai đăng ký (tạo mã mời: cchc-bot invite --under MÃ --role officer "
            "--pdf the-moi.pdf)."
        )
        return

    def when(moment: datetime | None) -> str:
        return moment.astimezone(loaded.zone).strftime("%d/%m/%Y %H:%M") if moment else NEVER

    rows = [
        (
            str(r.user.id),
            r.user.display_name,
            roster.platform_name(r.user.platform),
            ROLE_NAMES.get(r.role, r.role),
            f"{r.unit.code} {r.unit.name}",
            when(r.since),
            when(r.last_active),
        )
        for r in found
    ]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    for row in [HEADERS, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        typer.echo(GAP.join(cells).rstrip())
    persons = len({r.user.id for r in found})
    typer.echo(f"{persons} người, {len(found)} vai trò.")


@app.command("revoke")
def people_revoke(
    number: Annotated[
        int,
        typer.Argument(
            help="Số của người đó (cột Số của: cchc-bot people list).",
            metavar="SỐ",
            show_default=False,
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Option(help="Chỉ thu hồi quyền ở đơn vị này (mặc định: mọi đơn vị).", metavar=CODE),
    ] = None,
    invite: Annotated[
        bool,
        typer.Option("--invite", help="Tạo ngay mã mời mới cho đơn vị, cùng vai trò."),
    ] = False,
    days: Annotated[
        int | None,
        typer.Option(help="Số ngày mã mời mới còn hiệu lực.", metavar=NUMBER),
    ] = None,
) -> None:
    """Thu hồi quyền của một người (máy bị mất, cán bộ nghỉ): họ không thao tác được nữa."""
    loaded = settings()
    if days is not None and days <= 0:
        fail(f"số ngày hiệu lực (--days) phải lớn hơn 0, không được là {days}.")
    ttl = timedelta(days=days if days is not None else loaded.invite_ttl_days)
    now = utc_now()
    try:
        with open_store(loaded).transaction() as repo:
            user = people.person(repo, number)
            ended = people.revoke(repo, number, now, unit)
            vacant = {
                (e.unit.id, e.role)
                for e in ended
                if e.unit.id is not None and not repo.members(e.unit.id, e.role)
            }
            fresh: list[tuple[Unit, str, Invite]] = []
            if invite:
                for e in ended:
                    created = repo.create_invite(e.unit.code, e.role, now, ttl)
                    fresh.append((e.unit, e.role, created))
    except RepositoryError as exc:
        fail(str(exc))
    who = roster.person_label(user)
    if not ended:
        typer.echo(f"{who} không còn giữ vai trò nào: không có gì để thu hồi.")
        return
    for e in ended:
        typer.echo(
            f"✓ Đã thu hồi quyền {ROLE_NAMES.get(e.role, e.role)} của {who} "
            f"ở {e.unit.name} ({e.unit.code})."
        )
    typer.echo(
        "Người này không còn thao tác được; tin nhắn sau của họ được trả lời là quyền đã bị thu "
        "hồi. Số liệu họ đã nhập vẫn giữ nguyên, tên họ vẫn trong lịch sử sửa đổi, và báo cáo "
        "của đơn vị được tiếp tục bởi người nhận mã mời mới."
    )
    for e in ended:
        if (e.unit.id, e.role) in vacant and not invite:
            typer.echo(
                f"{e.unit.name} hiện không còn {ROLE_NAMES.get(e.role, e.role)}. Tạo mã mời "
                f"mới: cchc-bot invite --unit {e.unit.code} --role {e.role}"
            )
    for fresh_unit, role, created in fresh:
        expires = created.expires_at.astimezone(loaded.zone).strftime("%d/%m/%Y %H:%M")
        typer.echo(
            f"Mã mời mới ({ROLE_NAMES.get(role, role)} của {fresh_unit.name}, hạn dùng đến "
            f"{expires}): /start {created.code}"
        )
        username = (loaded.telegram_bot_username or "").strip().lstrip("@")
        if username:
            typer.echo(f"Liên kết Telegram: https://t.me/{username}?start={created.code}")
