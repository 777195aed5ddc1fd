"""Invite codes for a whole province at once: a hundred codes in a handful of statements.

Repository.create_invite draws one code and inserts it in a savepoint, retrying on a taken
code; right for one code, but a province's hundred would cost hundreds of round trips. Here
the codes are drawn together, checked against the stored ones in one query, inserted in one
batch and read back in one more; should another process take one of them in between, the
batch's savepoint rolls back and the batch is drawn again, so the caller never sees a
collision.

A unit gets one live code per role: earlier unused codes of the units being invited are
withdrawn (they expire now), so a reprinted sheet replaces a lost one instead of doubling the
codes that could let a stranger in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.errors import InvalidChoice, RepositoryError
from storage.invite_codes import new_code
from storage.models import Invite, Role, Unit
from storage.repository import Repository
from storage.utc_datetime import as_utc

BATCH_ATTEMPTS = 5


def create_invites(
    repo: Repository, units: Sequence[Unit], role: str, now: datetime, ttl: timedelta
) -> list[Invite]:
    """One single-use code per unit, in the order of ``units``."""
    role = _role(role)
    if ttl <= timedelta(0):
        raise RepositoryError("Thời hạn của mã mời phải lớn hơn 0.")
    now = as_utc(now)
    if not units:
        return []
    session = repo.session
    for _ in range(BATCH_ATTEMPTS):
        codes = _unused_codes(repo, len(units))
        rows = [
            {
                "code": code,
                "unit_id": unit.id,
                "role": role,
                "created_at": now,
                "expires_at": now + ttl,
            }
            for code, unit in zip(codes, units, strict=True)
        ]
        try:
            with session.begin_nested():
                # Core's executemany: one round trip for the batch, where the ORM would insert
                # row by row to read back each id.
                session.execute(insert(Invite), rows)
        except IntegrityError:
            continue  # another process took one of these codes after we looked: draw again
        stored = {
            i.code: i for i in session.exec(select(Invite).where(col(Invite.code).in_(codes)))
        }
        return [stored[code] for code in codes]
    raise RepositoryError("Không tạo được mã mời mới, hãy thử lại.")


def withdraw_unused(repo: Repository, unit_ids: Sequence[int], role: str, now: datetime) -> int:
    """Make the units' live, unused codes of ``role`` expire now; how many there were."""
    now = as_utc(now)
    result = repo.session.execute(
        update(Invite)
        .where(
            col(Invite.unit_id).in_(list(unit_ids)),
            col(Invite.role) == _role(role),
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _unused_codes(repo: Repository, count: int) -> list[str]:
    """``count`` distinct codes that no stored invite has, checked in one query per draw."""
    codes: set[str] = set()
    while len(codes) < count:
        drawn = {new_code() for _ in range(count - len(codes))}
        query = select(Invite.code).where(col(Invite.code).in_(drawn))
        codes |= drawn - set(repo.session.exec(query))
    return list(codes)


def _role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError:
        raise InvalidChoice("Vai trò", role, [member.value for member in Role]) from None
