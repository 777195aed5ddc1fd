"""A row's phrase: places in braces, checked when the template loads, filled in when drafting."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from flows import catalog, phrases
from flows.catalog import Template, TemplateError
from flows.draft_document import Span
from flows.phrases import PhraseError, Place

XA = catalog.load("xa")


def xa_data_with_phrase(code: str, phrase: str) -> dict:
    data = yaml.safe_load((catalog.TEMPLATES_DIR / "xa.yaml").read_text(encoding="utf-8"))
    section, stt = code.split(".", 1)
    rows = next(s for s in data["sections"] if s["code"] == section)["rows"]
    next(r for r in rows if r["stt"] == stt)["phrase"] = phrase
    return data


def load_with_phrase(tmp_path, code: str, phrase: str) -> Template:
    """As an admin's edited file is loaded: errors come back as a TemplateError naming it."""
    path = tmp_path / "xa.yaml"
    data = xa_data_with_phrase(code, phrase)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return catalog.load_file(path)


# --- parsing -------------------------------------------------------------------------------------
def test_a_row_code_stands_for_that_rows_value():
    pieces = phrases.parse("đạt {value}, trong đó {III.2.3}")
    assert pieces == ("đạt ", Place("value"), ", trong đó ", Place("value", "III.2.3"))


def test_a_place_takes_another_rows_code_after_a_colon():
    assert phrases.parse("{change:III.2.2}") == (Place("change", "III.2.2"),)


def test_doubled_braces_write_a_brace():
    assert phrases.parse("{{chú thích}}") == ("{chú thích}",)


@pytest.mark.parametrize(
    ("phrase", "says"),
    [
        ("đạt {gia_tri}", "không có chỗ trống {gia_tri}"),
        ("đạt {value", "không khớp"),
        ("đạt {value!r}", "dấu “!”"),
        ("năm {year:I.2.1}", "chỉ ghi mã một dòng"),
        ("đạt {value:abc}", "chỉ ghi mã một dòng"),
        ("đạt {}", "không có chỗ trống {}"),
    ],
)
def test_a_place_that_cannot_be_filled_is_refused_saying_why(phrase, says):
    with pytest.raises(PhraseError, match=says):
        phrases.parse(phrase)


# --- checked on load -----------------------------------------------------------------------------
def test_the_shipped_templates_load_with_their_phrases():
    ratio = XA.by_code["III.2.1"].phrase
    assert "{III.2.2}" in ratio and "{III.2.3}" in ratio and "{value}" in ratio


def test_an_unknown_place_is_refused_on_load_naming_the_row(tmp_path):
    with pytest.raises(TemplateError, match=r"xa\.yaml: .*Dòng III\.2\.1 .*\{so_lieu\}"):
        load_with_phrase(tmp_path, "III.2.1", "Tỷ lệ đạt {so_lieu}")


def test_a_code_not_in_the_template_is_refused_on_load_naming_the_row(tmp_path):
    with pytest.raises(TemplateError, match=r"Dòng I\.2 .*mã I\.9\.9"):
        load_with_phrase(tmp_path, "I.2", "Đề ra {I.9.9}")


def test_a_group_row_names_its_figures_by_code(tmp_path):
    with pytest.raises(TemplateError, match=r"Dòng III\.2 .*dòng nhóm"):
        load_with_phrase(tmp_path, "III.2", "Kết quả: {value}")
    grouped = load_with_phrase(tmp_path, "III.2", "Đã giải quyết {III.2.2}, đúng hạn {III.2.3}.")
    assert grouped.by_code["III.2"].phrase.startswith("Đã giải quyết")


def test_phrases_survive_the_yaml_and_json_round_trips():
    assert catalog.from_json(catalog.to_json(XA)) == XA
    again = Template.model_validate(yaml.safe_load(catalog.to_yaml(XA)))
    assert again.by_code["I.2"].phrase == XA.by_code["I.2"].phrase != ""


# --- rendering -----------------------------------------------------------------------------------
def test_rendering_joins_neighbouring_text_and_keeps_marked_runs_apart():
    pieces = phrases.parse("Đã ban hành {value} chỉ đạo.")
    spans = phrases.render(pieces, lambda _: (Span("[…]", marked=True), Span(" văn bản")))
    assert spans == (Span("Đã ban hành "), Span("[…]", marked=True), Span(" văn bản chỉ đạo."))


def test_references_name_each_other_row_once_in_order():
    pieces = phrases.parse("{III.2.2}{change:III.2.2}, đúng hạn {III.2.3}, đạt {value}")
    assert phrases.references(pieces) == ("III.2.2", "III.2.3")


literal = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20)
place = st.one_of(
    st.sampled_from(phrases.PLACES).map(lambda name: ("{" + name + "}", Place(name))),
    st.sampled_from([i.code for i in XA.indicators]).map(
        lambda code: ("{" + code + "}", Place("value", code))
    ),
    st.tuples(st.sampled_from(phrases.ROW_PLACES), st.sampled_from(list(XA.by_code))).map(
        lambda t: ("{" + t[0] + ":" + t[1] + "}", Place(t[0], t[1]))
    ),
)


@given(st.lists(st.tuples(literal, place), max_size=6), literal)
def test_every_place_is_filled_where_it_stands_and_the_text_around_it_is_kept(parts, tail):
    """Whatever the author writes around its places, rendering is a faithful substitution."""
    text = "".join(lit + written for lit, (written, _) in parts) + tail
    filled = {p: f"<{p.name}|{p.code}>" for _, (_, p) in parts}
    spans = phrases.render(phrases.parse(text), lambda p: (Span(filled[p], marked=True),))
    expected = "".join(lit + filled[p] for lit, (_, p) in parts) + tail
    assert "".join(s.text for s in spans) == expected
    runs: list[str] = []  # places with no text between them read as one marked run
    for index, (lit, (_, p)) in enumerate(parts):
        if index == 0 or lit:
            runs.append("")
        runs[-1] += filled[p]
    assert [s.text for s in spans if s.marked] == runs


@given(literal)
def test_text_without_places_renders_as_itself(text):
    spans = phrases.render(phrases.parse(text), lambda _: ())
    assert "".join(s.text for s in spans) == text and not any(s.marked for s in spans)
