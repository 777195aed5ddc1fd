"""`cchc-bot invite --under CODE`: a code for every unit below one, as cards to print and a list.

A province onboards its hundred communes in one command. The codes are made in one
transaction (storage/invite_batches), the PDF and the xlsx are written beside their targets
inside it, and only once the codes are committed are the files moved into place: a file that
cannot be written leaves no codes behind, and no file ever holds codes that were not saved.

By default only units without anyone in the role get a code, so the command can be run again
as communes register, and reprinting replaces the codes of those still waiting (the earlier
unused ones expire). Without TELEGRAM_BOT_USERNAME the cards are still printed, without the QR
code: a province on Zalo alone needs no Telegram, and the code and the Zalo lines are enough.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import typer

from bot.cli.common import fail, open_store, os_problem, settings
from bot.clock import utc_now
from bot.service.settings import Settings
from exports import invite_cards, invite_list
from exports.printed_invites import PrintedInvite, telegram_link
from flows.texts import LEVEL_NAMES, ROLE_NAMES
from storage import invite_batches
from storage.errors import UnknownUnit
from storage.models import Invite, Level, Role, Unit
from storage.repository import Repository, RepositoryError

BULK_ONLY = "--level, --all, --pdf và --xlsx"

logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every glyph it embeds


@dataclass(frozen=True)
class Batch:
    top: Unit
    level: Level
    invited: list[tuple[Unit, Invite]]
    skipped: int  # units that already have someone in the role
    withdrawn: int  # earlier unused codes of the invited units, now expired


def refuse_bulk_options(
    *, level: Level | None, every: bool, pdf: Path | None, xlsx: Path | None
) -> None:
    """The single-code form (--unit) prints one code; the sheet options belong to --under."""
    if level is not None or every or pdf is not None or xlsx is not None:
        fail(f"{BULK_ONLY} chỉ dùng với --under MÃ (mỗi đơn vị bên dưới một mã).")


def for_units_under(
    under: str | None,
    role: Role,
    *,
    unit: str | None,
    level: Level | None,
    every: bool,
    pdf: Path | None,
    xlsx: Path | None,
    days: int | None,
) -> None:
    if unit is not None:
        fail("chọn --unit (một đơn vị) hoặc --under (mọi đơn vị bên dưới), không dùng cả hai.")
    if under is None:
        fail("cần --unit MÃ (một mã mời) hoặc --under MÃ (mỗi đơn vị bên dưới một mã).")
    loaded = settings()
    ttl = _ttl(loaded, days)
    level = level or Level.COMMUNE
    if role is not Role.OFFICER and level is Level.COMMUNE:
        fail(
            f"xã không có đơn vị cấp dưới để {ROLE_NAMES[role.value]} theo dõi: mời "
            f"{ROLE_NAMES[role.value]} ở huyện hoặc tỉnh (--level huyen hoặc --level tinh); "
            f"xã thì mời {ROLE_NAMES['officer']} (--role officer)."
        )
    targets = [(path, suffix) for path, suffix in ((pdf, ".pdf"), (xlsx, ".xlsx")) if path]
    for path, suffix in targets:
        _check_target(path, suffix)
    username = (loaded.telegram_bot_username or "").strip().lstrip("@") or None
    staged: list[tuple[Path, Path]] = []
    try:
        try:
            with open_store(loaded).transaction() as repo:
                batch = _invite(repo, under, role, level, every, ttl)
                printed = _printed(repo, batch, role, username, loaded)
                if printed:
                    staged = _stage(printed, pdf, xlsx, username, loaded)
        except RepositoryError as exc:
            fail(str(exc))
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
    _report(batch, role, printed, pdf, xlsx, username)


def _ttl(loaded: Settings, days: int | None) -> timedelta:
    if days is not None and days <= 0:
        fail(f"số ngày hiệu lực (--days) phải lớn hơn 0, không được là {days}.")
    return timedelta(days=days if days is not None else loaded.invite_ttl_days)


def _check_target(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        fail(f"tệp {path} phải có đuôi {suffix}.")
    if path.is_dir():
        fail(f"{path} là một thư mục; hãy cho tên tệp, ví dụ {path / ('ma-moi' + suffix)}.")


def _invite(
    repo: Repository, under: str, role: Role, level: Level, every: bool, ttl: timedelta
) -> Batch:
    top = repo.unit_by_code(under)
    if top is None:
        raise UnknownUnit(under)
    assert top.id is not None
    candidates = [u for u in [top, *repo.descendants(top.id)] if u.level == level.value]
    if not candidates:
        raise RepositoryError(
            f"Không có đơn vị cấp {LEVEL_NAMES[level.value]} nào thuộc {top.name} ({top.code}). "
            "Nhập đơn vị trước: cchc-bot units registry --province TỈNH, "
            "hoặc cchc-bot units import TỆP."
        )
    held = repo.members_by_unit([u.id for u in candidates if u.id is not None], role.value)
    chosen = candidates if every else [u for u in candidates if u.id not in held]
    if not chosen:
        return Batch(top, level, [], len(candidates), 0)
    now = utc_now()
    ids = [u.id for u in chosen if u.id is not None]
    withdrawn = invite_batches.withdraw_unused(repo, ids, role.value, now)
    created = invite_batches.create_invites(repo, chosen, role.value, now, ttl)
    invited = list(zip(chosen, created, strict=True))
    return Batch(top, level, invited, len(candidates) - len(chosen), withdrawn)


def _printed(
    repo: Repository, batch: Batch, role: Role, username: str | None, loaded: Settings
) -> list[PrintedInvite]:
    above: dict[int, str] = {}
    for unit, _ in batch.invited:
        if unit.parent_id is not None and unit.parent_id not in above:
            above[unit.parent_id] = repo.unit(unit.parent_id).name
    return [
        PrintedInvite(
            unit_code=unit.code,
            unit_name=unit.name,
            above=above.get(unit.parent_id) if unit.parent_id is not None else None,
            role_name=ROLE_NAMES[role.value],
            code=invite.code,
            link=telegram_link(username, invite.code),
            expires=invite.expires_at.astimezone(loaded.zone).strftime("%d/%m/%Y %H:%M"),
        )
        for unit, invite in batch.invited
    ]


def _stage(
    printed: list[PrintedInvite],
    pdf: Path | None,
    xlsx: Path | None,
    username: str | None,
    loaded: Settings,
) -> list[tuple[Path, Path]]:
    """Each file written next to its target, to be moved into place once the codes are saved."""
    files: list[tuple[Path, bytes]] = []
    if pdf is not None:
        data = invite_cards.cards_pdf(
            printed, telegram_bot=username, zalo_bot=loaded.zalo_bot_name or None
        )
        files.append((pdf, data))
    if xlsx is not None:
        files.append((xlsx, invite_list.invite_list_xlsx(printed)))
    staged: list[tuple[Path, Path]] = []
    for target, data in files:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("xb") as out:
                staged.append((temporary, target))
                out.write(data)
        except OSError as exc:
            for temporary, _ in staged:
                with contextlib.suppress(FileNotFoundError):
                    temporary.unlink()
            fail(f"không ghi được tệp {target}: {os_problem(exc)}. Chưa tạo mã mời nào.")
    return staged


def _report(
    batch: Batch,
    role: Role,
    printed: list[PrintedInvite],
    pdf: Path | None,
    xlsx: Path | None,
    username: str | None,
) -> None:
    level = LEVEL_NAMES[batch.level.value]
    role_name = ROLE_NAMES[role.value]
    if not printed:
        typer.echo(
            f"Mọi đơn vị cấp {level} thuộc {batch.top.name} đều đã có {role_name}: không tạo mã "
            "nào (thêm --all để tạo mã cho tất cả)."
        )
        return
    typer.echo(
        f"✓ Đã tạo {len(printed)} mã mời {role_name} cho {len(printed)} đơn vị cấp {level} "
        f"thuộc {batch.top.name}, hạn dùng đến {printed[0].expires}."
    )
    if batch.skipped:
        typer.echo(
            f"Bỏ qua {batch.skipped} đơn vị đã có {role_name} (thêm --all để tạo mã cho cả "
            "các đơn vị này)."
        )
    if batch.withdrawn:
        typer.echo(
            f"Đã hủy {batch.withdrawn} mã cũ chưa dùng của các đơn vị này: chỉ mã mới tạo lần "
            "này dùng được."
        )
    if pdf is not None:
        per_page = invite_cards.cards_per_page()
        pages = -(-len(printed) // per_page)
        typer.echo(f"Thẻ in (A4, {per_page} thẻ một trang, {pages} trang): {pdf}")
    if xlsx is not None:
        typer.echo(f"Danh sách (Excel): {xlsx}")
    if username is None:
        typer.echo(
            "Chưa đặt TELEGRAM_BOT_USERNAME nên thẻ không có mã QR và danh sách không có liên "
            "kết Telegram; mã vẫn dùng được trên Telegram (/start MÃ) và Zalo. Đặt biến này "
            "(tên bot, không có @) rồi chạy lại lệnh để in thẻ có mã QR."
        )
    if pdf is None and xlsx is None:
        for item in printed:
            typer.echo(f"{item.code}  {item.unit_code}  {item.unit_name}")
