"""On Zalo the Word draft arrives as a signed download link, served as a Word document."""

from __future__ import annotations

import io

import docx
import httpx
import pytest
from fake_zalo import FakeZalo
from telegram_runner import RunningBot
from zalo_runner import link_in, register, says, zalo_settings

from flows import texts

pytestmark = pytest.mark.slow
OFFICER = "6ede9afa66b88fe6d6a9"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def fake():
    with FakeZalo() as server:
        yield server


def test_an_officer_opens_the_draft_from_its_link_as_a_word_document(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "/duthao")
        message = fake.wait_for_text(OFFICER, "📎 Tải tệp tại:")
        assert texts.DRAFT_CAPTION in message.text
        link = link_in(message.text)
        head = httpx.head(link)
        response = httpx.get(link)
    assert head.status_code == 200 and head.headers["content-type"].startswith(DOCX)
    assert response.status_code == 200 and response.headers["content-type"].startswith(DOCX)
    assert "CCHC_2024-Q3_xa-son-trung.docx" in response.headers["content-disposition"]
    paragraphs = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert paragraphs[0] == "BÁO CÁO"
