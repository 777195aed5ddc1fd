"""A district's appendix follows seed 003: Biểu mẫu 1–7, "Kết quả thống kê" over two columns."""

from __future__ import annotations

from datetime import date

import pytest
from export_sheets import open_xlsx
from openpyxl.worksheet.worksheet import Worksheet

from exports.appendix import appendix_bytes
from exports.data import RoundInfo, Stored, UnitInfo, build_unit_report
from flows import catalog

HUYEN = catalog.load("huyen")
ROUND = RoundInfo(
    "huyen", "2023-Q3", "Quý III/2023", date(2023, 9, 20), (date(2023, 6, 15), date(2023, 9, 14))
)


@pytest.fixture
def sheet() -> Worksheet:
    report = build_unit_report(
        HUYEN,
        UnitInfo("LAMTHAO", "Huyện Lâm Thao", "huyen"),
        ROUND,
        {"I.2.1": Stored("29"), "I.2.2": Stored("22")},
        status="submitted",
    )
    ws = open_xlsx(appendix_bytes(report)).active
    assert ws is not None
    return ws


def test_the_header_groups_unit_and_value_under_ket_qua_thong_ke(sheet):
    assert sheet["A5"].value == "Biểu mẫu 1"
    assert [sheet.cell(6, c).value for c in range(1, 6)] == [
        "STT",
        "Chỉ tiêu thống kê",
        "Kết quả thống kê",
        None,
        "Ghi chú",
    ]
    assert [sheet.cell(7, c).value for c in (3, 4)] == ["Đơn vị tính", "Số liệu"]
    assert "C6:D6" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.print_title_rows == "$6:$7"
    assert sheet.freeze_panes == "A8"


def test_each_later_form_opens_with_its_name(sheet):
    forms = [
        sheet.cell(r, 1).value
        for r in range(8, sheet.max_row + 1)
        if str(sheet.cell(r, 1).value).startswith("Biểu mẫu")
    ]
    assert forms == [f"Biểu mẫu {n}" for n in range(2, 8)]


def test_the_title_names_the_district_and_its_ratio_is_computed(sheet):
    assert sheet["A2"].value == (
        "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023 CỦA HUYỆN LÂM THAO"
    )
    ratio_row = next(r for r in range(8, 20) if sheet.cell(r, 2).value.startswith("Tỷ lệ hoàn"))
    assert sheet.cell(ratio_row, 4).value == pytest.approx(75.86)  # 22 / 29, not the seed's 75,8


def _value_of(ws: Worksheet, label: str) -> object:
    [value] = [r[3].value for r in ws.iter_rows() if r[1].value == label]
    return value


def test_rows_whose_condition_does_not_hold_print_empty_whatever_was_typed_before():
    # I.6.1 (phiếu khảo sát) was typed while I.6 said Có, then I.6 became Không.
    stored = {"I.6": Stored("0"), "I.6.1": Stored("50"), "I.6.2": Stored("1")}
    report = build_unit_report(
        HUYEN, UnitInfo("LAMTHAO", "Huyện Lâm Thao", "huyen"), ROUND, stored, status="draft"
    )
    ws = open_xlsx(appendix_bytes(report)).active
    assert _value_of(ws, HUYEN.by_code["I.6.1"].label) is None
    assert _value_of(ws, HUYEN.by_code["I.6.2"].label) is None
    assert report.total == len(HUYEN.asked) - 2  # and they do not count as missing


def test_rows_whose_condition_holds_print_their_figures():
    stored = {"I.6": Stored("1"), "I.6.1": Stored("50")}
    report = build_unit_report(
        HUYEN, UnitInfo("LAMTHAO", "Huyện Lâm Thao", "huyen"), ROUND, stored, status="draft"
    )
    ws = open_xlsx(appendix_bytes(report)).active
    assert _value_of(ws, HUYEN.by_code["I.6.1"].label) == 50


def test_rows_not_for_communes_stay_in_the_communes_appendix_empty():
    xa = catalog.load("xa")
    info = RoundInfo(
        "xa", "2024-Q3", "Quý III/2024", date(2024, 9, 20), (date(2024, 6, 15), date(2024, 9, 14))
    )
    report = build_unit_report(
        xa, UnitInfo("SONTRUNG", "Xã Sơn Trung", "xa"), info, {}, status="draft"
    )
    ws = open_xlsx(appendix_bytes(report)).active
    label = xa.by_code["VII.5.1.1"].label
    assert _value_of(ws, label) is None and report.total == len(xa.asked) == 48
