"""Download links: signed, naming one file for one person, refused once expired or altered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.web.downloads import PATH, DownloadLinks, LinkExpired, LinkForged

KEY = "a-deployment-signing-key"
ISSUED = datetime(2024, 9, 18, 8, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def links_at(moment: datetime, key: str = KEY) -> DownloadLinks:
    return DownloadLinks(key, "https://cchc.example.gov.vn/", DAY, clock=lambda: moment)


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_link_names_its_file_and_owner_and_expires_a_day_later() -> None:
    url = links_at(ISSUED).issue("appendix:3:17", "zalo", "6ede9afa66b88fe6d6a9")

    assert url.startswith(f"https://cchc.example.gov.vn{PATH}/")
    assert len(token_of(url).rsplit(".", 1)[1]) == 43  # HMAC-SHA256: 32 bytes in base64
    grant = links_at(ISSUED + timedelta(hours=23)).check(token_of(url))
    assert (grant.file_spec, grant.platform, grant.external_id) == (
        "appendix:3:17",
        "zalo",
        "6ede9afa66b88fe6d6a9",
    )
    assert grant.expires_at == ISSUED + DAY


def test_a_link_is_refused_once_its_lifetime_has_passed() -> None:
    token = token_of(links_at(ISSUED).issue("compiled:3:2", "zalo", "u1"))

    with pytest.raises(LinkExpired) as refused:
        links_at(ISSUED + DAY).check(token)
    assert refused.value.grant.file_spec == "compiled:3:2"


def test_a_link_signed_with_another_key_is_forged() -> None:
    token = token_of(links_at(ISSUED, key="someone-elses-key").issue("compiled:3:2", "zalo", "u1"))

    with pytest.raises(LinkForged):
        links_at(ISSUED).check(token)


def test_two_links_for_different_files_differ_and_cannot_be_guessed_from_each_other() -> None:
    links = links_at(ISSUED)
    first = token_of(links.issue("appendix:3:17", "zalo", "u1"))
    second = token_of(links.issue("appendix:3:18", "zalo", "u1"))

    assert first != second
    payload = second.rsplit(".", 1)[0]
    borrowed = f"{payload}.{first.rsplit('.', 1)[1]}"  # the next file, with a real signature
    with pytest.raises(LinkForged):
        links.check(borrowed)


@given(position=st.integers(min_value=0), replacement=st.sampled_from("AbZ09-_x"))
def test_any_altered_character_makes_a_link_forged(position: int, replacement: str) -> None:
    links = links_at(ISSUED)
    token = token_of(links.issue("appendix:3:17", "zalo", "u1"))
    # The last character also carries two base64 padding bits, which decoding ignores.
    index = position % (len(token) - 1)
    altered = token[:index] + replacement + token[index + 1 :]
    if altered == token:
        return
    with pytest.raises(LinkForged):
        links.check(altered)


@given(st.text(max_size=200))
def test_arbitrary_text_is_never_a_valid_link(text: str) -> None:
    with pytest.raises(LinkForged):
        links_at(ISSUED).check(text)
