"""Reviewers follow, return and approve their units' reports; officers are told."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chat.conversations import Conversations, Sender
from bot.transports.console.demo import UNITS
from flows.engine import Command, Text, parse_event
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
OPENED = datetime(2024, 9, 10, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world(store: Store):
    clock = Clock(OPENED)
    with store.transaction() as repo:
        repo.import_units(UNITS)
        repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20), OPENED
        )
        codes = {
            name: repo.create_invite(unit, role, OPENED, timedelta(days=3)).code
            for name, unit, role in [
                ("an", "SONTRUNG", "officer"),
                ("binh", "SONTHANH", "officer"),
                ("chi", "SONHA", "reviewer"),
                ("dung", "DUCPHO", "reviewer"),
                ("lan", "QNG", "reviewer"),
            ]
        }
    conversations = Conversations(store, ZONE, clock)
    for name, code in codes.items():
        conversations.handle(Sender("telegram", name, name), Command("start", code))
    return conversations, clock


def say(conversations: Conversations, who: str, *lines: str):
    outcome = None
    for line in lines:
        outcome = conversations.handle(Sender("telegram", who, who), parse_event(line))
    return outcome


def text(outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


def test_reviewer_registration_shows_the_reviewer_commands(store: Store):
    with store.transaction() as repo:
        repo.import_units(UNITS)
        code = repo.create_invite("SONHA", "reviewer", OPENED, timedelta(days=1)).code
    outcome = Conversations(store, ZONE, Clock(OPENED)).handle(
        Sender("telegram", "chi", "Chi"), Command("start", code)
    )
    assert outcome.registered_role == "reviewer"
    assert "✓ Đã đăng ký: người duyệt của Huyện Sơn Hà." in text(outcome)
    assert "/tinhhinh" in text(outcome)


def test_tinhhinh_lists_units_below_with_their_state(world):
    conversations, _ = world
    say(conversations, "an", "Bắt đầu", "3", "37")
    overview = text(say(conversations, "chi", "/tinhhinh"))
    assert "Tình hình nộp báo cáo Quý III/2024 — Huyện Sơn Hà" in overview
    assert "Hạn nộp 20/09/2024 (còn 10 ngày)." in overview
    assert "• SONTRUNG Xã Sơn Trung: đang nhập 2/48" in overview
    assert "• SONTHANH Xã Sơn Thành: chưa bắt đầu" in overview
    assert "PHOAN" not in overview  # Đức Phổ's communes are not Sơn Hà's reviewer's


def test_province_reviewer_sees_every_commune(world):
    conversations, _ = world
    overview = text(say(conversations, "lan", "/tinhhinh"))
    assert "— Tỉnh Quảng Ngãi" in overview
    assert "• PHOAN Xã Phổ An: chưa bắt đầu" in overview
    assert "• SONTRUNG Xã Sơn Trung: chưa bắt đầu" in overview


def test_submitting_notifies_every_reviewer_above(world):
    conversations, clock = world
    clock.now = datetime(2024, 9, 18, 2, 30, tzinfo=UTC)
    outcome = say(conversations, "an", "/nop", "Xác nhận nộp")
    told = {n.external_id: n.reply.text for n in outcome.notices}
    assert set(told) == {"chi", "lan"}
    assert told["chi"].startswith(
        "📥 Xã Sơn Trung đã nộp báo cáo Quý III/2024 lúc 09:30 18/09/2024 (đúng hạn)."
    )
    assert "/duyet SONTRUNG" in told["chi"]


def test_late_submission_is_marked_late(world):
    conversations, clock = world
    clock.now = datetime(2024, 9, 21, 2, 0, tzinfo=UTC)
    outcome = say(conversations, "an", "/nop", "Xác nhận nộp")
    assert "(quá hạn)" in outcome.notices[0].reply.text
    assert "đã nộp lúc 09:00 21/09/2024 (quá hạn)" in text(say(conversations, "chi", "/tinhhinh"))


def test_return_then_resubmit_then_approve(world):
    conversations, _ = world
    say(conversations, "an", "Bắt đầu", "3", "/nop", "Xác nhận nộp")
    returned = say(conversations, "chi", "/tralai sontrung Số văn bản I.1 chưa đúng")
    assert (
        text(returned)
        == "↩ Đã trả lại báo cáo Quý III/2024 của Xã Sơn Trung. Lý do: Số văn bản I.1 chưa đúng"
    )
    [notice] = returned.notices
    assert notice.external_id == "an"
    assert "đã bị trả lại để sửa. Lý do: Số văn bản I.1 chưa đúng" in notice.reply.text

    assert "trả lại, đang sửa 1/48" in text(say(conversations, "chi", "/tinhhinh"))
    edited = say(conversations, "an", "/sua I.1", "4")
    assert "✓ Đã lưu I.1: 4 Văn bản" in text(edited)
    resubmitted = say(conversations, "an", "/nop", "Xác nhận nộp")
    assert {n.external_id for n in resubmitted.notices} == {"chi", "lan"}

    approved = say(conversations, "chi", "/duyet SONTRUNG")
    assert text(approved) == "✓ Đã duyệt báo cáo Quý III/2024 của Xã Sơn Trung."
    assert "đã được duyệt" in approved.notices[0].reply.text
    locked = say(conversations, "an", "/sua I.1", "5")
    assert "Báo cáo đã được duyệt, không sửa được nữa." in text(locked)
    assert "• SONTRUNG Xã Sơn Trung: đã duyệt" in text(say(conversations, "chi", "/tinhhinh"))


def test_reviewer_cannot_act_outside_its_units(world):
    conversations, _ = world
    assert "Không có đơn vị “PHOAN” trong phạm vi anh/chị phụ trách" in text(
        say(conversations, "chi", "/duyet PHOAN")
    )


def test_a_report_not_yet_submitted_cannot_be_returned(world):
    conversations, _ = world
    assert "Xã Sơn Thành chưa nộp báo cáo" in text(
        say(conversations, "chi", "/tralai SONTHANH sai")
    )


def test_tralai_needs_a_reason(world):
    conversations, _ = world
    assert text(say(conversations, "chi", "/tralai SONTRUNG")).startswith(
        "Gõ /tralai <mã đơn vị> <lý do>"
    )


def test_officer_commands_stay_with_officers(world):
    conversations, _ = world
    assert "Không có lệnh /tinhhinh" in text(say(conversations, "an", "/tinhhinh"))


def test_two_officers_of_one_commune_see_each_others_answers(world, store):
    conversations, _ = world
    with store.transaction() as repo:
        code = repo.create_invite("SONTRUNG", "officer", OPENED, timedelta(days=1)).code
    conversations.handle(Sender("telegram", "an2", "An 2"), Command("start", code))
    say(conversations, "an", "Bắt đầu", "3")
    second = say(conversations, "an2", "Bắt đầu")
    assert "Câu 2/48" in text(second)
    edited = say(conversations, "an2", "/sua I.1", "5")
    assert "✓ Đã lưu I.1: 5 Văn bản" in text(edited)
    assert "Hiện tại: 5 Văn bản" in text(say(conversations, "an", "/sua I.1"))
    with store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        sub = repo.submission(round_.id, repo.unit_by_code("SONTRUNG").id)
        changes = [(h.old, h.new) for h in repo.history(sub.id) if h.code == "I.1"]
    assert changes == [(None, "3"), ("3", "5")]


def test_redelivered_update_is_not_applied_twice(world, store):
    conversations, _ = world
    sender = Sender("telegram", "an", "an")
    conversations.handle(sender, Text("Bắt đầu"), update_key="7001")
    first = conversations.handle(sender, Text("3"), update_key="7002")
    again = conversations.handle(sender, Text("3"), update_key="7002")
    assert again.repeated and [r.text for r in again.replies] == [r.text for r in first.replies]
    nxt = conversations.handle(sender, Text("37"), update_key="7003")
    assert "Câu 3/48" in text(nxt)  # had the repeat applied, 37 would have answered I.2.2


def test_the_overview_counts_skipped_questions_apart(world):
    conversations, _ = world
    say(conversations, "an", "/baocao", "Bắt đầu", "bỏ qua", "37")
    overview = text(say(conversations, "chi", "/tinhhinh"))
    assert "• SONTRUNG Xã Sơn Trung: đang nhập 1/48, bỏ qua 1" in overview


def test_an_officer_finishes_last_quarter_before_the_one_the_calendar_just_opened(world, store):
    conversations, _ = world
    with store.transaction() as repo:  # Quý IV opens on 15/09 while Quý III is due on 20/09
        repo.open_round(
            "xa", "2024-Q4", date(2024, 9, 15), date(2024, 12, 14), date(2024, 12, 20), OPENED
        )
    assert "Quý III/2024" in text(say(conversations, "an", "/baocao"))
    say(conversations, "an", "/nop", "1")
    assert "Quý IV/2024" in text(say(conversations, "an", "/baocao"))
