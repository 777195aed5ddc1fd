"""Zalo beside the rest of the service: download links, reminders, the webhook, and Telegram.

The real service runs against the fake Zalo Bot API (and the fake Telegram one where both apps
are on), with its own web server on 127.0.0.1 serving the download links.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import httpx
import openpyxl
import pytest
from fake_telegram import FakeTelegram
from fake_zalo import SECRET_HEADER, FakeZalo
from seed_000 import stored_report
from telegram_runner import ZONE, RunningBot, invite
from zalo_runner import eventually, link_in, register, says, zalo_settings

from bot.service.settings import Settings
from bot.web.downloads import DownloadLinks
from flows import texts
from storage.db import Store

pytestmark = pytest.mark.slow
OFFICER = "6ede9afa66b88fe6d6a9"
REVIEWER = 7770001  # on Telegram


@pytest.fixture
def fake():
    with FakeZalo() as server:
        yield server


def downloads(url: str) -> list[tuple[str, str | None, int | None]]:
    store = Store(url)
    with store.reading() as repo:
        rows = [(d.outcome, d.file, d.user_id) for d in repo.downloads()]
    store.dispose()
    return rows


def zalo_user_id(url: str, external_id: str) -> int:
    store = Store(url)
    with store.reading() as repo:
        user = repo.user("zalo", external_id)
    store.dispose()
    assert user is not None and user.id is not None
    return user.id


# --- download links ---------------------------------------------------------------------------
def test_xuat_gives_a_link_that_serves_the_appendix_and_logs_it(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "/xuat")
        message = fake.wait_for_text(OFFICER, "📎 Tải tệp tại:")
        assert "dùng được trong 24 giờ" in message.text
        response = httpx.get(link_in(message.text))

    assert response.status_code == 200
    assert response.content[:2] == b"PK"  # an xlsx is a zip
    spec = downloads(url)[0][1]
    assert downloads(url) == [("served", spec, zalo_user_id(url, OFFICER))]
    assert spec is not None and spec.startswith("appendix:")


def test_a_forged_link_is_refused_and_logged(fake, url):
    settings = zalo_settings(fake, url)
    with RunningBot(settings):
        response = httpx.get(f"{settings.public_base_url}/tai/eyJhIjoxfQ.bia-dat-ra")

    assert response.status_code == 403
    assert texts.DOWNLOAD_FORGED in response.text
    assert downloads(url) == [("forged", None, None)]


def test_an_expired_link_is_refused_and_logged(fake, url):
    settings = zalo_settings(fake, url)
    with RunningBot(settings):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "/xuat")
        fresh = link_in(fake.wait_for_text(OFFICER, "📎 Tải tệp tại:").text)
        file_spec = _grant_of(settings, fresh)
        yesterday = datetime.now(UTC) - timedelta(hours=25)
        old = DownloadLinks(
            settings.download_signing_key,
            settings.public_base_url or "",
            timedelta(hours=24),
            clock=lambda: yesterday,
        ).issue(file_spec, "zalo", OFFICER)
        response = httpx.get(old)

    assert response.status_code == 410
    assert texts.DOWNLOAD_EXPIRED in response.text
    assert downloads(url) == [("expired", file_spec, zalo_user_id(url, OFFICER))]


def _grant_of(settings: Settings, link: str) -> str:
    links = DownloadLinks(
        settings.download_signing_key, settings.public_base_url or "", timedelta(hours=24)
    )
    return links.check(link.rsplit("/", 1)[1]).file_spec


def test_without_a_public_address_zalo_users_are_told_files_are_unavailable(fake, url):
    with RunningBot(zalo_settings(fake, url, public_base_url=None)):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "/xuat")
        fake.wait_for_text(OFFICER, texts.DOWNLOADS_OFF)


def test_a_reviewer_on_zalo_follows_units_and_downloads_the_compiled_workbook(fake, url):
    reviewer = "reviewer-son-ha"
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, reviewer, "SONHA", "reviewer")
        says(fake, reviewer, "/tinhhinh")
        overview = fake.wait_for_text(reviewer, "Xã Sơn Trung")
        says(fake, reviewer, "/xuat")
        message = fake.wait_for_text(reviewer, "📎 Tải tệp tại:")
        response = httpx.get(link_in(message.text))

    assert "chưa bắt đầu" in overview.text
    assert response.status_code == 200
    assert "tong-hop_huyen-son-ha.xlsx" in response.headers["content-disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Tổng hợp"
    assert "Tình hình nộp" in workbook.sheetnames


# --- reminders --------------------------------------------------------------------------------
def open_round_for_reminders(url: str) -> None:
    """A round opened a minute ago with its deadline two weeks ahead: the 'open' step is due."""
    now = datetime.now(UTC)
    store = Store(url)
    with store.transaction() as repo:
        for round_ in repo.open_rounds():
            repo.close_round(round_.id)  # type: ignore[arg-type]
        repo.open_round(
            "xa",
            "2026-Q4",
            date(2026, 9, 15),
            date(2026, 12, 14),
            now.astimezone(ZONE).date() + timedelta(days=14),
            now - timedelta(minutes=1),
        )
    store.dispose()


def registered_offline(url: str, fake: FakeZalo, external_id: str, unit: str) -> None:
    """An officer who registered earlier, so the first reminder run finds them."""
    store = Store(url)
    now = datetime.now(UTC)
    with store.transaction() as repo:
        code = repo.create_invite(unit, "officer", now, timedelta(days=1)).code
        repo.redeem_invite(code, "zalo", external_id, "Cán bộ", now)
    store.dispose()
    fake.add_user(external_id)


def reminders_finished(url: str, rows: int) -> bool:
    """The run records what happened to each reminder after its last send."""
    store = Store(url)
    with store.reading() as repo:
        log = repo.reminders()
    store.dispose()
    return len(log) == rows and all(r.status != "claimed" for r in log)


def test_a_zalo_officer_is_reminded_once_when_a_round_opens(fake, url):
    open_round_for_reminders(url)
    registered_offline(url, fake, OFFICER, "SONTRUNG")
    registered_offline(url, fake, "da-chan-bot", "SONTHANH")
    fake.block("da-chan-bot")
    settings = zalo_settings(fake, url, reminders=True, quiet_hours="00:00-00:00")
    with RunningBot(settings):
        message = fake.wait_for_text(OFFICER, "📣 Đã mở kỳ báo cáo CCHC Quý IV/2026")
        eventually(lambda: reminders_finished(url, 2))

    assert "Xã Sơn Trung" in message.text and "(còn 14 ngày)" in message.text
    assert message.text.endswith(f"Gõ: {texts.START}")
    assert len(fake.chat(OFFICER)) == 1
    store = Store(url)
    with store.reading() as repo:
        log = {(r.user_id, r.step, r.status) for r in repo.reminders()}
        blocked = repo.user("zalo", "da-chan-bot")
    store.dispose()
    assert blocked is not None and blocked.blocked_at is not None
    assert log == {
        (zalo_user_id(url, OFFICER), "open", "sent"),
        (blocked.id, "open", "blocked"),
    }


def test_nhac_from_a_reviewer_reaches_officers_and_the_log_says_what_became_of_each(fake, url):
    registered_offline(url, fake, OFFICER, "SONTRUNG")
    registered_offline(url, fake, "da-chan-bot", "SONTHANH")
    fake.block("da-chan-bot")
    reviewer = "reviewer-son-ha"
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, reviewer, "SONHA", "reviewer")
        says(fake, reviewer, "/nhac")
        answer = fake.wait_for_text(reviewer, "✓ Đã nhắc")
        reminder = fake.wait_for_text(OFFICER, "⏰ Nhắc nộp báo cáo CCHC Quý III/2024")
        eventually(lambda: reminders_finished(url, 2))

    assert "Xã Sơn Trung" in reminder.text
    assert answer.text == texts.reminded_now(2, 2)
    store = Store(url)
    with store.reading() as repo:
        statuses = {r.user_id: r.status for r in repo.reminders()}
        blocked = repo.user("zalo", "da-chan-bot")
    store.dispose()
    assert blocked is not None and blocked.blocked_at is not None
    assert statuses == {zalo_user_id(url, OFFICER): "sent", blocked.id: "blocked"}


# --- webhook ----------------------------------------------------------------------------------
def test_webhook_mode_answers_zalo_and_refuses_a_forged_secret(fake, url, tmp_path):
    base = zalo_settings(fake, url)
    hook = f"http://127.0.0.1:{base.http_port}/zalo"
    settings = base.model_copy(update={"zalo_webhook_url": hook})
    with RunningBot(settings):
        fake.wait_for(lambda f: f.webhook is not None)
        assert fake.webhook == (hook, settings.zalo_webhook_secret_token)
        fake.user_sends(OFFICER, f"/start {invite(url, 'SONTRUNG', 'officer')}")
        fake.wait_for(lambda f: len(f.webhook_deliveries) == 1)
        assert zalo_user_id(url, OFFICER)  # saved before the bot answered Zalo's call
        fake.wait_for_text(OFFICER, "✓ Đã đăng ký")
        forged = httpx.post(
            hook,
            json={"ok": True, "result": _event("ke-gia-mao", "/start CCHC-ABCDEF")},
            headers={SECRET_HEADER: "khong-dung"},
        )

    assert forged.status_code == 403
    assert {status for _, status in fake.webhook_deliveries} == {200}
    store = Store(url)
    with store.reading() as repo:
        assert repo.user("zalo", OFFICER) is not None
        assert repo.user("zalo", "ke-gia-mao") is None
    store.dispose()


def _event(user: str, text: str) -> dict[str, object]:
    return {
        "event_name": "message.text.received",
        "message": {
            "from": {"id": user, "display_name": "Ai đó", "is_bot": False},
            "chat": {"id": user, "chat_type": "PRIVATE"},
            "text": text,
            "message_id": "f" * 20,
            "date": 1_750_000_000_000,
        },
    }


# --- Telegram and Zalo together ---------------------------------------------------------------
def test_both_apps_share_one_report_and_a_telegram_reviewer_hears_of_a_zalo_submission(fake, url):
    with FakeTelegram() as telegram:
        settings = zalo_settings(
            fake,
            url,
            telegram_bot_token=telegram.token,
            telegram_api_base_url=telegram.base_url,
        )
        assert settings.transports == ["telegram", "zalo"]
        with RunningBot(settings):
            telegram.user_sends(REVIEWER, f"/start {invite(url, 'SONHA', 'reviewer')}")
            telegram.wait_for_text(REVIEWER, "✓ Đã đăng ký")
            register(fake, url, OFFICER)  # the same officer, on both apps, one code each
            telegram.user_sends(5550001, f"/start {invite(url, 'SONTRUNG', 'officer')}")
            telegram.wait_for_text(5550001, "✓ Đã đăng ký")
            says(fake, OFFICER, "Bắt đầu")
            says(fake, OFFICER, "3")  # I.1 on Zalo …
            telegram.user_sends(5550001, "/xem")
            telegram.wait_for_text(5550001, "I.1 Số văn bản chỉ đạo CCHC đã ban hành: 3")  # … seen
            says(fake, OFFICER, "/nop")
            says(fake, OFFICER, "1")
            notice = telegram.wait_for_text(REVIEWER, "📥 Xã Sơn Trung đã nộp báo cáo")

    assert "Quý III/2024" in notice.text
    store = Store(url)
    submission, _, _ = stored_report(store)
    store.dispose()
    assert submission.status == "submitted"


def test_a_429_from_zalo_is_waited_out_and_the_reply_still_arrives(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        fake.add_user(OFFICER)
        fake.fail_next("sendMessage", status=429, retry_after=1, times=2, chat_id=OFFICER)
        fake.user_sends(OFFICER, "xin chào")
        fake.wait_for_text(OFFICER, "Anh/chị chưa được đăng ký")

    sends = [c for c in fake.calls if c.method == "sendMessage" and c.chat_id == OFFICER]
    assert [c.status for c in sends] == [429, 429, 200]
    assert sends[1].time - sends[0].time >= 1.0 and sends[2].time - sends[1].time >= 1.0


def test_the_bot_keeps_polling_through_zalo_server_errors(fake, url):
    fake.fail_next("getUpdates", status=502, times=2)
    with RunningBot(zalo_settings(fake, url)):
        fake.user_sends(OFFICER, "xin chào")
        fake.wait_for_text(OFFICER, "Anh/chị chưa được đăng ký")

    polls = [c.status for c in fake.calls if c.method == "getUpdates"]
    assert polls[:2] == [502, 502] and 200 in polls


# --- links checked when they are opened ----------------------------------------------------------
def test_a_link_stops_working_once_its_owner_has_lost_the_role(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "/xuat")
        link = link_in(fake.wait_for_text(OFFICER, "📎 Tải tệp tại:").text)
        store = Store(url)
        with store.transaction() as repo:
            user = repo.user("zalo", OFFICER)
            assert repo.end_membership(user.id, repo.unit_by_code("SONTRUNG").id)
        store.dispose()
        response = httpx.get(link)

    assert response.status_code == 403
    assert texts.DOWNLOAD_NOT_ALLOWED in response.text
    assert [outcome for outcome, _, _ in downloads(url)] == ["refused"]


def test_head_says_a_link_works_without_building_or_logging_a_download(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        says(fake, OFFICER, "/xuat")
        link = link_in(fake.wait_for_text(OFFICER, "📎 Tải tệp tại:").text)
        head = httpx.head(link)
        forged_head = httpx.head(link[:-3] + "abc")

    assert head.status_code == 200 and head.content == b""
    assert forged_head.status_code == 403
    assert downloads(url) == []  # neither counts as a download


def test_a_signed_but_malformed_link_is_a_bad_request_not_a_crash(fake, url):
    settings = zalo_settings(fake, url)
    from itsdangerous import URLSafeSerializer

    signer = URLSafeSerializer(
        settings.download_signing_key,
        salt="cchc-download",
        signer_kwargs={"digest_method": __import__("hashlib").sha256},
    )
    with RunningBot(settings):
        answers = [
            httpx.get(f"{settings.public_base_url}/tai/{signer.dumps(payload)}").status_code
            for payload in (
                ["appendix:x:1", "zalo", OFFICER, 4_000_000_000],
                ["appendix:1:1", "zalo", OFFICER, "tomorrow"],
                ["appendix:1:1", "zalo", OFFICER, 10**30],
                {"file": "appendix:1:1"},
                "appendix:1:1",
            )
        ]

    assert answers == [400] * 5
    assert {outcome for outcome, _, _ in downloads(url)} == {"malformed"}


def test_malformed_webhook_bodies_get_4xx_not_500(fake, url):
    base = zalo_settings(fake, url)
    hook = f"http://127.0.0.1:{base.http_port}/zalo"
    settings = base.model_copy(update={"zalo_webhook_url": hook})
    secret = {SECRET_HEADER: settings.zalo_webhook_secret_token}
    with RunningBot(settings):
        fake.wait_for(lambda f: f.webhook is not None)
        statuses = [
            httpx.post(hook, content=body, headers=secret).status_code
            for body in (b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"x" * (2 << 20))
        ]
        odd = httpx.post(hook, json={"message": {"message_id": "1", "from": []}}, headers=secret)

    assert statuses == [400, 400, 400, 400, 413]
    assert odd.status_code == 200  # an event it cannot use is acknowledged and ignored


def test_a_redelivered_xuat_brings_a_working_link_again(fake, url):
    with RunningBot(zalo_settings(fake, url)):
        register(fake, url, OFFICER)
        before = len(fake.chat(OFFICER))
        asked = fake.user_sends(OFFICER, "/xuat")
        fake.wait_for_count(OFFICER, before + 1)
        fake.redeliver(asked)
        again = fake.wait_for_count(OFFICER, before + 2)[-1]
        response = httpx.get(link_in(again.text))

    assert texts.APPENDIX_CAPTION in again.text
    assert response.status_code == 200 and response.content[:2] == b"PK"
