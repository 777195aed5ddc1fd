"""Who holds which role where, since when, last seen when; and ending a role.

A role ends by deleting its membership, as Repository.end_membership does, so that every
check of who may act (the chat, reminders, download links) stays exactly as it was and needs
no "still valid?" condition. A Revocation row keeps what the membership said, so that the
person's next message is answered with what happened rather than as a stranger's, and the
admin sees who held a unit before. Nothing the person saved is touched: answers belong to the
unit's report, and the audit trail keeps their user id, whose row is never deleted.

"Last active" has no column of its own: it is the latest of the times the bot already keeps
for a person (the last numbered update from Telegram, the last move in a report, the last
update handled for them on any app), so no message pays an extra write for it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from storage.errors import RepositoryError, UnknownUnit
from storage.models import Membership, ProcessedUpdate, Revocation, Unit, User
from storage.repository import Repository
from storage.utc_datetime import as_utc


class UnknownPerson(RepositoryError):
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(
            f"Không có người dùng số {user_id} (xem số ở cột đầu của: cchc-bot people list)."
        )


class NoRoleThere(RepositoryError):
    def __init__(self, user: User, unit: Unit) -> None:
        super().__init__(f"{user.display_name} (số {user.id}) không giữ vai trò nào ở {unit.name}.")


@dataclass(frozen=True)
class Registration:
    user: User
    unit: Unit
    role: str
    since: datetime
    last_active: datetime | None


@dataclass(frozen=True)
class Ended:
    """A role just ended, with what the admin is told about it."""

    unit: Unit
    role: str
    granted_at: datetime


def registrations(repo: Repository, unit_ids: Collection[int] | None = None) -> list[Registration]:
    """Everyone holding a role (at ``unit_ids`` only, if given), by unit code, role, person."""
    latest_update = (
        select(
            col(ProcessedUpdate.user_id).label("user_id"),
            func.max(ProcessedUpdate.handled_at).label("at"),
        )
        .where(col(ProcessedUpdate.user_id).is_not(None))
        .group_by(col(ProcessedUpdate.user_id))
        .subquery()
    )
    query = (
        select(Membership, User, Unit, latest_update.c.at)
        .join(User, col(User.id) == col(Membership.user_id))
        .join(Unit, col(Unit.id) == col(Membership.unit_id))
        .outerjoin(latest_update, latest_update.c.user_id == col(User.id))
        .order_by(col(Unit.code), col(Membership.role), col(User.id))
    )
    if unit_ids is not None:
        query = query.where(col(Membership.unit_id).in_(list(unit_ids)))
    found = []
    for membership, user, unit, handled_at in repo.session.exec(query):
        seen = [t for t in (user.last_update_at, handled_at) if t is not None]
        found.append(
            Registration(
                user=user,
                unit=unit,
                role=membership.role,
                since=membership.created_at,
                last_active=max(seen) if seen else None,
            )
        )
    return found


def person(repo: Repository, user_id: int) -> User:
    user = repo.session.get(User, user_id)
    if user is None:
        raise UnknownPerson(user_id)
    return user


def revoke(
    repo: Repository, user_id: int, now: datetime, unit_code: str | None = None
) -> list[Ended]:
    """End the person's roles (at one unit, if named); the person can no longer act there."""
    now = as_utc(now)
    user = person(repo, user_id)
    held = repo.memberships(user_id)
    if unit_code is not None:
        unit = repo.unit_by_code(unit_code)
        if unit is None:
            raise UnknownUnit(unit_code)
        held = [(m, u) for m, u in held if u.id == unit.id]
        if not held:
            raise NoRoleThere(user, unit)
    ended = []
    for membership, unit in held:
        assert unit.id is not None
        repo.session.add(
            Revocation(
                user_id=user_id,
                unit_id=unit.id,
                role=membership.role,
                granted_at=membership.created_at,
                revoked_at=now,
            )
        )
        repo.end_membership(user_id, unit.id)
        ended.append(Ended(unit, membership.role, membership.created_at))
    repo.session.flush()
    return ended


def last_revocation(repo: Repository, user_id: int) -> tuple[Revocation, Unit] | None:
    """The role this person lost last, for telling them why the bot no longer serves them."""
    query = (
        select(Revocation, Unit)
        .join(Unit, col(Unit.id) == col(Revocation.unit_id))
        .where(Revocation.user_id == user_id)
        .order_by(col(Revocation.revoked_at).desc(), col(Revocation.id).desc())
        .limit(1)
    )
    row = repo.session.exec(query).first()
    return (row[0], row[1]) if row is not None else None
