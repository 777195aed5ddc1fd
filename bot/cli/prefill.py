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

from bot.chat.conversations import utc_now
from bot.cli.common import CODE, FILE, PERIOD, TEMPLATE, fail, open_store, os_problem
from exports import appendix_reader
from flows import answers, periods, prefill, template_inference
from flows.catalog import Template
from flows.texts import LEVEL_NAMES
from storage import templates
from storage.errors import RepositoryError
from storage.models import Round, SubmissionStatus, Unit
from storage.repository import Repository


class PrefillRefused(Exception):
    """Said to the admin as one line; nothing was stored."""


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
    except ValueError as exc:
        fail(f"{path.name}: {exc}" if isinstance(exc, appendix_reader.SheetError) else str(exc))
    except OSError as exc:
        fail(f"không đọc được {path}: {os_problem(exc)}.")
    store = open_store()
    try:
        with store.transaction() as repo:
            target, form, round_ = _where(repo, unit, p, template)
            read = prefill.read_figures(form, rows, _codes(form, rows, title))
            if not read.values:
                raise PrefillRefused(
                    f"không đọc được số liệu nào của biểu '{form.id}' trong {path.name}."
                )
            stored = _store(repo, target, round_, read)
    except (RepositoryError, PrefillRefused) as exc:
        fail(str(exc))
    finally:
        store.dispose()
    typer.echo(
        f"✓ Đã ghi {stored} chỉ tiêu kỳ {p.label} của {target.name} "
        f"(biểu {form.id}) từ {path.name}."
    )
    _report(form, read)


def _where(
    repo: Repository, code: str, period: periods.Period, template_id: str | None
) -> tuple[Unit, Template, Round]:
    target = repo.unit_by_code(code)
    if target is None:
        raise PrefillRefused(f"không có đơn vị mã '{code}' (xem: cchc-bot units list).")
    template_id = template_id or _template_for(repo, target)
    if template_id not in templates.known(repo):
        raise PrefillRefused(f"không có biểu mẫu '{template_id}' (xem: cchc-bot template list).")
    round_ = repo.round_by_period(template_id, period.code)
    if round_ is None:  # history: opened and closed at once, at the version current now
        start, end = period.cutoff
        now = utc_now()
        round_ = repo.open_round(template_id, period.code, start, end, period.default_deadline, now)
        repo.close_round(round_.id)  # type: ignore[arg-type]
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


def _codes(form: Template, rows: list[template_inference.SheetRow], title: str) -> dict[int, str]:
    """Each sheet line's code by the sheet's own numbering, fixed as an import would."""
    try:
        inferred = template_inference.infer(
            rows, template_id="bang-tay", name="bảng", level=form.level, title=title
        )
    except template_inference.InferenceError:
        return {}  # numbering past repair: labels alone will match
    return inferred.codes


def _store(repo: Repository, unit: Unit, round_: Round, read: prefill.Prefill) -> int:
    submission = repo.submission(round_.id, unit.id)  # type: ignore[arg-type]
    assert submission is not None and submission.id is not None
    existing = [a for a in repo.answers(submission.id).values() if a.value is not None]
    if existing:
        raise PrefillRefused(
            f"{unit.name} đã có {len(existing)} chỉ tiêu kỳ {round_.period} trong bot; "
            "không ghi đè (số liệu đã nhập được giữ nguyên)."
        )
    now = utc_now()
    changes = [(code, answers.encode(value), False) for code, value in read.values.items()]
    repo.save_answers(submission.id, changes, None, now)
    repo.set_status(submission.id, SubmissionStatus.SUBMITTED.value, None, now)
    return len(changes)


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
