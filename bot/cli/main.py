"""The `cchc-bot` command line: what an admin runs to set up units, invites and rounds."""

from __future__ import annotations

import asyncio
import csv
import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot.chat.conversations import Conversations, utc_now
from bot.cli import export as cli_export
from bot.console import demo as demo_data
from bot.settings import Settings, load
from flows import catalog, periods
from flows.catalog import Kind, TemplateError
from storage.db import Store, upgrade
from storage.models import Role
from storage.repository import RepositoryError

app = typer.Typer(help="CCHC Bot: báo cáo cải cách hành chính qua chat.", no_args_is_help=True)
db_app = typer.Typer(help="Cơ sở dữ liệu.", no_args_is_help=True)
template_app = typer.Typer(help="Biểu mẫu (danh mục chỉ tiêu).", no_args_is_help=True)
units_app = typer.Typer(help="Đơn vị (tỉnh, huyện, xã).", no_args_is_help=True)
round_app = typer.Typer(help="Kỳ báo cáo.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(template_app, name="template")
app.add_typer(units_app, name="units")
app.add_typer(round_app, name="round")
cli_export.register(app)


def _settings() -> Settings:
    settings = load()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # not chat output: keep it quiet
    return settings


def _store(settings: Settings | None = None) -> Store:
    return Store((settings or _settings()).database_url)


def _fail(message: str) -> None:
    typer.echo(f"Lỗi: {message}", err=True)
    raise typer.Exit(1)


# --- db
@db_app.command("upgrade")
def db_upgrade() -> None:
    """Tạo hoặc nâng cấp bảng dữ liệu (Alembic upgrade head)."""
    upgrade(_settings().database_url)
    typer.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


# --- templates
@template_app.command("check")
def template_check(path: Path) -> None:
    """Kiểm tra một tệp biểu mẫu YAML."""
    try:
        template = catalog.load_file(path)
    except TemplateError as exc:
        _fail(str(exc))
        return
    typer.echo(
        f"✓ {path.name}: biểu '{template.id}', {len(template.indicators)} dòng, "
        f"{len(template.asked)} câu hỏi, {len(template.computed)} tỷ lệ tự tính."
    )


@template_app.command("show")
def template_show(template_id: str) -> None:
    """In danh mục chỉ tiêu của một biểu mẫu (xa, huyen)."""
    try:
        template = catalog.load(template_id)
    except TemplateError as exc:
        _fail(str(exc))
        return
    typer.echo(f"{template.name} — {len(template.asked)} câu hỏi")
    for section in template.sections:
        typer.echo(f"\n{section.code}. {section.label.upper()}")
        for ind in (i for i in template.indicators if i.section == section.code):
            typer.echo(_describe(ind))


def _describe(ind: catalog.Indicator) -> str:
    indent = "  " * (ind.depth - 1)
    unit = f" [{ind.unit_column}]" if ind.unit_column else ""
    extras = []
    if ind.kind is Kind.RATIO_COMPUTED:
        extras.append(f"= {ind.formula}")
    elif ind.kind is not Kind.GROUP:
        extras.append(ind.kind.value)
    extras += [f"≤ {w}" for w in ind.at_most]
    if ind.sum_of:
        extras.append(f"= {' + '.join(ind.sum_of)}")
    if ind.carry_over:
        extras.append("giữ kỳ trước")
    tail = f"  ({'; '.join(extras)})" if extras else ""
    return f"{indent}{ind.code:<10} {ind.label}{unit}{tail}"


# --- units
@units_app.command("import")
def units_import(path: Path) -> None:
    """Nhập đơn vị từ CSV (cột: code,name,level,parent_code); nhập lại sẽ cập nhật."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"code", "name", "level", "parent_code"} - set(reader.fieldnames or ())
            if missing:
                _fail(f"{path.name} thiếu cột: {', '.join(sorted(missing))}")
            rows = [
                (
                    r["code"].strip(),
                    r["name"].strip(),
                    r["level"].strip(),
                    (r["parent_code"] or "").strip() or None,
                )
                for r in reader
            ]
    except OSError as exc:
        _fail(f"không đọc được {path}: {exc}")
        return
    try:
        with _store().transaction() as repo:
            created, updated = repo.import_units(rows)
    except RepositoryError as exc:
        _fail(str(exc))
        return
    typer.echo(f"✓ Đã nhập {len(rows)} đơn vị: {created} mới, {updated} cập nhật.")


# --- invites
@app.command()
def invite(
    unit: Annotated[str, typer.Option(help="Mã đơn vị, ví dụ SONTRUNG.")],
    role: Annotated[Role, typer.Option(help="officer (cán bộ nhập) hoặc reviewer (người duyệt).")],
    days: Annotated[int | None, typer.Option(help="Số ngày mã còn hiệu lực.")] = None,
) -> None:
    """Tạo một mã mời dùng một lần; dòng cuối cùng là mã."""
    settings = _settings()
    ttl = timedelta(days=days or settings.invite_ttl_days)
    try:
        with _store(settings).transaction() as repo:
            created = repo.create_invite(unit, role.value, utc_now(), ttl)
            target = repo.unit_by_code(unit)
    except RepositoryError as exc:
        _fail(str(exc))
        return
    expires = created.expires_at.astimezone(settings.zone).strftime("%d/%m/%Y %H:%M")
    assert target is not None
    typer.echo(f"Mã mời {role.value} cho {target.name}, hạn dùng đến {expires}.")
    typer.echo(f"Người dùng gõ trong chat: /start {created.code}")
    if settings.telegram_bot_username:
        username = settings.telegram_bot_username.lstrip("@")
        typer.echo(f"Hoặc mở liên kết Telegram: https://t.me/{username}?start={created.code}")
    typer.echo(created.code)


# --- rounds
@round_app.command("open")
def round_open(
    template: Annotated[str, typer.Option(help="Biểu mẫu: xa hoặc huyen.")],
    period: Annotated[str, typer.Option(help="Kỳ: 2024-Q3, 2024-H1, 2024-9M, 2024-Y.")],
    deadline: Annotated[
        str | None, typer.Option(help="Hạn nộp YYYY-MM-DD (mặc định: 6 ngày sau ngày chốt số).")
    ] = None,
    cutoff_start: Annotated[str | None, typer.Option(help="Ngày bắt đầu chốt số liệu.")] = None,
    cutoff_end: Annotated[str | None, typer.Option(help="Ngày kết thúc chốt số liệu.")] = None,
) -> None:
    """Mở một kỳ báo cáo; thời gian chốt số mặc định theo Nghị định 09/2019/NĐ-CP."""
    try:
        catalog.load(template)
        p = periods.parse(period)
        start = date.fromisoformat(cutoff_start) if cutoff_start else p.cutoff[0]
        end = date.fromisoformat(cutoff_end) if cutoff_end else p.cutoff[1]
        due = date.fromisoformat(deadline) if deadline else p.default_deadline
    except (TemplateError, ValueError) as exc:
        _fail(str(exc))
        return
    if start > end or due < start:
        _fail("ngày không hợp lệ: cần ngày bắt đầu ≤ ngày kết thúc chốt số ≤ hạn nộp")
    try:
        with _store().transaction() as repo:
            repo.open_round(template, p.code, start, end, due, utc_now())
    except RepositoryError as exc:
        _fail(str(exc))
        return
    typer.echo(
        f"✓ Đã mở kỳ {p.label} (biểu {template}): chốt số {start:%d/%m/%Y}–{end:%d/%m/%Y}, "
        f"hạn nộp {due:%d/%m/%Y}."
    )


@round_app.command("list")
def round_list() -> None:
    """Liệt kê các kỳ báo cáo."""
    with _store().transaction() as repo:
        rounds = repo.rounds()
    if not rounds:
        typer.echo("Chưa có kỳ báo cáo nào.")
    for r in rounds:
        typer.echo(
            f"{r.template:<6} {r.period:<8} {r.status:<7} chốt số {r.cutoff_start:%d/%m/%Y}–"
            f"{r.cutoff_end:%d/%m/%Y}, hạn {r.deadline:%d/%m/%Y}"
        )


# --- chat
@app.command()
def chat(user: Annotated[str, typer.Option(help="Tên người dùng trong console.")]) -> None:
    """Trò chuyện với bot ngay trong cửa sổ dòng lệnh (gõ /start MÃ để đăng ký)."""
    from bot.console import chat as console

    settings = _settings()
    console.run(Conversations(_store(settings), settings.zone), user)


@app.command()
def run() -> None:
    """Chạy bot trên Telegram và/hoặc Zalo (mỗi nền tảng có token), kèm lịch nhắc hạn."""
    from telegram.error import InvalidToken, TelegramError

    from bot.log_safety import protect_logs
    from bot.service import NothingToRun, Service
    from bot.zalo.api import ZaloError

    settings = _settings()
    protect_logs(settings.secrets)
    try:
        service = Service(settings, _store(settings))
    except NothingToRun:
        _fail(
            "chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN "
            "(xem .env.example và README, mục Telegram và Zalo)."
        )
        return
    try:
        asyncio.run(service.run())
    except InvalidToken:
        _fail("Telegram từ chối TELEGRAM_BOT_TOKEN (token sai hoặc đã bị thu hồi).")
    except ZaloError as exc:
        if exc.code == 401:
            _fail("Zalo từ chối ZALO_BOT_TOKEN (token sai hoặc đã bị thu hồi).")
        _fail(f"không kết nối được tới Zalo ({exc.code}).")
    except TelegramError as exc:  # its message may quote the token: name the kind only
        _fail(f"không kết nối được tới Telegram ({type(exc).__name__}).")


@app.command()
def demo(
    fresh: Annotated[bool, typer.Option(help="Xóa dữ liệu chạy thử cũ và tạo lại.")] = False,
    user: Annotated[str, typer.Option(help="Tên người dùng console.")] = "can-bo-son-trung",
) -> None:
    """Tạo dữ liệu chạy thử (tỉnh Quảng Ngãi, 2 huyện, vài xã, một kỳ đang mở) và mở chat."""
    from bot.console import chat as console

    settings = _settings()
    store = demo_data.prepare(settings.demo_database_url, user, fresh=fresh, now=utc_now())
    unit_name = demo_data.officer_unit_name(store, user)
    conversations = Conversations(store, settings.zone)
    console.run(conversations, user, greeting=demo_data.welcome(unit_name, user))
