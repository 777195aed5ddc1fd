"""What officers and admins type reaches the files as inert text, and never stops an export.

A note "=1+1", a text answer "=HYPERLINK(…)" or a unit name that starts with "=" must be read
back as the characters typed: a string cell in every sheet, a neutralised CSV field, and text,
not a computed value, when LibreOffice opens the file. Text stored with a control character
(before the door refused them) is written without it, and every export still succeeds.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from export_sheets import open_xlsx
from export_world import AS_OF, ZONE, World
from sqlalchemy import text as sql

from bot.chat import documents
from exports.appendix import appendix_bytes
from exports.compiled import compiled_bytes
from exports.data import load_round_report, load_unit_report
from exports.flat import to_csv, to_json

HYPERLINK = '=HYPERLINK("http://evil.example","y")'
HOSTILE_NAME = "=cmd|' /C calc'!A0"
NOTES = {"I.1": "=1+1", "I.4.1": "+1+1", "II.1": "-1+1", "II.2": "@SUM(1,1)"}


@pytest.fixture
def hostile(world: World) -> World:
    with world.store.transaction() as repo:
        trung = repo.unit_by_code("SONTRUNG")
        submission = repo.submission(world.round_id, trung.id)
        repo.save_answer(submission.id, "IV.1", HYPERLINK, False, None, AS_OF)
        for code, note in NOTES.items():
            repo.save_note(submission.id, code, note, None, AS_OF)
        repo.upsert_unit("SONTHUONG", HOSTILE_NAME, "xa", "SONHA")
    return world


def reports(world: World):
    with world.store.transaction() as repo:
        round_ = repo.round(world.round_id)
        appendix = load_unit_report(repo, round_, repo.unit_by_code("SONTRUNG"))
        compiled = load_round_report(repo, round_, repo.unit_by_code("SONHA"), now=AS_OF)
    return appendix, compiled


def every_cell(content: bytes):
    workbook = open_xlsx(content)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            yield from row


@pytest.mark.parametrize("which", ["appendix", "compiled"])
def test_no_typed_text_becomes_a_formula_in_any_sheet(hostile: World, which: str) -> None:
    appendix, compiled = reports(hostile)
    content = appendix_bytes(appendix) if which == "appendix" else compiled_bytes(compiled, ZONE)
    cells = list(every_cell(content))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells if isinstance(c.value, str)}
    assert HYPERLINK in values
    assert set(NOTES.values()) <= values
    if which == "compiled":
        assert HOSTILE_NAME in values  # Tổng hợp's column, Tình hình nộp's row, its own sheet


def test_csv_fields_that_a_spreadsheet_would_run_are_neutralised(hostile: World) -> None:
    _, compiled = reports(hostile)
    rows = list(csv.DictReader(io.StringIO(to_csv(compiled))))
    assert all(not r[k].startswith(("=", "+", "-", "@")) for r in rows for k in r)
    trung = {r["indicator_code"]: r for r in rows if r["unit_code"] == "SONTRUNG"}
    assert trung["IV.1"]["value"] == "'" + HYPERLINK
    assert trung["I.1"]["note"] == "'=1+1"
    assert trung["II.1"]["note"] == "'-1+1"
    assert {r["unit_name"] for r in rows if r["unit_code"] == "SONTHUONG"} == {"'" + HOSTILE_NAME}


def test_json_keeps_the_text_exactly_as_typed(hostile: World) -> None:
    _, compiled = reports(hostile)
    rows = json.loads(to_json(compiled))  # read by programs, never evaluated
    assert {r["value"] for r in rows if r["indicator_code"] == "IV.1"} >= {HYPERLINK}


def test_libreoffice_shows_typed_formulas_as_text(hostile: World, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")
    appendix, compiled = reports(hostile)
    for name, content in (
        ("phu-luc", appendix_bytes(appendix)),
        ("tong-hop", compiled_bytes(compiled, ZONE)),
    ):
        source = tmp_path / f"{name}.xlsx"
        source.write_bytes(content)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shown = [
            c
            for row in csv.reader(io.StringIO(source.with_suffix(".csv").read_text("utf-8")))
            for c in row
        ]
        if name == "phu-luc":
            assert HYPERLINK in shown and "=1+1" in shown and "@SUM(1,1)" in shown
            assert "y" not in shown  # the HYPERLINK was not evaluated
        else:
            assert HOSTILE_NAME in shown  # Tổng hợp's column header, as typed


def test_text_stored_with_control_characters_never_stops_an_export(hostile: World) -> None:
    # Stored before the door refused such text: written straight into the table.
    with hostile.store.transaction() as repo:
        repo.session.execute(
            sql("UPDATE answers SET value = :v WHERE code = 'IV.1'"), {"v": "Vị trí\x01việc làm"}
        )
        repo.session.execute(
            sql("UPDATE answers SET note = :n WHERE code = 'I.1'"), {"n": "ghi\x07chú"}
        )
        repo.session.execute(
            sql("UPDATE units SET name = :n WHERE code = 'SONTHANH'"), {"n": "Xã Sơn\x0bThành"}
        )
        round_ = repo.round(hostile.round_id)
        trung, district = repo.unit_by_code("SONTRUNG"), repo.unit_by_code("SONHA")
    for kind, unit in ((documents.APPENDIX, trung), (documents.COMPILED, district)):
        document = documents.build(hostile.store, documents.spec(kind, round_.id, unit.id), ZONE)
        values = {c.value for c in every_cell(document.data) if isinstance(c.value, str)}
        assert "Vị tríviệc làm" in values
        if kind == documents.COMPILED:
            assert "Xã SơnThành" in values
    _, compiled = reports(hostile)
    assert "\x07" not in to_csv(compiled) and "\x07" not in to_json(compiled)
