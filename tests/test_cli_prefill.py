"""`cchc-bot prefill`: the appendix a commune filled in by hand becomes last period's report.

The hand-made sheet is seed 000's own appendix (its figures typed as text the Vietnamese way,
"5.404", "4.318,9"), with what such sheets have: a heading merged across the table, a ratio
typed into a percent-formatted cell, and a row of the commune's own that the form lacks.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from appendix_sheets import seed_000_sheet
from test_console_report import UNITS, Chat, invoke
from typer.testing import CliRunner

from bot.cli import app
from flows import answers, catalog
from storage.db import Store

XA = catalog.load("xa")
OWN_ROW = "Số cuộc họp giao ban CCHC của xã"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database_url)
    invoke(CliRunner(), "units", "import", str(UNITS))
    return CliRunner()


def hand_made(tmp_path: Path) -> Path:
    workbook = openpyxl.load_workbook(io.BytesIO(seed_000_sheet(extras=False)))
    ws = workbook.active
    for row in ws.iter_rows():
        label = row[1].value
        if label == "Kết quả giải quyết TTHC":
            ws.merge_cells(start_row=row[0].row, start_column=2, end_row=row[0].row, end_column=5)
        if label and label.startswith("Tỷ lệ báo cáo định kỳ"):
            row[3].value, row[3].number_format = 1, "0%"  # shown as 100 %
    ws.append(["8", OWN_ROW, "Cuộc", "4", None])
    path = tmp_path / "phu-luc-quy-2.xlsx"
    workbook.save(path)
    return path


def prefill(cli: CliRunner, path: Path, *extra: str) -> str:
    return invoke(cli, "prefill", "--unit", "SONTRUNG", "--period", "2024-Q2", str(path), *extra)


def stored(database_url: str, period: str = "2024-Q2") -> dict[str, object]:
    store = Store(database_url)
    with store.transaction() as repo:
        round_ = repo.round_by_period("xa", period)
        unit = repo.unit_by_code("SONTRUNG")
        submission = repo.submission(round_.id, unit.id, create=False)
        rows = repo.answers(submission.id)
        status = submission.status
    store.dispose()
    values = {code: answers.decode(XA.by_code[code], a.value) for code, a in rows.items()}
    return {"status": status, **values}


def test_figures_typed_the_vietnamese_way_are_stored_as_last_periods_report(
    cli, database_url, tmp_path
):
    out = prefill(cli, hand_made(tmp_path), "--template", "xa")
    assert (
        "✓ Đã ghi 42 chỉ tiêu kỳ Quý II/2024 của Xã Sơn Trung (biểu xa) "
        "từ phu-luc-quy-2.xlsx, cùng 8 tỷ lệ tính từ chúng." in out
    )
    values = stored(database_url)
    assert values["status"] == "submitted"
    assert values["III.2.2"] == Decimal(790) and values["III.2.3"] == Decimal(785)
    assert values["VI.1.1"] == Decimal(5404) and values["VI.1.2"] == Decimal("4318.9")
    assert values["VII.2"] == 2  # a choice code
    assert values["VII.3"] == Decimal(100)  # typed into a percent cell as 100 %


def test_ratios_are_recomputed_and_a_sheets_own_slip_is_named(cli, database_url, tmp_path):
    out = prefill(cli, hand_made(tmp_path), "--template", "xa")
    assert stored(database_url)["I.2"] == Decimal("94.59")
    assert "Dòng 8 (I.2): bảng ghi 90,90 %, tính từ I.2.2 / I.2.1 × 100 được 94,59 %" in out


def test_a_row_the_form_does_not_have_is_listed_not_stored(cli, tmp_path):
    out = prefill(cli, hand_made(tmp_path), "--template", "xa")
    assert "Không khớp với dòng nào của biểu (không ghi):" in out
    assert f": 8 {OWN_ROW} = 4" in out


def test_the_template_is_that_of_the_latest_round_of_the_units_level(cli, database_url, tmp_path):
    invoke(
        cli, "round", "open", "--template", "xa", "--period", "2024-Q3", "--deadline", "2024-09-20"
    )
    assert "(biểu xa)" in prefill(cli, hand_made(tmp_path))
    assert "2024-Q2  đã đóng" in invoke(cli, "round", "list")


def test_a_report_that_already_has_figures_is_never_overwritten(cli, database_url, tmp_path):
    sheet = hand_made(tmp_path)
    prefill(cli, sheet, "--template", "xa")
    result = cli.invoke(
        app,
        ["prefill", "--unit", "SONTRUNG", "--period", "2024-Q2", str(sheet), "--template", "xa"],
    )
    assert result.exit_code == 1
    assert "Xã Sơn Trung đã có 50 chỉ tiêu kỳ 2024-Q2 trong bot; không ghi đè" in result.output


def test_a_file_that_is_not_an_appendix_is_refused(cli, tmp_path):
    bad = tmp_path / "ghi-chu.xlsx"
    bad.write_bytes(b"not a workbook")
    result = cli.invoke(app, ["prefill", "--unit", "SONTRUNG", "--period", "2024-Q2", str(bad)])
    assert result.exit_code == 1 and "ghi-chu.xlsx: tệp không phải bảng tính" in result.output


def test_the_officers_first_round_shows_last_period_and_offers_carried_figures(
    cli, database_url, tmp_path
):
    prefill(cli, hand_made(tmp_path), "--template", "xa")
    invoke(
        cli, "round", "open", "--template", "xa", "--period", "2024-Q3", "--deadline", "2024-09-20"
    )
    code = invoke(cli, "invite", "--unit", "SONTRUNG", "--role", "officer").strip().splitlines()[-1]
    store = Store(database_url)
    transcript = Chat(store, "an", files=tmp_path).run([f"/start {code}", "Bắt đầu", "3"])
    store.dispose()
    assert "Giữ như kỳ trước: 37 Nhiệm vụ" in transcript  # I.2.1, a stock figure
