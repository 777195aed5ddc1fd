"""What the conversation service guarantees whatever arrives: order, clean input, no guessing.

Run on SQLite and PostgreSQL, through the same `Conversations.handle` every chat app calls.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from chat_officer import AN, OPENED, ZONE, Clock, Officer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.chat.conversations import Conversations, Sender
from bot.transports.console.demo import UNITS
from flows import texts
from flows.engine import Command, Press, Text
from storage.db import Store


@pytest.fixture
def officer(store: Store) -> Officer:
    return Officer(store)


def text(outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


# --- order
def test_a_skip_overtaken_by_the_next_figure_is_put_back_before_it(officer: Officer) -> None:
    # On I.1 the officer presses "Bỏ qua" (update 2001) and types 37 for I.2.1 (update 2002);
    # 2002 reaches the bot first and is applied where the officer then was: I.1.
    first = officer.send(Text("37"), seq=2002)
    assert "✓ Đã lưu I.1: 37 Văn bản" in text(first)
    late = officer.send(Press("skip:I.1"), seq=2001)
    assert officer.answers()["I.1"] == (None, True, None)
    assert officer.answers()["I.2.1"] == ("37", False, None)
    reply = text(late)
    assert "đúng thứ tự gửi" in reply
    assert "• I.1 " in reply and "(bỏ qua)" in reply
    assert "• I.2.1 " in reply and "37 Nhiệm vụ" in reply
    assert "I.2.2  Số nhiệm vụ đã hoàn thành" in reply  # the question open now
    assert texts.STALE_CHOICE not in reply


def test_a_late_figure_goes_to_the_question_it_was_typed_for(officer: Officer) -> None:
    officer.send(Text("37"), seq=2002)  # meant for I.2.1, landed in I.1
    officer.send(Text("3"), seq=2001)  # I.1's figure, late
    answers = officer.answers()
    assert answers["I.1"][0] == "3"
    assert answers["I.2.1"][0] == "37"
    officer.send(Text("35"))  # and the conversation goes on from where it now is
    assert officer.answers()["I.2.2"][0] == "35"


def test_a_redelivered_late_update_is_not_applied_twice(officer: Officer) -> None:
    officer.send(Text("37"), seq=2002)
    officer.send(Text("3"), seq=2001)
    again = officer.send(Text("3"), seq=2001)
    assert again.repeated
    assert officer.answers()["I.1"][0] == "3" and officer.answers()["I.2.1"][0] == "37"


def test_a_late_figure_after_a_submission_is_refused_not_guessed(officer: Officer) -> None:
    officer.send(Command("nop"), seq=2002)
    officer.send(Press("submit"), seq=2003)
    late = officer.send(Text("3"), seq=2001)
    assert "đến bot quá muộn" in text(late)
    assert "I.1" not in officer.answers() or officer.answers()["I.1"][0] is None


# --- clean input
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7\x00", "U+0000"),
        ("Vị trí\x01việc làm", "U+0001"),
        ("\u200b\u200b", "không có chữ hay số nào"),
        ("\u3164", "không có chữ hay số nào"),
        ("\u2800 \ufeff", "không có chữ hay số nào"),
    ],
)
def test_invisible_or_control_input_is_refused_and_the_question_shown_again(
    officer: Officer, typed: str, message: str
) -> None:
    before = officer.answers()
    reply = text(officer.send(Text(typed)))
    assert message in reply
    assert "I.1  Số văn bản chỉ đạo CCHC đã ban hành" in reply
    assert officer.answers() == before


def test_a_note_with_a_control_character_is_refused(officer: Officer) -> None:
    reply = text(officer.send(Command("ghichu", "ghi\x07chú")))
    assert "U+0007" in reply
    assert officer.answers() == {}


def test_a_note_over_the_limit_is_refused_saying_the_limit(officer: Officer) -> None:
    reply = text(officer.send(Command("ghichu", "x" * 5000)))
    assert "5.000 ký tự" in reply and "500 ký tự" in reply
    assert officer.answers() == {}
    officer.send(Command("ghichu", "y" * 500))
    assert officer.answers()["I.1"][2] == "y" * 500  # what was confirmed is what is stored


def test_zero_width_spaces_inside_a_figure_are_ignored(officer: Officer) -> None:
    officer.send(Text("1\u200b2"))
    assert officer.answers()["I.1"][0] == "12"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    typed=st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\u200b\u3164\u2800\x1b\ud800"),
        max_size=40,
    )
)
def test_any_text_never_raises_and_a_refused_one_changes_nothing(
    officer: Officer, typed: str
) -> None:
    before = officer.answers()
    outcome = officer.send(Text(typed))
    reply = text(outcome)
    saved = any(r.text.startswith("✓ Đã lưu") or "✓ Đã bỏ qua" in r.text for r in outcome.replies)
    if not saved:
        changed = {c for c in officer.answers() if officer.answers()[c] != before.get(c)}
        assert not changed, (typed, reply)
    assert texts.SORRY not in reply


# --- guessing invite codes
def test_five_wrong_codes_pause_that_account_and_nobody_else(store: Store) -> None:
    clock = Clock(OPENED)
    conversations = Conversations(store, ZONE, clock)
    with store.transaction() as repo:
        repo.import_units(UNITS)
        code = repo.create_invite("SONTRUNG", "officer", OPENED, timedelta(days=3)).code
        other = repo.create_invite("SONTHANH", "officer", OPENED, timedelta(days=3)).code
    guesser = Sender("telegram", "guesser", "X")
    replies = [
        text(conversations.handle(guesser, Command("start", f"CCHC-AAAA-AAA{n}")))
        for n in range(2, 7)
    ]
    assert all(texts.INVITE_UNKNOWN in r for r in replies[:4])
    assert "tạm thời bị khóa nhập mã đến 08:15" in replies[4]
    # Even the right code waits now: that is what stops guessing.
    paused = text(conversations.handle(guesser, Command("start", code)))
    assert "tạm thời bị khóa" in paused
    # Someone else is not slowed down.
    welcome = text(conversations.handle(Sender("telegram", "binh", "B"), Command("start", other)))
    assert "✓ Đã đăng ký" in welcome
    clock.now += timedelta(minutes=16)
    assert "✓ Đã đăng ký" in text(conversations.handle(guesser, Command("start", code)))


def test_a_code_is_read_with_or_without_its_dashes_and_spaces(store: Store) -> None:
    with store.transaction() as repo:
        repo.import_units(UNITS)
        code = repo.create_invite("SONTRUNG", "officer", OPENED, timedelta(days=3)).code
    typed = code.lower().replace("-", " ")
    outcome = Conversations(store, ZONE, Clock(OPENED)).handle(AN, Text(typed))
    assert "✓ Đã đăng ký" in text(outcome)


# --- notices
def test_a_submission_notice_waits_in_the_outbox_until_it_is_delivered(store: Store) -> None:
    officer = Officer(store)
    with store.transaction() as repo:
        code = repo.create_invite("SONHA", "reviewer", OPENED, timedelta(days=3)).code
    officer.conversations.handle(Sender("telegram", "chi", "Chi"), Command("start", code))
    officer.send(Command("nop"))
    outcome = officer.send(Press("submit"))
    [notice] = outcome.notices
    assert notice.external_id == "chi" and notice.outbox_id is not None
    with store.transaction() as repo:
        [row] = repo.outbox()
    assert (row.status, row.external_id) == ("pending", "chi")
    assert "Xã Sơn Trung" in row.reply
