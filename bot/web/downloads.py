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

from bot.chat.conversations import utc_now
from storage.models import DownloadOutcome

PATH = "/tai"  # "tải": the path officers see in the link


class LinkRefused(Exception):
    outcome: str = DownloadOutcome.FORGED


class LinkForged(LinkRefused):
    outcome = DownloadOutcome.FORGED


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
        """The grant a token carries, or LinkForged / LinkExpired."""
        try:
            file_spec, platform, external_id, expires = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError):
            raise LinkForged(token[:16]) from None
        grant = Grant(file_spec, platform, external_id, datetime.fromtimestamp(expires, UTC))
        if self.clock() >= grant.expires_at:
            raise LinkExpired(grant)
        return grant
