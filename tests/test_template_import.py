"""A province's appendix spreadsheet becomes a template: the seeds' own tables, slips included.

The sheets are built from the seeds' tables (tests/fixtures) the way a province sends them;
importing them must give the shipped `xa` and `huyen` back in everything that decides what
is asked and checked, and say which slips it corrected.
"""

from __future__ import annotations

import io

import pytest
from appendix_sheets import seed_000_sheet, seed_003_sheet, xlsx_from_tsv
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from exports import appendix_reader
from exports.template_sheet import template_bytes
from flows import catalog, template_inference
from flows.catalog import Kind, Template

# What decides the questions, their checks and the appendix rows (units differ: the seeds
# print "Số lượng" where `xa` was transcribed with the unit the label counts, "Người").
DECISIONS = (
    "section",
    "stt",
    "depth",
    "kind",
    "choices",
    "formula",
    "at_most",
    "sum_of",
    "parts_at_most",
    "soft_at_most",
    "relevant",
    "not_for",
    "carry_over",
)


def imported(sheet: bytes, template_id: str = "xa", level: str = "xa"):
    title, rows = appendix_reader.read(sheet)
    return template_inference.infer(
        rows, template_id=template_id, name=template_id, level=level, title=title
    )


def decisions(template: Template) -> dict[str, tuple[object, ...]]:
    return {i.code: tuple(getattr(i, f) for f in DECISIONS) for i in template.indicators}


def messages(result: template_inference.Inferred, *, fixed: bool) -> list[str]:
    return [str(f) for f in result.findings if f.fixed is fixed]


# --- seed 000 and xa -----------------------------------------------------------------------------
def test_seed_000_sheet_gives_back_the_shipped_xa():
    assert decisions(imported(seed_000_sheet()).template) == decisions(catalog.load("xa"))


def test_seed_000_sheet_without_extra_columns_differs_only_where_the_sheet_is_silent():
    plain = decisions(imported(seed_000_sheet(extras=False)).template)
    shipped = decisions(catalog.load("xa"))
    differing = sorted(code for code in shipped if plain[code] != shipped[code])
    # I.4.2 ≤ I.4.1, IV.2.2 nên ≤ IV.2.1, and the province's rows not asked of communes
    assert differing == [
        "I.4.2",
        "IV.2.2",
        "VII.5.1.1",
        "VII.5.2.1",
        "VII.5.2.2",
        "VII.5.3.1",
        "VII.5.3.2",
    ]


def test_seed_000_import_names_each_slip_it_fixed():
    fixed = messages(imported(seed_000_sheet()), fixed=True)
    assert "Dòng 13 (I.3.2): STT 3.3 sửa thành 3.2 (bỏ sót số)." in fixed
    assert "Dòng 14 (I.3.2.1): STT 3.3.1 sửa thành 3.2.1 (sai số của dòng cha)." in fixed
    assert "Dòng 70 (VII.6.1.1): dòng không có STT: đánh số 6.1.1." in fixed
    assert any("kết thúc bằng dấu chấm" in m for m in fixed)


def test_seed_000_import_says_how_each_ratio_is_computed():
    said = messages(imported(seed_000_sheet()), fixed=False)
    assert (
        "Dòng 26 (III.2.1): tỷ lệ, tính từ III.2.3 / III.2.2 × 100; III.2.3 không lớn hơn III.2.2."
    ) in said
    assert "Dòng 51 (VII.1): lựa chọn theo mã: Chưa = 0, Hoàn thành = 1." in said


def test_rows_the_sheet_leaves_unclear_are_named_for_the_author_to_check():
    unsure = [str(f) for f in imported(seed_000_sheet()).findings if f.undecided]
    assert any(
        m.startswith("Dòng 21 (II.2): không có đơn vị tính nhưng có số liệu") for m in unsure
    )


def test_the_title_loses_the_period_and_the_unit_the_sheet_was_filled_for():
    result = imported(seed_000_sheet())
    assert result.template.title == "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH"
    assert result.template.sections[0].form == "Biểu 1"


def test_each_sheet_row_is_mapped_to_its_code_for_reading_figures_later():
    result = imported(seed_000_sheet())
    assert result.codes[26] == "III.2.1" and result.codes[70] == "VII.6.1.1"


# --- seed 003 and huyen ------------------------------------------------------------------------
def test_seed_003_sheet_gives_back_the_shipped_huyen():
    result = imported(seed_003_sheet(), "huyen", "huyen")
    assert decisions(result.template) == decisions(catalog.load("huyen"))


def test_seed_003_forms_become_sections_and_its_misspelt_title_is_corrected():
    result = imported(seed_003_sheet(), "huyen", "huyen")
    assert [s.form for s in result.template.sections][:2] == ["", ""]  # Biểu mẫu N are sections
    assert result.template.sections[0].label == "Công tác chỉ đạo điều hành CCHC"
    assert result.template.title == "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH"


def test_seed_003_ratio_whose_parts_differ_in_unit_is_left_to_be_typed_and_said():
    result = imported(seed_003_sheet(), "huyen", "huyen")
    assert result.template.by_code["IV.1.1"].kind is Kind.RATIO_ENTERED
    unsure = [str(f) for f in result.findings if f.undecided]
    assert any(m.startswith("Dòng 72 (IV.1.1): tỷ lệ") for m in unsure)


def test_a_breakdown_of_counts_becomes_a_sum_rule():
    result = imported(seed_003_sheet(), "huyen", "huyen")
    assert result.template.by_code["VI.2.4"].sum_of == ("VI.2.4.1", "VI.2.4.2", "VI.2.4.3")


# --- round trip through a spreadsheet ------------------------------------------------------------
@pytest.mark.parametrize("template_id", ["xa", "huyen"])
def test_an_exported_template_imports_back_the_same(template_id):
    shipped = catalog.load(template_id)
    back = imported(template_bytes(shipped), template_id, shipped.level).template
    same = back.model_copy(update={"source": shipped.source, "name": shipped.name})
    assert catalog.to_json(same) == catalog.to_json(shipped)


def test_an_exported_template_survives_being_saved_again_by_a_spreadsheet_program():
    shipped = catalog.load("huyen")
    workbook = load_workbook(io.BytesIO(template_bytes(shipped)))
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl rewrites every cell, as Excel would on saving
    back = imported(buffer.getvalue(), "huyen", "huyen").template
    assert decisions(back) == decisions(shipped)


# --- extra columns -------------------------------------------------------------------------------
def test_an_extra_rule_column_naming_an_unknown_row_is_refused_naming_the_row():
    sheet = xlsx_from_tsv("seed_000_appendix.tsv", extras={"I 4.2": {"rule": "≤ I.9.9"}})
    with pytest.raises(template_inference.InferenceError, match=r"I\.4\.2.*I\.9\.9"):
        imported(sheet)


def test_an_extra_relevant_column_makes_a_row_conditional():
    sheet = xlsx_from_tsv("seed_000_appendix.tsv", extras={"I 4.2": {"relevant": "I.4.1 > 0"}})
    assert imported(sheet).template.by_code["I.4.2"].relevant == "I.4.1 > 0"


# --- sheets that cannot be read ------------------------------------------------------------------
def test_a_sheet_without_the_header_is_refused_saying_what_is_missing():
    workbook = Workbook()
    workbook.active.title = "Trang 1"
    workbook.active.append(["Mã", "Tên", "Giá trị"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(appendix_reader.SheetError, match="Trang 1") as refused:
        appendix_reader.read(buffer.getvalue())
    assert "STT" in str(refused.value)


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    with pytest.raises(appendix_reader.SheetError, match="không phải bảng tính"):
        appendix_reader.read(b"%PDF-1.4 not a workbook")


def test_rows_before_the_first_section_are_refused_naming_the_row():
    rows = [template_inference.SheetRow(7, "1.", "Số văn bản", "Văn bản")]
    with pytest.raises(template_inference.InferenceError, match="Dòng 7"):
        template_inference.infer(rows, template_id="x", name="x", level="xa")


@given(
    st.lists(st.sampled_from(["1.", "1.1", "1.1.", "2", "2.1", "2.3", "", "3.1.1"]), max_size=12)
)
def test_any_numbering_under_a_section_gives_a_valid_template_or_a_named_refusal(numbers):
    rows = [template_inference.SheetRow(1, "I.", "Công tác chỉ đạo", "")]
    rows += [
        template_inference.SheetRow(i + 2, stt, f"Chỉ tiêu {i}", "Văn bản")
        for i, stt in enumerate(numbers)
    ]
    try:
        result = template_inference.infer(rows, template_id="x", name="x", level="xa")
    except template_inference.InferenceError as exc:
        assert "dòng" in str(exc).lower()
        return
    codes = [i.code for i in result.template.indicators]
    assert len(codes) == len(set(codes)) == len(numbers)
