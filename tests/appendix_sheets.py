"""Appendix spreadsheets as a province sends them, built from the seeds' tables for tests.

The seeds' appendix tables are kept in tests/fixtures as tab-separated text, exactly as the
reports print them (slips included; only lines a page break split are joined). This writes
them into an .xlsx laid out like the official appendix: title rows merged across the table,
the header (on two rows when the seed has "Kết quả thống kê" over Đơn vị tính | Số liệu),
section and "Biểu mẫu" rows merged across, figures typed as a person types them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).parent / "fixtures"


def xlsx_from_tsv(
    name: str,
    title: tuple[str, ...] = (),
    extras: Mapping[str, Mapping[str, str]] | None = None,
) -> bytes:
    """``extras``: extra columns (kind, formula, rule …) by the row's STT as the seed prints
    it, with the section's Roman numeral or "Biểu mẫu" number before it ("I 4.2", "7 6.6.1"),
    or by its line in the fixture ("#140"), for a form whose numbers repeat."""
    lines = (FIXTURES / name).read_text(encoding="utf-8").rstrip("\n").split("\n")
    extras = extras or {}
    extra_names = sorted({k for v in extras.values() for k in v})
    wb = Workbook()
    ws = wb.active
    width = 5 + len(extra_names)
    row = 0

    def merged(text: str) -> None:
        nonlocal row
        row += 1
        ws.cell(row=row, column=1, value=text)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)

    for text in title:
        merged(text)
    section = ""
    for number, line in enumerate(lines, 1):
        cells = line.split("\t")
        if len(cells) == 1:  # a title between tables: "Biểu mẫu 2 Cải cách thể chế"
            merged(cells[0])
            section = cells[0].split()[2] if cells[0].startswith("Biểu mẫu") else section
            continue
        row += 1
        if cells[0] == "STT":
            for column, text in enumerate(cells, 1):
                ws.cell(row=row, column=column, value=text or None)
            for offset, extra in enumerate(extra_names, 6):
                ws.cell(row=row, column=offset, value=extra)
            continue
        if cells[0] and cells[0].split(".")[0] in ("I", "II", "III", "IV", "V", "VI", "VII"):
            section = cells[0].split(".")[0]
            row -= 1
            merged(cells[0])
            continue
        for column, text in enumerate(cells, 1):
            ws.cell(row=row, column=column, value=_typed(text) if column == 4 else text or None)
        for offset, extra in enumerate(extra_names, 6):
            by_stt = extras.get(f"{section} {cells[0].rstrip('.')}", {})
            value = extras.get(f"#{number}", by_stt).get(extra)
            ws.cell(row=row, column=offset, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _typed(text: str) -> str | int | None:
    """Whole numbers as numbers, the rest as text, as a hand-filled sheet mixes them."""
    if not text:
        return None
    if text.isdigit() and not text.startswith("0"):
        return int(text)
    return text


# What seed 000's printed table cannot say and the shipped `xa` states: the extra columns a
# province would fill in (by "SECTION STT" as the seed prints the STT).
SEED_000_EXTRAS: dict[str, dict[str, str]] = {
    "I 4.2": {"rule": "≤ I.4.1"},  # of the staff inspected, those in breach
    "IV 2.2": {"rule": "nên ≤ IV.2.1"},  # staff present, usually within the quota
    **{f"VII {stt}": {"not_for": "xa"} for stt in ("5.1.1", "5.2.1", "5.2.2", "5.3.1", "5.3.2")},
}
# The same for seed 003 and the shipped `huyen` (its sections are "Biểu mẫu 1" … "7").
SEED_003_EXTRAS: dict[str, dict[str, str]] = {
    "1 4.1": {"kind": "count"},  # the seed prints "%" for a number of units inspected
    "1 5.1": {"rule": "≥ I.5.2 + I.5.3 + I.5.4"},
    **{f"1 5.{n}": {"rule": "≤ I.5.1"} for n in (2, 3, 4)},
    "1 6.1": {"relevant": "I.6 = 1"},
    "1 6.2": {"relevant": "I.6 = 1"},
    "4 1.4.1": {"rule": "≤ IV.1.4"},
    "6 2.1": {"rule": "tổng VI.2.2 + VI.2.3 + VI.2.4 + VI.2.5"},
    "7 6.4.3": {"rule": "≤ VII.6.4.2"},
    "7 6.5.3": {"rule": "≤ VII.6.5.2"},
    "7 6.6.1": {"rule": "tổng VII.6.4.2 + VII.6.5.2"},
}
# The title rows as the seeds print them above their tables ("THÔNG KÊ" is seed 003's).
SEED_000_TITLE = (
    "Phụ lục",
    "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH QUÝ III NĂM 2024 CỦA XÃ SƠN TRUNG",
    "(Kèm theo Báo cáo số /BC-UBND ngày 01/11/2024 của UBND xã Sơn Trung)",
    "Biểu 1",
)
SEED_003_TITLE = (
    "THÔNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2023",
    "(Kèm theo Báo cáo số _____ /BC-UBND ngày _____ / 9/2023 của UBND huyện)",
)


def seed_000_sheet(extras: bool = True) -> bytes:
    return xlsx_from_tsv(
        "seed_000_appendix.tsv", SEED_000_TITLE, SEED_000_EXTRAS if extras else None
    )


def seed_003_sheet(extras: bool = True) -> bytes:
    return xlsx_from_tsv(
        "seed_003_appendix.tsv", SEED_003_TITLE, SEED_003_EXTRAS if extras else None
    )


# Seed 002 (Huyện Thọ Xuân, Thanh Hóa) numbers its parts 1.–7. and repeats numbers, so its
# extra columns go by the fixture's line. These are what `huyen-thanhhoa`'s source states.
SEED_002_EXTRAS: dict[str, dict[str, str]] = {
    "#6": {"rule": "≤ I.1.1"},  # tasks done, at most those planned
    "#12": {"rule": "≤ I.2.3"},  # problems dealt with, at most those found
    "#14": {"rule": "≥ I.3.2 + I.3.3"},  # tasks done on time or late, at most those given
    "#15": {"rule": "≤ I.3.1"},
    "#16": {"rule": "≤ I.3.1"},
    "#92": {"kind": "count"},  # letters of apology: the seed gives no unit
    "#105": {"rule": "nên ≤ IV.2.1"},  # staff present, usually within the quota
    "#111": {"rule": "nên ≤ IV.3.1"},
    "#140": {"rule": "tổng VI.2 + VI.3 + VI.4 + VI.5"},  # public service units by autonomy
    **{f"#{n}": {"kind": "count"} for n in range(141, 148)},
}
SEED_002_TITLE = (
    "THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
    "(Kèm theo Báo cáo số /BC-UBND ngày tháng 3 năm 2024)",
)


def seed_002_sheet(extras: bool = True) -> bytes:
    return xlsx_from_tsv(
        "seed_002_appendix.tsv", SEED_002_TITLE, SEED_002_EXTRAS if extras else None
    )
