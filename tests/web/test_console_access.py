"""Who reaches the web console, and how far: sessions, sign-in links, scope, CSRF."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer
from console_harness import Console, make_console

from storage.models import SubmissionStatus

pytestmark = pytest.mark.asyncio

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def pages(round_id: int) -> list[str]:
    return [
        "/web/",
        f"/web/ky/{round_id}",
        f"/web/ky/{round_id}/don-vi/SONTRUNG",
        f"/web/ky/{round_id}/chi-tieu?ma=III.2.1",
        f"/web/ky/{round_id}/tai/tong-hop.xlsx",
        f"/web/ky/{round_id}/tai/don-vi/SONTRUNG.xlsx",
        f"/web/ky/{round_id}/tai/so-lieu.csv",
        f"/web/ky/{round_id}/tai/so-lieu.json",
        f"/web/ky/{round_id}/tai/du-thao.docx",
        f"/web/ky/{round_id}/tai/don-vi/SONTRUNG.docx",
        "/web/lich-su",
    ]


async def csrf_of(console: Console, path: str = "/web/") -> str:
    found = CSRF.search(await (await console.client.get(path)).text())
    assert found is not None
    return found.group(1)


def status_of(console: Console, unit: str) -> str:
    with console.store.reading() as repo:
        found = repo.unit_by_code(unit)
        sub = repo.submission(console.people.round_id, found.id, create=False)  # type: ignore[union-attr, arg-type]
        return sub.status  # type: ignore[union-attr]


async def test_every_page_without_a_session_goes_to_the_sign_in_page(console: Console):
    for path in pages(console.people.round_id):
        response = await console.client.get(path, allow_redirects=False)
        assert response.status == 302, path
        assert response.headers["Location"] == "/web/dang-nhap", path
    sign_in = await console.client.get("/web/dang-nhap")
    assert sign_in.status == 200
    assert "Gửi lệnh <strong>/web</strong>" in await sign_in.text()


async def test_a_sign_in_link_opens_a_session_with_a_safe_cookie(console: Console):
    response = await console.client.get(
        console.link_path(console.links.for_user(console.people.reviewer)), allow_redirects=False
    )
    assert response.status == 302 and response.headers["Location"] == "/web/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/web" in cookie
    assert "Secure" not in cookie  # served over plain http here; https sets it
    landing = await console.client.get("/web/")
    assert landing.status == 200
    assert "Trần Văn Hùng" in await landing.text()


async def test_a_used_sign_in_link_is_refused(console: Console):
    path = console.link_path(console.links.for_user(console.people.reviewer))
    assert (await console.client.get(path, allow_redirects=False)).status == 302
    console.client.session.cookie_jar.clear()
    again = await console.client.get(path, allow_redirects=False)
    assert again.status == 403
    assert "đã được dùng" in await again.text()
    assert (await console.client.get("/web/", allow_redirects=False)).status == 302


async def test_an_expired_sign_in_link_is_refused(console: Console):
    path = console.link_path(console.links.for_user(console.people.reviewer))
    console.clock.advance(minutes=10, seconds=1)
    response = await console.client.get(path, allow_redirects=False)
    assert response.status == 403
    assert "đã hết hạn" in await response.text()


async def test_an_altered_sign_in_link_is_refused(console: Console):
    path = console.link_path(console.links.for_user(console.people.reviewer))
    response = await console.client.get(path[:-3] + "AAA", allow_redirects=False)
    assert response.status == 403
    assert "không hợp lệ" in await response.text()


async def test_an_officer_gets_no_console_session(console: Console):
    path = console.link_path(console.links.for_user(console.people.officer))
    response = await console.client.get(path, allow_redirects=False)
    assert response.status == 403
    assert "không còn vai trò theo dõi" in await response.text()
    assert (await console.client.get("/web/", allow_redirects=False)).status == 302


async def test_a_reviewer_of_another_district_gets_404_for_a_commune_by_url(console: Console):
    await console.sign_in(console.people.other_reviewer)  # Đức Phổ's reviewer
    round_id = console.people.round_id
    for path in (
        f"/web/ky/{round_id}/don-vi/SONTRUNG",
        f"/web/ky/{round_id}/tai/don-vi/SONTRUNG.xlsx",
        f"/web/ky/{round_id}/tai/don-vi/SONTRUNG.docx",
        f"/web/ky/{round_id}/don-vi/KHONGCO",
        "/web/ky/999/don-vi/PHOAN",
    ):
        assert (await console.client.get(path)).status == 404, path
    token = await csrf_of(console)
    refused = await console.client.post(
        f"/web/ky/{round_id}/don-vi/SONTRUNG/duyet", data={"csrf": token}
    )
    assert refused.status == 404
    assert status_of(console, "SONTRUNG") == SubmissionStatus.SUBMITTED
    landing = await (await console.client.get("/web/")).text()
    assert "Xã Phổ An" in landing and "Xã Sơn Trung" not in landing


async def test_a_post_without_its_csrf_token_is_refused(console: Console):
    await console.sign_in(console.people.reviewer)
    round_id = console.people.round_id
    for data in ({}, {"csrf": "0" * 40}):
        response = await console.client.post(f"/web/ky/{round_id}/don-vi/SONTRUNG/duyet", data=data)
        assert response.status == 403
        assert "Biểu mẫu đã cũ" in await response.text()
    assert status_of(console, "SONTRUNG") == SubmissionStatus.SUBMITTED


async def test_a_session_ends_after_twelve_hours_without_a_page(console: Console):
    await console.sign_in(console.people.reviewer)
    console.clock.advance(hours=11, minutes=59)
    assert (await console.client.get("/web/", allow_redirects=False)).status == 200
    console.clock.advance(hours=12, minutes=1)
    assert (await console.client.get("/web/", allow_redirects=False)).status == 302


async def test_signing_out_ends_the_session(console: Console):
    await console.sign_in(console.people.reviewer)
    token = await csrf_of(console)
    out = await console.client.post("/web/dang-xuat", data={"csrf": token}, allow_redirects=False)
    assert out.status == 302 and out.headers["Location"] == "/web/dang-nhap"
    assert (await console.client.get("/web/", allow_redirects=False)).status == 302


async def test_a_revoked_reviewer_loses_the_session_at_the_next_page(console: Console):
    from storage import people

    await console.sign_in(console.people.reviewer)
    with console.store.transaction() as repo:
        people.revoke(repo, console.people.reviewer, console.clock())
    assert (await console.client.get("/web/", allow_redirects=False)).status == 302


async def test_a_session_opened_on_one_process_works_on_another(console: Console):
    await console.sign_in(console.people.reviewer)
    cookie = console.client.session.cookie_jar.filter_cookies(console.client.make_url("/web/"))
    other = make_console(console.store, console.clock, [])
    async with TestClient(TestServer(other.app)) as client:
        response = await client.get(
            "/web/", cookies={k: v.value for k, v in cookie.items()}, allow_redirects=False
        )
        assert response.status == 200
        assert "Xã Sơn Trung" in await response.text()
