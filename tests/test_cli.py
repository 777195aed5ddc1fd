"""The admin's command line, run as an admin would."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from flows import catalog
from storage.db import Store

UNITS = Path(__file__).parent.parent / "examples" / "units.csv"


@pytest.fixture
def run(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cchc.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> str:
        result = runner.invoke(app, list(args))
        assert (result.exit_code == 0) is ok, result.output
        return result.output

    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def test_template_check_accepts_a_shipped_template(run):
    out = run("template", "check", str(catalog.TEMPLATES_DIR / "xa.yaml"))
    assert "✓ xa.yaml: biểu 'xa', 71 dòng, 48 câu hỏi, 10 tỷ lệ tự tính." in out


def test_template_check_names_the_broken_row(run, tmp_path):
    text = (catalog.TEMPLATES_DIR / "xa.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "sua.yaml"
    broken.write_text(text.replace('"III.2.3 / III.2.2 * 100"', '"III.2.3 / III.2.7 * 100"'))
    out = run("template", "check", str(broken), ok=False)
    assert "Dòng III.2.1" in out and "III.2.7" in out


def test_template_show_lists_rows_with_codes_formulas_and_rules(run):
    out = run("template", "show", "xa")
    assert "III.2.1    Tỷ lệ hồ sơ TTHC" in out
    assert "(= III.2.3 / III.2.2 * 100)" in out
    assert "(count; ≤ III.2.2)" in out
    assert "[Chưa có = 0; 2 cấp = 1; 3 cấp = 2]" in out


def test_units_import_then_reimport_updates(run, tmp_path):
    assert "8 đơn vị: 8 mới, 0 cập nhật" in run("units", "import", str(UNITS))
    changed = tmp_path / "units.csv"
    changed.write_text(UNITS.read_text(encoding="utf-8").replace("Xã Phổ An", "Phường Phổ An"))
    assert "0 mới, 1 cập nhật" in run("units", "import", str(changed))
    store = Store(run.url)
    with store.transaction() as repo:
        assert repo.unit_by_code("PHOAN").name == "Phường Phổ An"
    store.dispose()


def test_units_import_refuses_a_file_without_the_columns(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ma,ten\nQNG,Quảng Ngãi\n", encoding="utf-8")
    assert "thiếu cột" in run("units", "import", str(bad), ok=False)


def test_invite_prints_a_single_use_code_on_its_last_line(run):
    run("units", "import", str(UNITS))
    out = run("invite", "--unit", "SONTRUNG", "--role", "officer")
    code = out.strip().splitlines()[-1]
    assert code.startswith("CCHC-") and f"/start {code}" in out


def test_invite_for_an_unknown_unit_fails(run):
    assert "Không tìm thấy đơn vị có mã 'XYZ'" in run(
        "invite", "--unit", "XYZ", "--role", "officer", ok=False
    )


def test_round_open_defaults_the_cutoff_to_decree_09(run):
    out = run(
        "round", "open", "--template", "xa", "--period", "2024-Q3", "--deadline", "2024-09-20"
    )
    assert "chốt số 15/06/2024–14/09/2024, hạn nộp 20/09/2024" in out
    assert "xa     2024-Q3  đang mở" in run("round", "list")


def test_round_opened_twice_is_refused(run):
    run("round", "open", "--template", "xa", "--period", "2024-Q3")
    assert "đã được mở" in run("round", "open", "--template", "xa", "--period", "2024-Q3", ok=False)


def test_round_with_unknown_template_is_refused(run):
    assert "Không có biểu mẫu 'tinh'" in run(
        "round", "open", "--template", "tinh", "--period", "2024-Q3", ok=False
    )


def test_a_control_character_on_the_command_line_is_refused_before_anything_runs(
    tmp_path, monkeypatch, capsys
):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cchc.sqlite3'}")
    with pytest.raises(SystemExit) as stopped:
        main(["invite", "--unit", "QNG\x1b[31m", "--role", "officer"])
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert "tham số thứ 3 có ký tự điều khiển không in được (U+001B)" in err
    assert "\x1b" not in err
    assert not (tmp_path / "cchc.sqlite3").exists()  # nothing ran, not even the migrations


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Huyện\x00 Sơn Hà", "(U+0000)"),
        ("Huyện\x07 Sơn Hà", "(U+0007)"),
        ("\u200b\u3164", "chỉ có ký tự vô hình"),
    ],
)
def test_a_unit_name_with_a_control_or_only_invisible_characters_is_refused(
    run, tmp_path, name, message
):
    csv_file = tmp_path / "don-vi.csv"
    csv_file.write_text(
        f"code,name,level,parent_code\nQNG,Tỉnh Quảng Ngãi,tinh,\nSONHA,{name},huyen,QNG\n",
        encoding="utf-8",
    )
    out = run("units", "import", str(csv_file), ok=False)
    assert message in out
    store = Store(run.url)
    with store.reading() as repo:
        assert repo.units() == []  # nothing of the file was imported
    store.dispose()
