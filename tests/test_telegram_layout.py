"""Fitting replies into Telegram: message length in UTF-16 units, 64-byte callback data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat.message_split import utf16_len
from bot.transports.telegram.layout import keyboard, split_message
from flows.engine import Option


@given(st.text(min_size=1, max_size=20000))
def test_every_piece_fits_and_nothing_is_lost(text):
    pieces = split_message(text, 500)
    assert all(utf16_len(p) <= 500 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_a_short_reply_is_one_message():
    assert split_message("Câu 1/48 · I. Công tác chỉ đạo điều hành CCHC") == [
        "Câu 1/48 · I. Công tác chỉ đạo điều hành CCHC"
    ]


def test_long_review_splits_between_lines():
    lines = [f"III.2.{n} Số hồ sơ TTHC giải quyết đúng hạn: 785 Hồ sơ" for n in range(200)]
    pieces = split_message("\n".join(lines))
    assert len(pieces) > 1
    assert all(p.split("\n")[-1] in lines for p in pieces)


def test_emoji_count_double_and_are_never_cut_in_half():
    text = "📥" * 3000
    pieces = split_message(text)
    assert [utf16_len(p) for p in pieces] == [4096, 1904]


def test_coded_answers_get_a_row_each_and_short_actions_share_one():
    markup = keyboard(
        (
            Option("set:VII.2:0", "0 = Chưa có", "0"),
            Option("set:VII.2:1", "1 = 2 cấp", "1"),
            Option("skip:VII.2", "Bỏ qua"),
            Option("back:VII.2", "Quay lại"),
        )
    )
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [
        ["0 = Chưa có"],
        ["1 = 2 cấp"],
        ["Bỏ qua", "Quay lại"],
    ]


def test_callback_data_over_64_bytes_is_refused():
    with pytest.raises(ValueError, match="64 bytes"):
        keyboard((Option("x" * 65, "Bỏ qua"),))


def test_longest_real_callback_data_fits():
    assert len(b"pick:VII.5.3.3:1") <= 64


def test_the_same_options_give_the_same_keyboard_whose_json_is_ptbs_own():
    options = (Option("skip:III.2.1", "Bỏ qua"), Option("back:III.2.1", "Quay lại"))
    markup = keyboard(options)
    assert keyboard(tuple(options)) is markup
    plain = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Bỏ qua", callback_data="skip:III.2.1"),
                InlineKeyboardButton("Quay lại", callback_data="back:III.2.1"),
            ]
        ]
    )
    assert markup is not None and markup.to_dict() == plain.to_dict()
    markup.to_dict()["inline_keyboard"] = []  # a caller's change stays in its own copy
    assert markup.to_dict() == plain.to_dict()
