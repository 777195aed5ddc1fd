"""`cchc-bot export`: the right workbook for the unit asked, under a readable file name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import typer
from export_sheets import open_xlsx
from export_world import OPENED, World
from typer.testing import CliRunner

from bot.cli import export as cli_export


@pytest.fixture
def run(world: World, database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = typer.Typer()
    cli_export.register(app)

    @app.callback()
    def main() -> None:
        """A group, as in bot.cli, so the command is called by its name."""

    def invoke(*args: str):
        return CliRunner().invoke(app, ["export", *args])

    return invoke


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where files go: apart from the SQLite file the tests' database lives in."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_without_a_unit_it_compiles_every_commune_under_the_top_unit(run, out: Path):
    result = run("--round", "2024-Q3", "-o", str(out))
    assert result.exit_code == 0, result.output
    path = out / "CCHC_2024-Q3_tong-hop_tinh-quang-ngai.xlsx"
    assert str(path) in result.output
    assert "5 đơn vị" in result.output
    assert open_xlsx(path.read_bytes()).sheetnames[:2] == ["Tổng hợp", "Tình hình nộp"]


def test_a_district_gets_the_compiled_workbook_of_its_communes(run, out: Path):
    result = run("--round", "2024-Q3", "--unit", "SONHA", "-o", str(out))
    assert result.exit_code == 0, result.output
    workbook = open_xlsx((out / "CCHC_2024-Q3_tong-hop_huyen-son-ha.xlsx").read_bytes())
    assert len(workbook.sheetnames) == 2 + 3


def test_a_commune_gets_its_own_appendix(run, out: Path):
    result = run("--round", "2024-Q3", "--template", "xa", "--unit", "SONTRUNG", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "✓ Đã xuất phụ lục Quý III/2024 của Xã Sơn Trung" in result.output
    workbook = open_xlsx((out / "CCHC_2024-Q3_xa-son-trung.xlsx").read_bytes())
    assert workbook.sheetnames == ["Phụ lục"]


def test_csv_and_json_go_to_the_file_named(run, out: Path):
    target = out / "so-lieu.csv"
    result = run("--round", "2024-Q3", "--unit", "SONHA", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("unit_code,unit_name,indicator_code,")
    result = run("--round", "2024-Q3", "--unit", "SONTRUNG", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert '"Xã Sơn Trung"' in (out / "CCHC_2024-Q3_xa-son-trung.json").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "2023-Q3"], "chưa mở kỳ báo cáo 2023-Q3"),
        (["--round", "2024-Q5"], "Kỳ báo cáo '2024-Q5' không hợp lệ"),
        (["--round", "2024-Q3", "--unit", "KHONGCO"], "không có đơn vị mã 'KHONGCO'"),
        (["--round", "2024-Q3", "--template", "huyen"], "chưa mở kỳ 2024-Q3 cho biểu 'huyen'"),
    ],
)
def test_a_request_that_cannot_be_served_fails_with_a_vietnamese_message(
    run, out: Path, args: list[str], message: str
):
    result = run(*args, "-o", str(out))
    assert result.exit_code == 1
    assert f"Lỗi: {message}" in result.output
    assert not list(out.iterdir())


def test_a_period_open_for_two_templates_needs_the_template_named(run, world, out: Path):
    with world.store.transaction() as repo:
        repo.open_round(
            "huyen", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 25), OPENED
        )
    result = run("--round", "2024-Q3", "-o", str(out))
    assert result.exit_code == 1
    assert "chọn một bằng --template" in result.output


def test_a_folder_that_does_not_exist_yet_is_created(run, tmp_path: Path):
    folder = tmp_path / "bao-cao" / "quy-3"
    result = run("--round", "2024-Q3", "--unit", "SONHA", "-o", f"{folder}/")
    assert result.exit_code == 0, result.output
    assert (folder / "CCHC_2024-Q3_tong-hop_huyen-son-ha.xlsx").is_file()


def test_a_second_export_to_a_new_folder_lands_beside_the_first(run, tmp_path: Path):
    folder = tmp_path / "out"  # no "/" and no suffix: still a folder
    assert run("--round", "2024-Q3", "--unit", "SONHA", "-o", str(folder)).exit_code == 0
    assert run("--round", "2024-Q3", "--unit", "DUCPHO", "-o", str(folder)).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "CCHC_2024-Q3_tong-hop_huyen-son-ha.xlsx",
        "CCHC_2024-Q3_tong-hop_thi-xa-duc-pho.xlsx",
    ]


def test_a_file_path_in_a_new_folder_creates_the_folder(run, tmp_path: Path):
    target = tmp_path / "moi" / "so-lieu.json"
    result = run("--round", "2024-Q3", "--unit", "SONHA", "--format", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert '"Xã Sơn Trung"' in target.read_text("utf-8")


def test_a_suffix_that_is_not_the_format_is_refused(run, tmp_path: Path):
    result = run("--round", "2024-Q3", "--unit", "SONHA", "-o", str(tmp_path / "so-lieu.csv"))
    assert result.exit_code == 1
    assert (
        "Lỗi: tệp so-lieu.csv có đuôi .csv nhưng định dạng xuất là xlsx: "
        "đổi đuôi thành .xlsx hoặc thêm --format csv."
    ) in result.output
    assert not (tmp_path / "so-lieu.csv").exists()


def test_a_suffix_of_no_format_is_refused_rather_than_guessed(run, tmp_path: Path):
    result = run("--round", "2024-Q3", "-o", str(tmp_path / "bao-cao.v2"))
    assert result.exit_code == 1
    assert "Lỗi: không rõ" in result.output and "thêm '/' ở cuối" in result.output
    assert not (tmp_path / "bao-cao.v2").exists()
