"""Importing the province's unit list, in whatever order the spreadsheet has it."""

from __future__ import annotations

import pytest

from storage.db import Store
from storage.errors import RepositoryError, UnknownUnit

CHILDREN_FIRST: list[tuple[str, str, str, str | None]] = [
    ("SONTRUNG", "Xã Sơn Trung", "xa", "SONHA"),
    ("SONHA", "Huyện Sơn Hà", "huyen", "QNG"),
    ("QNG", "Tỉnh Quảng Ngãi", "tinh", None),
]


def test_import_accepts_children_before_parents(store: Store) -> None:
    with store.transaction() as repo:
        assert repo.import_units(CHILDREN_FIRST) == (3, 0)
    with store.transaction() as repo:
        province, district, commune = (repo.unit_by_code(c) for c in ("QNG", "SONHA", "SONTRUNG"))
        assert province and district and commune
        assert (province.level, province.parent_id) == ("tinh", None)
        assert district.parent_id == province.id
        assert commune.parent_id == district.id
        assert [u.code for u in repo.descendants(province.id or 0)] == ["SONHA", "SONTRUNG"]


def test_reimport_updates_a_changed_name(store: Store) -> None:
    with store.transaction() as repo:
        repo.import_units(CHILDREN_FIRST)
    renamed = [
        (c, "UBND xã Sơn Trung" if c == "SONTRUNG" else n, lv, p) for c, n, lv, p in CHILDREN_FIRST
    ]
    with store.transaction() as repo:
        assert repo.import_units(renamed) == (0, 1)
    with store.transaction() as repo:
        commune = repo.unit_by_code("SONTRUNG")
        assert commune is not None and commune.name == "UBND xã Sơn Trung"
        assert len(repo.units()) == 3


def test_unknown_parent_error_names_the_code(store: Store) -> None:
    rows = [*CHILDREN_FIRST, ("SONBAO", "Xã Sơn Bao", "xa", "SONTAY")]
    with store.transaction() as repo, pytest.raises(UnknownUnit) as raised:
        repo.import_units(rows)
    assert raised.value.code == "SONTAY"
    assert "SONTAY" in str(raised.value)
    with store.transaction() as repo:
        assert repo.units() == []


def test_import_refuses_units_that_are_their_own_ancestors(store: Store) -> None:
    rows = [
        ("SONHA", "Huyện Sơn Hà", "huyen", "SONTRUNG"),
        ("SONTRUNG", "Xã Sơn Trung", "xa", "SONHA"),
    ]
    with store.transaction() as repo, pytest.raises(RepositoryError, match="vòng"):
        repo.import_units(rows)


def test_moving_a_unit_under_its_own_descendant_is_refused(store: Store) -> None:
    with store.transaction() as repo:
        repo.import_units(CHILDREN_FIRST)
    with store.transaction() as repo, pytest.raises(RepositoryError, match="SONTRUNG"):
        repo.upsert_unit("QNG", "Tỉnh Quảng Ngãi", "tinh", "SONTRUNG")


def test_unknown_level_is_refused(store: Store) -> None:
    with store.transaction() as repo, pytest.raises(RepositoryError, match="thon"):
        repo.upsert_unit("SONTRUNG", "Xã Sơn Trung", "thon", None)
