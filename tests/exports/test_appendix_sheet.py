"""A commune's appendix, as the officer gets it back and the district files it: seed 000."""

from __future__ import annotations

from decimal import Decimal

import pytest
from export_sheets import indicator_rows, open_xlsx
from export_world import World
from openpyxl.worksheet.worksheet import Worksheet

from bot.transports.console.demo import SON_TRUNG_2024_Q3, seed_values
from exports.appendix import appendix_bytes
from exports.data import load_unit_report
from flows import catalog
from flows.catalog import Kind

XA = catalog.load("xa")
HEADER_ROW = 6
VALUE, UNIT, NOTE = 4, 3, 5
# Seed 000's computed ratios as its own parts give them (the seed prints 90,9 for I.2).
RATIOS = {
    "I.2": 94.59,
    "III.2.1": 99.37,
    "VI.1": 79.92,
    "VII.6.3": 93.18,
    "VII.6.4": 88.06,
    "VII.6.1": 100,
    "VII.6.2": 100,
    "VII.6.5": 100,
}


@pytest.fixture
def sheet(world: World) -> Worksheet:
    with world.store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        unit = repo.unit_by_code("SONTRUNG")
        assert round_ is not None and unit is not None
        report = load_unit_report(repo, round_, unit)
    ws = open_xlsx(appendix_bytes(report)).active
    assert ws is not None
    return ws


@pytest.fixture
def rows(sheet: Worksheet) -> dict[str, int]:
    return indicator_rows(sheet, XA, HEADER_ROW + 1)


def test_the_heading_lines_follow_the_seed(sheet):
    assert sheet["A1"].value == "Phụ lục"
    assert sheet["A2"].value == (
        "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2024 CỦA XÃ SƠN TRUNG"
    )
    attached = sheet["A3"].value
    assert attached.startswith("(Kèm theo Báo cáo số ")
    assert "/BC-UBND ngày" in attached
    assert attached.endswith("của UBND xã Sơn Trung)")
    assert sheet["A5"].value == "Biểu 1"


def test_the_header_row_names_the_five_columns(sheet):
    header = [sheet.cell(HEADER_ROW, c).value for c in range(1, 6)]
    assert header == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]


def test_every_seed_figure_is_a_number_of_its_kind(sheet, rows):
    expected = seed_values(SON_TRUNG_2024_Q3)
    for code, answer in expected.items():
        cell = sheet.cell(rows[code], VALUE)
        if answer.value is None:
            continue
        kind = XA.by_code[code].kind
        if kind in (Kind.COUNT, Kind.CHOICE):
            assert cell.value == int(answer.value) and isinstance(cell.value, int), code
        else:
            assert isinstance(cell.value, int | float), code
            assert Decimal(str(cell.value)) == answer.value, code
    assert sheet.cell(rows["III.2.3"], VALUE).value == 785
    assert sheet.cell(rows["VI.1.2"], VALUE).value == 4318.9


def test_counts_show_grouped_thousands_and_amounts_their_decimals(sheet, rows):
    assert sheet.cell(rows["III.2.2"], VALUE).number_format == "[$-42A]#,##0"
    assert sheet.cell(rows["VI.1.1"], VALUE).number_format == "[$-42A]#,##0"
    assert sheet.cell(rows["VI.1.2"], VALUE).number_format == "[$-42A]#,##0.0"


def test_computed_ratios_equal_their_parts_with_two_decimals(sheet, rows):
    for code, ratio in RATIOS.items():
        cell = sheet.cell(rows[code], VALUE)
        assert cell.value == pytest.approx(ratio), code
        assert cell.number_format.endswith("#,##0.00"), code


def test_a_ratio_over_zero_parts_is_left_empty(sheet, rows):
    assert sheet.cell(rows["I.3.2"], VALUE).value is None
    assert sheet.cell(rows["III.2.4"], VALUE).value is None


def test_choices_are_stored_as_codes_with_the_codes_under_the_unit(sheet, rows):
    assert sheet.cell(rows["VII.2"], VALUE).value == 2
    assert sheet.cell(rows["VII.2"], UNIT).value == "Chưa có = 0; 2 cấp = 1; 3 cấp = 2"
    assert sheet.cell(rows["VII.1"], UNIT).value == "Chưa = 0; Hoàn thành = 1"


def test_skipped_rows_are_empty(sheet, rows):
    skipped = [code for code, typed in SON_TRUNG_2024_Q3.items() if typed is None]
    assert skipped
    for code in skipped:
        assert sheet.cell(rows[code], VALUE).value is None, code


def test_the_note_is_in_ghi_chu(sheet, rows):
    assert sheet.cell(rows["I.3.1"], NOTE).value == "VHXH, TP-HT"


def test_section_and_group_rows_are_bold_sub_rows_italic(sheet, rows):
    section_row = HEADER_ROW + 1
    assert sheet.cell(section_row, 1).value == "I"
    assert sheet.cell(section_row, 2).value == "Công tác chỉ đạo điều hành CCHC"
    assert all(sheet.cell(section_row, c).font.b for c in range(1, 6))
    assert sheet.cell(rows["I.3"], 2).font.b
    assert not sheet.cell(rows["I.3.1"], 2).font.b
    assert sheet.cell(rows["VII.6.1.1"], 2).font.i
    assert not sheet.cell(rows["VII.6.1"], 2).font.i


def test_the_table_is_times_new_roman_12_with_thin_borders(sheet, rows):
    cell = sheet.cell(rows["III.2.3"], VALUE)
    assert (cell.font.name, cell.font.sz) == ("Times New Roman", 12)
    assert cell.border.left.style == cell.border.bottom.style == "thin"
    assert sheet["A2"].font.b and sheet["A2"].font.sz >= 13


def test_it_prints_on_a4_portrait_fitted_to_width_with_the_header_on_every_page(sheet):
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"


def test_the_columns_fit_a_portrait_page(sheet):
    widths = [sheet.column_dimensions[c].width for c in "ABCDE"]
    assert widths == [7, 55, 16, 12, 18]
