"""Templates are data, validated on load; a broken one names the row at fault."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows import catalog
from flows.catalog import Kind, TemplateError

XA = catalog.load("xa")


def test_xa_has_every_row_of_seed_000_with_its_slips_fixed():
    assert [s.code for s in XA.sections] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert len(XA.indicators) == 71
    assert len(XA.asked) == 48
    # seed 000 skips 3.2 and leaves the first part of 6.1 unnumbered
    assert {"I.3.2", "I.3.2.1", "I.3.2.2", "VII.6.1.1"} <= set(XA.by_code)
    assert "I.3.3" not in XA.by_code


def test_xa_codes_are_section_and_stt():
    ind = XA.by_code["III.2.3"]
    assert (ind.section, ind.stt, ind.label, ind.unit, ind.kind) == (
        "III",
        "2.3",
        "Số hồ sơ TTHC giải quyết đúng hạn",
        "Hồ sơ",
        Kind.COUNT,
    )
    assert ind.at_most == ("III.2.2",)


def test_xa_computed_ratios_have_formulas_over_their_parts():
    formulas = {i.code: i.formula for i in XA.computed}
    assert formulas["III.2.1"] == "III.2.3 / III.2.2 * 100"
    assert formulas["I.2"] == "I.2.2 / I.2.1 * 100"
    assert len(formulas) == 10


def test_coded_indicator_keeps_its_codes_for_the_unit_column():
    ind = XA.by_code["VII.4"]
    assert ind.choice_codes == (0, 1, 2)
    assert ind.unit_column == "Chưa = 0; Đang làm = 1; Hoàn thành = 2"


def test_stock_figures_carry_over():
    assert XA.by_code["III.1"].carry_over
    assert not XA.by_code["III.2.2"].carry_over


def broken(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((catalog.TEMPLATES_DIR / "xa.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def rows(data, section: str):
    return next(s for s in data["sections"] if s["code"] == section)["rows"]


def row(data, code: str):
    section, stt = code.split(".", 1)
    return next(r for r in rows(data, section) if r["stt"] == stt)


def test_unknown_code_in_a_formula_names_the_row(tmp_path):
    path = broken(tmp_path, lambda d: row(d, "III.2.1").update(formula="III.2.3 / III.2.9 * 100"))
    with pytest.raises(TemplateError, match=r"Dòng III\.2\.1 .*mã không có trong biểu: III\.2\.9"):
        catalog.load_file(path)


def test_duplicate_code_names_the_row(tmp_path):
    path = broken(tmp_path, lambda d: row(d, "III.2.3").update(stt="2.2"))
    with pytest.raises(TemplateError, match=r"Dòng III\.2\.2 .*bị trùng"):
        catalog.load_file(path)


def test_formula_cycle_is_refused(tmp_path):
    def mutate(d):
        row(d, "III.2.1").update(formula="III.2.4 * 1")
        row(d, "III.2.4").update(formula="III.2.1 * 1")

    with pytest.raises(TemplateError, match="công thức vòng tròn"):
        catalog.load_file(broken(tmp_path, mutate))


def test_row_without_its_parent_is_refused(tmp_path):
    path = broken(tmp_path, lambda d: row(d, "I.3.2.1").update(stt="3.7.1"))
    with pytest.raises(TemplateError, match=r"Dòng I\.3\.7\.1 .*dòng cha I\.3\.7"):
        catalog.load_file(path)


def test_unknown_kind_names_the_row_and_field(tmp_path):
    path = broken(tmp_path, lambda d: row(d, "I.1").update(kind="number"))
    with pytest.raises(TemplateError, match=r"Dòng I\.1 trường kind"):
        catalog.load_file(path)


def test_rule_on_unknown_code_names_the_row(tmp_path):
    path = broken(tmp_path, lambda d: row(d, "III.2.3").update(at_most=["III.9"]))
    with pytest.raises(TemplateError, match=r"Dòng III\.2\.3 .*III\.9"):
        catalog.load_file(path)


def test_choice_needs_two_codes(tmp_path):
    path = broken(
        tmp_path, lambda d: row(d, "VII.1").update(choices=[{"code": 0, "label": "Chưa"}])
    )
    with pytest.raises(TemplateError, match=r"Dòng VII\.1 .*ít nhất hai mã"):
        catalog.load_file(path)


def test_unreadable_yaml_is_reported_with_the_file_name(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"bad\.yaml: không đọc được"):
        catalog.load_file(path)


# --- conditions and rules the forms need, validated on load
@pytest.mark.parametrize(
    ("relevant", "said"),
    [
        ("I.9 = 1", "điều kiện dùng mã không có trong biểu: I.9"),
        ("III.2.3 > 0", "điều kiện dùng III.2.3, dòng này phải đứng trước"),
        ("khi có", "điều kiện relevant sai: không hiểu 'khi có'"),
        ("I.1 = 1 và I.2.1 > 0 hoặc I.2.2 > 0", "không dùng cả 'và' lẫn 'hoặc'"),
    ],
)
def test_a_condition_that_cannot_hold_is_refused_naming_the_row(tmp_path, relevant, said):
    path = broken(tmp_path, lambda d: row(d, "III.2.2").update(relevant=relevant))
    with pytest.raises(TemplateError) as refused:
        catalog.load_file(path)
    assert "III.2.2" in str(refused.value) and said in str(refused.value)


def test_a_row_not_for_an_unknown_level_is_refused(tmp_path):
    path = broken(tmp_path, lambda d: row(d, "III.2.2").update(not_for=["thon"]))
    with pytest.raises(TemplateError, match="not_for"):
        catalog.load_file(path)


def test_parts_at_most_naming_an_unknown_row_is_refused_naming_the_row(tmp_path):
    path = broken(tmp_path, lambda d: row(d, "III.2.2").update(parts_at_most=["III.2.9"]))
    with pytest.raises(TemplateError) as refused:
        catalog.load_file(path)
    assert "III.2.2" in str(refused.value) and "III.2.9" in str(refused.value)
