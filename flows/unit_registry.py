"""The official provinces and communes since 1 July 2025, as `vietnam-provinces` lists them.

That package is the registry: 34 provinces and 3,321 communes, wards and special zones, each
with the code the statistics office gives it. Nothing here is typed by hand, so a new release
of the package (a merger, a renamed ward) reaches the bot by upgrading it, and `units registry`
run again brings it into the database.

Codes are written with the leading zeros of the official lists (Hà Nội is "01", Phường Hoàn
Kiếm "00070"), so that a unit's code in the bot is the one in every document about it. A
province is found by its code or by its name typed with or without diacritics, with or without
"Tỉnh" or "Thành phố" in front, because admins type what they have on the keyboard.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

import vietnam_provinces
from vietnam_provinces import Province, Ward

from flows.answers import fold

PROVINCE_DIGITS = 2
COMMUNE_DIGITS = 5
# What people put before a province's name; the package writes "Thành phố" for the six cities.
PREFIXES = ("tinh ", "thanh pho ", "tp. ", "tp ", "tp.")
SUGGESTIONS = 3


@dataclass(frozen=True)
class Commune:
    code: str
    name: str  # as the package spells it: "Xã Tịnh Khê", "Phường Trương Quang Trọng"
    kind: str  # "xã", "phường" or "đặc khu": all three report as communes


@dataclass(frozen=True)
class RegistryProvince:
    code: str
    name: str  # "Quảng Ngãi", "Thành phố Hà Nội"
    communes: tuple[Commune, ...]  # in code order


class UnknownProvince(Exception):
    """Nothing in the list matches; the message names the closest provinces, in Vietnamese."""


def version() -> str:
    """Which edition of the list, for the admin to see what was imported."""
    return f"vietnam-provinces {vietnam_provinces.__version__}"


@cache
def provinces() -> tuple[RegistryProvince, ...]:
    """Every province with its communes, in code order (north to south, as the list runs)."""
    communes: dict[int, list[Commune]] = {}
    for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        communes.setdefault(int(ward.province_code), []).append(_commune(ward))
    return tuple(
        RegistryProvince(
            code=_code(int(province.code), PROVINCE_DIGITS),
            name=province.name,
            communes=tuple(communes.get(int(province.code), [])),
        )
        for province in sorted(Province.iter_all(), key=lambda p: int(p.code))
    )


def find(query: str) -> RegistryProvince:
    """The province named or numbered by ``query``: "Quảng Ngãi", "quang ngai", "51"."""
    typed = query.strip()
    every = provinces()
    if typed.isdigit():
        for province in every:
            if int(province.code) == int(typed):
                return province
        codes = ", ".join(p.code for p in every)
        raise UnknownProvince(f"Không có tỉnh, thành phố nào mã {typed}. Các mã: {codes}.")
    wanted = _bare(typed)
    for province in every:
        if _bare(province.name) == wanted:
            return province
    by_bare = {_bare(p.name): p for p in every}
    close = difflib.get_close_matches(wanted, list(by_bare), n=SUGGESTIONS, cutoff=0.6)
    hint = (
        f" Có phải: {', '.join(f'{by_bare[b].name} ({by_bare[b].code})' for b in close)}?"
        if close
        else ""
    )
    raise UnknownProvince(
        f"Không tìm thấy tỉnh, thành phố '{typed}' trong danh mục 34 tỉnh, thành phố từ "
        f"01/07/2025.{hint} Xem danh sách: cchc-bot units registry --list"
    )


def _bare(name: str) -> str:
    """'Thành phố Hà Nội', 'TP. Hà Nội' and 'ha noi' all become 'ha noi'."""
    folded = fold(name)
    for prefix in PREFIXES:
        if folded.startswith(prefix):
            return folded.removeprefix(prefix).strip()
    return folded


def _commune(ward: Ward) -> Commune:
    return Commune(_code(int(ward.code), COMMUNE_DIGITS), ward.name, ward.division_type.value)


def _code(number: int, digits: int) -> str:
    return str(number).zfill(digits)
