"""`cchc-bot prefill`: last period's hand-made appendix, stored as that period's report.

Reading and matching are in flows/prefill; here the round for that period is found (or
opened and closed at once, as history), the report stored with an audit trail, and what was
read and what was not is said row by row. A report already holding figures is never
overwritten: nothing an officer typed is lost to a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CODE, FILE, PERIOD, TEMPLATE, fail, open_store, os_problem
from bot.clock import utc_now
from exports import appendix_reader
from flows import answers, periods, prefill
from flows.catalog import Template
from flows.texts import LEVEL_NAMES
from storage import prefills, templates
from storage.errors import RepositoryError
from storage.models import Round, Unit
from storage.prefills import PrefillRefused
from storage.repository import Repository


def register(app: typer.Typer) -> None:
    app.command("prefill")(prefill_command)


def prefill_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="Phụ lục đơn vị đã điền tay kỳ trước (.xlsx).", metavar=FILE, show_default=False
        ),
    ],
    unit: Annotated[str, typer.Option(help="Mã đơn vị, ví dụ SONTRUNG.", metavar=CODE)],
    period: Annotated[str, typer.Option(help="Kỳ của bảng, ví dụ 2024-Q2.", metavar=PERIOD)],
    template: Annotated[
        str | None,
        typer.Option(help="Biểu mẫu (mặc định: biểu của kỳ gần nhất cùng cấp).", metavar=TEMPLATE),
    ] = None,
) -> None:
    """Nhập số liệu kỳ trước từ phụ lục đơn vị đã điền tay, để bot có "Kỳ trước"."""
    try:
        p = periods.parse(period)
        data = path.read_bytes()
        title, rows = appendix_reader.read(data)
        codes = prefill.sheet_codes(rows, title)
    except ValueError as exc:
        fail(f"{path.name}: {exc}" if isinstance(exc, appendix_reader.SheetError) else str(exc))
    except OSError as exc:
        fail(f"không đọc được {path}: {os_problem(exc)}.")
    store = open_store()
    try:
        with store.transaction() as repo:
            target, form, round_ = _where(repo, unit, p, template)
            read = prefill.read_figures(form, rows, codes)
            if not read.values:
                raise PrefillRefused(
                    f"không đọc được số liệu nào của biểu '{form.id}' trong {path.name}."
                )
            stored = _store(repo, target, round_, read)
    except RepositoryError as exc:
        fail(str(exc))
    finally:
        store.dispose()
    typed = len(read.typed(form))
    ratios = f", cùng {stored - typed} tỷ lệ tính từ chúng" if stored > typed else ""
    typer.echo(
        f"✓ Đã ghi {typed} chỉ tiêu kỳ {p.label} của {target.name} (biểu {form.id}) "
        f"từ {path.name}{ratios}."
    )
    _report(form, read)


def _where(
    repo: Repository, code: str, period: periods.Period, template_id: str | None
) -> tuple[Unit, Template, Round]:
    target = repo.unit_by_code(code)
    if target is None:
        raise PrefillRefused(f"không có đơn vị mã '{code}' (xem: cchc-bot units list).")
    round_ = prefills.round_for(repo, template_id or _template_for(repo, target), period, utc_now())
    form = templates.for_round(repo, round_)
    if form.level != target.level:
        raise PrefillRefused(
            f"biểu '{form.id}' dành cho cấp {LEVEL_NAMES.get(form.level, form.level)}, "
            f"{target.name} là cấp {LEVEL_NAMES.get(target.level, target.level)}."
        )
    return target, form, round_


def _template_for(repo: Repository, unit: Unit) -> str:
    """The template of the latest round for the unit's level: what it reports on now."""
    for round_ in reversed(repo.rounds()):
        if templates.level_of(repo, round_) == unit.level:
            return round_.template
    raise PrefillRefused(
        f"chưa có kỳ nào cho cấp {LEVEL_NAMES.get(unit.level, unit.level)}: "
        "chọn biểu bằng --template (xem: cchc-bot template list)."
    )


def _store(repo: Repository, unit: Unit, round_: Round, read: prefill.Prefill) -> int:
    values = {code: answers.encode(value) for code, value in read.values.items()}
    return prefills.store(repo, unit, round_, values, utc_now())


def _report(form: Template, read: prefill.Prefill) -> None:
    by_code = form.by_code
    if read.relabelled:
        typer.echo("\nKhớp theo tên chỉ tiêu (STT trong bảng khác biểu):")
        for line, code in read.relabelled:
            typer.echo(f"  Dòng {line} → {code} {by_code[code].label}")
    if read.ratios_differ:
        typer.echo("\nTỷ lệ bảng ghi khác với tỷ lệ tính từ số liệu (bot lưu tỷ lệ tính được):")
        for r in read.ratios_differ:
            ind = by_code[r.code]
            typer.echo(
                f"  Dòng {r.line} ({r.code}): bảng ghi {answers.show(ind, r.written)}, "
                f"tính từ {ind.formula.replace('*', '×')} được {answers.show(ind, r.computed)}"
            )
    if read.unreadable:
        typer.echo("\nKhông đọc được (không ghi):")
        for u in read.unreadable:
            typer.echo(f"  Dòng {u.line} ({u.code}): “{u.typed}” — {u.why}")
    if read.unmatched:
        typer.echo("\nKhông khớp với dòng nào của biểu (không ghi):")
        for m in read.unmatched:
            stt = f"{m.stt} " if m.stt else ""
            typer.echo(f"  Dòng {m.line}: {stt}{m.label} = {m.value}")
