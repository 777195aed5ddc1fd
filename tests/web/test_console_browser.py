"""A reviewer's whole morning in the web console, in a real headless Chromium.

The bot runs as `cchc-bot run` does (Telegram through the fake Bot API, the web server at
PUBLIC_BASE_URL); the reviewer asks for /web in the chat, opens the link in Chromium, returns
Sơn Trung's report, the officer resubmits in the chat, the reviewer approves it, downloads the
compiled workbook and looks at III.2.1 across the communes. Each page is photographed.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import openpyxl
import pytest
from console_world import SON_HAI, file_seed_000
from fake_telegram import FakeTelegram
from telegram_runner import RunningBot, free_port, invite, settings_for

from flows import texts
from storage.db import Store

pytestmark = pytest.mark.slow
T = TypeVar("T")
OFFICER, REVIEWER = 5550001, 5550009
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As the machine's notes advise: without these Chromium keeps dialling the internet.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LINK = re.compile(r"http://127\.0\.0\.1:\d+/web/vao/\S+")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def in_chat(work: Callable[..., T], *args: object) -> T:
    """The fake chat's blocking calls refuse a thread with a running event loop, and
    Playwright's sync API keeps one on the test's thread: they run on a thread of their own."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args).result()


def join(fake: FakeTelegram, url: str, user: int, unit: str, role: str, name: str) -> None:
    fake.user_sends(user, f"/start {invite(url, unit, role)}", first_name=name)
    fake.wait_for_text(user, "✓ Đã đăng ký")


def submit(fake: FakeTelegram) -> None:
    fake.user_sends(OFFICER, "/nop")
    confirm = fake.wait_for_text(OFFICER, "Nộp báo cáo Quý III/2024")
    fake.user_presses(OFFICER, confirm.message_id, confirm.data_for(texts.CONFIRM_SUBMIT))
    fake.wait_for_text(REVIEWER, "📥 Xã Sơn Trung đã nộp báo cáo Quý III/2024")


def test_a_reviewer_follows_returns_approves_and_downloads_in_the_browser(
    fake, url, browser, tmp_path: Path
):
    store = Store(url)
    with store.transaction() as repo:
        repo.import_units([SON_HAI])
    port = free_port()
    settings = settings_for(
        fake,
        url,
        public_base_url=f"http://127.0.0.1:{port}",
        http_listen="127.0.0.1",
        http_port=port,
        reminders=False,
    )
    shots = tmp_path / "screenshots"
    with RunningBot(settings):
        in_chat(join, fake, url, REVIEWER, "SONHA", "reviewer", "Hùng")
        in_chat(join, fake, url, OFFICER, "SONTRUNG", "officer", "Lan")
        with store.transaction() as repo:
            officer = repo.user("telegram", str(OFFICER))
            round_ = repo.round_by_period("xa", "2024-Q3")
            file_seed_000(repo, round_.id, "SONTRUNG", officer.id, round_.opened_at)  # type: ignore[union-attr, arg-type]
        in_chat(submit, fake)

        in_chat(fake.user_sends, REVIEWER, "/web")
        found = LINK.search(in_chat(fake.wait_for_text, REVIEWER, "Liên kết đăng nhập").text)
        assert found is not None
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)

        page.goto(found.group(0))
        assert page.url.endswith("/web/")
        assert "Đã nộp" in page.locator('tr[data-unit="SONTRUNG"]').inner_text()
        assert "Hùng" in page.locator("header").inner_text()
        assert "Lan" in page.locator('tr[data-unit="SONTRUNG"]').inner_text()
        assert "Chưa bắt đầu" in page.locator('tr[data-unit="SONHAI"]').inner_text()
        page.screenshot(path=shots / "1-tinh-hinh-nop.png", full_page=True)

        page.click('tr[data-unit="SONTRUNG"] a')
        ratio = page.locator('tr[data-code="III.2.1"] td[data-value]').inner_text()
        assert ratio == "99,37"
        assert page.locator('tr[data-code="III.2.2"] td[data-value]').inner_text() == "790"
        assert page.locator('tr[data-code="III.2.3"] td[data-value]').inner_text() == "785"
        page.screenshot(path=shots / "2-bao-cao-son-trung.png", full_page=True)

        page.fill("#ly_do", "Kiểm tra lại số hồ sơ III.2.2")
        page.click("button:has-text('Trả lại')")
        assert "Đã trả lại báo cáo" in page.locator("[role=status]").inner_text()
        in_chat(fake.wait_for_text, OFFICER, "Lý do: Kiểm tra lại số hồ sơ III.2.2")
        page.screenshot(path=shots / "3-da-tra-lai.png", full_page=True)

        in_chat(submit, fake)  # the officer resubmits in the chat
        page.reload()
        page.click("button:has-text('Duyệt')")
        assert "Đã duyệt báo cáo" in page.locator("[role=status]").inner_text()
        in_chat(fake.wait_for_text, OFFICER, "đã được duyệt")
        page.screenshot(path=shots / "4-da-duyet.png", full_page=True)

        page.click("text=Tình hình nộp")
        assert "Đã duyệt" in page.locator('tr[data-unit="SONTRUNG"]').inner_text()
        with page.expect_download() as download:
            page.click("text=Bảng tổng hợp (Excel)")
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        summary = book["Tổng hợp"]
        assert summary["G4"].value == "Xã Sơn Trung"
        assert summary["B25"].value.startswith("Tỷ lệ hồ sơ TTHC do UBND cấp xã")  # III.2.1
        assert summary["G25"].value == 99.37  # Sơn Trung's column
        assert "Xã Sơn Trung" in book.sheetnames

        page.click("text=Xem một chỉ tiêu qua các đơn vị")
        page.select_option("#ma", "III.2.1")
        page.click("button:has-text('Xem')")
        assert "99,37" in page.locator('tr[data-unit="SONTRUNG"]').inner_text()
        assert page.locator("figure.chart svg").count() == 2
        assert "Xã Sơn Trung" in page.locator("figure.chart svg").first.inner_html()
        page.screenshot(path=shots / "5-chi-tieu-III.2.1.png", full_page=True)

        page.click("text=Lịch sử")
        assert "Quý III/2024" in page.locator("main").inner_text()
        page.screenshot(path=shots / "6-lich-su.png", full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.click("text=Tình hình nộp")
        page.screenshot(path=shots / "7-dien-thoai.png", full_page=True)
        page.click("button:has-text('Đăng xuất')")
        assert page.url.endswith("/web/dang-nhap")
    store.dispose()
    assert sorted(p.name for p in shots.iterdir())[0] == "1-tinh-hinh-nop.png"
