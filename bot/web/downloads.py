"""Signed, expiring download links: how Zalo users, whose bot API sends no documents, get files.

A link names one file (a spec bot/chat/documents builds), the chat account it was issued to and
when it expires, signed with the deployment's key (itsdangerous, HMAC-SHA256). It cannot be
guessed, altered to name another file, or used once expired; and since nothing about a link is
stored, any bot process holding the key serves it. The file is built when the link is opened,
from the figures as they are then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from bot.chat import documents
from bot.clock import utc_now
from storage.models import DownloadOutcome

PATH = "/tai"  # "tải": the path officers see in the link


class LinkRefused(Exception):
    outcome: str = DownloadOutcome.FORGED


class LinkForged(LinkRefused):
    outcome = DownloadOutcome.FORGED


class LinkMalformed(LinkRefused):
    """Signed with our key but not a payload we issue: refused as a bad request."""

    outcome = DownloadOutcome.MALFORMED


class LinkExpired(LinkRefused):
    outcome = DownloadOutcome.EXPIRED

    def __init__(self, grant: Grant) -> None:
        super().__init__(grant.file_spec)
        self.grant = grant


@dataclass(frozen=True)
class Grant:
    """What a valid link allows: this one file, issued to this chat account, until then."""

    file_spec: str
    platform: str
    external_id: str
    expires_at: datetime


class DownloadLinks:
    def __init__(
        self,
        key: str,
        base_url: str,
        lifetime: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._serializer = URLSafeSerializer(
            key, salt="cchc-download", signer_kwargs={"digest_method": hashlib.sha256}
        )
        self.base_url = base_url.rstrip("/")
        self.lifetime = lifetime
        self.clock = clock

    def issue(self, file_spec: str, platform: str, external_id: str) -> str:
        expires = int((self.clock() + self.lifetime).timestamp())
        token = self._serializer.dumps([file_spec, platform, external_id, expires])
        return f"{self.base_url}{PATH}/{token}"

    def check(self, token: str) -> Grant:
        """The grant a token carries, or LinkForged / LinkMalformed / LinkExpired.

        Who may still open the file is for the caller to check, at the time it is opened.
        """
        try:
            payload = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError):
            raise LinkForged(token[:16]) from None
        grant = _grant(payload)
        if grant is None:
            raise LinkMalformed(token[:16])
        if self.clock() >= grant.expires_at:
            raise LinkExpired(grant)
        return grant


def _grant(payload: object) -> Grant | None:
    """Only the exact shape ``issue`` signs: [spec, platform, external id, expiry seconds]."""
    if not isinstance(payload, list) or len(payload) != 4:
        return None
    file_spec, platform, external_id, expires = payload
    if not (isinstance(file_spec, str) and documents.parse_spec(file_spec) is not None):
        return None
    if not (isinstance(platform, str) and isinstance(external_id, str) and external_id):
        return None
    if isinstance(expires, bool) or not isinstance(expires, int):
        return None
    try:
        expires_at = datetime.fromtimestamp(expires, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return Grant(file_spec, platform, external_id, expires_at)
