"""One person's updates are applied in the order Telegram numbered them, on one bot process.

An officer who knows the form presses "Bỏ qua" and types the next figure at once, before the
bot has answered the press. Both updates reach the bot in one batch; the figure must land in
the question after the skipped one, and the press must never be called a stale button.
"""

from __future__ import annotations

import pytest
from fake_telegram import FakeTelegram
from telegram_runner import RunningBot, invite, prepare, settings_for

from flows import catalog, texts
from flows.catalog import Indicator, Kind
from storage.db import Store

pytestmark = pytest.mark.slow
OFFICER = 5550101
HUYEN = catalog.load("huyen")
BURSTS = 30


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def typed_for(ind: Indicator) -> str:
    """A figure every rule of the form accepts wherever it is typed: 0, or the first code."""
    if ind.kind is Kind.CHOICE:
        return str(ind.choices[0].code)
    return "0"


def test_thirty_bursts_of_skip_then_the_next_figure_land_where_they_were_meant(fake, url):
    prepare(url, ("huyen",))  # beside the xa round of the url fixture
    store = Store(url)
    # 0 for I.6 (no survey held) or skipping it: I.6.1–I.6.2 are never asked
    asked = [i for i in HUYEN.asked if not i.relevant]
    total = len(asked)
    with RunningBot(settings_for(fake, url)):
        fake.user_sends(OFFICER, f"/start {invite(url, 'SONHA', 'officer')}")
        intro = fake.wait_for_text(OFFICER, f"Đã trả lời 0/{total}")
        fake.user_presses(OFFICER, intro.message_id, intro.data_for(texts.START))
        for burst in range(BURSTS):
            skipped, figure = asked[2 * burst], asked[2 * burst + 1]
            question = fake.wait_for_text(OFFICER, f"Câu {2 * burst + 1}/{total} · ")
            assert f"{skipped.code}  " in question.text
            # The press and the figure, back to back, before the bot has answered either.
            fake.user_presses(OFFICER, question.message_id, question.data_for(texts.SKIP))
            fake.user_sends(OFFICER, typed_for(figure))
        fake.wait_for_text(OFFICER, f"Câu {2 * BURSTS + 1}/{total} · ")
        chat = fake.chat(OFFICER)

    with store.transaction() as repo:
        submission = repo.submission(repo.open_rounds("huyen")[0].id, repo.unit_by_code("SONHA").id)
        answers = repo.answers(submission.id)
    store.dispose()
    for burst in range(BURSTS):
        skipped, figure = asked[2 * burst], asked[2 * burst + 1]
        assert answers[skipped.code].skipped, skipped.code
        assert answers[skipped.code].value is None, skipped.code
        assert answers[figure.code].value == typed_for(figure), figure.code
        assert not answers[figure.code].skipped, figure.code
    shown = [m.text for m in chat] + [edit for m in chat for edit in m.edits]
    assert not any(texts.STALE_CHOICE in text for text in shown)
    assert not any(texts.SORRY in text for text in shown)
