"""Ordering a unit list so that every parent is written before its children.

Admins export unit lists from spreadsheets sorted by name or code, so communes often come before
their district. Sorting here lets the import accept any order while still refusing a list whose
parent links loop, which would otherwise make the hierarchy walk forever.
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.errors import RepositoryError

UnitRow = tuple[str, str, str, str | None]


def parents_first(rows: Iterable[UnitRow]) -> list[UnitRow]:
    by_code: dict[str, UnitRow] = {}
    for row in rows:
        if row[0] in by_code:
            raise RepositoryError(f"Mã đơn vị '{row[0]}' xuất hiện nhiều lần trong danh sách.")
        by_code[row[0]] = row
    placed: set[str] = set()
    ordered: list[UnitRow] = []
    for code in by_code:
        chain: list[str] = []
        current: str | None = code
        while current is not None and current in by_code and current not in placed:
            if current in chain:
                loop = [*chain[chain.index(current) :], current]
                raise RepositoryError(
                    f"Cấp trên của các đơn vị tạo thành vòng: {' → '.join(loop)}."
                )
            chain.append(current)
            current = by_code[current][3]
        for link in reversed(chain):
            placed.add(link)
            ordered.append(by_code[link])
    return ordered
