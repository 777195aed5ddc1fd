"""Sign-in links: signed, single use, valid a few minutes, bound to one person.

A link from the chat's /web names the person's user id; one printed by `cchc-bot web-link`
names a unit and a role, for an admin who has no chat account yet. Nothing is stored when a
link is issued: its nonce is recorded when it is used (storage/web_sessions), so any bot
process holding the key accepts it once, and none accepts it twice.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from bot.review.scope import REVIEWING

PREFIX = "/web"
PATH = PREFIX + "/vao"  # "vào": the path people see in the link


class LinkRefused(Exception):
    """Forged, malformed or expired: the page says which, in Vietnamese."""

    expired = False


class LinkExpired(LinkRefused):
    expired = True


@dataclass(frozen=True)
class SignIn:
    """Whom a valid link signs in: a person, or (from the command line) a unit and a role."""

    nonce: str
    user_id: int | None = None
    unit_id: int | None = None
    role: str | None = None


class SignInLinks:
    def __init__(
        self, key: str, base_url: str, lifetime: timedelta, clock: Callable[[], datetime]
    ) -> None:
        self._serializer = URLSafeSerializer(
            key, salt="cchc-web-sign-in", signer_kwargs={"digest_method": hashlib.sha256}
        )
        self.base_url = base_url.rstrip("/")
        self.lifetime = lifetime
        self.clock = clock

    def for_user(self, user_id: int) -> str:
        return self._issue(["u", user_id])

    def for_unit(self, unit_id: int, role: str) -> str:
        return self._issue(["g", unit_id, role])

    def _issue(self, who: list[object]) -> str:
        expires = int((self.clock() + self.lifetime).timestamp())
        token = self._serializer.dumps([*who, secrets.token_hex(16), expires])
        return f"{self.base_url}{PATH}/{token}"

    def check(self, token: str) -> SignIn:
        try:
            payload = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError):
            raise LinkRefused from None
        sign_in, expires = _parse(payload)
        if datetime.fromtimestamp(expires, UTC) <= self.clock():
            raise LinkExpired
        return sign_in


def _parse(payload: object) -> tuple[SignIn, int]:
    """Only the two shapes ``_issue`` signs."""
    if not isinstance(payload, list) or not payload:
        raise LinkRefused
    match payload:
        case ["u", int(user_id), str(nonce), int(expires)]:
            return SignIn(nonce, user_id=user_id), expires
        case ["g", int(unit_id), str(role), str(nonce), int(expires)] if role in REVIEWING:
            return SignIn(nonce, unit_id=unit_id, role=role), expires
    raise LinkRefused
