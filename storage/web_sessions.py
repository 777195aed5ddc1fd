"""Web console sessions and single-use sign-in links, in the database.

Kept here rather than in a process so that several bot processes on one PostgreSQL database
serve the same signed-in browser, and a sign-in link used on one is refused on every other.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.models import SignInUse, WebSession
from storage.repository import Repository
from storage.utc_datetime import as_utc


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def use_sign_in(repo: Repository, nonce: str, now: datetime) -> bool:
    """True the first time a link's nonce is used, False ever after (any process)."""
    try:
        with repo.session.begin_nested():
            repo.session.add(SignInUse(nonce=nonce, used_at=as_utc(now)))
    except IntegrityError:
        return False
    return True


def start(
    repo: Repository,
    token: str,
    now: datetime,
    *,
    user_id: int | None = None,
    unit_id: int | None = None,
    role: str | None = None,
) -> WebSession:
    now = as_utc(now)
    row = WebSession(
        token_hash=token_hash(token),
        user_id=user_id,
        unit_id=unit_id,
        role=role,
        created_at=now,
        last_seen_at=now,
    )
    repo.session.add(row)
    repo.session.flush()
    return row


def live(repo: Repository, token: str, now: datetime, idle: timedelta) -> WebSession | None:
    """The session this cookie names if it has not ended nor been idle too long; seen now."""
    now = as_utc(now)
    row = repo.session.exec(
        select(WebSession).where(WebSession.token_hash == token_hash(token))
    ).first()
    if row is None or row.ended_at is not None:
        return None
    if now - as_utc(row.last_seen_at) > idle:
        row.ended_at = now
        return None
    row.last_seen_at = now
    return row


def end(repo: Repository, token: str, now: datetime) -> None:
    row = repo.session.exec(
        select(WebSession).where(WebSession.token_hash == token_hash(token))
    ).first()
    if row is not None and row.ended_at is None:
        row.ended_at = as_utc(now)
