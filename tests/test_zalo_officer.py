"""An officer on Zalo: registers with an invite and files seed 000's whole report by text.

The real bot long-polls a fake Zalo Bot API server on 127.0.0.1 (no buttons, no documents,
2,000 characters a message); the officer types what the console test types, and the stored
report must be seed 000's to the last figure. The appendix arrives as a download link.
"""

from __future__ import annotations

import io

import httpx
import openpyxl
import pytest
from fake_zalo import FakeZalo
from seed_000 import XA, assert_seed_000_stored, officer_lines, stored_report
from telegram_runner import RunningBot, invite
from zalo_runner import link_in, register, says, zalo_settings

from flows import texts
from storage.db import Store

pytestmark = pytest.mark.slow
OFFICER = "6ede9afa66b88fe6d6a9"


@pytest.fixture
def fake():
    with FakeZalo() as server:
        yield server


def test_officer_files_the_whole_xa_report_by_text_with_seed_000(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        welcome = register(fake, url, OFFICER)
        assert "✓ Đã đăng ký: cán bộ nhập liệu của Xã Sơn Trung." in welcome.text
        says(fake, OFFICER, "Bắt đầu")
        for line in officer_lines():
            says(fake, OFFICER, line)
        fake.wait_for_text(OFFICER, "✓ Đã nộp báo cáo Quý III/2024 lúc")
        appendix = fake.wait_for_text(OFFICER, "📎 Tải tệp tại:")
        transcript = "\n".join(m.text for m in fake.chat(OFFICER))

        assert (
            "✗ Số hồ sơ TTHC giải quyết đúng hạn (800) không thể lớn hơn "
            "tổng số hồ sơ TTHC đã giải quyết xong (790). Nhập lại."
        ) in transcript
        assert "→ III.2.1 Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn: " in (
            transcript
        )
        assert "99,37 %" in transcript and "94,59 %" in transcript
        assert "  1. Xác nhận nộp" in transcript  # a choice is a numbered line, answered "1"
        assert all(len(m.text) <= 2000 for m in fake.chat(OFFICER))

        response = httpx.get(link_in(appendix.text))
        assert response.status_code == 200
        assert "CCHC_2024-Q3_xa-son-trung.xlsx" in response.headers["content-disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        label = XA.by_code["III.2.1"].label
        [value] = [row[3].value for row in sheet.iter_rows() if row[1].value == label]
        assert value == 99.37

    store = Store(url)
    submission, stored, history = stored_report(store)
    with store.reading() as repo:
        officer = repo.user("zalo", OFFICER)
        downloads = repo.downloads()
    store.dispose()
    assert submission.status == "submitted"
    assert_seed_000_stored(stored)
    edits = [(h.old, h.new) for h in history if h.code == "I.4.1" and h.field == "value"]
    assert edits == [(None, "8"), ("8", "7")]
    assert officer is not None
    assert [(d.outcome, d.file, d.user_id) for d in downloads] == [
        ("served", f"appendix:{submission.round_id}:{submission.unit_id}", officer.id)
    ]


def test_the_invite_code_alone_as_first_message_registers(fake, url):
    code = invite(url, "SONTRUNG", "officer")
    with RunningBot(zalo_settings(fake, url)):
        fake.user_sends(OFFICER, code)
        message = fake.wait_for_text(OFFICER, "✓ Đã đăng ký")
    assert "Xã Sơn Trung" in message.text


def test_a_stranger_is_told_how_to_get_a_code_and_a_used_code_binds_nothing(fake, url):
    code = invite(url, "SONTRUNG", "officer")
    with RunningBot(zalo_settings(fake, url)):
        says(fake, "khach", "xin chào")
        fake.wait_for_text("khach", "Anh/chị chưa được đăng ký")
        register_with = says(fake, OFFICER, f"/start {code}")
        assert "✓ Đã đăng ký" in register_with[0].text
        says(fake, "nguoi-khac", f"/start {code}")
        fake.wait_for_text("nguoi-khac", "Mã mời này đã được dùng")


def test_a_long_review_is_cut_under_two_thousand_characters(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "/xem")
        fake.wait_for_text(OFFICER, texts.SUBMIT)
        review = [m.text for m in fake.chat(OFFICER)]
    assert all(0 < len(text) <= 2000 for text in review)
    # Section VII alone runs past 2,000 characters: it goes on in a second message, cut
    # between two lines, not inside one.
    [seventh] = [i for i, text in enumerate(review) if text.startswith("【VII.")]
    assert len(review[seventh]) + len(review[seventh + 1]) > 2000
    assert review[seventh + 1].startswith("VII.")


def test_a_redelivered_event_is_applied_once(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "Bắt đầu")
        first_answer = fake.user_sends(OFFICER, "1")
        fake.wait_for_text(OFFICER, "Câu 2/")
        fake.redeliver(first_answer)
        fake.wait_for(lambda f: f.pending_updates == 0)
        says(fake, OFFICER, "/xem")

    store = Store(url)
    _, stored, history = stored_report(store)
    store.dispose()
    first = XA.asked[0].code
    assert [h.new for h in history if h.code == first and h.field == "value"] == ["1"]
    assert len(stored) == 1


def test_a_picture_gets_a_polite_text_only_answer(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        fake.user_sends_image(OFFICER)
        fake.wait_for_text(OFFICER, texts.ZALO_TEXT_ONLY)
