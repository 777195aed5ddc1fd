"""On Telegram the Word draft arrives as a document: the officer's own, the reviewer's summary."""

from __future__ import annotations

import io

import docx
import pytest
from fake_telegram import FakeTelegram
from telegram_runner import RunningBot, invite, settings_for

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


def word_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_an_officer_gets_the_draft_of_its_report_as_a_word_document(fake, url):
    with RunningBot(settings_for(fake, url)):
        join(fake, url, OFFICER, "SONTRUNG", "officer")
        fake.user_sends(OFFICER, "/duthao")
        message = fake.wait_for_text(OFFICER, texts.DRAFT_CAPTION)
    assert message.document is not None
    filename, data = message.document
    assert filename == "CCHC_2024-Q3_xa-son-trung.docx"
    assert word_paragraphs(data)[:2] == [
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý III năm 2024",
    ]


def test_a_reviewer_gets_the_summary_of_its_communes_as_a_word_document(fake, url):
    with RunningBot(settings_for(fake, url)):
        join(fake, url, REVIEWER, "SONHA", "reviewer")
        fake.user_sends(REVIEWER, "/duthao")
        message = fake.wait_for_text(REVIEWER, texts.SUMMARY_DRAFT_CAPTION)
    assert message.document is not None
    filename, data = message.document
    assert filename == "CCHC_2024-Q3_tong-hop_huyen-son-ha.docx"
    assert "I. TÌNH HÌNH NỘP BÁO CÁO" in word_paragraphs(data)
