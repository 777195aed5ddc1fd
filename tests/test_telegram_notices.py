"""A submission always reaches its reviewers, and a redelivered /xuat brings its file again."""

from __future__ import annotations

import pytest
from fake_telegram import FakeTelegram
from sqlalchemy import text as sql
from telegram_runner import RunningBot, invite, settings_for

from flows import texts
from storage.db import Store

pytestmark = pytest.mark.slow
OFFICER = 5550401
REVIEWER = 5550402


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def join(fake: FakeTelegram, url: str, user: int, unit: str, role: str):
    fake.user_sends(user, f"/start {invite(url, unit, role)}")
    return fake.wait_for_text(user, "✓ Đã đăng ký")


def submit(fake: FakeTelegram, *, then=None) -> None:
    fake.user_sends(OFFICER, "/nop")
    question = fake.wait_for_text(OFFICER, "Sau khi nộp, muốn sửa")
    if then is not None:
        then()
    fake.user_presses(OFFICER, question.message_id, question.data_for(texts.CONFIRM_SUBMIT))


def test_the_reviewer_is_told_even_when_the_officers_reply_fails(fake, url):
    with RunningBot(settings_for(fake, url)):
        join(fake, url, REVIEWER, "SONHA", "reviewer")
        join(fake, url, OFFICER, "SONTRUNG", "officer")

        def telegram_fails_for_the_officer() -> None:
            fake.fail_next("editMessageText", status=500, chat_id=OFFICER, times=5)
            fake.fail_next("sendMessage", status=500, chat_id=OFFICER, times=5)
            fake.fail_next("sendDocument", status=500, chat_id=OFFICER, times=5)

        submit(fake, then=telegram_fails_for_the_officer)
        notice = fake.wait_for_text(REVIEWER, "Xã Sơn Trung")
        assert "nộp" in notice.text
    store = Store(url)
    with store.reading() as repo:
        assert [row.status for row in repo.outbox()] == ["sent"]
    store.dispose()


def test_a_redelivered_xuat_sends_the_document_again(fake, url):
    with RunningBot(settings_for(fake, url)):
        join(fake, url, OFFICER, "SONTRUNG", "officer")
        update = fake.user_sends(OFFICER, "/xuat")
        first = fake.wait_for_text(OFFICER, texts.APPENDIX_CAPTION)
        assert first.document is not None
        fake.redeliver(update)
        fake.wait_for(lambda f: sum(1 for m in f.chat(OFFICER) if m.document) == 2)
        again = [m for m in fake.chat(OFFICER) if m.document][-1]
    assert again.text == first.text
    assert again.document[0] == first.document[0]  # the same file name
    assert again.document[1][:2] == b"PK"


def test_text_stored_with_a_control_character_still_submits_and_exports(fake, url):
    with RunningBot(settings_for(fake, url)) as bot:
        join(fake, url, REVIEWER, "SONHA", "reviewer")
        join(fake, url, OFFICER, "SONTRUNG", "officer")
        fake.user_sends(OFFICER, "/sua IV.1")
        fake.wait_for_text(OFFICER, "IV.1  ")
        fake.user_sends(OFFICER, "Vị trí việc làm")
        fake.wait_for_text(OFFICER, "✓ Đã lưu IV.1")
        with bot.store.transaction() as repo:  # as stored before the door refused such text
            repo.session.execute(
                sql("UPDATE answers SET value = :v WHERE code = 'IV.1'"),
                {"v": "Vị trí\x01việc làm"},
            )
        submit(fake)
        fake.wait_for_text(REVIEWER, "Xã Sơn Trung")
        fake.wait_for(lambda f: any(m.document for m in f.chat(OFFICER)))
        fake.user_sends(REVIEWER, "/xuat")
        compiled = fake.wait_for_text(REVIEWER, texts.COMPILED_CAPTION)
    assert compiled.document is not None and compiled.document[1][:2] == b"PK"
    shown = [m.text for m in fake.chat(OFFICER)]
    assert not any(texts.SORRY in t for t in shown)
