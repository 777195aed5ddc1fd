"""`cchc-bot units …`: import the province's unit list, and show it as a tree."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import unit_file
from bot.cli.common import CODE, FILE, fail, open_store
from flows.texts import LEVEL_NAMES
from storage.errors import UnknownUnit
from storage.models import Unit
from storage.repository import RepositoryError

app = typer.Typer(
    help="Đơn vị (tỉnh, huyện, xã): nhập từ tệp CSV, xem cây đơn vị.", no_args_is_help=True
)

INDENT = "  "


@app.command("import")
def units_import(
    path: Annotated[
        Path,
        typer.Argument(
            help="Tệp CSV có cột code,name,level,parent_code (phân cách bằng , hoặc ;).",
            metavar=FILE,
            show_default=False,
        ),
    ],
) -> None:
    """Nhập đơn vị từ tệp CSV (Excel lưu kiểu CSV UTF-8); nhập lại sẽ cập nhật tên và cấp trên."""
    try:
        lines = unit_file.read(path)
    except unit_file.UnitFileError as exc:
        fail(str(exc))
    try:
        with open_store().transaction() as repo:
            created, updated = repo.import_units([line.row for line in lines])
    except RepositoryError as exc:
        where = f"Dòng {lines[exc.row].line}: " if exc.row is not None else ""
        fail(f"{where}{exc} Chưa nhập đơn vị nào từ tệp này.")
    typer.echo(f"✓ Đã nhập {len(lines)} đơn vị: {created} mới, {updated} cập nhật.")


@app.command("list")
def units_list(
    under: Annotated[
        str | None,
        typer.Option(help="Chỉ hiện đơn vị này và các đơn vị bên dưới.", metavar=CODE),
    ] = None,
) -> None:
    """Hiện cây đơn vị: mã, tên và cấp (tỉnh, huyện, xã)."""
    with open_store().transaction() as repo:
        units = repo.units()
        top = repo.unit_by_code(under) if under is not None else None
    if under is not None and top is None:
        fail(str(UnknownUnit(under)))
    if not units:
        typer.echo("Chưa có đơn vị nào (nhập bằng: cchc-bot units import TỆP).")
        return
    below: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:  # in code order, so siblings are too
        below[unit.parent_id].append(unit)
    shown: list[Unit] = []
    for root in [top] if top is not None else below[None]:
        _show(root, 0, below, shown)
    counts = ", ".join(
        f"{sum(u.level == level for u in shown)} {name}"
        for level, name in LEVEL_NAMES.items()
        if any(u.level == level for u in shown)
    )
    typer.echo(f"{len(shown)} đơn vị: {counts}.")


def _show(unit: Unit, depth: int, below: dict[int | None, list[Unit]], shown: list[Unit]) -> None:
    if unit in shown:  # a loop stored before loops were refused: show each unit once
        return
    shown.append(unit)
    level = LEVEL_NAMES.get(unit.level, unit.level)
    typer.echo(f"{INDENT * depth}{unit.code}  {unit.name} ({level})")
    for child in below[unit.id]:
        _show(child, depth + 1, below, shown)
