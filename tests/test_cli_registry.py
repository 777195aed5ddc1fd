"""`cchc-bot units registry`: a province from the official 2025 list, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner
from vietnam_provinces import Ward

from bot.cli import app
from storage.db import Store

UNITS = Path(__file__).parent.parent / "examples" / "units.csv"
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
# Quảng Ngãi's communes as the package itself lists them: the test's yardstick, not our code.
QUANG_NGAI = {f"{int(w.code):05d}": w.name for w in Ward.iter_by_province(51)}


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner()


def invoke(cli: CliRunner, *args: str, ok: bool = True) -> str:
    result = cli.invoke(app, list(args))
    assert (result.exit_code == 0) is ok, result.output
    return result.output


def stored(database_url: str) -> dict[str, tuple[str, str, str | None]]:
    """Every unit as (name, level, parent code), by code."""
    store = Store(database_url)
    with store.reading() as repo:
        units = repo.units()
        codes = {u.id: u.code for u in units}
        found = {u.code: (u.name, u.level, codes.get(u.parent_id)) for u in units}
    store.dispose()
    return found


def test_a_province_comes_with_every_commune_ward_and_special_zone_the_package_lists(
    cli, database_url
):
    out = invoke(cli, "units", "registry", "--province", "Quảng Ngãi")

    assert out.startswith(f"✓ Quảng Ngãi (mã 51) và {len(QUANG_NGAI)} đơn vị cấp xã (")
    assert f"{len(QUANG_NGAI) + 1} mới, 0 cập nhật (vietnam-provinces " in out
    units = stored(database_url)
    assert units.pop("51") == ("Quảng Ngãi", "tinh", None)
    assert units == {code: (name, "xa", "51") for code, name in QUANG_NGAI.items()}
    assert ("Đặc khu Lý Sơn", "xa", "51") in units.values()


@pytest.mark.parametrize("typed", ["quang ngai", "51"])
def test_the_province_may_be_typed_without_diacritics_or_as_its_code(cli, database_url, typed):
    invoke(cli, "units", "registry", "--province", typed)
    assert stored(database_url)["51"] == ("Quảng Ngãi", "tinh", None)


def test_importing_the_province_again_changes_nothing(cli, database_url):
    invoke(cli, "units", "registry", "--province", "Quảng Ngãi")
    before = stored(database_url)

    out = invoke(cli, "units", "registry", "--province", "Quảng Ngãi")

    assert ": 0 mới, 0 cập nhật (" in out
    assert stored(database_url) == before


def test_a_new_import_restores_official_names_and_adds_the_communes_missing(cli, database_url):
    first, *_ = sorted(QUANG_NGAI)
    store = Store(database_url)
    with store.transaction() as repo:
        repo.import_units([("51", "Quảng Ngãi", "tinh", None), (first, "Xã Gõ Sai", "xa", "51")])
    store.dispose()

    out = invoke(cli, "units", "registry", "--province", "Quảng Ngãi")

    assert f": {len(QUANG_NGAI) - 1} mới, 1 cập nhật (" in out
    assert stored(database_url)[first] == (QUANG_NGAI[first], "xa", "51")


def test_a_unit_no_longer_listed_is_kept_with_its_report(cli, database_url):
    invoke(cli, "units", "registry", "--province", "Quảng Ngãi")
    store = Store(database_url)
    with store.transaction() as repo:
        old, _ = repo.upsert_unit("21999", "Xã Nghĩa Cũ", "xa", "51")
        round_ = repo.open_round(
            "xa", "2026-Q3", date(2026, 6, 15), date(2026, 9, 14), date(2026, 9, 20), NOW
        )
        submission = repo.submission(round_.id, old.id)
        repo.save_answer(submission.id, "I.1", "3", False, None, NOW)

    out = invoke(cli, "units", "registry", "--province", "Quảng Ngãi")

    assert (
        "Giữ nguyên 1 đơn vị thuộc Quảng Ngãi không có trong danh mục (không xóa đơn vị nào): "
        "21999 Xã Nghĩa Cũ."
    ) in out
    with store.reading() as repo:
        kept = repo.unit_by_code("21999")
        assert kept is not None and kept.name == "Xã Nghĩa Cũ"
        assert repo.answers(submission.id)["I.1"].value == "3"
    store.dispose()


def test_units_from_a_csv_keep_working_beside_the_official_ones(cli, database_url):
    invoke(cli, "units", "import", str(UNITS))
    invoke(cli, "units", "registry", "--province", "Quảng Ngãi")

    units = stored(database_url)
    assert units["SONTRUNG"] == ("Xã Sơn Trung", "xa", "SONHA")
    assert units["51"] == ("Quảng Ngãi", "tinh", None)
    assert "cho Xã Sơn Trung" in invoke(cli, "invite", "--unit", "SONTRUNG", "--role", "officer")
    listed = invoke(cli, "units", "list")
    assert "QNG  Tỉnh Quảng Ngãi (tỉnh)" in listed and "51  Quảng Ngãi (tỉnh)" in listed


def test_the_list_names_the_34_provinces_with_how_many_communes_each_has(cli):
    out = invoke(cli, "units", "registry", "--list").splitlines()

    assert out[0] == "Mã  Tỉnh, thành phố        Số xã, phường, đặc khu"
    assert len(out) == 1 + 34 + 1
    assert f"51  {'Quảng Ngãi'.ljust(21)}  {len(QUANG_NGAI)}" in out
    assert out[-1].startswith("34 tỉnh, thành phố; 3.321 xã, phường, đặc khu (vietnam-provinces ")


def test_an_unknown_province_is_refused_with_the_nearest_names(cli, database_url):
    out = invoke(cli, "units", "registry", "--province", "Quang Ngai xyz", ok=False)
    assert "Lỗi: Không tìm thấy tỉnh, thành phố 'Quang Ngai xyz'" in out
    assert "Có phải: Quảng Ngãi (51)" in out


def test_the_command_says_what_it_needs_when_given_nothing(cli):
    out = invoke(cli, "units", "registry", ok=False)
    assert 'Lỗi: cần --province TỈNH (ví dụ --province "Quảng Ngãi") hoặc --list.' in out
