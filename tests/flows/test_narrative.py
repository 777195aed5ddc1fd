"""The commune's narrative draft, built purely from seed 000's figures (Xã Sơn Trung, Quý III/2024).

Seed 000's own text says 35/37 = 94,59 % while its appendix prints 90,9: the draft is written
from the parts, so it can print only the first.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bot.transports.console.demo import SON_TRUNG_2024_Q3, SON_TRUNG_NOTES, seed_values
from flows import catalog, narrative_sentences
from flows.draft_document import Draft, RowKind, Style
from flows.narrative import UnitFigures, unit_draft

XA = catalog.load("xa")
SEED = {code: answer.value for code, answer in seed_values(SON_TRUNG_2024_Q3).items()}


def draft(values=None, **changes) -> Draft:
    figures = UnitFigures(
        template=changes.pop("template", XA),
        unit_name="Xã Sơn Trung",
        period=changes.pop("period", "2024-Q3"),
        values=SEED if values is None else values,
        notes=changes.pop("notes", SON_TRUNG_NOTES),
        superior="Huyện Sơn Hà",
        superior_level="huyen",
        **changes,
    )
    return unit_draft(figures)


def texts(d: Draft) -> list[str]:
    return [p.text for p in d.body]


def sentence_with(d: Draft, fragment: str) -> str:
    found = [t for t in texts(d) if fragment in t]
    assert len(found) == 1, (fragment, found)
    return found[0]


def with_(**figures: int) -> dict:
    return {**SEED, **{code.replace("_", "."): Decimal(v) for code, v in figures.items()}}


# --- sentences from the figures ------------------------------------------------------------------
def test_the_plan_is_written_with_its_tasks_and_the_ratio_they_make():
    assert sentence_with(draft(), "Kế hoạch CCHC") == (
        "- Kế hoạch CCHC năm 2024 đề ra 37 nhiệm vụ, đã hoàn thành 35 nhiệm vụ, đạt 94,59 %."
    )


def test_a_stored_ratio_that_disagrees_with_its_parts_is_never_printed():
    slipped = {**SEED, "I.2": Decimal("90.9")}  # seed 000's appendix
    d = draft(slipped)
    assert "đạt 94,59 %" in sentence_with(d, "Kế hoạch CCHC")
    printed = [*texts(d), *(c for row in d.appendix.rows for c in row.cells)]
    assert not [t for t in printed if "90,9" in t]


def test_the_procedures_are_written_with_both_counts_and_the_ratio():
    assert sentence_with(draft(), "hồ sơ TTHC đã giải quyết xong") == (
        "- Tổng số hồ sơ TTHC đã giải quyết xong là 790 hồ sơ, trong đó giải quyết đúng hạn "
        "785 hồ sơ, đạt tỷ lệ 99,37 %."
    )


def test_parts_a_sentence_has_spoken_of_are_not_written_again():
    written = texts(draft())
    assert not [t for t in written if t.startswith("- Số nhiệm vụ đề ra trong kế hoạch")]
    assert not [t for t in written if t.startswith("- Số hồ sơ TTHC giải quyết đúng hạn")]


def test_a_row_without_a_phrase_is_written_plainly():
    assert sentence_with(draft(), "Kiến trúc chính quyền điện tử") == (
        "- Cập nhật Kiến trúc chính quyền điện tử phiên bản mới nhất: hoàn thành."
    )


def test_amounts_are_written_the_vietnamese_way_with_their_unit():
    assert sentence_with(draft(), "vốn đầu tư công") == (
        "- Kế hoạch vốn đầu tư công được giao là 5.404 triệu đồng, đã giải ngân 4.318,9 triệu "
        "đồng, đạt 79,92 % kế hoạch vốn."
    )


def test_counts_under_ten_have_the_leading_zero_of_administrative_writing():
    assert "đối với 02 ngành, công chức chuyên môn" in sentence_with(draft(), "kiểm tra công tác")


def test_a_ratio_whose_whole_is_zero_leaves_its_parts_to_plain_sentences():
    d = draft()  # seed 000: no issue found in inspections (0 of 0)
    assert "- Số vấn đề phát hiện qua kiểm tra: 0 vấn đề." in texts(d)
    assert "- Số vấn đề phát hiện đã xử lý xong: 0 vấn đề." in texts(d)
    assert not [t for t in texts(d) if "Qua kiểm tra" in t]


# --- last period ---------------------------------------------------------------------------------
def test_a_count_is_compared_with_last_quarter():
    d = draft(previous=with_(III_2_2=778, III_2_3=770), previous_period="2024-Q2")
    assert "là 790 hồ sơ, tăng 12 hồ sơ so với quý II, trong đó" in sentence_with(d, "790")


def test_a_fall_is_written_as_such_and_a_ratio_moves_in_percentage_points():
    d = draft(previous=with_(I_2_1=37, I_2_2=36), previous_period="2024-Q2")
    assert sentence_with(d, "Kế hoạch CCHC").endswith(
        "đạt 94,59 %, giảm 2,71 điểm phần trăm so với quý II."  # 36/37 = 97,30 % before
    )


def test_an_unchanged_figure_says_it_is_the_same_as_last_quarter():
    d = draft(previous=SEED, previous_period="2024-Q2")
    assert sentence_with(d, "Tổng số TTHC cấp xã").endswith("là 215 thủ tục, bằng quý II.")


def test_last_period_of_another_year_is_named_with_its_year():
    d = draft(period="2025-Q1", previous=with_(III_1=200), previous_period="2024-Q4")
    assert "tăng 15 thủ tục so với quý IV năm 2024" in sentence_with(d, "Tổng số TTHC cấp xã")


def test_without_last_period_nothing_is_compared():
    assert not [t for t in texts(draft()) if "so với quý" in t]


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_the_comparison_states_the_exact_difference(now, before):
    d = draft(previous=with_(III_1=before), previous_period="2024-Q2", values=with_(III_1=now))
    said = sentence_with(d, "Tổng số TTHC cấp xã")
    if now == before:
        assert said.endswith(", bằng quý II.")
        return
    word, amount = said.split(", ")[-1].split(" ")[:2]
    assert word == ("tăng" if now > before else "giảm")
    assert Decimal(amount.replace(".", "")) == abs(now - before)


# --- what the officer writes ---------------------------------------------------------------------
def test_a_figure_not_given_is_a_marked_place_that_keeps_its_unit():
    first = next(p for p in draft().body if "chỉ đạo, điều hành công tác CCHC" in p.text)
    assert first.text == "- Số văn bản chỉ đạo, điều hành công tác CCHC đã ban hành là […] văn bản."
    assert first.marked == ("[…]",)  # I.1 is blank in seed 000


def test_the_note_is_placed_under_its_indicators_sentence():
    body = draft().body
    at = next(i for i, p in enumerate(body) if "02 ngành, công chức chuyên môn" in p.text)
    assert (body[at + 1].text, body[at + 1].style) == ("Ghi chú: VHXH, TP-HT", Style.NOTE)


def test_a_note_on_a_part_goes_under_the_sentence_that_spoke_of_it():
    body = draft(notes={"III.2.3": "05 hồ sơ trễ hạn đã có thư xin lỗi"}).body
    at = next(i for i, p in enumerate(body) if "785 hồ sơ" in p.text)
    assert body[at + 1].text == (
        "Ghi chú về số hồ sơ TTHC giải quyết đúng hạn: 05 hồ sơ trễ hạn đã có thư xin lỗi"
    )


def test_each_section_closes_with_a_marked_place_for_the_officer():
    d = draft()
    hints = [p for p in d.body if p.marked == (p.text,) and "lĩnh vực này" in p.text]
    assert len(hints) == len(XA.sections)


def test_assessment_proposals_and_next_tasks_are_marked_places_for_the_officer():
    d = draft()
    for heading in (
        "1. Những kết quả tích cực đã đạt được",
        "2. Tồn tại, hạn chế và nguyên nhân",
        "III. KIẾN NGHỊ, ĐỀ XUẤT",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2024",
    ):
        after = d.body[texts(d).index(heading) + 1]
        assert after.marked == (after.text,) and after.text.startswith("["), heading


def test_the_tasks_ahead_of_the_last_quarter_are_next_years_first():
    assert draft(period="2024-Q4").headings[-1].endswith("QUÝ I NĂM 2025")


# --- the shape of the document -------------------------------------------------------------------
def test_every_section_of_the_form_is_a_numbered_heading_after_the_results_heading():
    assert draft().headings == (
        "I. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
        "1. Công tác chỉ đạo điều hành CCHC",
        "2. Cải cách thể chế",
        "3. Cải cách thủ tục hành chính",
        "4. Cải cách tổ chức bộ máy",
        "5. Cải cách chế độ công vụ",
        "6. Cải cách tài chính công",
        "7. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        "II. ĐÁNH GIÁ CHUNG",
        "1. Những kết quả tích cực đã đạt được",
        "2. Tồn tại, hạn chế và nguyên nhân",
        "III. KIẾN NGHỊ, ĐỀ XUẤT",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2024",
    )


def test_the_letterhead_names_the_commune_and_leaves_number_and_date_to_the_signer():
    head = draft().letterhead
    assert head.issuer == ("ỦY BAN NHÂN DÂN", "XÃ SƠN TRUNG")
    assert (head.nation, head.motto) == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    )
    assert head.number == "Số:        /BC-UBND"
    assert head.place_date == "Sơn Trung, ngày …… tháng …… năm ……"


def test_the_report_goes_to_the_district_and_its_home_affairs_office():
    d = draft()
    assert [p.text for p in d.recipients] == [
        "- UBND huyện Sơn Hà;",
        "- Phòng Nội vụ;",
        "- […];",
        "- Lưu: VT.",
    ]
    assert texts(d)[-1].endswith(
        "kính báo cáo UBND huyện Sơn Hà, Phòng Nội vụ theo dõi, chỉ đạo./."
    )


def test_rows_the_commune_is_not_asked_are_not_written():
    province_row = XA.by_code["VII.5.1.1"].label
    assert not [t for t in texts(draft()) if province_row in t]


def test_a_row_whose_condition_does_not_hold_is_not_written():
    huyen = catalog.load("huyen")
    values = {"I.6": 0, "I.6.1": Decimal(120)}  # no survey held: its count is not asked
    written = texts(draft(values, template=huyen, notes={}))
    assert not [t for t in written if huyen.by_code["I.6.1"].label in t]


# --- the appendix --------------------------------------------------------------------------------
def test_the_appendix_has_every_row_of_the_template_in_order():
    rows = draft().appendix.rows
    indicators = [r.cells[:2] for r in rows if r.kind in (RowKind.ROW, RowKind.GROUP)]
    assert indicators == [(i.stt, i.label) for i in XA.indicators]
    sections = [r.cells[:2] for r in rows if r.kind is RowKind.SECTION]
    assert sections == [(s.code, s.label) for s in XA.sections]


def test_the_appendix_prints_the_same_figures_as_the_spreadsheet():
    cells = {r.cells[0] + " " + r.cells[1]: r.cells[3] for r in draft().appendix.rows}
    assert cells["2 " + XA.by_code["I.2"].label] == "94,59"
    assert cells["2.2 " + XA.by_code["III.2.2"].label] == "790"
    assert cells["1.2 Đã thực hiện"] == "4.318,9"
    assert cells["2 Xây dựng và vận hành Hệ thống họp trực tuyến"] == "2"


def test_the_appendix_is_attached_to_the_report_by_its_title():
    appendix = draft().appendix
    assert appendix.title == (
        "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2024 CỦA XÃ SƠN TRUNG"
    )
    assert appendix.attached.startswith("(Kèm theo Báo cáo số")
    assert appendix.attached.endswith("của UBND xã Sơn Trung)")


def test_figures_in_words_keep_the_forms_units_in_lower_case():
    ind = XA.by_code["VI.1.2"]
    assert narrative_sentences.value_words(ind, Decimal("2192.898")) == "2.192,898 triệu đồng"
