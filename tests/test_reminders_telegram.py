"""Deadline reminders on Telegram: 200 communes, 50 already submitted, a round just opened.

The real bot runs its reminder scheduler against the fake Bot API. Its first run, at start-up,
must tell each of the 150 officers still owing a report exactly once, no faster than the
configured 30 messages a second, through Telegram's 429s, and must stop writing to an officer
who blocked the bot. The reminder log in the database must say what happened to each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fake_server import busiest_second
from fake_telegram import Call, FakeTelegram
from telegram_runner import ZONE, RunningBot, settings_for, sqlite_url

from flows import texts
from storage.db import Store
from storage.models import ReminderLog

pytestmark = pytest.mark.slow

COMMUNES = 200
RATE = 30  # telegram_max_messages_per_second
FIRST_USER = 8_000_000
OPENED = "Đã mở kỳ báo cáo CCHC Quý III/2024"
TIMEOUT = 60


@dataclass(frozen=True)
class District:
    """Huyện Sơn Hà as seeded: its round and its officers, by whether their unit submitted."""

    url: str
    round_id: int
    deadline: date
    pending: dict[int, str]  # telegram user id → name of the unit still owing the report
    submitted: list[int]  # telegram user ids of officers whose unit has submitted

    @property
    def officers(self) -> list[int]:
        return sorted([*self.pending, *self.submitted])


def officer(n: int) -> int:
    return FIRST_USER + n


def seed(url: str) -> District:
    """One district, 200 communes with one Telegram officer each; every fourth has submitted."""
    now = datetime.now(UTC)
    # Two weeks ahead of today, so the only step due a minute after opening is "open".
    deadline = now.astimezone(ZONE).date() + timedelta(days=14)
    communes = [(f"XA{n:03d}", f"Xã Thử Nghiệm {n:03d}", n) for n in range(1, COMMUNES + 1)]
    pending: dict[int, str] = {}
    submitted: list[int] = []
    store = Store(url)
    with store.transaction() as repo:
        repo.import_units(
            [
                ("QNG", "Tỉnh Quảng Ngãi", "tinh", None),
                ("SONHA", "Huyện Sơn Hà", "huyen", "QNG"),
                *[(code, name, "xa", "SONHA") for code, name, _ in communes],
            ]
        )
        round_ = repo.open_round(
            "xa",
            "2024-Q3",
            date(2024, 6, 15),
            date(2024, 9, 14),
            deadline,
            now - timedelta(minutes=1),
        )
        repo.flush()
        for code, name, n in communes:
            invite = repo.create_invite(code, "officer", now, timedelta(days=1))
            user, _, unit = repo.redeem_invite(
                invite.code, "telegram", str(officer(n)), f"Cán bộ {code}", now
            )
            if n % 4 == 0:
                sub = repo.submission(round_.id, unit.id)
                repo.set_status(sub.id, "submitted", user.id, now)
                submitted.append(officer(n))
            else:
                pending[officer(n)] = name
        round_id = round_.id
    store.dispose()
    assert round_id is not None and len(pending) == 150 and len(submitted) == 50
    return District(url, round_id, deadline, pending, submitted)


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def district(tmp_path, fake) -> District:
    seeded = seed(sqlite_url(tmp_path))
    for user_id in seeded.officers:
        fake.add_user(user_id)  # they started the bot once; Telegram refuses unknown chats
    return seeded


def running(fake: FakeTelegram, district: District) -> RunningBot:
    """The bot with reminders on, never quiet (the test may run at any hour), 30 msg/s."""
    settings = settings_for(
        fake,
        district.url,
        quiet_hours="00:00-00:00",
        telegram_max_messages_per_second=RATE,
    )
    assert settings.reminders
    return RunningBot(settings)


def reached(fake: FakeTelegram, district: District) -> int:
    return sum(1 for user_id in district.officers if fake.chat(user_id))


def log_rows(store: Store, round_id: int) -> list[ReminderLog]:
    with store.reading() as repo:
        return repo.reminders(round_id)


def wait_for_log(store: Store, round_id: int, rows: int, timeout: float = 10) -> list[ReminderLog]:
    """The reminder log once the run has recorded every send (it writes after the last one)."""
    deadline = time.monotonic() + timeout
    while True:
        found = log_rows(store, round_id)
        if len(found) >= rows and all(r.status != "claimed" for r in found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"reminder log not finished within {timeout} s: {found}")
        time.sleep(0.05)


def remind_all(fake: FakeTelegram, district: District, expected: int) -> list[ReminderLog]:
    """Start the bot, let its start-up run reach ``expected`` chats, return the finished log."""
    store = Store(district.url)
    try:
        with running(fake, district):
            fake.wait_for(lambda f: reached(f, district) >= expected, timeout=TIMEOUT)
            return wait_for_log(store, district.round_id, len(district.pending))
    finally:
        store.dispose()


def sends(fake: FakeTelegram, status: int | None = 200) -> list[Call]:
    return [
        c
        for c in fake.calls
        if c.method == "sendMessage" and (status is None or c.status == status)
    ]


def test_start_up_run_reminds_each_officer_owing_a_report_once_and_logs_it(fake, district):
    log = remind_all(fake, district, expected=150)

    for user_id, unit_name in district.pending.items():
        chat = fake.chat(user_id)
        assert len(chat) == 1, fake.describe(user_id)
        (message,) = chat
        assert f"{OPENED} cho {unit_name}." in message.text
        assert f"Hạn nộp {texts.day(district.deadline)} (còn 14 ngày)" in message.text
        assert message.buttons == [[(texts.START, "start")]]
    for user_id in district.submitted:
        assert fake.chat(user_id) == [], fake.describe(user_id)
    assert len(sends(fake)) == 150  # nothing else went out: no second copy anywhere

    assert len(log) == 150
    assert {(r.step, r.status) for r in log} == {("open", "sent")}
    assert len({r.user_id for r in log}) == 150
    assert all(r.finished_at is not None for r in log)


def test_reminders_stay_within_thirty_messages_a_second(fake, district):
    remind_all(fake, district, expected=150)
    delivered = sends(fake)
    assert len(delivered) == 150

    # The window is measured where the fake receives the requests, not where PTB releases
    # them, so scheduling and network jitter may shift one send across a boundary: allow +1.
    assert busiest_second(delivered) <= RATE + 1
    by_chat: dict[int | None, list[Call]] = {}
    for call in delivered:
        by_chat.setdefault(call.chat_id, []).append(call)
    assert all(busiest_second(calls) <= 1 for calls in by_chat.values())
    # 150 messages at 30 a second take at least four seconds after the first.
    first, last = delivered[0].time, delivered[-1].time
    assert last - first >= (150 - RATE - 1) / RATE


def test_telegram_429s_are_waited_out_and_nobody_is_lost_or_reminded_twice(fake, district):
    fake.fail_next("sendMessage", status=429, retry_after=1, times=3)

    log = remind_all(fake, district, expected=150)

    refused = sends(fake, status=429)
    assert len(refused) == 3
    everything = sends(fake, status=None)
    for call in refused:  # the next attempt waited at least retry_after
        following = next(c for c in everything if c.time > call.time)
        assert following.time - call.time >= 1.0
    for user_id in district.pending:
        assert len(fake.chat(user_id)) == 1, fake.describe(user_id)
        assert OPENED in fake.chat(user_id)[0].text
    for user_id in district.submitted:
        assert fake.chat(user_id) == []
    assert len(sends(fake)) == 150
    assert {(r.step, r.status) for r in log} == {("open", "sent")} and len(log) == 150


def test_an_officer_who_blocked_the_bot_is_logged_and_marked_blocked(fake, district):
    blocked = next(iter(district.pending))
    fake.block(blocked)

    log = remind_all(fake, district, expected=149)

    assert fake.chat(blocked) == []
    assert [c.status for c in sends(fake, status=None) if c.chat_id == blocked] == [403]
    for user_id in district.pending:
        if user_id != blocked:
            assert len(fake.chat(user_id)) == 1, fake.describe(user_id)
    assert len(sends(fake)) == 149

    store = Store(district.url)
    with store.reading() as repo:
        user = repo.user("telegram", str(blocked))
        assert user is not None and user.blocked_at is not None
        others = [repo.user("telegram", str(u)) for u in district.pending if u != blocked]
    store.dispose()
    statuses = {r.user_id: r.status for r in log}
    assert len(log) == 150
    assert statuses.pop(user.id) == "blocked"
    assert set(statuses.values()) == {"sent"}
    assert all(o is not None and o.blocked_at is None for o in others)


def test_a_restarted_bot_reminds_only_a_newcomer_and_nobody_twice(fake, district):
    remind_all(fake, district, expected=150)
    newcomer = officer(COMMUNES + 1)
    store = Store(district.url)
    with store.transaction() as repo:  # a second officer joins XA001 after the first run
        invite = repo.create_invite("XA001", "officer", datetime.now(UTC), timedelta(days=1))
        repo.redeem_invite(invite.code, "telegram", str(newcomer), "Cán bộ mới", datetime.now(UTC))
    fake.add_user(newcomer)

    with running(fake, district):  # a new process: its start-up run reads the same log
        message = fake.wait_for_text(newcomer, OPENED, timeout=TIMEOUT)
        log = wait_for_log(store, district.round_id, 151)
    store.dispose()

    assert "Xã Thử Nghiệm 001" in message.text
    assert len(sends(fake)) == 151
    for user_id in district.pending:
        assert len(fake.chat(user_id)) == 1, fake.describe(user_id)
    assert len(log) == 151 and {(r.step, r.status) for r in log} == {("open", "sent")}
