"""The Word draft opens and prints in LibreOffice Writer: A4 pages, its fonts, its Vietnamese.

Runs the real `soffice --headless`; skipped only where LibreOffice is not installed (CI
installs it: this suite is required, like the spreadsheet PDF test).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from son_trung_draft import son_trung_draft

pytestmark = pytest.mark.slow

A4 = (595.3, 841.9)  # points
BASE_FONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)")
# Times New Roman, or the metric-compatible face LibreOffice substitutes where it is absent
# (Liberation Serif, Tinos): the layout is the same, line for line.
TIMES = re.compile(r"^(TimesNewRoman|Times-|LiberationSerif|Tinos)")


@pytest.fixture(scope="module")
def soffice() -> str:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.skip("LibreOffice not installed: apt-get install libreoffice-writer-nogui")
    return binary


@pytest.fixture(scope="module")
def pdf(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Converted once, with a private profile: a LibreOffice open elsewhere must not interfere."""
    folder = tmp_path_factory.mktemp("draft")
    source = folder / "du-thao.docx"
    source.write_bytes(son_trung_draft())
    profile = folder / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = source.with_suffix(".pdf")
    assert converted.exists(), "LibreOffice wrote no PDF for the draft"
    return converted


def page_text(pdf: Path) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return " ".join(text.split())


def test_the_draft_converts_to_a_pdf_of_a4_portrait_pages(pdf: Path):
    assert pdf.read_bytes().startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    try:
        sizes = [tuple(round(x, 1) for x in page.get_size()) for page in document]
    finally:
        document.close()
    assert len(sizes) >= 4  # the report, then the appendix on pages of its own
    assert set(sizes) == {A4}


def test_the_pdf_names_times_new_roman_in_upright_bold_and_italic(pdf: Path):
    fonts = {name.decode() for name in BASE_FONT.findall(pdf.read_bytes())}
    assert fonts, "no font named in the PDF"
    assert all(TIMES.match(font) for font in fonts), fonts
    styles = {font.split("-", 1)[1] if "-" in font else "Regular" for font in fonts}
    assert {"Regular", "Bold", "Italic"} <= styles


def test_the_pdf_reads_the_letterhead_and_the_figures_in_vietnamese(pdf: Path):
    text = page_text(pdf)
    for fragment in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "đạt tỷ lệ 99,37 %",
        "đã hoàn thành 35 nhiệm vụ, đạt 94,59 %",
        "Ghi chú: VHXH, TP-HT",
        "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH",
    ):
        assert fragment in text, fragment
    assert "90,9" not in text
