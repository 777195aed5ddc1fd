"""The officer's conversation, specified through the pure engine with seed 000's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from engine_states import NOW, XA, at, report

from flows import catalog
from flows.engine import (
    Answer,
    Command,
    Press,
    Report,
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
    assert "Đã trả lời 0/48 câu" in text


def test_start_button_asks_the_first_question():
    state, _ = say(at(None), "/baocao")
    state, text = press(state, "start")
    assert state.session.code == "I.1"
    assert text.startswith("Câu 1/48 · I. Công tác chỉ đạo điều hành CCHC")
    assert "I.1  Số văn bản chỉ đạo CCHC đã ban hành (Văn bản)" in text


def test_question_shows_last_period_value():
    rep = report(previous={"III.2.2": Decimal(812)})
    _, text = say(at("III.2.2", rep), "/sua III.2.2")
    assert "Câu 13/48 · III. Cải cách thủ tục hành chính" in text
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
    assert "Câu 3/48" in text


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
    assert "Hãy nhập một số, ví dụ 1.234 hoặc 0" in text  # an example of a count, not a ratio
    assert state.report.value("I.1") is None


def test_count_must_be_whole():
    _, text = say(at("I.1"), "2,5")
    assert "phải là số nguyên" in text


def test_negative_figure_is_rejected():
    _, text = say(at("I.1"), "-3")
    assert "không được âm" in text


def test_entered_ratio_must_stay_within_0_and_100():
    _, text = say(at("VII.3"), "120")
    assert "Tỷ lệ phải từ 0 đến 100 (anh/chị nhập 120)" in text


def test_entered_ratio_accepts_percent_sign_and_decimal_dot():
    state, _ = say(at("VII.3"), "99.37%")
    assert state.report.value("VII.3") == Decimal("99.37")


def test_vietnamese_amount_with_thousands_and_decimals():
    state, _ = say(at("VI.1.2"), "4.318,9")
    assert state.report.value("VI.1.2") == Decimal("4318.9")


def test_an_amount_with_a_lone_dot_is_read_the_vietnamese_way():
    state, text = say(at("VI.1.1"), "5.404")
    assert state.report.value("VI.1.1") == Decimal(5404)
    assert "✓ Đã lưu VI.1.1: 5.404 Triệu đồng" in text


def test_a_lone_dot_is_asked_about_when_last_period_was_near_the_other_reading():
    state, text = say(at("VI.1.1", report(previous={"VI.1.1": Decimal("5.2")})), "5.404")
    assert state.report.value("VI.1.1") is None
    assert "• 5.404 Triệu đồng: năm nghìn bốn trăm lẻ bốn" in text
    assert "• 5,404 Triệu đồng: năm phẩy bốn trăm lẻ bốn" in text
    assert [(o.key, o.label) for o in prompt(state).options] == [
        ("1", "5.404 Triệu đồng"),
        ("2", "5,404 Triệu đồng"),
    ]
    state, _ = press(state, "pick:VI.1.1:1")
    assert state.report.value("VI.1.1") == Decimal("5.404")


def test_a_lone_dot_is_asked_about_when_the_vietnamese_reading_breaks_a_rule():
    # VI.1.2 (đã thực hiện) is at most VI.1.1 (kế hoạch): 4.318 thousand cannot be right.
    rep = report({"VI.1.1": Answer(Decimal("5.404"))})
    _, text = say(at("VI.1.2", rep), "4.318")
    assert "• 4.318 Triệu đồng: bốn nghìn ba trăm mười tám" in text
    assert "• 4,318 Triệu đồng: bốn phẩy ba trăm mười tám" in text


def test_a_ratio_with_a_lone_dot_is_confirmed_in_words():
    state, text = say(at("VII.3"), "99.370")
    assert "Có phải anh/chị muốn nhập 99,37 % (chín mươi chín phẩy ba mươi bảy)?" in text
    state, _ = press(state, "pick:VII.3:0")
    assert state.report.value("VII.3") == Decimal("99.37")


def test_a_count_with_a_thousands_comma_offers_the_figure_in_one_tap():
    state, text = say(at("III.2.2"), "1,242")
    assert "Có phải anh/chị muốn nhập 1.242 Hồ sơ (một nghìn hai trăm bốn mươi hai)?" in text
    state, _ = say(state, "1")
    assert state.report.value("III.2.2") == Decimal(1242)


@pytest.mark.parametrize(
    ("code", "typed", "value"),
    [
        ("III.2.2", "1.242 hồ sơ", "1242"),
        ("VII.3", "99,37 %", "99.37"),
        ("VI.1.1", "5.404 triệu đồng", "5404"),
        ("VI.1.1", "5.404 tr", "5404"),
        ("IV.2.1", "3 người", "3"),
        ("III.2.5", "4 PAKN", "4"),
    ],
)
def test_a_figure_followed_by_its_unit_is_read(code, typed, value):
    state, _ = say(at(code), typed)
    assert state.report.value(code) == Decimal(value)


def test_a_figure_followed_by_another_word_is_not_guessed():
    state, text = say(at("III.2.2"), "1.242 người")
    assert state.report.value("III.2.2") is None
    assert "Chưa hiểu số liệu này" in text


def test_an_acronym_unit_keeps_its_case_in_messages():
    _, text = say(at("III.2.5"), "2,5")
    assert "Số PAKN phải là số nguyên" in text


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
def test_review_opens_with_progress_and_what_is_missing_then_the_sections():
    state, _ = say(at("III.2.2"), "790", "785")
    state, _ = press(state, "skip:III.2.5")
    _, replies = step(state, Command("xem"), NOW)
    texts_ = [r.text for r in replies]
    assert texts_[0].startswith("Xã Sơn Trung · Quý III/2024\nĐã trả lời 2/48 câu, bỏ qua 1.")
    assert "Còn 45 câu chưa nhập: I.1, I.2.1" in texts_[0]
    section = next(t for t in texts_ if t.startswith("【III. Cải cách thủ tục hành chính】 3/5"))
    ratio_line = next(line for line in section.splitlines() if line.startswith("III.2.1 "))
    assert ratio_line == "III.2.1 Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp…: 99,37 %"
    assert "III.1 Số TTHC cấp xã (Bao gồm cả TTHC của cơ…: — chưa nhập" in section
    assert "III.2.4 Tỷ lệ giải quyết phản ánh, kiến nghị…: chưa đủ số liệu" in section


def test_review_says_a_ratio_is_empty_only_when_its_denominator_is_zero():
    state, _ = say(at("III.2.5"), "0", "0")
    _, replies = step(state, Command("xem", "III"), NOW)
    assert "III.2.4 Tỷ lệ giải quyết phản ánh, kiến nghị…: để trống (mẫu số bằng 0)" in (
        replies[1].text
    )


def test_review_of_one_section():
    _, replies = step(at("I.1"), Command("xem", "vi"), NOW)
    assert "Còn 3 câu chưa nhập: VI.1.1, VI.1.2, VI.2" in replies[0].text
    assert replies[1].text.startswith("【VI. Cải cách tài chính công】 0/3")
    assert len(replies) == 3


def test_review_shows_rows_a_commune_does_not_answer_as_such():
    _, replies = step(at("I.1"), Command("xem", "VII"), NOW)
    assert "VII.5.1.1 Tỷ lệ sở, ngành đã kết nối, liên thông…: không áp dụng cho cấp xã" in (
        replies[1].text
    )


def test_submit_asks_for_confirmation_then_submits():
    state, text = say(at("I.1"), "/nop")
    assert "Nộp báo cáo Quý III/2024 của Xã Sơn Trung?" in text
    assert "Còn 48 câu chưa nhập sẽ để trống" in text
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
    answers |= {code: Answer(Decimal(1)) for code in ("I.1", "II.1", "II.2", "II.3")}
    state, text = say(at("VII.6.5.2", report(answers)), "51")
    assert "✓ Đã đi hết 48 câu: trả lời 5, bỏ qua 43." in text
    assert state.session.code is None


def test_the_end_never_says_all_answered_when_some_were_skipped():
    answers = {i.code: Answer(skipped=True) for i in XA.asked}
    _, text = say(at("VII.6.5.2", report(answers)), "51")
    assert "trả lời 1, bỏ qua 47" in text
    assert "đủ" not in text


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
    assert text.startswith("Câu 13/48")
    state, text = press(state, "nop")
    assert "Nộp báo cáo Quý III/2024" in text


def test_typing_a_navigation_word_is_not_taken_as_an_answer():
    state, text = say(at("III.2.2"), "/xem", "tiếp tục")
    assert "III.2.2" not in state.report.answers
    assert text.startswith("Câu 13/48")


def test_question_is_marked_as_awaiting_a_typed_value():
    assert prompt(at("I.1")).asks
    assert not prompt(at(None)).asks


def test_xuat_asks_for_the_units_appendix():
    _, replies = step(at("I.1"), Command("xuat"), NOW)
    assert [r.attachment for r in replies] == ["appendix"]


def test_submitting_sends_the_appendix_back_then_the_draft_of_the_report():
    state, _ = say(at("I.1"), "/nop")
    _, replies = step(state, Press("submit"), NOW)
    assert [r.attachment for r in replies if r.attachment] == ["appendix", "draft"]


def test_a_submitted_report_can_still_be_downloaded():
    state = at("I.1", report(status="submitted", submitted_at=NOW))
    _, replies = step(state, Command("xuat"), NOW)
    assert replies[0].attachment == "appendix"


# --- the conversation as a person finds it (issue: the officer's conversation)
def test_going_back_from_the_first_question_says_so_and_shows_it_again():
    state, text = say(at("I.1"), "quay lại")
    assert text.startswith("Đây là câu đầu tiên.")
    assert "I.1  Số văn bản chỉ đạo CCHC đã ban hành" in text
    assert "Chưa hiểu" not in text
    assert state.session.code == "I.1"


def test_a_note_right_after_an_answer_goes_to_the_indicator_just_answered():
    state, _ = say(at("I.1"), "3")
    state, text = say(state, "/ghichu theo Kế hoạch 12/KH-UBND")
    assert state.report.answers["I.1"].note == "theo Kế hoạch 12/KH-UBND"
    assert text.startswith("✓ Đã ghi chú cho I.1 Số văn bản chỉ đạo CCHC đã ban hành:")
    assert "I.2.1  Số nhiệm vụ đề ra trong kế hoạch" in text  # the open question again


def test_a_note_goes_to_the_question_on_screen_once_the_officer_is_on_it():
    state, _ = say(at("I.1"), "3", "abc")  # already typing on I.2.1
    state, _ = say(state, "/ghichu chưa có kế hoạch")
    assert state.report.answers["I.2.1"].note == "chưa có kế hoạch"
    assert state.report.answers["I.1"].note is None


def test_a_note_can_name_its_indicator_and_be_removed():
    state, text = say(at("I.1"), "/ghichu III.2.3 gồm hồ sơ liên thông")
    assert state.report.answers["III.2.3"].note == "gồm hồ sơ liên thông"
    assert "✓ Đã ghi chú cho III.2.3 Số hồ sơ TTHC giải quyết đúng hạn" in text
    state, text = say(state, "/ghichu III.2.3 -")
    assert state.report.answers["III.2.3"].note is None
    assert "✓ Đã xóa ghi chú của III.2.3" in text
    _, text = say(state, "/ghichu III.2.3 -")
    assert "III.2.3 Số hồ sơ TTHC giải quyết đúng hạn chưa có ghi chú nào để xóa." in text


def test_the_note_usage_and_help_say_how_to_remove_a_note():
    _, usage = say(at("I.1"), "/ghichu")
    _, help_text = say(at("I.1"), "/trogiup")
    assert "/ghichu -" in usage and "/ghichu -" in help_text


@pytest.mark.parametrize("line", ["/trogiup", "/khongco", "abc"])
def test_after_a_message_that_is_not_an_answer_the_question_is_shown_again(line):
    _, replies = step(at("VII.2"), parse_event(line), NOW)
    [reply] = replies
    assert "VII.2  Mức độ triển khai" in reply.text or "VII.2  " in reply.text
    assert [o.id for o in reply.options][:3] == ["set:VII.2:0", "set:VII.2:1", "set:VII.2:2"]


def test_the_input_hint_comes_once_per_section_not_under_every_question():
    state, first = say(at(None), "/sua I.1")
    assert "Nhập số nguyên" in first
    _, second = say(state, "3")
    assert "Nhập số nguyên" not in second  # I.2.1 is a count like I.1, in the same section


def test_last_period_is_not_said_twice_when_a_button_offers_it():
    state = at("III.1", report(previous={"III.1": Decimal(215)}))
    reply = prompt(state)
    assert "Kỳ trước" not in reply.text
    assert "Giữ như kỳ trước: 215 Thủ tục" in [o.label for o in reply.options]


def test_a_refused_choice_lists_its_codes_once():
    _, replies = step(at("VII.2"), Text("7"), NOW)
    [reply] = replies
    assert "0 = Chưa có" not in reply.text  # the choices below say it
    assert "0 = Chưa có" in [o.label for o in reply.options]


def test_a_label_that_means_little_alone_shows_its_parent():
    _, text = say(at(None), "/sua VI.1.2")
    assert "VI.1.2  Tỷ lệ thực hiện Kế hoạch giải ngân vốn đầu tư công — Đã thực hiện" in text
    rep = report({"VI.1.1": Answer(Decimal(10))})
    _, text = say(at("VI.1.2", rep), "12")
    assert "— Đã thực hiện (12) không thể lớn hơn" in text


def test_rows_a_commune_cannot_answer_are_not_asked():
    asked = {i.code for i in XA.asked}
    assert {"VII.5.1.1", "VII.5.2.1", "VII.5.2.2", "VII.5.3.1", "VII.5.3.2"}.isdisjoint(asked)
    assert "VII.5.1.1" in XA.by_code  # still a row of the appendix


def test_staff_present_above_the_quota_is_confirmed_not_refused():
    rep = report({"IV.2.1": Answer(Decimal(20))})
    state, text = say(at("IV.2.2", rep), "22")
    assert "⚠ Tổng số biên chế có mặt tại thời điểm báo cáo (22 Người) lớn hơn" in text
    state, _ = say(state, "1")
    assert state.report.value("IV.2.2") == Decimal(22)


def test_a_submitted_report_names_whom_to_ask_to_return_it():
    rep = report(status="submitted", reviewer="người duyệt của Huyện Sơn Hà (Nguyễn Văn Chi)")
    _, text = say(at("I.1", rep), "3")
    assert "hãy đề nghị người duyệt của Huyện Sơn Hà (Nguyễn Văn Chi) trả lại" in text


# --- conditions and rules the forms need
HUYEN = catalog.load("huyen")


def huyen_at(code: str, answers: dict[str, Answer] | None = None) -> State:
    rep = Report(HUYEN, "Huyện Sơn Hà", "Quý III/2024", date(2024, 9, 20), answers or {})
    return at(code, rep)


def test_rows_asked_on_a_condition_are_skipped_while_it_does_not_hold():
    state, _ = say(huyen_at("I.6"), "0")  # no survey held
    assert state.session.code == "I.7"
    assert "I.6.1" not in state.report.missing() and "I.6.2" not in state.report.missing()


def test_rows_asked_on_a_condition_follow_once_it_holds():
    state, _ = say(huyen_at("I.6"), "1")
    assert state.session.code == "I.6.1"
    assert "I.6.1" in state.report.missing()


def test_a_row_whose_condition_does_not_hold_cannot_be_jumped_to():
    state, text = say(huyen_at("I.6", {"I.6": Answer(0)}), "/sua I.6.1")
    assert "I.6.1 chỉ hỏi khi I.6 = 1" in text
    assert state.session.code == "I.6"


def test_parts_together_never_exceed_their_whole():
    answers = {"I.5.1": Answer(Decimal(10)), "I.5.2": Answer(Decimal(6))}
    state, text = say(huyen_at("I.5.3", answers), "5")
    assert "không thể lớn hơn tổng số nhiệm vụ được giao (10)" in text
    assert state.report.value("I.5.3") is None
    state, _ = say(state, "4")
    assert state.report.value("I.5.3") == Decimal(4)
