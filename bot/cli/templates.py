"""`cchc-bot template …`: bring a province's own form, see it, and take it back to Excel.

A province's form arrives as the appendix spreadsheet it already sends its communes; `import`
reads it (exports/appendix_reader), infers the template (flows/template_inference), says
every decision it made row by row, and stores it as the template's next version
(storage/templates). `export` writes any template back in the same layout with its decision
columns, so the province edits its form in Excel or LibreOffice and imports it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import FILE, NUMBER, TEMPLATE, fail, open_store, os_problem
from bot.clock import utc_now
from exports import appendix_reader
from exports.template_sheet import template_bytes
from flows import catalog, template_inference
from flows.answers import fold
from flows.catalog import Kind, Template, TemplateError
from flows.texts import LEVEL_NAMES
from storage import templates
from storage.db import Store
from storage.errors import RepositoryError
from storage.repository import SHIPPED, Repository

app = typer.Typer(help="Biểu mẫu (danh mục chỉ tiêu).", no_args_is_help=True)

TEMPLATE_ID = typer.Argument(
    help="Mã biểu mẫu, ví dụ xa (xem: cchc-bot template list).", metavar=TEMPLATE
)
LEVEL_WORDS = {"xa": ("cap xa", "ubnd xa", "xa,"), "huyen": ("cap huyen", "ubnd huyen"),
               "tinh": ("cap tinh", "ubnd tinh", "so noi vu")}  # fmt: skip


@app.command("import")
def template_import(
    path: Annotated[
        Path,
        typer.Argument(help="Bảng tính phụ lục (.xlsx).", metavar=FILE, show_default=False),
    ],
    template_id: Annotated[
        str,
        typer.Option(
            "--id", help="Mã biểu mới, chữ thường không dấu, ví dụ huyen-thanhhoa.", metavar="MÃ"
        ),
    ],
    name: Annotated[
        str | None, typer.Option(help="Tên biểu (mặc định: dòng tiêu đề của bảng tính).")
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(help="Cấp nộp biểu: xa, huyen hoặc tinh (mặc định: đoán từ tiêu đề)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Ghi thêm biểu ra tệp YAML để xem lại.", metavar=FILE),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ đọc và báo cáo, không lưu.")
    ] = False,
) -> None:
    """Nhập biểu mẫu từ bảng tính phụ lục mà tỉnh đang dùng."""
    if level is not None and level not in LEVEL_NAMES:
        fail(f"cấp '{level}' không có; dùng xa, huyen hoặc tinh.")
    if catalog.TEMPLATE_ID.fullmatch(template_id) is None:
        fail(
            f"mã biểu '{template_id}' không dùng được: chữ thường không dấu, số, '-' hoặc '_', "
            "bắt đầu bằng chữ, tối đa 32 ký tự (ví dụ huyen-thanhhoa)."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"không đọc được {path}: {os_problem(exc)}.")
    try:
        title, rows = appendix_reader.read(data)
    except appendix_reader.SheetError as exc:
        fail(f"{path.name}: {exc}")
    guessed = level is None
    level = level or _guess_level(f"{title}\n{name or ''}")
    store = None if dry_run else open_store()
    try:
        inferred = template_inference.infer(
            rows,
            template_id=template_id,
            name=name or (_stored_name(store, template_id) if store else ""),
            level=level,
            title=title,
        )
    except template_inference.InferenceError as exc:
        fail(f"{path.name}: {exc}")
    template = inferred.template
    _report(inferred, level, guessed)
    if output is not None:
        try:
            output.write_text(
                catalog.to_yaml(
                    template,
                    f"Nhập từ {path.name} bằng cchc-bot template import.\n"
                    "Muốn sửa: sửa bảng tính rồi nhập lại, đừng sửa tệp này.",
                ),
                encoding="utf-8",
            )
        except OSError as exc:
            fail(f"không ghi được {output}: {os_problem(exc)}.")
        typer.echo(f"Đã ghi {output}.")
    if store is None:
        typer.echo("(--dry-run: chưa lưu vào cơ sở dữ liệu.)")
        return
    try:
        with store.transaction() as repo:
            row, created = repo.add_template_version(template, f"import:{path.name}", utc_now())
    except RepositoryError as exc:
        fail(str(exc))
    finally:
        store.dispose()
    if not created:
        typer.echo(
            f"Biểu '{template_id}' không đổi so với phiên bản {row.version}; không lưu thêm."
        )
        return
    typer.echo(
        f"✓ Đã lưu biểu '{template_id}' phiên bản {row.version}: {_sizes(template)}. "
        f"Các kỳ mở từ nay dùng phiên bản này: cchc-bot round open --template {template_id} …; "
        "kỳ đang mở vẫn giữ phiên bản cũ."
    )


@app.command("export")
def template_export(
    template_id: Annotated[str, TEMPLATE_ID],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Tệp .xlsx ghi ra (mặc định: MÃ.xlsx).", metavar=FILE),
    ] = None,
    version: Annotated[
        int | None, typer.Option(help="Phiên bản (mặc định: mới nhất).", metavar=NUMBER)
    ] = None,
) -> None:
    """Ghi biểu mẫu ra bảng tính để sửa trong Excel rồi nhập lại."""
    template, label = _find(template_id, version)
    target = output or Path(f"{template.id}.xlsx")
    if target.suffix.lower() != ".xlsx":
        fail(f"tệp ghi ra cần đuôi .xlsx, không phải '{target.name}'.")
    try:
        target.write_bytes(template_bytes(template))
    except OSError as exc:
        fail(f"không ghi được {target}: {os_problem(exc)}.")
    typer.echo(f"✓ Đã ghi biểu '{template.id}' ({label}) ra {target}.")


@app.command("list")
def template_list() -> None:
    """Liệt kê các biểu mẫu, phiên bản của chúng và các kỳ đang dùng."""
    store = open_store()
    try:
        with store.transaction() as repo:
            versions = repo.template_versions()
            used: dict[tuple[str, int | None], list[str]] = {}
            for round_ in repo.rounds():
                used.setdefault((round_.template, round_.template_version), []).append(
                    round_.period
                )
    finally:
        store.dispose()
    stored = {v.template_id for v in versions}
    for template_id in sorted(stored | set(catalog.available())):
        mine = [v for v in versions if v.template_id == template_id]
        if not mine:
            template = catalog.load(template_id)
            typer.echo(f"{template_id}: {template.name} — có sẵn, chưa kỳ nào dùng")
            continue
        typer.echo(f"{template_id}: {mine[-1].name}")
        for v in mine:
            source = "có sẵn" if v.source == SHIPPED else v.source.removeprefix("import:")
            periods = used.get((template_id, v.version), [])
            rounds = f"; kỳ: {', '.join(periods)}" if periods else ""
            typer.echo(
                f"  phiên bản {v.version} ({LEVEL_NAMES.get(v.level, v.level)}, {source}, "
                f"{v.created_at:%d/%m/%Y}){rounds}"
            )


@app.command("check")
def template_check(
    path: Annotated[
        Path, typer.Argument(help="Tệp biểu mẫu YAML.", metavar=FILE, show_default=False)
    ],
) -> None:
    """Kiểm tra một tệp biểu mẫu YAML."""
    try:
        template = catalog.load_file(path)
    except TemplateError as exc:
        fail(str(exc))
    typer.echo(f"✓ {path.name}: biểu '{template.id}', {_sizes(template)}.")


@app.command("show")
def template_show(
    template_id: Annotated[str, TEMPLATE_ID],
    version: Annotated[
        int | None, typer.Option(help="Phiên bản (mặc định: mới nhất).", metavar=NUMBER)
    ] = None,
) -> None:
    """In danh mục chỉ tiêu của một biểu mẫu."""
    template, label = _find(template_id, version)
    typer.echo(f"{template.name} ({label}) — {len(template.asked)} câu hỏi")
    for section in template.sections:
        typer.echo(f"\n{section.code}. {section.label.upper()}")
        for ind in (i for i in template.indicators if i.section == section.code):
            typer.echo(_describe(ind))


# --- helpers ----------------------------------------------------------------------------------
def _find(template_id: str, version: int | None) -> tuple[Template, str]:
    """A template as stored (the version asked, or the latest), else the shipped file."""
    store = open_store()
    try:
        with store.transaction() as repo:
            return _stored(repo, template_id, version)
    except (RepositoryError, TemplateError) as exc:
        fail(str(exc))
    finally:
        store.dispose()


def _stored(repo: Repository, template_id: str, version: int | None) -> tuple[Template, str]:
    if version is None:
        latest = repo.latest_template_version(template_id)
        template = templates.latest(repo, template_id)
        return template, f"phiên bản {latest.version}" if latest else "tệp có sẵn"
    row = repo.template_version(template_id, version)
    if row is None:
        have = [str(v.version) for v in repo.template_versions() if v.template_id == template_id]
        known = f"có: {', '.join(have)}" if have else "chưa có phiên bản nào được lưu"
        raise TemplateError(f"biểu '{template_id}' không có phiên bản {version} ({known}).")
    return templates.parse(row), f"phiên bản {version}"


def _report(inferred: template_inference.Inferred, level: str, guessed: bool) -> None:
    """What was decided, the corrected slips first, then what the author should check."""
    template = inferred.template
    how = "đoán từ tiêu đề; đổi bằng --level" if guessed else "theo --level"
    typer.echo(f"Biểu '{template.id}': {template.name}")
    typer.echo(f"Cấp nộp: {LEVEL_NAMES.get(level, level)} ({how}); {_sizes(template)}.")
    groups = (
        ("Đã sửa lỗi đánh số trong bảng:", _by_line(f for f in inferred.findings if f.fixed)),
        ("Đã suy ra:", _by_line(f for f in inferred.findings if not f.fixed and not f.undecided)),
        (
            "Cần xem lại (ghi rõ ở cột kind/formula/rule rồi nhập lại):",
            _by_line(f for f in inferred.findings if f.undecided),
        ),
    )
    for heading, findings in groups:
        if findings:
            typer.echo(f"\n{heading}")
            for finding in findings:
                typer.echo(f"  {finding}")
    typer.echo("")


def _sizes(template: Template) -> str:
    return (
        f"{len(template.indicators)} dòng, {len(template.asked)} câu hỏi, "
        f"{len(template.computed)} tỷ lệ tự tính"
    )


def _guess_level(text: str) -> str:
    folded = fold(text)
    for level in ("xa", "huyen", "tinh"):
        if any(word in folded for word in LEVEL_WORDS[level]):
            return level
    return "xa"


def _stored_name(store: Store, template_id: str) -> str:
    """A re-imported template keeps the name it has: a new version is not a new form."""
    with store.transaction() as repo:
        latest = repo.latest_template_version(template_id)
        return latest.name if latest else ""


def _describe(ind: catalog.Indicator) -> str:
    indent = "  " * (ind.depth - 1)
    unit = f" [{ind.unit_column}]" if ind.unit_column else ""
    extras = []
    if ind.kind is Kind.RATIO_COMPUTED:
        extras.append(f"= {ind.formula}")
    elif ind.kind is not Kind.GROUP:
        extras.append(ind.kind.value)
    extras += template_inference.written_rules(ind)
    if ind.relevant:
        extras.append(f"chỉ hỏi khi {ind.relevant}")
    if ind.not_for:
        extras.append(f"không hỏi {', '.join(LEVEL_NAMES.get(x, x) for x in ind.not_for)}")
    if ind.carry_over:
        extras.append("giữ kỳ trước")
    tail = f"  ({'; '.join(extras)})" if extras else ""
    return f"{indent}{ind.code:<10} {ind.label}{unit}{tail}"


def _by_line(
    findings: Iterable[template_inference.Finding],
) -> list[template_inference.Finding]:
    return sorted(findings, key=lambda f: f.line)
