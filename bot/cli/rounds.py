"""`cchc-bot round …`: open a template for a period, list, extend and close rounds."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import dates
from bot.cli.common import DATE, PERIOD, TEMPLATE, fail, open_store
from bot.clock import utc_now
from flows import periods
from flows.catalog import TemplateError
from storage import templates
from storage.errors import DeadlineBeforeCutoff, UnknownTemplate
from storage.models import Round, RoundStatus
from storage.repository import Repository, RepositoryError

TEMPLATE_ID_HELP = "Mã biểu mẫu, ví dụ xa, huyen, xa-2025 (xem: cchc-bot template list)."
app = typer.Typer(help="Kỳ báo cáo: mở, xem, gia hạn, đóng.", no_args_is_help=True)

PERIOD_HELP = "Kỳ: 2024-Q3 (quý), 2024-H1 (6 tháng), 2024-9M (9 tháng), 2024-Y (năm)."
TEMPLATE_HELP = "Mã biểu mẫu (xem: cchc-bot template list); chỉ cần khi kỳ mở cho nhiều biểu."
STATUS_NAMES = {RoundStatus.OPEN.value: "đang mở", RoundStatus.CLOSED.value: "đã đóng"}


@app.command("open")
def round_open(
    template: Annotated[
        str,
        typer.Option(
            help=TEMPLATE_ID_HELP,
            metavar=TEMPLATE,
        ),
    ],
    period: Annotated[str, typer.Option(help=PERIOD_HELP, metavar=PERIOD)],
    deadline: Annotated[
        str | None,
        typer.Option(
            help=f"Hạn nộp: {dates.FORMATS}; mặc định 6 ngày sau ngày kết thúc chốt số.",
            metavar=DATE,
        ),
    ] = None,
    cutoff_start: Annotated[
        str | None,
        typer.Option(help=f"Ngày bắt đầu chốt số liệu: {dates.FORMATS}.", metavar=DATE),
    ] = None,
    cutoff_end: Annotated[
        str | None,
        typer.Option(help=f"Ngày kết thúc chốt số liệu: {dates.FORMATS}.", metavar=DATE),
    ] = None,
) -> None:
    """Mở một kỳ báo cáo; thời gian chốt số mặc định theo Nghị định 09/2019/NĐ-CP."""
    try:
        p = periods.parse(period)
        start = dates.parse(cutoff_start, "Ngày bắt đầu chốt số") if cutoff_start else p.cutoff[0]
        end = dates.parse(cutoff_end, "Ngày kết thúc chốt số") if cutoff_end else p.cutoff[1]
        due = dates.parse(deadline, "Hạn nộp") if deadline else p.default_deadline
    except (TemplateError, ValueError) as exc:
        fail(str(exc))
    if start > end:
        fail(f"ngày bắt đầu chốt số {start:%d/%m/%Y} sau ngày kết thúc chốt số {end:%d/%m/%Y}.")
    if due < end:  # officers report once the window has ended: the deadline comes after it
        fail(str(DeadlineBeforeCutoff(due, end)))
    try:
        with open_store().transaction() as repo:
            opened = repo.open_round(template, p.code, start, end, due, utc_now())
            still_open = [r.period for r in repo.open_rounds(template) if r.period != p.code]
    except RepositoryError as exc:
        fail(str(exc))
    typer.echo(
        f"✓ Đã mở kỳ {p.label} (biểu {template}, phiên bản {opened.template_version}): "
        f"chốt số {start:%d/%m/%Y}–{end:%d/%m/%Y}, "
        f"hạn nộp {due:%d/%m/%Y}."
    )
    if still_open:
        typer.echo(
            f"Lưu ý: kỳ {', '.join(still_open)} của biểu {template} vẫn đang mở; hết hạn nộp thì "
            f"đóng bằng: cchc-bot round close {still_open[0]}"
        )


@app.command("list")
def round_list() -> None:
    """Liệt kê các kỳ báo cáo."""
    with open_store().transaction() as repo:
        rounds = repo.rounds()
    if not rounds:
        typer.echo("Chưa có kỳ báo cáo nào.")
    for r in rounds:
        typer.echo(
            f"{r.template:<6} {r.period:<8} {STATUS_NAMES.get(r.status, r.status):<8} "
            f"chốt số {r.cutoff_start:%d/%m/%Y}–{r.cutoff_end:%d/%m/%Y}, hạn {r.deadline:%d/%m/%Y}"
        )


@app.command("extend")
def round_extend(
    period: Annotated[str, typer.Argument(help=PERIOD_HELP, metavar=PERIOD, show_default=False)],
    deadline: Annotated[
        str,
        typer.Option(
            help=f"Hạn nộp mới: {dates.FORMATS}; không sớm hơn ngày kết thúc chốt số.",
            metavar=DATE,
        ),
    ],
    template: Annotated[str | None, typer.Option(help=TEMPLATE_HELP, metavar=TEMPLATE)] = None,
) -> None:
    """Đổi hạn nộp của một kỳ đang mở (gia hạn); lịch nhắc theo hạn mới."""
    try:
        due = dates.parse(deadline, "Hạn nộp")
        with open_store().transaction() as repo:
            round_ = find(repo, period, template)
            before = round_.deadline
            repo.extend_round(round_.id or 0, due)
    except (TemplateError, ValueError, RepositoryError) as exc:
        fail(str(exc))
    typer.echo(
        f"✓ Đã đổi hạn nộp kỳ {_label(round_)} (biểu {round_.template}): "
        f"{before:%d/%m/%Y} → {due:%d/%m/%Y}."
    )


@app.command("close")
def round_close(
    period: Annotated[str, typer.Argument(help=PERIOD_HELP, metavar=PERIOD, show_default=False)],
    template: Annotated[str | None, typer.Option(help=TEMPLATE_HELP, metavar=TEMPLATE)] = None,
) -> None:
    """Đóng một kỳ: bot thôi nhận số liệu và thôi nhắc hạn kỳ này."""
    try:
        with open_store().transaction() as repo:
            round_ = find(repo, period, template)
            was_open = round_.status == RoundStatus.OPEN.value
            if was_open:
                repo.close_round(round_.id or 0)
    except (TemplateError, ValueError, RepositoryError) as exc:
        fail(str(exc))
    if not was_open:
        typer.echo(f"Kỳ {_label(round_)} (biểu {round_.template}) đã đóng từ trước.")
        return
    typer.echo(
        f"✓ Đã đóng kỳ {_label(round_)} (biểu {round_.template}): bot không nhận số liệu và "
        f"không nhắc hạn kỳ này nữa; số liệu đã nhập vẫn xuất được "
        f"(cchc-bot export --round {round_.period})."
    )


def find(repo: Repository, period: str, template: str | None, *, open_first: bool = True) -> Round:
    """The round ``period`` names: of ``template``, or the one template of the period — among
    its open rounds first with ``open_first`` (closing or extending), among all without (an
    export, where a closed round is as likely as an open one)."""
    code = periods.parse(period).code
    if template is not None:
        if template not in templates.known(repo):
            raise ValueError(str(UnknownTemplate(template, templates.known(repo))))
        found = repo.round_by_period(template, code)
        if found is None:
            raise ValueError(f"chưa mở kỳ {code} cho biểu '{template}' (xem: cchc-bot round list).")
        return found
    rounds = [r for r in repo.rounds() if r.period == code]
    if not rounds:
        raise ValueError(f"chưa mở kỳ báo cáo {code} (xem: cchc-bot round list).")
    opened = [r for r in rounds if r.status == RoundStatus.OPEN.value] if open_first else []
    candidates = opened or rounds
    if len(candidates) > 1:
        listed = ", ".join(r.template for r in candidates)
        raise ValueError(f"kỳ {code} có nhiều biểu ({listed}): chọn một bằng --template.")
    return candidates[0]


def _label(round_: Round) -> str:
    return periods.parse(round_.period).label
