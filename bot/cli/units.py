"""`cchc-bot units …`: import the province's unit list (a CSV or the official registry), and show
it as a tree with the people of each unit."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import roster, unit_file
from bot.cli.common import CODE, FILE, fail, open_store
from flows import unit_registry
from flows.texts import LEVEL_NAMES, ROLE_NAMES
from storage.errors import UnknownUnit
from storage.models import Level, Role, Unit, User
from storage.repository import RepositoryError
from storage.unit_order import UnitRow

app = typer.Typer(
    help="Đơn vị (tỉnh, huyện, xã): nhập từ danh mục chính thức hoặc tệp CSV, xem cây đơn vị.",
    no_args_is_help=True,
)

INDENT = "  "
# Levels whose units file a report, so an officer is missing there; a province only reviews.
REPORTING = (Level.DISTRICT.value, Level.COMMUNE.value)


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


@app.command("registry")
def units_registry(
    province: Annotated[
        str | None,
        typer.Option(
            help='Tỉnh, thành phố: tên có dấu hay không dấu, hoặc mã, ví dụ "Quảng Ngãi" hay 51.',
            metavar="TỈNH",
        ),
    ] = None,
    show_list: Annotated[
        bool, typer.Option("--list", help="Liệt kê 34 tỉnh, thành phố: mã, tên, số xã.")
    ] = False,
) -> None:
    """Nhập một tỉnh cùng mọi xã, phường, đặc khu của tỉnh từ danh mục chính thức (2025)."""
    if show_list:
        _list_registry()
        return
    if province is None:
        fail('cần --province TỈNH (ví dụ --province "Quảng Ngãi") hoặc --list.')
    try:
        found = unit_registry.find(province)
    except unit_registry.UnknownProvince as exc:
        fail(str(exc))
    rows: list[UnitRow] = [(found.code, found.name, Level.PROVINCE.value, None)]
    rows += [(c.code, c.name, Level.COMMUNE.value, found.code) for c in found.communes]
    listed = {code for code, *_ in rows}
    try:
        with open_store().transaction() as repo:
            created, updated = repo.import_units(rows)
            top = repo.unit_by_code(found.code)
            assert top is not None and top.id is not None
            kept = [u for u in repo.descendants(top.id) if u.code not in listed]
    except RepositoryError as exc:
        fail(f"{exc} Chưa nhập đơn vị nào.")
    kinds = ", ".join(
        f"{sum(c.kind == kind for c in found.communes)} {kind}"
        for kind in dict.fromkeys(c.kind for c in found.communes)
    )
    typer.echo(
        f"✓ {found.name} (mã {found.code}) và {len(found.communes)} đơn vị cấp xã ({kinds}): "
        f"{created} mới, {updated} cập nhật ({unit_registry.version()})."
    )
    if kept:
        shown = ", ".join(f"{u.code} {u.name}" for u in kept[:5])
        more = f" và {len(kept) - 5} đơn vị khác" if len(kept) > 5 else ""
        typer.echo(
            f"Giữ nguyên {len(kept)} đơn vị thuộc {found.name} không có trong danh mục "
            f"(không xóa đơn vị nào): {shown}{more}."
        )


def _list_registry() -> None:
    every = unit_registry.provinces()
    width = max(len(p.name) for p in every)
    typer.echo(f"Mã  {'Tỉnh, thành phố'.ljust(width)}  Số xã, phường, đặc khu")
    for province in every:
        typer.echo(f"{province.code}  {province.name.ljust(width)}  {len(province.communes)}")
    communes = sum(len(p.communes) for p in every)
    typer.echo(
        f"{len(every)} tỉnh, thành phố; {_thousands(communes)} xã, phường, đặc khu "
        f"({unit_registry.version()})."
    )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@app.command("list")
def units_list(
    under: Annotated[
        str | None,
        typer.Option(help="Chỉ hiện đơn vị này và các đơn vị bên dưới.", metavar=CODE),
    ] = None,
) -> None:
    """Hiện cây đơn vị: mã, tên, cấp, và người của mỗi đơn vị (cán bộ nhập liệu, người duyệt)."""
    with open_store().transaction() as repo:
        units = repo.units()
        top = repo.unit_by_code(under) if under is not None else None
        ids = [u.id for u in units if u.id is not None]
        people = {role: repo.members_by_unit(ids, role.value) for role in Role}
    if under is not None and top is None:
        fail(str(UnknownUnit(under)))
    if not units:
        typer.echo(
            "Chưa có đơn vị nào (nhập bằng: cchc-bot units registry --province TỈNH, "
            "hoặc cchc-bot units import TỆP)."
        )
        return
    below: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:  # in code order, so siblings are too
        below[unit.parent_id].append(unit)
    shown: list[Unit] = []
    for root in [top] if top is not None else below[None]:
        _show(root, 0, below, people, shown)
    counts = ", ".join(
        f"{sum(u.level == level for u in shown)} {name}"
        for level, name in LEVEL_NAMES.items()
        if any(u.level == level for u in shown)
    )
    typer.echo(f"{len(shown)} đơn vị: {counts}.")
    officers = people[Role.OFFICER]
    missing = [u for u in shown if u.level in REPORTING and u.id not in officers]
    if missing:
        levels = ", ".join(
            f"{sum(u.level == level for u in missing)} {LEVEL_NAMES[level]}"
            for level in REPORTING
            if any(u.level == level for u in missing)
        )
        typer.echo(f"Chưa có {ROLE_NAMES[Role.OFFICER.value]}: {levels}.")


def _show(
    unit: Unit,
    depth: int,
    below: dict[int | None, list[Unit]],
    people: dict[Role, dict[int, list[User]]],
    shown: list[Unit],
) -> None:
    if unit in shown:  # a loop stored before loops were refused: show each unit once
        return
    shown.append(unit)
    level = LEVEL_NAMES.get(unit.level, unit.level)
    held = [
        f"{ROLE_NAMES[role.value]}: {', '.join(_person(u) for u in by_unit[unit.id])}"
        for role, by_unit in people.items()
        if unit.id in by_unit
    ]
    tail = f" — {'; '.join(held)}" if held else ""
    typer.echo(f"{INDENT * depth}{unit.code}  {unit.name} ({level}){tail}")
    for child in below[unit.id]:
        _show(child, depth + 1, below, people, shown)


def _person(user: User) -> str:
    return f"{user.display_name} ({roster.platform_name(user.platform)})"
