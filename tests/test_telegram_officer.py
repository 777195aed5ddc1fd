"""An officer on Telegram: registers with an invite and files seed 000's whole report.

The real python-telegram-bot application polls a fake Bot API server on 127.0.0.1; the test
presses buttons and types numbers as the officer would on a phone.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from fake_telegram import FakeTelegram
from seed_000 import XA, assert_seed_000_stored, stored_report
from telegram_runner import RunningBot, invite, settings_for

from bot.transports.console.demo import SON_TRUNG_2024_Q3
from flows import texts
from storage.db import Store

pytestmark = pytest.mark.slow
OFFICER = 5550001


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def press(fake: FakeTelegram, chat_id: int, message, label: str) -> None:
    fake.user_presses(chat_id, message.message_id, message.data_for(label))


def register(
    fake: FakeTelegram, url: str, user: int, unit: str = "SONTRUNG", role: str = "officer"
):
    code = invite(url, unit, role)
    fake.user_sends(user, f"/start {code}")
    return fake.wait_for_text(user, "✓ Đã đăng ký")


def test_officer_files_the_whole_xa_report_with_buttons_and_numbers(fake, url):
    with RunningBot(settings_for(fake, url)):
        register(fake, url, OFFICER)
        intro = fake.wait_for_text(OFFICER, "Xã Sơn Trung — báo cáo CCHC Quý III/2024")
        press(fake, OFFICER, intro, "Bắt đầu")
        for index, ind in enumerate(XA.asked, 1):
            question = fake.wait_for_text(OFFICER, f"Câu {index}/48 · ")
            assert f"{ind.code}  {ind.full_label}" in question.text
            typed = SON_TRUNG_2024_Q3[ind.code]
            if ind.code == "I.3.1":
                fake.user_sends(OFFICER, "/ghichu I.3.1 VHXH, TP-HT")  # not I.2.2, just answered
                fake.wait_for_text(
                    OFFICER, "✓ Đã ghi chú cho I.3.1 Số ngành, công chức chuyên môn đã kiểm tra:"
                )
            if ind.code == "III.2.3":
                fake.user_sends(OFFICER, "800")
                fake.wait_for_text(OFFICER, "(800) không thể lớn hơn")
            if typed is None:
                press(fake, OFFICER, question, texts.SKIP)
            elif ind.choices:
                label = f"{typed} = {ind.choice_label(int(typed))}"
                press(fake, OFFICER, question, label)
            else:
                fake.user_sends(OFFICER, typed)
        done = fake.wait_for_text(OFFICER, "✓ Đã đi hết 48 câu: trả lời 42, bỏ qua 6.")
        press(fake, OFFICER, done, texts.SUBMIT)
        confirm = fake.wait_for_text(OFFICER, "Nộp báo cáo Quý III/2024 của Xã Sơn Trung?")
        press(fake, OFFICER, confirm, texts.CONFIRM_SUBMIT)
        fake.wait_for_text(OFFICER, "✓ Đã nộp báo cáo Quý III/2024 lúc")
        appendix = fake.wait_for_text(OFFICER, texts.APPENDIX_CAPTION)  # the draft follows it
        assert appendix.document is not None
        filename, data = appendix.document
        assert filename == "CCHC_2024-Q3_xa-son-trung.xlsx"
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        label = XA.by_code["III.2.1"].label
        assert [r[3].value for r in sheet.iter_rows() if r[1].value == label] == [99.37]

        chat = fake.chat(OFFICER)
        skipped = next(m for m in chat if m.text.startswith("Câu 1/48") and m.edits)
        assert skipped.text.endswith("→ Bỏ qua") and skipped.buttons == []  # edited in place
        assert any("→ III.2.1 Tỷ lệ hồ sơ TTHC" in m.text and "99,37 %" in m.text for m in chat)

    store = Store(url)
    submission, stored, _ = stored_report(store)
    store.dispose()
    assert submission.status == "submitted"
    assert_seed_000_stored(stored)


def test_officer_menu_is_registered_in_vietnamese(fake, url):
    with RunningBot(settings_for(fake, url)):
        fake.wait_for(lambda f: "all_private_chats" in f.commands)
    commands = dict(fake.commands["all_private_chats"])
    assert commands["baocao"] == "Bắt đầu hoặc tiếp tục nhập báo cáo"
    assert set(commands) == {c for c, _ in texts.OFFICER_COMMANDS}


def test_unknown_and_used_invites_bind_nothing(fake, url):
    with RunningBot(settings_for(fake, url)):
        fake.user_sends(OFFICER, "/start CCHC-ZZZZZZ")
        fake.wait_for_text(OFFICER, "Mã mời không đúng")
        fake.user_sends(OFFICER, "xin chào")
        fake.wait_for_text(OFFICER, "Anh/chị chưa được đăng ký")
        code = invite(url, "SONTRUNG", "officer")
        fake.user_sends(OFFICER, f"/start {code}")
        fake.wait_for_text(OFFICER, "✓ Đã đăng ký")
        fake.user_sends(OFFICER + 1, f"/start {code}")
        fake.wait_for_text(OFFICER + 1, "Mã mời này đã được dùng")
    store = Store(url)
    with store.transaction() as repo:
        assert repo.user("telegram", str(OFFICER + 1)) is None
    store.dispose()


def test_redelivered_update_is_applied_once_and_answered_again(fake, url):
    with RunningBot(settings_for(fake, url)):
        register(fake, url, OFFICER)
        intro = fake.wait_for_text(OFFICER, "Đã trả lời 0/48")
        press(fake, OFFICER, intro, "Bắt đầu")
        fake.wait_for_text(OFFICER, "Câu 1/48")
        update = fake.user_sends(OFFICER, "3")
        fake.wait_for_text(OFFICER, "Câu 2/48")
        fake.redeliver(update)
        again = fake.wait_for_text(OFFICER, "✓ Đã lưu I.1: 3 Văn bản")
        assert "Câu 2/48" in again.text  # the same reply, not "Câu 3/48"
        fake.user_sends(OFFICER, "37")
        fake.wait_for_text(OFFICER, "Câu 3/48")
    store = Store(url)
    _, _, history = stored_report(store)
    store.dispose()
    assert [(h.code, h.new) for h in history if h.field == "value"] == [
        ("I.1", "3"),
        ("I.2.1", "37"),
    ]


def test_restart_mid_report_resumes_and_ignores_a_redelivered_update(fake, url):
    settings = settings_for(fake, url)
    with RunningBot(settings):
        register(fake, url, OFFICER)
        press(fake, OFFICER, fake.wait_for_text(OFFICER, "Đã trả lời 0/48"), "Bắt đầu")
        fake.wait_for_text(OFFICER, "Câu 1/48")
        fake.user_sends(OFFICER, "3")
        fake.wait_for_text(OFFICER, "Câu 2/48")
        last = fake.user_sends(OFFICER, "37")
        fake.wait_for_text(OFFICER, "Câu 3/48")
    with RunningBot(settings):  # a new process on the same database
        fake.redeliver(last)  # Telegram resends what it never saw confirmed
        fake.wait_for_text(OFFICER, "✓ Đã lưu I.2.1: 37 Nhiệm vụ")
        fake.user_sends(OFFICER, "35")
        reply = fake.wait_for_text(OFFICER, "Câu 4/48")
        assert "94,59 %" in reply.text
    store = Store(url)
    _, _, history = stored_report(store)
    store.dispose()
    assert [h.code for h in history if h.field == "value" and h.code != "I.2"] == [
        "I.1",
        "I.2.1",
        "I.2.2",
    ]


def test_a_failed_reply_loses_no_answer_and_the_officer_gets_an_apology(fake, url):
    with RunningBot(settings_for(fake, url)):
        register(fake, url, OFFICER)
        press(fake, OFFICER, fake.wait_for_text(OFFICER, "Đã trả lời 0/48"), "Bắt đầu")
        fake.wait_for_text(OFFICER, "Câu 1/48")
        fake.fail_next("sendMessage", status=500, chat_id=OFFICER)
        fake.user_sends(OFFICER, "3")
        fake.wait_for_text(OFFICER, texts.SORRY)
    store = Store(url)
    _, stored, _ = stored_report(store)
    store.dispose()
    assert stored["I.1"].value == "3"


def test_typing_after_a_question_still_works_and_old_buttons_are_refused(fake, url):
    with RunningBot(settings_for(fake, url)):
        register(fake, url, OFFICER)
        press(fake, OFFICER, fake.wait_for_text(OFFICER, "Đã trả lời 0/48"), "Bắt đầu")
        first = fake.wait_for_text(OFFICER, "Câu 1/48")
        fake.user_sends(OFFICER, "3")
        fake.wait_for_text(OFFICER, "Câu 2/48")
        press(fake, OFFICER, first, texts.SKIP)  # the old question's button, still on screen
        fake.wait_for_text(OFFICER, texts.STALE_CHOICE)
    store = Store(url)
    _, stored, _ = stored_report(store)
    store.dispose()
    assert stored["I.1"].value == "3" and not stored["I.1"].skipped
