"""Two bot processes on one PostgreSQL database never show an officer a stale report.

Issue 16 lets each process keep the officer's report (the answers) in memory, trusted only while
the submission's version number, which every write bumps, is unchanged. Behind a round-robin load
balancer one officer's messages alternate between the processes, so each process's memory of the
report is always one message behind the other's writes. The officer sends one message, reads the
reply, then sends the next, so every update goes to the other process than the one before.

The officer answers the first questions with seed 000's figures (Xã Sơn Trung), then corrects a
figure on one process and reviews it on the other, both ways round. What the officer reads must
always be the latest figures: the value shown with a re-asked question, the ratio computed from
parts given on both processes, a hard rule checked against the whole as corrected on the other
process, the review; and at the end the database holds each last figure, its audit trail every
change once, in the order sent.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from fake_telegram import FakeTelegram, Message
from forwarder import RoundRobin
from seed_000 import EXPECTED_RATIOS, stored_report
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
from flows.answers import Value
from storage.db import Store

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
OFFICER = 5550216
XA = catalog.load("xa")
TOTAL = len(XA.asked)
TIMEOUT = 30
# Sections I to III up to III.2.3: ratios with parts given on both processes (I.2, I.3.2, III.2.1).
FIRST = [ind.code for ind in XA.asked][:14]
# The answer that completes a ratio (its last part asked) -> that ratio.
COMPLETED_BY = {"I.2.2": "I.2", "I.3.2.2": "I.3.2", "III.2.3": "III.2.1", "III.2.6": "III.2.4"}


def value_of(code: str, typed: str | None) -> Value | None:
    """What the engine stores for a typed figure (None: skipped)."""
    if typed is None:
        return None
    ind = XA.by_code[code]
    return ans.normalise(ind, ans.read(ind, typed).value)  # type: ignore[union-attr]


def shown(code: str, value: Value | None) -> str:
    return ans.show(XA.by_code[code], value)


def ratio_line(code: str, value: Decimal | None) -> str:
    label = XA.by_code[code].label
    if value is None:
        return texts.ratio_empty(code, label)
    return texts.ratio_announced(code, label, shown(code, value))


def announced(reply: Message) -> list[str]:
    return [line for line in reply.text.splitlines() if line.startswith("→ ")]


def reviewed(section: Message) -> dict[str, str]:
    """{code: what it shows} from one section of /xem ("I.2.1 Số nhiệm vụ …: 40 Nhiệm vụ")."""
    out = {}
    for line in section.text.splitlines()[1:]:
        code, _, rest = line.partition(" ")
        if ": " in rest:
            out[code] = rest.rpartition(": ")[2]
    return out


class Officer:
    """The officer's phone: one update at a time, each through the load balancer, and the
    process that took it noted, so the test knows who wrote and who read."""

    def __init__(self, fake: FakeTelegram, lb: RoundRobin) -> None:
        self.fake, self.lb = fake, lb
        self.processes: list[int] = []  # the process that took each update, in order

    def send(self, text: str, expect: str) -> tuple[int, Message]:
        return self._push(self.fake.user_sends(OFFICER, text), expect)

    def press(self, message: Message, label: str, expect: str) -> tuple[int, Message]:
        data = message.data_for(label)
        return self._push(self.fake.user_presses(OFFICER, message.message_id, data), expect)

    def _push(self, update_id: int, expect: str) -> tuple[int, Message]:
        before = len(self.lb.sent)
        assert self.fake.push_webhook(update_id) == 200  # applied, once, by the process
        assert len(self.lb.sent) == before + 1
        self.processes.append(self.lb.sent[-1])
        return self.lb.sent[-1], self.fake.wait_for_text(OFFICER, expect, TIMEOUT)

    def review_section_i(self) -> tuple[int, Message, Message]:
        """/xem I: the process that answered, the review's footer and section I's lines."""
        process, footer = self.send("/xem I", texts.REVIEW_FOOTER)
        section = self.fake.wait_for_text(OFFICER, f"【I. {XA.section('I').label}】", TIMEOUT)
        return process, footer, section


def completed(code: str) -> list[str]:
    """The ratio line the answer to ``code`` must bring, with seed 000's value (or none)."""
    ratio = COMPLETED_BY.get(code)
    return [ratio_line(ratio, EXPECTED_RATIOS[ratio])] if ratio else []


def test_each_process_shows_the_figures_the_other_just_stored(postgres_database, tmp_path):
    url = postgres_database.fresh_schema_url()
    prepare(url)
    ports = [free_port(), free_port()]
    given: dict[str, str | None] = {}  # the last figure typed for each code (None: skipped)
    sent: list[tuple[str, Value | None, Value | None]] = []  # (code, old, new), as given
    with FakeTelegram() as fake, RoundRobin([f"http://127.0.0.1:{p}" for p in ports]) as lb:
        bots = [
            start_webhook_bot(fake, url, f"{lb.url}/telegram", port, tmp_path / f"bot{n}")
            for n, port in enumerate(ports)
        ]
        officer = Officer(fake, lb)

        def answer(code: str, typed: str | None, screen: Message) -> tuple[int, Message]:
            """Answer the question on screen (typed, or "Bỏ qua" for None)."""
            assert f"{code}  " in screen.text, screen.text
            old = value_of(code, given[code]) if code in given else None
            new = value_of(code, typed)
            if typed is None:
                done = officer.press(screen, texts.SKIP, texts.SKIP_SAVED)
            else:
                done = officer.send(typed, texts.saved(code, shown(code, new)))
            given[code] = typed
            sent.append((code, old, new))
            return done

        def i2() -> Decimal:
            """I.2 as the officer's latest parts make it."""
            done, planned = (value_of(c, given[c]) for c in ("I.2.2", "I.2.1"))
            assert isinstance(done, Decimal) and isinstance(planned, Decimal)
            return (done / planned * 100).quantize(Decimal("0.01"))

        def check_review(section: Message) -> None:
            """Section I as reviewed shows every figure last given, and I.2 from them."""
            filled = sum(1 for typed in given.values() if typed is not None)
            progress = texts.progress(filled, len(given) - filled, TOTAL)
            fake.wait_for_text(OFFICER, progress, TIMEOUT)  # the review's header
            lines = reviewed(section)
            for code, typed in given.items():
                if code.startswith("I."):
                    want = texts.SKIPPED if typed is None else shown(code, value_of(code, typed))
                    assert lines[code] == want, (code, section.text)
            assert lines["I.2"] == shown("I.2", i2()), section.text
            assert lines["I.3.2"] == texts.EMPTY_RATIO, section.text  # 0 problems of 0

        def correct(code: str, was: str, to: str, ratio: str) -> tuple[int, int, Message]:
            """/sua ``code`` on one process, then section I reviewed on the next: the process
            that stored the figure, the one that showed it, and the review's footer."""
            _, question = officer.send(f"/sua {code}", f"{code}  ")
            assert texts.current_line(f"{was} Nhiệm vụ") in question.text, question.text
            wrote, reply = answer(code, to, question)
            assert announced(reply) == [ratio_line("I.2", Decimal(ratio))]
            assert f"Câu 15/{TOTAL} · III. " in reply.text and "III.2.5  " in reply.text
            read, footer, section = officer.review_section_i()
            check_review(section)
            assert reviewed(section)[code] == f"{to} Nhiệm vụ"
            assert reviewed(section)["I.2"] == ans.show(XA.by_code["I.2"], Decimal(ratio))
            return wrote, read, footer

        try:
            for port in ports:
                wait_listening(port)
            fake.wait_for(lambda f: f.webhook is not None, TIMEOUT)
            invite_code = invite(url, "SONTRUNG", "officer")
            _, intro = officer.send(f"/start {invite_code}", f"Đã trả lời 0/{TOTAL}")
            _, screen = officer.press(intro, texts.START, f"Câu 1/{TOTAL} · ")

            # 1. Seed 000's figures, each on the other process than the one before; a ratio
            # whose parts came from both processes is announced with the seed's value.
            for n, code in enumerate(FIRST, 1):
                _, screen = answer(code, SON_TRUNG_2024_Q3[code], screen)
                assert f"Câu {n + 1}/{TOTAL} · " in screen.text, screen.text
                assert announced(screen) == completed(code), screen.text

            # 2. A correction stored by one process, then read on the other: 35 of 40.
            wrote_1, read_1, _ = correct("I.2.1", "37", "40", "87.50")

            # 3. The other way round. 38 done of 40 planned is allowed only against the
            # corrected whole: a process still holding 37 would refuse it (a part above its whole).
            wrote_2, read_2, footer = correct("I.2.2", "35", "38", "95.00")

            # 4. On from where the officer left off, still alternating.
            _, screen = officer.press(footer, texts.CONTINUE, f"Câu 15/{TOTAL} · ")
            for n, code in enumerate(["III.2.5", "III.2.6"], 15):
                _, screen = answer(code, SON_TRUNG_2024_Q3[code], screen)
                assert f"Câu {n + 1}/{TOTAL} · " in screen.text, screen.text
                assert announced(screen) == completed(code), screen.text
            chat = fake.chat(OFFICER)
        finally:
            outputs = stop_bots(bots, TIMEOUT)
    assert [bot.returncode for bot in bots] == [0, 0], outputs

    # Every update went through the balancer once, each to the other process than the last,
    # and each correction was read on the other process than the one that stored it.
    assert lb.sent == officer.processes
    assert set(officer.processes) == {0, 1}
    assert all(a != b for a, b in pairwise(officer.processes)), officer.processes
    assert wrote_1 != read_1 and wrote_2 != read_2 and wrote_1 != wrote_2

    store = Store(url, migrate=False)
    _, answers, history = stored_report(store)
    store.dispose()
    changes = [c for c in history if c.field == "value"]

    for code, typed in given.items():
        if typed is None:
            assert answers[code].skipped and answers[code].value is None, code
        else:
            assert answers[code].value == ans.encode(value_of(code, typed)), code
    assert ans.decode(XA.by_code["I.2"], answers["I.2"].value) == Decimal("95.00")
    # The officer's changes, once each and in the order sent: none lost, none doubled.
    asked = {ind.code for ind in XA.asked}
    assert [(c.code, c.old, c.new) for c in changes if c.code in asked] == [
        (code, ans.encode(old), ans.encode(new)) for code, old, new in sent
    ]
    for message in chat:
        for text in (message.text, *message.edits):
            assert texts.STALE_CHOICE not in text
            assert texts.SORRY not in text
