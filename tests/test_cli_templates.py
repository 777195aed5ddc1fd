"""`cchc-bot template …`: a province brings its own form, and rounds keep the version they opened.

Set-up goes through the real command line and the officer through the console chat, on the
real databases; the spreadsheets are the seeds' appendix tables (tests/appendix_sheets).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from appendix_sheets import seed_000_sheet, seed_003_sheet
from seed_000 import EXPECTED_RATIOS, officer_lines
from test_console_report import UNITS, Chat, invoke
from typer.testing import CliRunner

from bot.cli import app
from flows import answers, catalog
from storage import templates
from storage.db import Store

XA_QN = "xa-quangngai"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner()


def fails(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    return result.output


def sheet_file(tmp_path: Path, content: bytes, name: str = "phu-luc.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def open_round(cli: CliRunner, period: str, deadline: str, template: str = XA_QN) -> str:
    return invoke(
        cli, "round", "open", "--template", template, "--period", period, "--deadline", deadline
    )


def register_officer(cli: CliRunner, store: Store, tmp_path: Path) -> Chat:
    code = invoke(cli, "invite", "--unit", "SONTRUNG", "--role", "officer").strip().splitlines()[-1]
    chat = Chat(store, "an", files=tmp_path / "files")
    chat.run([f"/start {code}"])
    return chat


def appendix_rows(path: Path) -> dict[str, object]:
    """Label → Số liệu of every row of an exported appendix."""
    sheet = openpyxl.load_workbook(path).active
    return {row[1].value: row[3].value for row in sheet.iter_rows() if row[1].value}


# --- import ------------------------------------------------------------------------------------
def test_import_prints_what_it_inferred_row_by_row_and_stores_version_1(cli, tmp_path):
    out = invoke(
        cli, "template", "import", str(sheet_file(tmp_path, seed_000_sheet())), "--id", XA_QN
    )
    assert "Cấp nộp: xã (đoán từ tiêu đề; đổi bằng --level); 71 dòng, 48 câu hỏi" in out
    assert "Dòng 13 (I.3.2): STT 3.3 sửa thành 3.2 (bỏ sót số)." in out
    assert "Dòng 26 (III.2.1): tỷ lệ, tính từ III.2.3 / III.2.2 × 100" in out
    assert f"✓ Đã lưu biểu '{XA_QN}' phiên bản 1" in out


def test_import_writes_the_template_as_yaml_for_review(cli, tmp_path):
    yaml_file = tmp_path / "bieu.yaml"
    sheet = sheet_file(tmp_path, seed_000_sheet())
    invoke(cli, "template", "import", str(sheet), "--id", XA_QN, "--output", str(yaml_file))
    written = catalog.load_file(yaml_file)
    assert written.id == XA_QN and written.by_code["III.2.1"].formula == "III.2.3 / III.2.2 * 100"
    assert f"✓ bieu.yaml: biểu '{XA_QN}', 71 dòng" in invoke(
        cli, "template", "check", str(yaml_file)
    )


def test_dry_run_reports_without_storing(cli, tmp_path):
    sheet = sheet_file(tmp_path, seed_000_sheet())
    out = invoke(cli, "template", "import", str(sheet), "--id", XA_QN, "--dry-run")
    assert "chưa lưu" in out
    assert XA_QN not in invoke(cli, "template", "list")


def test_importing_the_same_sheet_again_makes_no_new_version(cli, tmp_path):
    sheet = sheet_file(tmp_path, seed_000_sheet())
    invoke(cli, "template", "import", str(sheet), "--id", XA_QN)
    out = invoke(cli, "template", "import", str(sheet), "--id", XA_QN)
    assert f"Biểu '{XA_QN}' không đổi so với phiên bản 1; không lưu thêm." in out


def test_an_unreadable_sheet_is_refused_saying_where(cli, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Danh sách"
    workbook.active.append(["Họ tên", "Chức vụ"])
    bad = tmp_path / "khong-phai-phu-luc.xlsx"
    workbook.save(bad)
    out = fails(cli, "template", "import", str(bad), "--id", XA_QN)
    assert "Lỗi: khong-phai-phu-luc.xlsx: trang “Danh sách”" in out


def test_an_id_that_cannot_name_a_template_is_refused(cli, tmp_path):
    out = fails(cli, "template", "import", str(sheet_file(tmp_path, b"")), "--id", "Xã QN")
    assert "mã biểu 'Xã QN' không dùng được" in out


def test_level_is_guessed_from_the_title_and_can_be_given(cli, tmp_path):
    sheet = sheet_file(tmp_path, seed_003_sheet())
    assert "Cấp nộp: huyện (đoán từ tiêu đề" in invoke(
        cli, "template", "import", str(sheet), "--id", "huyen-phutho", "--dry-run"
    )
    out = invoke(
        cli, "template", "import", str(sheet), "--id", "tinh-phutho", "--level", "tinh", "--dry-run"
    )
    assert "Cấp nộp: tỉnh (theo --level)" in out


# --- list, show, export ----------------------------------------------------------------------
def test_list_shows_versions_and_the_rounds_that_use_them(cli, tmp_path):
    invoke(cli, "template", "import", str(sheet_file(tmp_path, seed_000_sheet())), "--id", XA_QN)
    open_round(cli, "2024-Q3", "2024-10-15")
    out = invoke(cli, "template", "list")
    assert f"{XA_QN}: THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH" in out
    assert "phiên bản 1 (xã, phu-luc.xlsx," in out and "kỳ: 2024-Q3" in out
    assert "huyen: Phụ lục thống kê số liệu CCHC cấp huyện (Biểu mẫu 1–7) — có sẵn" in out


def test_export_writes_a_sheet_that_imports_back_unchanged(cli, tmp_path):
    invoke(cli, "template", "import", str(sheet_file(tmp_path, seed_000_sheet())), "--id", XA_QN)
    exported = tmp_path / "sua-trong-excel.xlsx"
    assert f"ra {exported}" in invoke(cli, "template", "export", XA_QN, "-o", str(exported))
    out = invoke(cli, "template", "import", str(exported), "--id", XA_QN)
    assert "không đổi so với phiên bản 1" in out


def test_export_of_a_shipped_template_needs_no_import(cli, tmp_path):
    target = tmp_path / "huyen.xlsx"
    assert "(tệp có sẵn)" in invoke(cli, "template", "export", "huyen", "-o", str(target))
    sheet = openpyxl.load_workbook(target).active
    headers = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "STT")]
    assert headers[:5] == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
    extras = ["kind", "formula", "rule", "relevant", "hint", "carry_over", "not_for", "phrase"]
    assert headers[5:] == extras


def test_show_marks_conditions_and_rows_not_asked(cli):
    out = invoke(cli, "template", "show", "huyen")
    assert "I.6.1      Số lượng phiếu khảo sát [Số lượng]  (count; chỉ hỏi khi I.6 = 1)" in out
    assert "≥ I.5.2 + I.5.3 + I.5.4" in out
    assert "không hỏi xã" in invoke(cli, "template", "show", "xa")


def test_show_of_a_version_that_does_not_exist_says_which_do(cli, tmp_path):
    invoke(cli, "template", "import", str(sheet_file(tmp_path, seed_000_sheet())), "--id", XA_QN)
    out = fails(cli, "template", "show", XA_QN, "--version", "4")
    assert f"biểu '{XA_QN}' không có phiên bản 4 (có: 1)" in out


# --- a round with an imported form, end to end -------------------------------------------------
def test_a_round_with_an_imported_form_is_filled_in_and_exported(cli, database_url, tmp_path):
    invoke(cli, "units", "import", str(UNITS))
    invoke(cli, "template", "import", str(sheet_file(tmp_path, seed_000_sheet())), "--id", XA_QN)
    assert "(biểu xa-quangngai, phiên bản 1)" in open_round(cli, "2024-Q3", "2024-09-20")
    store = Store(database_url)
    chat = register_officer(cli, store, tmp_path)

    transcript = chat.run(["Bắt đầu", *officer_lines()])

    assert "→ III.2.1 Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận" in transcript
    assert "đúng hạn: 99,37 %" in transcript
    assert "✓ Đã nộp báo cáo Quý III/2024 lúc" in transcript
    saved = tmp_path / "files" / "CCHC_2024-Q3_xa-son-trung.xlsx"
    assert appendix_rows(saved)[
        "Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn"
    ] == pytest.approx(99.37)
    with store.transaction() as repo:
        round_ = repo.round_by_period(XA_QN, "2024-Q3")
        form = templates.for_round(repo, round_)
        submission = repo.submission(round_.id, repo.unit_by_code("SONTRUNG").id, create=False)
        stored = repo.answers(submission.id)
    store.dispose()
    for code, ratio in EXPECTED_RATIOS.items():
        value = answers.decode(form.by_code[code], stored[code].value) if code in stored else None
        assert value == ratio, code


# --- versions ----------------------------------------------------------------------------------
def edited(sheet: bytes, tmp_path: Path) -> Path:
    """The province's second version: I.1 reworded, the I.4.2 row deleted."""
    path = sheet_file(tmp_path, sheet, "phu-luc-2.xlsx")
    workbook = openpyxl.load_workbook(path)
    ws = workbook.active
    for row in ws.iter_rows():
        if row[1].value == "Số văn bản chỉ đạo CCHC đã ban hành":
            row[1].value = "Số văn bản chỉ đạo, điều hành CCHC đã ban hành"
        if row[1].value == "Số cán bộ công chức vi phạm":
            for cell in row:
                cell.value = None
    workbook.save(path)
    return path


def test_a_reimport_leaves_the_open_round_on_its_version_and_new_rounds_take_the_new(
    cli, database_url, tmp_path
):
    invoke(cli, "units", "import", str(UNITS))
    invoke(cli, "template", "import", str(sheet_file(tmp_path, seed_000_sheet())), "--id", XA_QN)
    open_round(cli, "2024-Q3", "2024-09-20")
    store = Store(database_url)
    chat = register_officer(cli, store, tmp_path)

    out = invoke(cli, "template", "import", str(edited(seed_000_sheet(), tmp_path)), "--id", XA_QN)
    assert f"✓ Đã lưu biểu '{XA_QN}' phiên bản 2: 70 dòng" in out
    transcript = chat.run(["Bắt đầu", *officer_lines()])
    assert "I.1 Số văn bản chỉ đạo CCHC đã ban hành" in transcript  # the old wording
    assert "Số cán bộ công chức vi phạm" in transcript  # the old row, still asked
    invoke(cli, "round", "close", "2024-Q3", "--template", XA_QN)
    exported = tmp_path / "q3.xlsx"
    invoke(cli, "export", "--round", "2024-Q3", "--unit", "SONTRUNG", "-o", str(exported))
    rows = appendix_rows(exported)
    assert (
        rows["Số cán bộ công chức vi phạm"] == 0 and "Số văn bản chỉ đạo CCHC đã ban hành" in rows
    )

    assert "(biểu xa-quangngai, phiên bản 2)" in open_round(cli, "2024-Q4", "2024-12-20")
    with store.transaction() as repo:
        new = templates.for_round(repo, repo.round_by_period(XA_QN, "2024-Q4"))
        old = templates.for_round(repo, repo.round_by_period(XA_QN, "2024-Q3"))
    store.dispose()
    assert "I.4.2" not in new.by_code and "I.4.2" in old.by_code
    assert new.by_code["I.1"].label == "Số văn bản chỉ đạo, điều hành CCHC đã ban hành"
