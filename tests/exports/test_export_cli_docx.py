"""`cchc-bot export --format docx`: the Word draft, a commune's own or a district's summary."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
import typer
from export_world import World
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
        return CliRunner().invoke(app, ["export", "--round", "2024-Q3", *args])

    return invoke


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs]


def test_a_commune_gets_the_draft_of_its_own_report(run, out: Path):
    result = run("--unit", "SONTRUNG", "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    path = out / "CCHC_2024-Q3_xa-son-trung.docx"
    assert f"✓ Đã xuất dự thảo báo cáo Quý III/2024 của Xã Sơn Trung: {path}" in result.output
    assert (
        "- Tổng số hồ sơ TTHC đã giải quyết xong là 790 hồ sơ, trong đó giải quyết đúng hạn "
        "785 hồ sơ, đạt tỷ lệ 99,37 %."
    ) in paragraphs(path)


def test_a_district_gets_the_summary_of_its_communes(run, out: Path):
    result = run("--unit", "SONHA", "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "dự thảo báo cáo tổng hợp Quý III/2024 của Huyện Sơn Hà (3 đơn vị)" in result.output
    written = paragraphs(out / "CCHC_2024-Q3_tong-hop_huyen-son-ha.docx")
    assert "- Nộp quá hạn (1): Xã Sơn Thành (nộp ngày 21/09/2024)." in written


def test_without_a_unit_the_summary_is_the_top_units(run, out: Path):
    target = out / "du-thao.docx"
    result = run("--format", "docx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "của Tỉnh Quảng Ngãi (5 đơn vị)" in result.output
    written = paragraphs(target)
    assert written[1].endswith("của các xã thuộc tỉnh Quảng Ngãi")


def test_a_docx_file_named_without_the_format_is_refused_with_the_flag_to_add(run, out: Path):
    result = run("--unit", "SONHA", "-o", str(out / "bao-cao.docx"))
    assert result.exit_code == 1
    assert "thêm --format docx" in result.output
