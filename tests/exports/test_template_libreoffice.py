"""A template exported as a spreadsheet survives LibreOffice: opened, saved, imported back.

Runs the real `soffice --headless`; skipped only where LibreOffice is not installed (CI
installs it and requires this test to run).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_export_pdf import soffice  # noqa: F401 (the fixture)

from exports import appendix_reader
from exports.template_sheet import template_bytes
from flows import catalog, template_inference


def resaved(soffice: str, source: Path) -> Path:  # noqa: F811
    """The file as LibreOffice Calc writes it back as .xlsx, with a private profile."""
    out = source.parent / "luu-lai"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(source.parent / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out / source.name
    assert saved.exists(), "LibreOffice wrote no xlsx"
    return saved


@pytest.mark.parametrize("template_id", ["xa", "huyen", "huyen-thanhhoa"])
def test_a_template_saved_by_libreoffice_imports_back_the_same(soffice, tmp_path, template_id):  # noqa: F811
    shipped = catalog.load(template_id)
    source = tmp_path / f"{template_id}.xlsx"
    source.write_bytes(template_bytes(shipped))
    title, rows = appendix_reader.read(resaved(soffice, source).read_bytes())
    back = template_inference.infer(
        rows, template_id=template_id, name=shipped.name, level=shipped.level, title=title
    ).template
    assert catalog.to_json(back.model_copy(update={"source": shipped.source})) == catalog.to_json(
        shipped
    )
