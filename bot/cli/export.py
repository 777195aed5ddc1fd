"""`cchc-bot export`: write a round's spreadsheet (or CSV/JSON, or the Word draft) to a file.

The command only decides what to export and where; exports/ builds the files from plain data,
so the chat's /xuat and this command produce the same workbook, and /duthao the same draft.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli import rounds
from bot.cli.common import CODE, PATH, PERIOD, TEMPLATE, fail, open_store, os_problem
from bot.service.settings import load
from exports import appendix, compiled, flat, names
from exports.data import RoundReport, UnitInfo, load_round_report
from exports.draft_data import (
    Previous,
    SummaryDraftData,
    UnitDraftData,
    previous_figures,
    superior_of,
)
from exports.report_docx import summary_draft_bytes, unit_draft_bytes
from flows import periods
from storage.models import Unit
from storage.repository import Repository


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    DOCX = "docx"  # the narrative report drafted from the figures (Word)


class ExportError(Exception):
    """A request that cannot be served; the message is shown to the admin as is."""


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    round_period: Annotated[
        str,
        typer.Option(
            "--round", help="Kỳ báo cáo: 2024-Q3, 2024-H1, 2024-9M, 2024-Y.", metavar=PERIOD
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help=(
                "Thư mục (tạo nếu chưa có; tên tệp tự đặt), ví dụ out/, hoặc tệp có đuôi "
                ".xlsx, .csv, .json, .docx."
            ),
            metavar=PATH,
        ),
    ],
    template: Annotated[
        str | None,
        typer.Option(
            help="Mã biểu mẫu (xem: cchc-bot template list); bỏ trống nếu kỳ chỉ có một biểu.",
            metavar=TEMPLATE,
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            help=(
                "Mã đơn vị: một xã cho phụ lục (hoặc dự thảo báo cáo) của xã, huyện/tỉnh cho "
                "bảng tổng hợp (hoặc dự thảo báo cáo tổng hợp)."
            ),
            metavar=CODE,
        ),
    ] = None,
    file_format: Annotated[
        Format,
        typer.Option("--format", help="xlsx, csv, json, hoặc docx (dự thảo báo cáo Word)."),
    ] = Format.XLSX,
) -> None:
    """Xuất số liệu một kỳ báo cáo ra Excel (phụ lục hoặc bảng tổng hợp), CSV, JSON, hoặc dự
    thảo báo cáo (Word) viết từ số liệu."""
    settings = load()
    try:
        period = periods.parse(round_period).code
        store = open_store(settings)
        try:
            with store.transaction() as repo:
                round_ = rounds.find(repo, period, template, open_first=False)
                top = _unit(repo, unit)
                report = load_round_report(repo, round_, top, now=datetime.now(UTC))
                single = top.level == report.template.level
                drafting = (
                    _Drafting(
                        previous_figures(repo, round_, top, report.template) if single else None,
                        superior_of(repo, top),
                    )
                    if file_format is Format.DOCX
                    else None
                )
        finally:
            store.dispose()
        if not report.units:
            raise ExportError(
                f"{top.name} không có đơn vị nào nộp biểu '{round_.template}' trong kỳ {period}."
            )
        content, file_name = _content(report, single, file_format, settings.zone, drafting)
        path = _destination(output, file_name, file_format)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except (ExportError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"không ghi được {exc.filename or output}: {os_problem(exc)}.")
    one, many = ("phụ lục", "bảng tổng hợp")
    if file_format is Format.DOCX:
        one, many = ("dự thảo báo cáo", "dự thảo báo cáo tổng hợp")
    what = (
        f"{one} {report.round.period_label} của {top.name}"
        if single
        else f"{many} {report.round.period_label} của {top.name} ({len(report.units)} đơn vị)"
    )
    typer.echo(f"✓ Đã xuất {what}: {path}")


def _unit(repo: Repository, code: str | None) -> Unit:
    if code is not None:
        found = repo.unit_by_code(code)
        if found is None:
            raise ExportError(f"không có đơn vị mã '{code}'.")
        return found
    tops = [u for u in repo.units() if u.parent_id is None]
    if not tops:
        raise ExportError("chưa có đơn vị nào (nhập bằng: cchc-bot units import).")
    if len(tops) > 1:
        listed = ", ".join(u.code for u in tops)
        raise ExportError(f"có nhiều đơn vị cấp cao nhất ({listed}): chọn một bằng --unit.")
    return tops[0]


@dataclass(frozen=True)
class _Drafting:
    """What a Word draft needs besides the figures: last period's (a unit's), the unit above."""

    previous: Previous | None
    superior: UnitInfo | None


def _content(
    report: RoundReport,
    single: bool,
    file_format: Format,
    zone: ZoneInfo,
    drafting: _Drafting | None = None,
) -> tuple[bytes, str]:
    period, extension = report.round.period, file_format.value
    file_name = (
        names.unit_file_name(period, report.top.name, extension)
        if single
        else names.compiled_file_name(period, report.top.name, extension)
    )
    if file_format is Format.CSV:
        return flat.to_csv(report).encode("utf-8"), file_name
    if file_format is Format.JSON:
        return flat.to_json(report).encode("utf-8"), file_name
    if file_format is Format.DOCX:
        assert drafting is not None
        if single:
            previous = drafting.previous or Previous({})
            unit = UnitDraftData(report.units[0], previous, drafting.superior)
            return unit_draft_bytes(unit), file_name
        return summary_draft_bytes(SummaryDraftData(report, drafting.superior), zone), file_name
    if single:
        return appendix.appendix_bytes(report.units[0]), file_name
    return compiled.compiled_bytes(report, zone), file_name


def _destination(written: str, file_name: str, file_format: Format) -> Path:
    """Where the file goes: into a folder under its readable name, or to the file named.

    A path is a folder when it ends in "/", is one already, or has no suffix (`out`); it is a
    file when its suffix is a format's (`so-lieu.csv`). Both are created as needed, so that a
    second export into a new folder lands beside the first instead of overwriting it. Any other
    suffix could be either (`bao-cao.v2`), so it is refused rather than guessed.
    """
    output = Path(written)
    suffix = output.suffix.lower()
    if written.endswith(("/", os.sep)) or output.is_dir() or not suffix:
        if output.exists() and not output.is_dir():
            raise ExportError(f"{output} là một tệp, không phải thư mục.")
        return output / file_name
    known = {f".{member.value}" for member in Format}
    if suffix not in known:
        raise ExportError(
            f"không rõ '{output}' là tệp hay thư mục: tệp cần đuôi .{file_format.value}, "
            "thư mục thì thêm '/' ở cuối."
        )
    if suffix != f".{file_format.value}":
        raise ExportError(
            f"tệp {output.name} có đuôi {suffix} nhưng định dạng xuất là {file_format.value}: "
            f"đổi đuôi thành .{file_format.value} hoặc thêm --format {suffix[1:]}."
        )
    return output
