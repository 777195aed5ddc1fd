"""The district's compiled workbook: every commune side by side, honest totals, who is late."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from export_sheets import indicator_rows, open_xlsx
from export_world import AS_OF, ZONE, World
from openpyxl.workbook import Workbook

from exports.compiled import compiled_bytes
from exports.data import load_round_report
from flows import catalog

XA = catalog.load("xa")
SUMMARY_HEADER = 4
THANH, THUONG, TRUNG, TOTAL = 4, 5, 6, 7  # columns of Tổng hợp, units in code order


@pytest.fixture
def workbook(world: World) -> Workbook:
    with world.store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        district = repo.unit_by_code("SONHA")
        assert round_ is not None and district is not None
        report = load_round_report(repo, round_, district, now=AS_OF)
    return open_xlsx(compiled_bytes(report, ZONE))


@pytest.fixture
def summary(workbook: Workbook):
    return workbook["Tổng hợp"]


@pytest.fixture
def rows(summary) -> dict[str, int]:
    return indicator_rows(summary, XA, SUMMARY_HEADER + 1)


def ratio(part: Decimal, whole: Decimal) -> float:
    return float((part / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_sheets_are_summary_status_then_one_appendix_per_commune(workbook):
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Tình hình nộp",
        "Xã Sơn Thành",
        "Xã Sơn Thượng",
        "Xã Sơn Trung",
    ]


def test_summary_has_a_column_per_commune_then_the_total(summary):
    header = [summary.cell(SUMMARY_HEADER, c).value for c in range(1, TOTAL + 1)]
    assert header == [
        "STT",
        "Chỉ tiêu thống kê",
        "Đơn vị tính",
        "Xã Sơn Thành",
        "Xã Sơn Thượng",
        "Xã Sơn Trung",
        "Tổng cộng",
    ]
    assert summary["A1"].value == (
        "TỔNG HỢP SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2024 "
        "CỦA CÁC ĐƠN VỊ THUỘC HUYỆN SƠN HÀ"
    )


def test_counts_and_amounts_are_summed_over_the_communes_that_have_them(summary, rows):
    def cells(code: str) -> list:
        return [summary.cell(rows[code], c).value for c in (THANH, THUONG, TRUNG, TOTAL)]

    assert cells("III.2.2") == [410, None, 790, 1200]
    assert cells("III.2.3") == [400, None, 785, 1185]
    assert cells("VI.1.1") == [1250.5, None, 5404, 6654.5]
    assert cells("I.1") == [3, None, None, 3]  # Sơn Trung skipped it: 3, not "unknown"
    assert summary.cell(rows["VI.1.1"], TOTAL).number_format == "[$-42A]#,##0.0"


def test_total_ratios_are_recomputed_from_the_summed_parts_never_averaged(summary, rows):
    total = summary.cell(rows["III.2.1"], TOTAL).value
    assert total == pytest.approx(ratio(Decimal(785 + 400), Decimal(790 + 410)))  # 98,75
    average = (summary.cell(rows["III.2.1"], TRUNG).value + ratio(Decimal(400), Decimal(410))) / 2
    assert total != pytest.approx(average, abs=0.005)
    plan = Decimal("4318.9") + Decimal("1000")
    assert summary.cell(rows["VI.1"], TOTAL).value == pytest.approx(
        ratio(plan, Decimal("5404") + Decimal("1250.5"))
    )
    assert summary.cell(rows["III.2.1"], TOTAL).number_format.endswith("#,##0.00")


def test_entered_ratios_choices_and_text_have_no_total(summary, rows):
    for code in ("VII.3", "VII.1", "IV.1"):
        assert summary.cell(rows[code], TOTAL).value is None, code
    assert summary.cell(rows["VII.3"], THANH).value == 87.5
    assert summary.cell(rows["VII.1"], TRUNG).value == 1
    assert summary.cell(rows["IV.1"], THANH).value == "Sáp nhập thôn Gò Da vào thôn Tà Bần"


def test_a_commune_that_never_started_has_an_empty_column(summary, rows):
    assert all(summary.cell(row, THUONG).value is None for row in rows.values())


def test_status_sheet_says_who_submitted_when_by_whom_and_on_time_or_not(workbook):
    ws = workbook["Tình hình nộp"]
    header = [ws.cell(4, c).value for c in range(1, 8)]
    assert header == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Trạng thái",
        "Thời điểm nộp",
        "Người nộp",
        "Thời hạn",
        "Số chỉ tiêu đã nhập",
    ]
    lines = [[ws.cell(r, c).value for c in range(1, 8)] for r in range(5, 8)]
    assert lines == [
        [
            "SONTHANH",
            "Xã Sơn Thành",
            "đã nộp",
            datetime(2024, 9, 21, 8, 0),
            "Trần Thị Bình",
            "quá hạn",
            "15/48",
        ],
        ["SONTHUONG", "Xã Sơn Thượng", "chưa bắt đầu", None, None, "quá hạn", "0/48"],
        [
            "SONTRUNG",
            "Xã Sơn Trung",
            "đã nộp",
            datetime(2024, 9, 20, 23, 30),  # local time, still the deadline day
            "Đinh Văn Hùng",
            "đúng hạn",
            "42/48, bỏ qua 6",
        ],
    ]
    assert ws.cell(5, 4).number_format == "dd/mm/yyyy hh:mm"


def test_each_commune_sheet_is_its_appendix(workbook):
    ws = workbook["Xã Sơn Trung"]
    assert ws["A2"].value.endswith("CỦA XÃ SƠN TRUNG")
    rows = indicator_rows(ws, XA, 7)
    assert ws.cell(rows["III.2.1"], 4).value == pytest.approx(99.37)


def test_every_sheet_prints_on_a4_with_its_header_repeated_and_panes_frozen(workbook):
    for ws in workbook.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.print_title_rows, ws.title
        assert ws.freeze_panes, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert workbook["Tổng hợp"].freeze_panes == "D5"
