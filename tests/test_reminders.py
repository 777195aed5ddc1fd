"""Reminders walked with a controlled clock from a round's opening to two days past its deadline."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chat.conversations import Conversations, Sender
from bot.chat.outcome import Notice, RecipientBlocked
from bot.service.reminders import Reminders
from bot.transports.console.demo import UNITS
from flows.engine import Command, parse_event
from flows.reminders import Policy
from storage.db import Store

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OPENED = datetime(2024, 9, 10, 8, 0, tzinfo=VN)
DEADLINE = date(2024, 9, 20)
LADDER = ["open", "d-7", "d-3", "d-1", "d-0", "late:2024-09-21", "late:2024-09-22"]
SENT_AT = ["09-10 08:00", "09-13 08:00", "09-17 08:00", "09-19 08:00", "09-20 08:00",
           "09-21 08:00", "09-22 08:00"]  # fmt: skip
OFFICERS = {"an": "SONTRUNG", "binh": "SONTHANH", "cuong": "SONTHUONG", "dung": "PHOAN",
            "em": "PHOCHAU"}  # fmt: skip


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Inbox:
    """Records every reminder as delivered: (local time, who, text)."""

    def __init__(self, clock: Clock, blocked: frozenset[str] = frozenset()) -> None:
        self.clock, self.blocked = clock, blocked
        self.got: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    async def deliver(self, notice: Notice) -> None:
        if notice.external_id in self.blocked:
            raise RecipientBlocked(notice.external_id)
        with self._lock:
            self.got.append(
                (
                    f"{self.clock.now.astimezone(VN):%m-%d %H:%M}",
                    notice.external_id,
                    notice.reply.text,
                )
            )

    def of(self, who: str) -> list[tuple[str, str]]:
        return [(at, text) for at, user, text in self.got if user == who]


@pytest.fixture
def world(store: Store):
    """Sơn Hà and Đức Phổ's communes in every state, their officers and two reviewers."""
    opened = OPENED.astimezone(UTC)
    with store.transaction() as repo:
        repo.import_units(UNITS)
        round_ = repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), DEADLINE, opened
        )
        people = {**OFFICERS, "chi": "SONHA", "lan": "QNG"}
        ids = {}
        for name, unit in people.items():
            role = "officer" if name in OFFICERS else "reviewer"
            code = repo.create_invite(unit, role, opened, timedelta(days=1)).code
            ids[name] = repo.redeem_invite(code, "telegram", name, name, opened)[0].id
        for name, status in (("cuong", "submitted"), ("dung", "submitted"), ("em", "submitted")):
            sub = repo.submission(round_.id, repo.unit_by_code(OFFICERS[name]).id)
            repo.set_status(sub.id, status, ids[name], opened - timedelta(hours=1))
        repo.set_status(
            repo.submission(round_.id, repo.unit_by_code("PHOAN").id).id,
            "returned",
            ids["lan"],
            opened,
        )
        repo.set_status(
            repo.submission(round_.id, repo.unit_by_code("PHOCHAU").id).id,
            "approved",
            ids["lan"],
            opened,
        )
        binh = repo.submission(round_.id, repo.unit_by_code("SONTHANH").id)
        repo.save_answers(
            binh.id, [("I.1", "3", False), ("I.2.1", "37", False)], ids["binh"], opened
        )
    return store


def walk(
    reminders: Reminders,
    clock: Clock,
    inbox: Inbox,
    start: datetime,
    end: datetime,
    step=timedelta(hours=1),
):
    clock.now = start
    while clock.now <= end:
        asyncio.run(reminders.tick(inbox.deliver))
        clock.now += step


def reminders_for(store: Store, clock: Clock, **kw) -> Reminders:
    return Reminders(store, VN, kw.pop("policy", Policy()), kw.pop("calendar", None), clock)


END = datetime(2024, 9, 22, 12, 0, tzinfo=VN)


def test_a_whole_round_reminds_exactly_the_units_that_have_not_submitted(world):
    clock = Clock(OPENED)
    inbox = Inbox(clock)
    walk(reminders_for(world, clock), clock, inbox, OPENED, END)

    assert [at for at, _ in inbox.of("an")] == SENT_AT
    assert [at for at, _ in inbox.of("binh")] == SENT_AT
    assert inbox.of("cuong") == [] and inbox.of("em") == []  # submitted, approved
    an = [text for _, text in inbox.of("an")]
    assert an[0] == (
        "📣 Đã mở kỳ báo cáo CCHC Quý III/2024 cho Xã Sơn Trung. Hạn nộp 20/09/2024 (còn 10 ngày)."
    )
    assert an[2] == (
        "⏰ Nhắc nộp báo cáo CCHC Quý III/2024 của Xã Sơn Trung: hạn nộp 20/09/2024 (còn 3 ngày). "
        "Đã trả lời 0/48 câu."
    )
    assert "hạn là hôm nay" in an[4] and "đã quá hạn 2 ngày" in an[6]
    assert "Đã trả lời 2/48 câu." in inbox.of("binh")[1][1]
    assert all("đã bị trả lại và chưa được nộp lại" in text for _, text in inbox.of("dung"))
    assert len(inbox.of("dung")) == 7


def test_reviewers_get_a_daily_digest_of_their_late_units_after_the_deadline(world):
    clock = Clock(OPENED)
    inbox = Inbox(clock)
    walk(reminders_for(world, clock), clock, inbox, OPENED, END)

    assert [at for at, _ in inbox.of("chi")] == ["09-21 08:00", "09-22 08:00"]
    digest = inbox.of("chi")[0][1]
    assert digest.startswith(
        "📋 Đơn vị chưa nộp báo cáo Quý III/2024 (hạn 20/09/2024, đã quá hạn 1 ngày): 2"
    )
    assert "• SONTRUNG Xã Sơn Trung: chưa bắt đầu" in digest
    assert "• SONTHANH Xã Sơn Thành: đang nhập 2/48" in digest
    assert "SONTHUONG" not in digest
    province = inbox.of("lan")[0][1]
    assert "• PHOAN Xã Phổ An: trả lại, đang sửa 0/48" in province and "PHOCHAU" not in province


def test_nothing_is_sent_in_quiet_hours_and_what_fell_due_goes_out_when_they_end(store):
    late_evening = datetime(2024, 9, 10, 22, 30, tzinfo=VN)
    with store.transaction() as repo:
        repo.import_units(UNITS)
        repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), DEADLINE, late_evening
        )
        code = repo.create_invite("SONTRUNG", "officer", late_evening, timedelta(days=1)).code
        repo.redeem_invite(code, "telegram", "an", "an", late_evening)
    clock = Clock(late_evening)
    inbox = Inbox(clock)
    until = late_evening + timedelta(hours=10)
    walk(reminders_for(store, clock), clock, inbox, late_evening, until, step=timedelta(minutes=30))
    assert [at for at, _ in inbox.of("an")] == ["09-11 07:00"]


def test_a_restart_in_the_middle_sends_nothing_twice(world, database_url):
    clock = Clock(OPENED)
    inbox = Inbox(clock)
    walk(reminders_for(world, clock), clock, inbox, OPENED, datetime(2024, 9, 17, 10, 0, tzinfo=VN))
    restarted = Store(database_url)  # a new process on the same database
    try:
        walk(
            reminders_for(restarted, clock),
            clock,
            inbox,
            datetime(2024, 9, 17, 8, 0, tzinfo=VN),
            END,
        )
    finally:
        restarted.dispose()
    assert [at for at, _ in inbox.of("an")] == SENT_AT


def test_after_downtime_only_the_latest_due_step_is_sent(world):
    clock = Clock(OPENED)
    inbox = Inbox(clock)
    reminders = reminders_for(world, clock)
    walk(reminders, clock, inbox, OPENED, OPENED)
    walk(
        reminders,
        clock,
        inbox,
        datetime(2024, 9, 18, 9, 0, tzinfo=VN),
        datetime(2024, 9, 18, 12, 0, tzinfo=VN),
    )
    assert [at for at, _ in inbox.of("an")] == ["09-10 08:00", "09-18 09:00"]
    assert "còn 2 ngày" in inbox.of("an")[1][1]  # the d-3 step, sent late, says what is true now


def test_two_scheduler_instances_on_one_database_send_each_reminder_once(world, database_url):
    clock = Clock(OPENED)
    inbox = Inbox(clock)
    second = Store(database_url)
    try:
        instances = [reminders_for(world, clock), reminders_for(second, clock)]
        clock.now = OPENED
        while clock.now <= END:
            threads = [
                threading.Thread(target=lambda r=r: asyncio.run(r.tick(inbox.deliver)))
                for r in instances
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            clock.now += timedelta(hours=6)
    finally:
        second.dispose()
    sent = [(user, at) for at, user, _ in inbox.got]
    assert len(sent) == len(set(sent))
    with world.transaction() as repo:
        log = repo.reminders()
    assert len(log) == len({(r.unit_id, r.user_id, r.step) for r in log})
    assert {r.step for r in log if r.user_id == repo.user("telegram", "an").id} == set(LADDER)


def test_a_person_who_blocked_the_bot_is_marked_and_skipped(world):
    clock = Clock(OPENED)
    inbox = Inbox(clock, blocked=frozenset({"an"}))
    walk(reminders_for(world, clock), clock, inbox, OPENED, END)
    with world.transaction() as repo:
        an = repo.user("telegram", "an")
        log = [r for r in repo.reminders() if r.user_id == an.id]
    assert an.blocked_at is not None
    assert [(r.step, r.status) for r in log] == [("open", "blocked")]  # then no more tries
    assert len(inbox.of("binh")) == 7


def test_writing_to_the_bot_again_lifts_the_block(world):
    clock = Clock(OPENED)
    walk(
        reminders_for(world, clock), clock, Inbox(clock, blocked=frozenset({"an"})), OPENED, OPENED
    )
    Conversations(world, VN, clock).handle(Sender("telegram", "an", "an"), Command("baocao"))
    inbox = Inbox(clock)
    walk(reminders_for(world, clock), clock, inbox, datetime(2024, 9, 13, 8, 0, tzinfo=VN),
         datetime(2024, 9, 13, 8, 0, tzinfo=VN))  # fmt: skip
    assert [at for at, _ in inbox.of("an")] == ["09-13 08:00"]


def test_the_calendar_opens_each_quarters_round_by_itself(store):
    with store.transaction() as repo:
        repo.import_units(UNITS)
        code = repo.create_invite("SONTRUNG", "officer", OPENED, timedelta(days=365)).code
        repo.redeem_invite(code, "telegram", "an", "an", OPENED)
    clock = Clock(datetime(2024, 6, 15, 9, 0, tzinfo=VN))
    inbox = Inbox(clock)
    reminders = reminders_for(store, clock, calendar=[("xa", 20)])
    walk(reminders, clock, inbox, clock.now, clock.now)
    with store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
    assert (round_.cutoff_start, round_.cutoff_end, round_.deadline) == (
        date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20),
    )  # fmt: skip
    assert inbox.of("an")[0][1].startswith("📣 Đã mở kỳ báo cáo CCHC Quý III/2024")


def test_nhac_reminds_a_reviewers_unsubmitted_units_now_once_an_hour(world):
    clock = Clock(datetime(2024, 9, 15, 10, 0, tzinfo=VN))
    conversations = Conversations(world, VN, clock)
    chi = Sender("telegram", "chi", "chi")
    outcome = conversations.handle(chi, parse_event("/nhac"))
    assert outcome.replies[0].text == "✓ Đã nhắc 2 cán bộ của 2 đơn vị chưa nộp."
    assert sorted(n.external_id for n in outcome.notices) == ["an", "binh"]
    assert outcome.notices[0].reply.options[0].id == "start"
    again = conversations.handle(chi, parse_event("/nhac"))
    assert again.replies[0].text.startswith("Anh/chị vừa nhắc các đơn vị này trong giờ này")
    assert again.notices == []
