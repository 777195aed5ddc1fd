"""File and sheet names: readable, ASCII for files, and acceptable to Excel for sheets."""

from __future__ import annotations

from exports.names import compiled_file_name, slug, unit_file_name
from exports.sheet_titles import unique_titles
from exports.words import period_title


def test_file_names_fold_vietnamese_letters_and_say_what_they_hold():
    assert compiled_file_name("2024-Q3", "Huyện Sơn Hà", "xlsx") == (
        "CCHC_2024-Q3_tong-hop_huyen-son-ha.xlsx"
    )
    assert unit_file_name("2024-Q3", "Xã Sơn Trung", "xlsx") == "CCHC_2024-Q3_xa-son-trung.xlsx"
    assert unit_file_name("2024-H1", "Thị xã Đức Phổ", "csv") == "CCHC_2024-H1_thi-xa-duc-pho.csv"
    assert slug("  Phường 1 (Quận Ba Đình)  ") == "phuong-1-quan-ba-dinh"


def test_sheet_titles_are_short_clean_and_unique_ignoring_case():
    titles = unique_titles(
        [
            "Xã Sơn Trung",
            "xã sơn trung",
            "Thị trấn Di Lăng: huyện Sơn Hà cũ [2025]",
            "Thị trấn Di Lăng: huyện Sơn Hà cũ [2026]",
            "Tổng hợp",
            "???",
        ],
        taken=["Tổng hợp", "Tình hình nộp"],
    )
    assert titles[0] == "Xã Sơn Trung"
    assert titles[1] == "xã sơn trung (2)"
    assert titles[2] == "Thị trấn Di Lăng huyện Sơn Hà"
    assert titles[3] == "Thị trấn Di Lăng huyện Sơn (2)"
    assert titles[4] == "Tổng hợp (2)"
    assert titles[5] == "Đơn vị"
    assert all(len(t) <= 31 for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)


def test_periods_read_as_the_printed_titles_write_them():
    assert period_title("2024-Q3") == "QUÝ III NĂM 2024"
    assert period_title("2024-H1") == "6 THÁNG ĐẦU NĂM 2024"
    assert period_title("2024-9M") == "9 THÁNG NĂM 2024"
    assert period_title("2024-Y") == "NĂM 2024"
