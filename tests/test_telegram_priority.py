"""Replies first, end to end: an officer's answer overtakes hundreds of queued notices.

The real bot, its send limit set low (20 a second), is handed 300 notices to deliver at once;
an officer then answers. The fake Bot API's own record of calls shows the officer's reply going
out while most notices still wait, and the notices never above the limit. Only the order of the
fake server's calls is asserted, never a duration.
"""

from __future__ import annotations

import asyncio

import pytest
from fake_server import busiest_second
from fake_telegram import FakeTelegram
from telegram_runner import RunningBot, invite, settings_for

from bot.chat.outcome import Notice
from flows.engine import Reply

pytestmark = pytest.mark.slow

RATE = 20
NOTICES = 300
OFFICER = 5_660_001
FIRST_RECIPIENT = 5_670_000
NOTICE_TEXT = "Thông báo thử"


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def test_an_officers_reply_goes_ahead_of_300_queued_notices(fake, url):
    recipients = [FIRST_RECIPIENT + n for n in range(NOTICES)]
    for user_id in recipients:
        fake.add_user(user_id)
    settings = settings_for(fake, url, telegram_max_messages_per_second=RATE, reminders=False)
    with RunningBot(settings) as bot:
        fake.user_sends(OFFICER, f"/start {invite(url, 'SONTRUNG', 'officer')}")
        fake.wait_for_text(OFFICER, "✓ Đã đăng ký")
        assert bot.telegram is not None and bot._loop is not None
        telegram = bot.telegram

        async def deliver_all() -> None:
            notices = [
                Notice("telegram", str(user_id), Reply(f"{NOTICE_TEXT} {n}"))
                for n, user_id in enumerate(recipients)
            ]
            await asyncio.gather(*(telegram.deliver(notice) for notice in notices))

        delivering = asyncio.run_coroutine_threadsafe(deliver_all(), bot._loop)
        fake.wait_for(lambda f: notices_sent(f) >= 5, timeout=30)  # the run is under way
        fake.user_sends(OFFICER, "Bắt đầu")
        fake.wait_for(lambda f: len(f.chat(OFFICER)) >= 2, timeout=30)
        delivering.result(timeout=NOTICES / RATE * 3 + 30)

    calls = [c for c in fake.calls if c.method == "sendMessage" and c.status == 200]
    order = ["officer" if c.chat_id == OFFICER else "notice" for c in calls]
    assert order.count("notice") == NOTICES
    # The officer's answer is sent at once: the notices after it are nearly all of them.
    answered = len(order) - 1 - order[::-1].index("officer")
    notices_before = order[:answered].count("notice")
    assert notices_before < NOTICES / 3, order
    assert order[answered:].count("notice") > NOTICES / 2
    # ... and everything together stays within the limit (+1: the window is measured where the
    # fake receives the requests, so network jitter may shift one send across a boundary).
    assert busiest_second(calls) <= RATE + 1


def notices_sent(fake: FakeTelegram) -> int:
    return sum(1 for c in fake.calls if c.method == "sendMessage" and c.chat_id != OFFICER)
