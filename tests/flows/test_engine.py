"""The officer's conversation, specified through the pure engine with seed 000's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from engine_states import NOW, XA, at, report

from flows.engine import (
    Answer,
    Command,
    Press,
    Session,
    State,
    Text,
    parse_event,
    prompt,
    step,
)


def say(state: State, *lines: str) -> tuple[State, str]:
    """Type lines one after the other; returns the final state and the last reply's text."""
    text = ""
    for line in lines:
        state, replies = step(state, parse_event(line), NOW)
        text = "\n".join(r.text for r in replies)
    return state, text


def press(state: State, option_id: str) -> tuple[State, str]:
    state, replies = step(state, Press(option_id), NOW)
    return state, "\n".join(r.text for r in replies)


def option_ids(state: State) -> list[str]:
    return [o.id for o in prompt(state).options]


# --- starting and asking
def test_baocao_greets_with_period_deadline_and_time_left():
    _, text = say(at(None), "/baocao")
    assert "Xã Sơn Trung — báo cáo CCHC Quý III/2024" in text
    assert "Hạn nộp 20/09/2024 (còn 2 ngày)" in text
    assert "Đã trả lời 0/53 câu" in text


def test_start_button_asks_the_first_question():
    state, _ = say(at(None), "/baocao")
    state, text = press(state, "start")
    assert state.session.code == "I.1"
    assert text.startswith("Câu 1/53 · I. Công tác chỉ đạo điều hành CCHC")
    assert "I.1  Số văn bản chỉ đạo CCHC đã ban hành (Văn bản)" in text


def test_question_shows_last_period_value():
    rep = report(previous={"III.2.2": Decimal(812)})
    _, text = say(at("III.2.2", rep), "/sua III.2.2")
    assert "Câu 13/53 · III. Cải cách thủ tục hành chính" in text
    assert "Kỳ trước: 812 Hồ sơ" in text


def test_coded_indicator_offers_its_codes_as_choices():
    state = at("VII.2")
    labels = [(o.key, o.label) for o in prompt(state).options]
    assert labels[:3] == [("0", "0 = Chưa có"), ("1", "1 = 2 cấp"), ("2", "2 = 3 cấp")]


def test_carry_over_indicator_offers_keeping_last_period_value():
    state = at("III.1", report(previous={"III.1": Decimal(215)}))
    assert "Giữ như kỳ trước: 215 Thủ tục" in [o.label for o in prompt(state).options]
    state, text = press(state, "keep:III.1")
    assert state.report.value("III.1") == Decimal(215)
    assert "✓ Đã lưu III.1: 215 Thủ tục" in text


def test_flow_indicator_does_not_offer_keeping_last_period_value():
    state = at("III.2.2", report(previous={"III.2.2": Decimal(812)}))
    assert not any(i.startswith("keep:") for i in option_ids(state))


# --- answering
def test_an_answer_is_saved_and_the_next_question_follows():
    state, text = say(at("I.2.1"), "37")
    assert state.report.value("I.2.1") == Decimal(37)
    assert "✓ Đã lưu I.2.1: 37 Nhiệm vụ" in text
    assert state.session.code == "I.2.2"
    assert "Câu 3/53" in text


def test_ratio_is_announced_as_soon_as_its_parts_are_known():
    state, text = say(at("III.2.2"), "790", "785")
    assert (
        "→ III.2.1 Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn: 99,37 %"
        in text
    )
    assert state.report.value("III.2.1") == Decimal("99.37")


def test_plan_completion_ratio_is_computed_not_copied_from_the_seed():
    state, text = say(at("I.2.1"), "37", "35")
    assert state.report.value("I.2") == Decimal("94.59")
    assert "94,59 %" in text


def test_ratio_with_zero_denominator_is_left_empty():
    state, text = say(at("I.3.2.1"), "0", "0")
    assert state.report.value("I.3.2") is None
    assert "→ I.3.2 Tỷ lệ xử lý các vấn đề phát hiện qua kiểm tra: để trống (mẫu số bằng 0)" in text


def test_computed_ratio_is_never_asked():
    asked = [i.code for i in XA.asked]
    assert "III.2.1" not in asked and "I.2" not in asked


def test_part_above_whole_is_rejected_naming_both_figures():
    state, text = say(at("III.2.2"), "790", "800")
    assert text.startswith(
        "✗ Số hồ sơ TTHC giải quyết đúng hạn (800) không thể lớn hơn "
        "tổng số hồ sơ TTHC đã giải quyết xong (790). Nhập lại."
    )
    assert state.report.value("III.2.3") is None
    assert state.session.code == "III.2.3"


def test_lowering_a_whole_below_its_part_is_rejected():
    state, _ = say(at("III.2.2"), "790", "785")
    state, text = say(state, "/sua III.2.2", "700")
    assert "(700) không thể nhỏ hơn số hồ sơ TTHC giải quyết đúng hạn (785) đã nhập" in text
    assert state.report.value("III.2.2") == Decimal(790)


def test_text_that_is_not_a_number_gets_a_message_saying_what_to_type():
    state, text = say(at("I.1"), "abc")
    assert "Hãy nhập một số, ví dụ 8.803 hoặc 99,37" in text
    assert state.report.value("I.1") is None


def test_count_must_be_whole():
    _, text = say(at("I.1"), "2,5")
    assert "phải là số nguyên" in text


def test_negative_figure_is_rejected():
    _, text = say(at("I.1"), "-3")
    assert "không được âm" in text


def test_entered_ratio_must_stay_within_0_and_100():
    _, text = say(at("VII.3"), "120")
    assert "Tỷ lệ phải từ 0 đến 100 (bạn nhập 120)" in text


def test_entered_ratio_accepts_percent_sign_and_decimal_dot():
    state, _ = say(at("VII.3"), "99.37%")
    assert state.report.value("VII.3") == Decimal("99.37")


def test_vietnamese_amount_with_thousands_and_decimals():
    state, _ = say(at("VI.1.2"), "4.318,9")
    assert state.report.value("VI.1.2") == Decimal("4318.9")


def test_amount_with_a_lone_dot_asks_which_reading_is_meant():
    state, text = say(at("VI.1.1"), "5.404")
    assert "5.404 hoặc 5,404" in text
    state, text = press(state, "pick:VI.1.1:0")
    assert state.report.value("VI.1.1") == Decimal(5404)


def test_typed_choice_code_answers_a_coded_indicator():
    state, text = say(at("VII.2"), "2")
    assert state.report.value("VII.2") == 2
    assert "✓ Đã lưu VII.2: 2 — 3 cấp" in text


def test_typed_choice_label_answers_a_coded_indicator():
    state, _ = say(at("VII.4"), "đang làm")
    assert state.report.value("VII.4") == 1


def test_far_from_last_period_asks_to_confirm():
    state = at("III.2.2", report(previous={"III.2.2": Decimal(790)}))
    state, text = say(state, "7900")
    assert "⚠ 7.900 Hồ sơ khác xa kỳ trước (790 Hồ sơ)" in text
    assert state.report.value("III.2.2") is None
    state, _ = press(state, "ok:III.2.2")
    assert state.report.value("III.2.2") == Decimal(7900)


def test_retyping_after_a_soft_warning_replaces_the_value():
    state = at("III.2.2", report(previous={"III.2.2": Decimal(790)}))
    state, _ = say(state, "7900", "790")
    assert state.report.value("III.2.2") == Decimal(790)


# --- skip, back, jump, note
def test_skip_leaves_the_value_empty_and_moves_on():
    state, text = say(at("I.1"), "bỏ qua")
    assert state.report.answers["I.1"].skipped
    assert state.report.value("I.1") is None
    assert state.session.code == "I.2.1"
    assert "Đã bỏ qua" in text


def test_back_returns_to_the_previous_question_showing_its_value():
    state, _ = say(at("I.2.1"), "37")
    state, text = press(state, "back:I.2.2")
    assert state.session.code == "I.2.1"
    assert "Hiện tại: 37 Nhiệm vụ" in text


def test_first_question_has_no_back():
    assert "back:I.1" not in option_ids(at("I.1"))


def test_sua_jumps_to_an_indicator():
    state, text = say(at("I.1"), "/sua iii.2.3")
    assert state.session.code == "III.2.3"
    assert "III.2.3  Số hồ sơ TTHC giải quyết đúng hạn" in text


def test_sua_on_a_computed_ratio_goes_to_its_parts():
    state, text = say(at("I.1"), "/sua III.2.1")
    assert "được tính tự động từ III.2.2, III.2.3" in text
    assert state.session.code == "III.2.2"


def test_sua_with_unknown_code_says_so():
    state, text = say(at("I.1"), "/sua IX.9")
    assert "Không có chỉ tiêu “IX.9”" in text
    assert state.session.code == "I.1"


def test_after_an_edit_the_next_question_is_the_first_unanswered():
    state, _ = say(at("I.1"), "3", "37", "35")
    state, _ = say(state, "/sua I.1", "4")
    assert state.report.value("I.1") == Decimal(4)
    assert state.session.code == "I.3.1"


def test_ghichu_notes_the_current_indicator():
    state, text = say(at("I.3.1"), "/ghichu VHXH, TP-HT")
    assert state.report.answers["I.3.1"].note == "VHXH, TP-HT"
    assert "Đã ghi chú cho I.3.1" in text
    state, _ = say(state, "02")
    assert state.report.answers["I.3.1"] == Answer(Decimal(2), False, "VHXH, TP-HT")


def test_ghichu_dash_removes_the_note():
    state, _ = say(at("I.3.1"), "/ghichu VHXH", "/ghichu -")
    assert state.report.answers["I.3.1"].note is None


def test_stale_button_does_not_act_on_another_question():
    state = at("I.2.1")
    state, text = press(state, "skip:I.1")
    assert "Nút này thuộc câu hỏi cũ" in text
    assert "I.1" not in state.report.answers


# --- review and submit
def test_review_lists_sections_values_and_what_is_missing():
    state, _ = say(at("III.2.2"), "790", "785")
    _, replies = step(state, Command("xem"), NOW)
    texts_ = [r.text for r in replies]
    section = next(t for t in texts_ if t.startswith("【III. Cải cách thủ tục hành chính】 2/5"))
    ratio_line = next(line for line in section.splitlines() if line.startswith("III.2.1 "))
    assert ratio_line.startswith("III.2.1 Tỷ lệ hồ sơ TTHC do UBND cấp xã")
    assert ratio_line.endswith("…: 99,37 %")  # long labels are shortened on a phone screen
    assert "III.1 Số TTHC cấp xã" in section and "— chưa nhập" in section
    assert texts_[-1].startswith("Còn 51 câu chưa nhập: I.1, I.2.1")


def test_review_of_one_section():
    _, replies = step(at("I.1"), Command("xem", "vi"), NOW)
    assert replies[0].text.startswith("【VI. Cải cách tài chính công】 0/3")
    assert len(replies) == 2


def test_submit_asks_for_confirmation_then_submits():
    state, text = say(at("I.1"), "/nop")
    assert "Nộp báo cáo Quý III/2024 của Xã Sơn Trung?" in text
    assert "Còn 53 câu chưa nhập sẽ để trống" in text
    assert [o.label for o in prompt(state).options] == ["Xác nhận nộp", "Hủy"]
    state, text = press(state, "submit")
    assert state.report.status == "submitted"
    assert state.report.submitted_at == NOW
    assert "✓ Đã nộp báo cáo Quý III/2024 lúc" in text


def test_cancelled_submit_changes_nothing():
    state, _ = say(at("I.1"), "/nop", "2")
    assert state.report.status == "draft"


def test_submitted_report_cannot_be_changed():
    state = at("I.1", report(status="submitted", submitted_at=NOW))
    state, text = say(state, "5")
    assert "Báo cáo đã nộp" in text
    assert "I.1" not in state.report.answers


def test_returned_report_shows_the_reason_and_can_be_edited():
    state = at(None, report(status="returned", status_note="Sai số hồ sơ"))
    state, text = say(state, "/baocao")
    assert "Báo cáo đã bị trả lại để sửa. Lý do: Sai số hồ sơ" in text
    state, _ = press(state, "start")
    state, _ = say(state, "3")
    assert state.report.value("I.1") == Decimal(3)


def test_everything_answered_offers_submit():
    answers = {i.code: Answer(skipped=True) for i in XA.asked}
    state, text = say(at("VII.6.5.2", report(answers)), "51")
    assert "Đã trả lời đủ 53/53 câu" in text
    assert state.session.code is None


# --- events and session
@pytest.mark.parametrize(
    ("line", "event"),
    [
        ("/sua III.2.3", Command("sua", "III.2.3")),
        ("/baocao@cchc_bot", Command("baocao")),
        ("/ghichu  VHXH, TP-HT ", Command("ghichu", "VHXH, TP-HT")),
        ("785", Text("785")),
    ],
)
def test_typed_lines_become_events(line, event):
    assert parse_event(line) == event


def test_session_survives_json():
    state, _ = say(at("VI.1.1"), "5.404")
    assert Session.from_json(state.session.to_json()) == state.session


def test_review_footer_buttons_work_while_a_question_is_open():
    state, _ = say(at("III.2.2"), "/xem")
    state, text = press(state, "start")
    assert text.startswith("Câu 13/53")
    state, text = press(state, "nop")
    assert "Nộp báo cáo Quý III/2024" in text


def test_typing_a_navigation_word_is_not_taken_as_an_answer():
    state, text = say(at("III.2.2"), "/xem", "tiếp tục")
    assert "III.2.2" not in state.report.answers
    assert text.startswith("Câu 13/53")


def test_question_is_marked_as_awaiting_a_typed_value():
    assert prompt(at("I.1")).asks
    assert not prompt(at(None)).asks


def test_xuat_asks_for_the_units_appendix():
    _, replies = step(at("I.1"), Command("xuat"), NOW)
    assert [r.attachment for r in replies] == ["appendix"]


def test_submitting_sends_the_appendix_back():
    state, _ = say(at("I.1"), "/nop")
    _, replies = step(state, Press("submit"), NOW)
    assert replies[-1].attachment == "appendix"


def test_a_submitted_report_can_still_be_downloaded():
    state = at("I.1", report(status="submitted", submitted_at=NOW))
    _, replies = step(state, Command("xuat"), NOW)
    assert replies[0].attachment == "appendix"
