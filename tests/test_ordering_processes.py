"""Two bot processes in webhook mode on one PostgreSQL database keep one officer's answers apart.

The scale-out the README describes: `cchc-bot run` twice, behind a round-robin load balancer,
with Telegram delivering as it really does (a person's presses and messages by separate
queues, so a press and the figure typed after it arrive together and go to different
processes). Every answer must be stored once, at its own indicator, in order; every
"✓ Đã lưu" the officer reads must be what is stored.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fake_telegram import FakeTelegram
from forwarder import RoundRobin
from seed_000 import stored_report
from telegram_runner import (
    free_port,
    invite,
    prepare,
    start_webhook_bot,
    stop_bots,
    wait_listening,
)

from bot.transports.console.demo import SON_TRUNG_2024_Q3
from flows import answers as ans
from flows import catalog, texts
from flows.catalog import Kind
from storage.db import Store

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
OFFICER = 5550201
XA = catalog.load("xa")
TIMEOUT = 30
SAVED = re.compile(r"✓ Đã lưu (\S+): (.+)")


def plan() -> list[tuple[str, str | None]]:
    """(code, typed figure or None for "Bỏ qua") for each question, from seed 000.

    Amounts are skipped: "5.404" triệu đồng asks which reading was meant, a turn of its own.
    """
    out = []
    for ind in XA.asked:
        typed = SON_TRUNG_2024_Q3[ind.code]
        out.append((ind.code, None if ind.kind is Kind.AMOUNT else typed))
    return out


def test_two_processes_store_every_answer_once_at_its_own_indicator(postgres_database, tmp_path):
    url = postgres_database.fresh_schema_url()
    prepare(url)
    ports = [free_port(), free_port()]
    steps = plan()
    with FakeTelegram() as fake, RoundRobin([f"http://127.0.0.1:{p}" for p in ports]) as lb:
        webhook_url = f"{lb.url}/telegram"
        bots = [
            start_webhook_bot(fake, url, webhook_url, port, tmp_path / f"bot{n}")
            for n, port in enumerate(ports)
        ]
        try:
            for port in ports:
                wait_listening(port)
            fake.wait_for(lambda f: f.webhook is not None, TIMEOUT)
            fake.deliver_like_telegram()
            fake.user_sends(OFFICER, f"/start {invite(url, 'SONTRUNG', 'officer')}")
            intro = fake.wait_for_text(OFFICER, "Đã trả lời 0/48", TIMEOUT)
            fake.user_presses(OFFICER, intro.message_id, intro.data_for(texts.START))
            index, last_text = 0, None
            while index < len(steps):
                question = fake.wait_for_text(OFFICER, f"Câu {index + 1}/48 · ", TIMEOUT)
                code, typed = steps[index]
                assert f"{code}  " in question.text
                if typed is None:
                    fake.user_presses(OFFICER, question.message_id, question.data_for(texts.SKIP))
                else:
                    last_text = fake.user_sends(OFFICER, typed)
                index += 1
                # The next figure at once, before the bot has answered (a press needs the
                # next question's buttons, so only a typed figure can follow so quickly).
                if index < len(steps) and steps[index][1] is not None:
                    last_text = fake.user_sends(OFFICER, steps[index][1])
                    index += 1
            filled = sum(1 for _, typed in steps if typed is not None)
            end = texts.all_answered(filled, len(steps) - filled, len(steps))
            fake.wait_for_text(OFFICER, end.split("\n")[0], TIMEOUT)
            # Telegram delivers one update twice, to both processes at once.
            assert last_text is not None
            duplicate = fake.update_json(last_text)
            secret = fake.webhook[1]
            with ThreadPoolExecutor(2) as pool:
                statuses = list(
                    pool.map(
                        lambda port: (
                            httpx.post(
                                f"http://127.0.0.1:{port}/telegram",
                                json=duplicate,
                                headers={"X-Telegram-Bot-Api-Secret-Token": secret or ""},
                                timeout=TIMEOUT,
                            ).status_code
                        ),
                        ports,
                    )
                )
            assert statuses == [200, 200]
            chat = fake.chat(OFFICER)
        finally:
            outputs = stop_bots(bots, TIMEOUT)
    assert [bot.returncode for bot in bots] == [0, 0], outputs
    assert set(lb.sent) == {0, 1}  # both processes took their share

    store = Store(url, migrate=False)
    _, answers, history = stored_report(store)
    store.dispose()
    changes = [c for c in history if c.field == "value"]

    asked = {code for code, _ in steps}
    for code, typed in steps:
        ind = XA.by_code[code]
        if typed is None:
            assert answers[code].skipped and answers[code].value is None, code
        else:
            reading = ans.read(ind, typed)
            assert answers[code].value == ans.encode(ans.normalise(ind, reading.value)), code
    # Once each, in the order they were sent: no figure was ever written to another question.
    assert [c.code for c in changes if c.code in asked] == [code for code, _ in steps]
    for message in chat:
        for edit in (message.text, *message.edits):
            for code, shown in SAVED.findall(edit):
                ind = XA.by_code[code]
                assert ans.show(ind, ans.decode(ind, answers[code].value)) == shown.strip(), code
            assert texts.STALE_CHOICE not in edit
            assert texts.SORRY not in edit
