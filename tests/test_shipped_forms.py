"""The forms shipped with the bot that were built from a province's spreadsheet.

`huyen-thanhhoa` is seed 002's form (Huyện Thọ Xuân, Thanh Hóa), built by the importer from
the re-typed spreadsheet kept in flows/templates/sources; the file shipped must be exactly
what importing that spreadsheet gives (`make templates` rebuilds it).
"""

from __future__ import annotations

from decimal import Decimal

from appendix_sheets import seed_002_sheet

from exports import appendix_reader
from flows import catalog, prefill, template_inference
from flows.catalog import Kind

SOURCE = catalog.TEMPLATES_DIR / "sources" / "huyen-thanhhoa.xlsx"
THANH_HOA = catalog.load("huyen-thanhhoa")


def imported(data: bytes) -> template_inference.Inferred:
    title, rows = appendix_reader.read(data)
    return template_inference.infer(
        rows, template_id="huyen-thanhhoa", name=THANH_HOA.name, level="huyen", title=title
    )


def test_the_shipped_file_is_what_importing_its_source_gives():
    assert catalog.to_json(imported(SOURCE.read_bytes()).template) == catalog.to_json(THANH_HOA)


def test_the_source_is_seed_002s_table_with_the_authors_columns():
    assert SOURCE.read_bytes() and imported(seed_002_sheet()).template == THANH_HOA


def test_every_numbered_row_and_breakdown_line_of_seed_002_has_its_place():
    assert len(THANH_HOA.indicators) == 158  # 165 table rows less the 7 part headings
    breakdowns = [i for i in THANH_HOA.indicators if i.italic]
    assert len(breakdowns) >= 45


def test_seed_002s_numbering_slips_are_fixed_and_said():
    said = [str(f) for f in imported(seed_002_sheet()).findings if f.fixed]
    assert "Dòng 11 (I.2.1): STT 1.1.1. sửa thành 1.2.1 (sai số của dòng cha)." in said
    assert "Dòng 53 (III.2.7): STT 10.2.7 sửa thành 3.2.7 (sai số của dòng cha)." in said
    assert "Dòng 68 (III.3.2): STT 3.3.1. sửa thành 3.3.2 (số bị trùng)." in said
    assert any("STT 13.4.1 sửa thành 6.4.1" in m for m in said)


def test_the_breakdowns_by_level_are_sums_of_their_lines():
    received = THANH_HOA.by_code["III.3.1"]
    assert received.label == "Số lượng hồ sơ đã tiếp nhận"
    assert received.sum_of == ("III.3.1.1", "III.3.1.2", "III.3.1.3", "III.3.1.4")
    assert THANH_HOA.by_code["III.3.1.1"].sum_of == ("III.3.1.1.1", "III.3.1.1.2")
    assert THANH_HOA.by_code["III.3.1.1.2"].full_label == "Tiếp nhận trực tiếp — Cấp xã"


def test_codes_in_the_unit_column_become_choices():
    survey = THANH_HOA.by_code["I.4.2"]
    assert survey.kind is Kind.CHOICE
    assert [(c.code, c.label) for c in survey.choices] == [
        (0, "Trực tuyến"),
        (1, "Phát phiếu"),
        (2, "Kết hợp"),
    ]


def test_seed_002s_own_figures_keep_the_forms_sums():
    """Read back as a filled-in appendix, the seed's figures satisfy every sum it fills in."""
    _title, rows = appendix_reader.read(seed_002_sheet())
    read = prefill.read_figures(THANH_HOA, rows, imported(seed_002_sheet()).codes)
    values = read.values
    assert values["III.3.1"] == Decimal(8803)
    for ind in THANH_HOA.indicators:
        given = [ind.code, *ind.sum_of]
        if ind.sum_of and all(isinstance(values.get(c), Decimal) for c in given):
            assert values.get(ind.code) == sum(values[c] for c in ind.sum_of), ind.code


def test_the_two_level_form_keeps_xas_codes():
    assert set(catalog.load("xa-2025").by_code) <= set(catalog.load("xa").by_code)
