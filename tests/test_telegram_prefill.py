"""An officer sends last period's hand-made appendix to the bot on Telegram and confirms it.

The real python-telegram-bot application fetches the file from the fake Bot API (getFile and
the file URL), the bot reads it as `cchc-bot prefill` does, and stores it only on "Lưu".
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from appendix_sheets import seed_000_sheet
from fake_telegram import FakeTelegram
from telegram_runner import RunningBot, invite, settings_for

from flows import answers, catalog
from storage.db import Store

pytestmark = pytest.mark.slow
OFFICER = 5550101
XA = catalog.load("xa")


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def registered(fake: FakeTelegram, url: str) -> None:
    fake.user_sends(OFFICER, f"/start {invite(url, 'SONTRUNG', 'officer')}")
    fake.wait_for_text(OFFICER, "✓ Đã đăng ký")


def quarter_2(url: str) -> dict[str, object]:
    store = Store(url)
    with store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q2")
        if round_ is None:
            return {}
        submission = repo.submission(round_.id, repo.unit_by_code("SONTRUNG").id, create=False)
        rows = repo.answers(submission.id) if submission else {}
    store.dispose()
    return {code: answers.decode(XA.by_code[code], a.value) for code, a in rows.items()}


def test_a_sent_appendix_is_read_shown_and_stored_on_luu(fake, url):
    with RunningBot(settings_for(fake, url)):
        registered(fake, url)
        fake.user_sends_document(OFFICER, "phu-luc-quy-2.xlsx", seed_000_sheet(extras=False))
        read = fake.wait_for_text(OFFICER, "📄 Đọc được")
        assert "phụ lục Quý II/2024" in read.text
        assert "I.2: bảng ghi 90,90 %, tính được 94,59 %" in read.text
        assert quarter_2(url) == {}  # nothing stored before the officer says so
        fake.user_presses(OFFICER, read.message_id, read.data_for("Lưu làm số liệu kỳ trước"))
        fake.wait_for_text(OFFICER, "✓ Đã lưu")
        stored = quarter_2(url)
        assert stored["III.2.2"] == Decimal(790) and stored["VI.1.1"] == Decimal(5404)
        assert stored["I.2"] == Decimal("94.59")


def test_cancel_stores_nothing_and_takes_the_buttons_away(fake, url):
    with RunningBot(settings_for(fake, url)):
        registered(fake, url)
        fake.user_sends_document(OFFICER, "phu-luc.xlsx", seed_000_sheet(extras=False))
        read = fake.wait_for_text(OFFICER, "📄 Đọc được")
        fake.user_presses(OFFICER, read.message_id, read.data_for("Huỷ"))
        fake.wait_for_text(OFFICER, "Đã huỷ, không lưu gì.")
        assert next(m for m in fake.chat(OFFICER) if m.message_id == read.message_id).buttons == []
    assert quarter_2(url) == {}


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_reason(fake, url):
    with RunningBot(settings_for(fake, url)):
        registered(fake, url)
        fake.user_sends_document(OFFICER, "bao-cao.docx", b"PK not a sheet")
        fake.wait_for_text(OFFICER, "Bot chỉ đọc được phụ lục dạng Excel (.xlsx)")
        workbook = openpyxl.Workbook()
        workbook.active.append(["Họ tên", "Chức vụ"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        fake.user_sends_document(OFFICER, "danh-sach.xlsx", buffer.getvalue())
        fake.wait_for_text(OFFICER, "Không đọc được tệp này: trang")
