"""The district template (huyen.yaml) is seed 003's appendix, Biểu mẫu 1–7, with its slips fixed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from flows import catalog, formulas
from flows.catalog import Kind

HUYEN = catalog.load("huyen")

# Seed 003's STT column, Biểu mẫu by Biểu mẫu, in the seed's order (trailing dots dropped).
SEED_STT = {
    "I": "1 2 2.1 2.2 3 3.1 3.2 3.3 3.3.1 3.3.2 4 4.1 4.2 5 5.1 5.2 5.3 5.4 6 6.1 6.2 7",
    "II": "1 1.1 1.2 2 2.1 2.2 2.2.1 2.2.2 3 3.1 3.2 3.2.1 3.2.2",
    "III": "1 1.1 1.2 1.3 1.4 1.4.1 1.4.2 2 2.1 2.2 2.3 3 3.1 3.1.1 3.1.2 3.2 3.2.1 3.2.2 "
    "3.3 3.3.1 3.3.2",
    "IV": "1 1.1 1.2 1.3 1.4 1.4.1 1.4.2 2 2.1 2.2 2.3 2.4 2.5 3 3.1 3.2 3.3 3.4",
    "V": "1 1.1 1.2 1.3 2 2.1 2.2 2.3 2.4 2.5 3 4 4.1 4.2 4.3",
    "VI": "1 1.1 1.2 2 2.1 2.2 2.3 2.4 2.4.1 2.4.2 2.4.3 2.5 2.6",
    "VII": "1 2 3 4 5 5.1 5.1.1 5.1.2 5.2 5.2.1 5.2.2 5.3 5.3.1 5.3.2 6 "
    "6.4 6.4.1 6.4.2 6.4.3 6.5 6.5.1 6.5.2 6.5.3 6.6 6.6.1 6.6.2 6.7 6.7.1 6.7.2 6.8 6.8.1 6.8.2",
}


def test_template_loads_as_the_district_level():
    assert HUYEN.id == "huyen"
    assert HUYEN.level == "huyen"
    assert "huyen" in catalog.available()


def test_sections_are_biểu_mẫu_1_to_7():
    assert [(s.code, s.form) for s in HUYEN.sections] == [
        ("I", "Biểu mẫu 1"),
        ("II", "Biểu mẫu 2"),
        ("III", "Biểu mẫu 3"),
        ("IV", "Biểu mẫu 4"),
        ("V", "Biểu mẫu 5"),
        ("VI", "Biểu mẫu 6"),
        ("VII", "Biểu mẫu 7"),
    ]
    assert [s.label for s in HUYEN.sections] == [
        "Công tác chỉ đạo điều hành CCHC",
        "Cải cách thể chế",
        "Cải cách thủ tục hành chính",
        "Cải cách tổ chức bộ máy",
        "Cải cách chế độ công vụ",
        "Cải cách tài chính công",
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
    ]


def test_every_row_of_seed_003_is_there_in_order():
    assert len(HUYEN.indicators) == 134
    for section, stts in SEED_STT.items():
        assert [r.stt for r in HUYEN.section(section).rows] == stts.split(), section


def test_asked_rows_leave_out_groups_and_computed_ratios():
    assert len(HUYEN.asked) == 102
    assert len(HUYEN.computed) == 13
    assert len([i for i in HUYEN.indicators if i.kind is Kind.GROUP]) == 19


def test_procedures_in_force_are_the_district_and_commune_procedures():
    ind = HUYEN.by_code["III.1.4"]
    assert (ind.kind, ind.unit) == (Kind.COUNT, "Thủ tục")
    assert ind.sum_of == ("III.1.4.1", "III.1.4.2")
    assert ind.carry_over


def test_breakdowns_that_add_up_carry_sum_rules():
    assert HUYEN.by_code["II.1"].sum_of == ("II.1.1", "II.1.2")
    assert HUYEN.by_code["VI.2.4"].sum_of == ("VI.2.4.1", "VI.2.4.2", "VI.2.4.3")
    assert HUYEN.by_code["VI.2.1"].sum_of == ("VI.2.2", "VI.2.3", "VI.2.4", "VI.2.5")
    assert HUYEN.by_code["VII.6.6.1"].sum_of == ("VII.6.4.2", "VII.6.5.2")


def test_no_sum_rule_over_a_percentage_or_an_open_list():
    assert HUYEN.by_code["IV.1.4"].sum_of == ()  # 1.4.2 is a % of 2015
    assert HUYEN.by_code["I.5.1"].sum_of == ()  # tasks not yet due are in no sub-row


def test_online_intake_ratio_is_computed():
    ind = HUYEN.by_code["VII.6.7"]
    assert (ind.kind, ind.unit) == (Kind.RATIO_COMPUTED, "%")
    assert ind.formula == "VII.6.7.2 / VII.6.7.1 * 100"


def test_online_intake_ratio_fixes_the_seeds_76_74():
    formula = HUYEN.by_code["VII.6.7"].formula
    values = {"VII.6.7.1": Decimal(7725), "VII.6.7.2": Decimal(5620)}
    assert formulas.evaluate(formula, values.get) == Decimal("72.75")


def test_plan_completion_ratio_is_22_of_29():
    formula = HUYEN.by_code["I.2"].formula
    values = {"I.2.1": Decimal(29), "I.2.2": Decimal(22)}
    assert formulas.evaluate(formula, values.get) == Decimal("75.86")


def test_investment_disbursement_ratio_is_computed_from_amounts():
    ind = HUYEN.by_code["VI.1"]
    assert ind.formula == "VI.1.2 / VI.1.1 * 100"
    assert {HUYEN.by_code[c].unit for c in ("VI.1.1", "VI.1.2")} == {"Triệu đồng"}
    assert {HUYEN.by_code[c].kind for c in ("VI.1.1", "VI.1.2")} == {Kind.AMOUNT}
    values = {"VI.1.1": Decimal(268358), "VI.1.2": Decimal(238526)}
    assert formulas.evaluate(ind.formula, values.get) == Decimal("88.88")


@pytest.mark.parametrize("code", ["II.2.2", "II.3.2", "III.3.3"])
def test_ratio_over_nothing_is_left_empty_not_100(code):
    ind = HUYEN.by_code[code]
    assert ind.kind is Kind.RATIO_COMPUTED
    zero = {ref: Decimal(0) for ref in formulas.references(ind.formula)}
    assert formulas.evaluate(ind.formula, zero.get) is None


def test_every_computed_ratio_reads_only_its_own_section():
    for ind in HUYEN.computed:
        refs = formulas.references(ind.formula)
        assert refs, ind.code
        assert all(ref.split(".", 1)[0] == ind.section for ref in refs), ind.code


def test_ratios_whose_parts_are_not_in_the_form_are_entered():
    for code in ("I.4.2", "IV.1.4.2", "VII.3", "VII.5.2", "VII.5.2.1", "VII.5.2.2"):
        ind = HUYEN.by_code[code]
        assert (ind.kind, ind.unit) == (Kind.RATIO_ENTERED, "%"), code


def test_inspected_agencies_are_a_count_not_a_percentage():
    ind = HUYEN.by_code["I.4.1"]
    assert (ind.kind, ind.unit) == (Kind.COUNT, "Cơ quan, đơn vị")
    assert HUYEN.by_code["I.4"].kind is Kind.GROUP


def test_coded_rows_keep_their_codes():
    assert HUYEN.by_code["VII.1"].kind is Kind.CHOICE
    assert HUYEN.by_code["VII.1"].choice_codes == (0, 1)
    assert HUYEN.by_code["VII.1"].unit_column == "Chưa = 0; Hoàn thành = 1"
    assert HUYEN.by_code["VII.2"].unit_column == "Chưa có = 0; 2 cấp = 1; 3 cấp = 2"
    assert HUYEN.by_code["I.6.2"].unit_column == "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2"
    for ind in HUYEN.indicators:
        if ind.kind is Kind.CHOICE:
            assert ind.unit == "", ind.code


def test_survey_is_a_yes_no_choice_heading_its_details():
    survey = HUYEN.by_code["I.6"]
    assert survey.kind is Kind.CHOICE
    assert [(c.code, c.label) for c in survey.choices] == [(0, "Không"), (1, "Có")]
    assert HUYEN.by_code["I.6.1"].kind is Kind.COUNT
    assert HUYEN.by_code["I.6.2"].kind is Kind.CHOICE


def test_online_service_rows_keep_the_national_numbers_from_6_4():
    assert "VII.6.4" in HUYEN.by_code
    assert not {"VII.6.1", "VII.6.2", "VII.6.3"} & set(HUYEN.by_code)
    assert HUYEN.by_code["VII.6.4.3"].at_most == ("VII.6.4.2",)
    assert HUYEN.by_code["VII.6.5.3"].at_most == ("VII.6.5.2",)


def test_parts_never_exceed_their_wholes():
    assert HUYEN.by_code["I.2.2"].at_most == ("I.2.1",)
    assert HUYEN.by_code["I.3.3.2"].at_most == ("I.3.3.1",)
    assert HUYEN.by_code["III.3.1.2"].at_most == ("III.3.1.1",)
    assert HUYEN.by_code["VI.1.2"].at_most == ("VI.1.1",)
    assert HUYEN.by_code["VII.6.7.2"].at_most == ("VII.6.7.1",)


def test_staff_present_is_not_bounded_by_the_quota():
    assert HUYEN.by_code["IV.2.2"].at_most == ()
    assert HUYEN.by_code["IV.3.2"].at_most == ()


def test_stock_figures_carry_over_and_flows_do_not():
    for code in ("III.1.4", "IV.2.1", "VI.2.1", "VII.1", "VII.6.4.1", "I.2.1"):
        assert HUYEN.by_code[code].carry_over, code
    for code in ("III.3.1.1", "I.1", "I.2.2", "VII.6.7.1", "VII.6.4.3"):
        assert not HUYEN.by_code[code].carry_over, code


def test_sub_rows_are_italic():
    assert HUYEN.by_code["III.1.4.1"].italic
    assert HUYEN.by_code["VII.6.7.1"].italic
    assert not HUYEN.by_code["III.1.4"].italic


def test_video_conference_explanation_is_a_hint_not_the_label():
    ind = HUYEN.by_code["VII.2"]
    assert ind.label == "Xây dựng và vận hành Hệ thống họp trực tuyến"
    assert "Liên thông 3 cấp" in ind.hint


def test_labels_carry_no_markup_footnotes_or_trailing_full_stops():
    for ind in HUYEN.indicators:
        assert "<" not in ind.label, ind.code
        assert not ind.label.endswith("."), ind.code
        assert ind.label == ind.label.strip(), ind.code
