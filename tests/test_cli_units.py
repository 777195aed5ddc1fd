"""`cchc-bot units …`: the unit list from whatever CSV Excel wrote, and the tree it makes."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import test_cli

from storage.db import Store
from storage.models import Unit

run = test_cli.run  # the fixture: the command line against a new SQLite file
UNITS = test_cli.UNITS

HEADER = "code,name,level,parent_code"
SON_HA = [
    "QNG,Tỉnh Quảng Ngãi,tinh,",
    "SONHA,Huyện Sơn Hà,huyen,QNG",
    "SONTRUNG,Xã Sơn Trung,xa,SONHA",
]


def csv_file(tmp_path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "don-vi.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def windows_1258(text: str) -> str:
    """Text as Windows-1258 holds it: base letters precomposed (ơ, â), tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out)


def names(url: str) -> dict[str, str]:
    store = Store(url)
    with store.reading() as repo:
        found = {u.code: u.name for u in repo.units()}
    store.dispose()
    return found


def test_excel_csv_utf8_with_semicolons_and_a_bom_is_read(run, tmp_path):
    # What Excel writes on a Vietnamese Windows: "CSV UTF-8", the list separator ";".
    lines = [HEADER.replace(",", ";"), *(line.replace(",", ";") for line in SON_HA)]
    path = csv_file(tmp_path, lines, encoding="utf-8-sig")
    assert "✓ Đã nhập 3 đơn vị: 3 mới, 0 cập nhật." in run("units", "import", str(path))
    assert names(run.url)["SONTRUNG"] == "Xã Sơn Trung"


def test_a_name_holding_the_separator_in_quotes_is_one_field(run, tmp_path):
    path = csv_file(tmp_path, [HEADER.replace(",", ";"), 'QNG;"Tỉnh Quảng Ngãi; mới";tinh;'])
    run("units", "import", str(path))
    assert names(run.url)["QNG"] == "Tỉnh Quảng Ngãi; mới"


def test_a_file_not_in_utf8_is_refused_saying_how_to_save_it(run, tmp_path):
    path = csv_file(tmp_path, [HEADER, *map(windows_1258, SON_HA)], encoding="cp1258")
    out = run("units", "import", str(path), ok=False)
    assert "Lỗi: Tệp don-vi.csv không phải UTF-8 (dòng 2 có ký tự không đọc được" in out
    assert 'kiểu "CSV UTF-8"' in out
    assert names(run.url) == {}


def test_a_missing_file_is_named(run, tmp_path):
    out = run("units", "import", str(tmp_path / "khong-co.csv"), ok=False)
    assert f"Lỗi: Không tìm thấy tệp {tmp_path / 'khong-co.csv'}." in out


def test_an_unknown_level_names_its_line(run, tmp_path):
    path = csv_file(tmp_path, [HEADER, *SON_HA, "SONBAO,Xã Sơn Bao,thon,SONHA"])
    out = run("units", "import", str(path), ok=False)
    assert "Lỗi: Dòng 5: Cấp đơn vị 'thon' không hợp lệ (chỉ nhận: tinh, huyen, xa)." in out
    assert "Chưa nhập đơn vị nào từ tệp này." in out
    assert names(run.url) == {}


def test_an_unknown_parent_names_the_line_that_refers_to_it(run, tmp_path):
    path = csv_file(tmp_path, [HEADER, "SONBAO,Xã Sơn Bao,xa,SONTAY", *SON_HA])
    out = run("units", "import", str(path), ok=False)
    assert "Lỗi: Dòng 2: Không tìm thấy đơn vị có mã 'SONTAY'." in out


def test_an_empty_name_names_its_line(run, tmp_path):
    path = csv_file(tmp_path, [HEADER, *SON_HA, "SONBAO, ,xa,SONHA"])
    assert "Lỗi: Dòng 5: tên đơn vị để trống." in run("units", "import", str(path), ok=False)


def test_blank_lines_excel_leaves_at_the_end_are_skipped(run, tmp_path):
    path = csv_file(tmp_path, [HEADER, *SON_HA, ",,,", ""])
    assert "✓ Đã nhập 3 đơn vị" in run("units", "import", str(path))


def test_a_commune_under_a_commune_is_refused(run, tmp_path):
    path = csv_file(tmp_path, [HEADER, *SON_HA, "SONBAO,Xã Sơn Bao,xa,SONTRUNG"])
    out = run("units", "import", str(path), ok=False)
    assert (
        "Lỗi: Dòng 5: Không thể đặt xã 'SONBAO' dưới xã 'SONTRUNG': xã chỉ thuộc huyện hoặc tỉnh."
    ) in out
    assert names(run.url) == {}


def test_a_district_turned_commune_with_communes_below_is_refused(run, tmp_path):
    run("units", "import", str(csv_file(tmp_path, [HEADER, *SON_HA])))
    path = csv_file(tmp_path, [HEADER, "SONHA,Huyện Sơn Hà,xa,QNG"])
    out = run("units", "import", str(path), ok=False)
    assert "Lỗi: Dòng 2: Không thể đặt xã 'SONTRUNG' dưới xã 'SONHA'" in out


def test_a_commune_straight_under_the_province_is_accepted(run, tmp_path):
    # Since 1 July 2025 there are no districts: communes report to the province.
    path = csv_file(tmp_path, [HEADER, "QNG,Tỉnh Quảng Ngãi,tinh,", "SONTRUNG,Xã Sơn Trung,xa,QNG"])
    assert "2 mới" in run("units", "import", str(path))


def test_codes_are_matched_without_regard_to_case(run, tmp_path):
    run("units", "import", str(UNITS))
    lines = [HEADER, "sonbao,Xã Sơn Bao,xa,sonha", "SonTrung,UBND xã Sơn Trung,xa,SonHa"]
    assert "1 mới, 1 cập nhật" in run("units", "import", str(csv_file(tmp_path, lines)))
    found = names(run.url)
    assert found["SONTRUNG"] == "UBND xã Sơn Trung" and "SonTrung" not in found
    assert "sonbao" in found  # a new code is stored as written


def test_two_rows_whose_codes_differ_only_in_case_are_one_code_twice(run, tmp_path):
    path = csv_file(tmp_path, [HEADER, *SON_HA, "sontrung,Xã Sơn Trung,xa,SONHA"])
    out = run("units", "import", str(path), ok=False)
    assert "Lỗi: Dòng 5: Mã đơn vị 'sontrung' xuất hiện nhiều lần trong danh sách" in out


def test_list_shows_the_tree_with_levels_in_vietnamese(run):
    run("units", "import", str(UNITS))
    out = run("units", "list")
    assert out.splitlines()[:4] == [
        "QNG  Tỉnh Quảng Ngãi (tỉnh)",
        "  DUCPHO  Thị xã Đức Phổ (huyện)",
        "    PHOAN  Xã Phổ An (xã)",
        "    PHOCHAU  Xã Phổ Châu (xã)",
    ]
    assert "  SONHA  Huyện Sơn Hà (huyện)\n    SONTHANH  Xã Sơn Thành (xã)" in out
    assert out.splitlines()[-2:] == [
        "8 đơn vị: 1 tỉnh, 2 huyện, 5 xã.",
        "Chưa có cán bộ nhập liệu: 2 huyện, 5 xã.",
    ]


def test_list_under_a_unit_shows_its_branch(run):
    run("units", "import", str(UNITS))
    out = run("units", "list", "--under", "sonha")
    assert out.splitlines() == [
        "SONHA  Huyện Sơn Hà (huyện)",
        "  SONTHANH  Xã Sơn Thành (xã)",
        "  SONTHUONG  Xã Sơn Thượng (xã)",
        "  SONTRUNG  Xã Sơn Trung (xã)",
        "4 đơn vị: 1 huyện, 3 xã.",
        "Chưa có cán bộ nhập liệu: 1 huyện, 3 xã.",
    ]


def test_list_under_an_unknown_unit_is_refused(run):
    run("units", "import", str(UNITS))
    assert "Lỗi: Không tìm thấy đơn vị có mã 'XYZ'." in run(
        "units", "list", "--under", "XYZ", ok=False
    )


def test_list_of_no_units_says_how_to_import_them(run):
    assert (
        "Chưa có đơn vị nào (nhập bằng: cchc-bot units registry --province TỈNH, "
        "hoặc cchc-bot units import TỆP)."
    ) in run("units", "list")


@pytest.mark.parametrize("code", ["SONTRUNG", "sontrung", "SonTrung"])
def test_the_repository_finds_a_unit_by_its_code_in_any_case(store: Store, code: str):
    with store.transaction() as repo:
        repo.import_units(
            [("SONHA", "Huyện Sơn Hà", "huyen", None), ("SONTRUNG", "Xã Sơn Trung", "xa", "SONHA")]
        )
        found = repo.unit_by_code(code)
        assert found is not None and found.code == "SONTRUNG"


def test_codes_differing_only_in_case_stored_earlier_are_each_found_only_as_written(store: Store):
    with store.transaction() as repo:
        repo.session.add_all([_commune("SonTrung"), _commune("SONTRUNG")])
        repo.flush()
        assert getattr(repo.unit_by_code("SONTRUNG"), "code", None) == "SONTRUNG"
        assert getattr(repo.unit_by_code("SonTrung"), "code", None) == "SonTrung"
        assert repo.unit_by_code("sontrung") is None  # neither, rather than one at random


def _commune(code: str) -> Unit:
    return Unit(code=code, name="Xã Sơn Trung", level="xa")
