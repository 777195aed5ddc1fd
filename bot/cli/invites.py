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
from datetime import timedelta
from pathlib import Path

import typer

from bot.admin import onboarding
from bot.admin.onboarding import Batch
from bot.cli.common import fail, open_store, os_problem, settings
from bot.clock import utc_now
from bot.service.settings import Settings
from exports import invite_cards, invite_list
from exports.printed_invites import PrintedInvite
from flows.texts import LEVEL_NAMES, ROLE_NAMES
from storage.models import Level, Role
from storage.repository import RepositoryError

BULK_ONLY = "--level, --all, --pdf và --xlsx"

logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every glyph it embeds


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
    refused = onboarding.level_refusal(role, level)
    if refused is not None:
        fail(f"{refused} (--level huyen hoặc --level tinh; --role officer cho xã)")
    targets = [(path, suffix) for path, suffix in ((pdf, ".pdf"), (xlsx, ".xlsx")) if path]
    for path, suffix in targets:
        _check_target(path, suffix)
    username = (loaded.telegram_bot_username or "").strip().lstrip("@") or None
    staged: list[tuple[Path, Path]] = []
    try:
        try:
            with open_store(loaded).transaction() as repo:
                batch = onboarding.invite_under(repo, under, role, level, every, ttl, utc_now())
                printed = onboarding.printed(repo, batch, role, username, loaded.zone)
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
