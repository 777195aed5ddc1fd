"""A reviewer on Telegram follows its communes, returns a report, and approves the correction."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

import openpyxl
import pytest
from fake_telegram import FakeTelegram
from telegram_runner import RunningBot, free_port, invite, settings_for

from flows import texts

pytestmark = pytest.mark.slow
OFFICER, REVIEWER = 5550001, 5550009


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def join(fake: FakeTelegram, url: str, user: int, unit: str, role: str) -> None:
    fake.user_sends(user, f"/start {invite(url, unit, role)}")
    fake.wait_for_text(user, "✓ Đã đăng ký")


def test_reviewer_returns_a_report_and_approves_the_resubmission(fake, url):
    with RunningBot(settings_for(fake, url)):
        join(fake, url, REVIEWER, "SONHA", "reviewer")
        fake.wait_for(lambda f: f"chat:{REVIEWER}" in f.commands)
        assert {c for c, _ in fake.commands[f"chat:{REVIEWER}"]} >= {"tinhhinh", "tralai", "duyet"}

        fake.user_sends(REVIEWER, "/tinhhinh")
        fake.wait_for_text(REVIEWER, "• SONTRUNG Xã Sơn Trung: chưa bắt đầu")

        join(fake, url, OFFICER, "SONTRUNG", "officer")
        intro = fake.wait_for_text(OFFICER, "Đã trả lời 0/48")
        fake.user_presses(OFFICER, intro.message_id, intro.data_for(texts.START))
        fake.wait_for_text(OFFICER, "Câu 1/48")
        fake.user_sends(OFFICER, "3")
        fake.wait_for_text(OFFICER, "Câu 2/48")
        fake.user_sends(REVIEWER, "/tinhhinh")
        fake.wait_for_text(REVIEWER, "• SONTRUNG Xã Sơn Trung: đang nhập 1/48")

        fake.user_sends(OFFICER, "/nop")
        confirm = fake.wait_for_text(OFFICER, "Nộp báo cáo Quý III/2024")
        fake.user_presses(OFFICER, confirm.message_id, confirm.data_for(texts.CONFIRM_SUBMIT))
        fake.wait_for_text(OFFICER, "✓ Đã nộp")
        fake.wait_for_text(REVIEWER, "📥 Xã Sơn Trung đã nộp báo cáo Quý III/2024")
        fake.user_sends(REVIEWER, "/tinhhinh")
        fake.wait_for_text(REVIEWER, "• SONTRUNG Xã Sơn Trung: đã nộp lúc")

        fake.user_sends(REVIEWER, "/tralai SONTRUNG Thiếu số hồ sơ III.2.2")
        fake.wait_for_text(REVIEWER, "↩ Đã trả lại báo cáo Quý III/2024 của Xã Sơn Trung")
        told = fake.wait_for_text(OFFICER, "đã bị trả lại để sửa. Lý do: Thiếu số hồ sơ III.2.2")
        fake.user_presses(OFFICER, told.message_id, told.data_for(texts.CONTINUE))
        fake.wait_for_text(OFFICER, "Câu 2/48")
        fake.user_sends(OFFICER, "/sua III.2.2")
        fake.wait_for_text(OFFICER, "III.2.2  Tổng số hồ sơ TTHC đã giải quyết xong")
        fake.user_sends(OFFICER, "790")
        fake.wait_for_text(OFFICER, "✓ Đã lưu III.2.2: 790 Hồ sơ")
        fake.user_sends(OFFICER, "/nop")
        confirm = fake.wait_for_text(OFFICER, "Nộp báo cáo Quý III/2024")
        fake.user_presses(OFFICER, confirm.message_id, confirm.data_for(texts.CONFIRM_SUBMIT))
        fake.wait_for_text(REVIEWER, "📥 Xã Sơn Trung đã nộp báo cáo Quý III/2024")

        fake.user_sends(REVIEWER, "/duyet SONTRUNG")
        fake.wait_for_text(REVIEWER, "✓ Đã duyệt báo cáo Quý III/2024 của Xã Sơn Trung.")
        fake.wait_for_text(OFFICER, "đã được duyệt")
        fake.user_sends(OFFICER, "/sua I.1")
        fake.wait_for_text(OFFICER, "Báo cáo đã được duyệt, không sửa được nữa.")
        fake.user_sends(REVIEWER, "/tinhhinh")
        fake.wait_for_text(REVIEWER, "• SONTRUNG Xã Sơn Trung: đã duyệt")


def test_reviewer_downloads_the_compiled_workbook_and_one_units_appendix(fake, url):
    with RunningBot(settings_for(fake, url)):
        join(fake, url, REVIEWER, "SONHA", "reviewer")
        join(fake, url, OFFICER, "SONTRUNG", "officer")
        intro = fake.wait_for_text(OFFICER, "Đã trả lời 0/48")
        fake.user_presses(OFFICER, intro.message_id, intro.data_for(texts.START))
        fake.wait_for_text(OFFICER, "Câu 1/48")
        fake.user_sends(OFFICER, "3")
        fake.wait_for_text(OFFICER, "Câu 2/48")

        fake.user_sends(REVIEWER, "/xuat")
        fake.wait_for(lambda f: f.last(REVIEWER).document is not None)
        filename, data = fake.last(REVIEWER).document
        assert filename == "CCHC_2024-Q3_tong-hop_huyen-son-ha.xlsx"
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        assert workbook.sheetnames[0] == "Tổng hợp"
        assert "Tình hình nộp" in workbook.sheetnames

        fake.user_sends(REVIEWER, "/xuat sontrung")
        fake.wait_for(lambda f: f.last(REVIEWER).document[0] == "CCHC_2024-Q3_xa-son-trung.xlsx")
        fake.user_sends(REVIEWER, "/xuat PHOAN")
        fake.wait_for_text(REVIEWER, "Không có đơn vị “PHOAN” trong phạm vi anh/chị phụ trách")


def test_reviewer_cannot_touch_another_districts_commune(fake, url):
    with RunningBot(settings_for(fake, url)):
        join(fake, url, REVIEWER, "SONHA", "reviewer")
        fake.user_sends(REVIEWER, "/duyet PHOAN")
        fake.wait_for_text(REVIEWER, "Không có đơn vị “PHOAN” trong phạm vi anh/chị phụ trách")


def test_webhook_mode_accepts_telegram_and_refuses_a_forged_secret(fake, url):
    port = free_port()
    webhook = f"http://127.0.0.1:{port}/telegram"
    settings = settings_for(fake, url, webhook_url=webhook, webhook_secret="bi-mat-cua-tinh")
    with RunningBot(settings, webhook_port=port):
        fake.wait_for(lambda f: f.webhook is not None)
        assert fake.webhook == (webhook, "bi-mat-cua-tinh")
        update = fake.user_sends(OFFICER, "xin chào")
        assert fake.push_webhook(update) == 200
        fake.wait_for_text(OFFICER, "Anh/chị chưa được đăng ký")

        forged = urllib.request.Request(
            webhook,
            data=b'{"update_id": 999, "message": {}}',
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "sai"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=10)
        refused.value.close()
        assert refused.value.code == 403
