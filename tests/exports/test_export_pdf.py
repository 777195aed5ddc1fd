"""The workbooks open and print in LibreOffice, with Vietnamese number display.

Runs the real `soffice --headless`; skipped only where LibreOffice is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.transports.console.demo import SON_TRUNG_2024_Q3, SON_TRUNG_NOTES, seed_values
from exports.appendix import appendix_bytes
from exports.compiled import compiled_bytes
from exports.data import RoundInfo, RoundReport, Stored, UnitInfo, UnitReport, build_unit_report
from flows import answers, catalog

pytestmark = pytest.mark.slow

XA = catalog.load("xa")
ROUND = RoundInfo(
    "xa", "2024-Q3", "Quý III/2024", date(2024, 9, 20), (date(2024, 6, 15), date(2024, 9, 14))
)
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1"
PAGE = re.compile(rb"/Type\s*/Page(?![a-z])")


@pytest.fixture(scope="module")
def soffice() -> str:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")
    return binary


def convert(soffice: str, source: Path, target: str) -> Path:
    """Convert with a private profile: a LibreOffice open elsewhere must not interfere."""
    profile = source.parent / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    extension = target.split(":")[0]
    converted = source.with_suffix(f".{extension}")
    assert converted.exists(), f"LibreOffice wrote no {extension} for {source.name}"
    return converted


def son_trung() -> UnitReport:
    stored = {
        code: Stored(answers.encode(a.value), a.skipped, SON_TRUNG_NOTES.get(code))
        for code, a in seed_values(SON_TRUNG_2024_Q3).items()
    }
    return build_unit_report(
        XA,
        UnitInfo("SONTRUNG", "Xã Sơn Trung", "xa"),
        ROUND,
        stored,
        status="submitted",
        submitted_at=datetime(2024, 9, 18, 3, 0, tzinfo=UTC),
        submitted_by="Đinh Văn Hùng",
    )


def test_the_appendix_converts_to_a_pdf_with_pages(soffice, tmp_path: Path):
    source = tmp_path / "phu-luc.xlsx"
    source.write_bytes(appendix_bytes(son_trung()))
    pdf = convert(soffice, source, "pdf")
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(PAGE.findall(content)) >= 1


def test_libreoffice_shows_the_figures_the_vietnamese_way(soffice, tmp_path: Path):
    source = tmp_path / "phu-luc.xlsx"
    source.write_bytes(appendix_bytes(son_trung()))
    # CSV "as shown", UTF-8 (76): the text LibreOffice displays in each cell.
    shown = convert(soffice, source, CSV_AS_SHOWN).read_text(encoding="utf-8")
    cells = {cell.strip('"') for line in shown.splitlines() for cell in line.split(",")}
    for figure in ("5.404", "4.318,9", "99,37", "94,59", "79,92", "100,00", "785"):
        assert figure in cells or f'"{figure}"' in shown, figure
    assert "của UBND xã Sơn Trung)" in shown


def test_the_compiled_workbook_converts_to_a_pdf_with_pages(soffice, tmp_path: Path):
    trung = son_trung()
    empty = build_unit_report(XA, UnitInfo("SONTHUONG", "Xã Sơn Thượng", "xa"), ROUND, {})
    report = RoundReport(
        ROUND,
        UnitInfo("SONHA", "Huyện Sơn Hà", "huyen"),
        (empty, trung),
        datetime(2024, 9, 25, tzinfo=UTC),
    )
    source = tmp_path / "tong-hop.xlsx"
    source.write_bytes(compiled_bytes(report, ZoneInfo("Asia/Ho_Chi_Minh")))
    pdf = convert(soffice, source, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert len(PAGE.findall(pdf.read_bytes())) >= 4  # summary, status and two appendices
