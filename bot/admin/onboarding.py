"""Invites for every unit under one: the codes, and what is printed on each card.

`cchc-bot invite --under` and the web console's admin page both call these, so a province is
onboarded by the same rule whichever way its admin works. The caller writes the files (PDF,
xlsx) from ``printed``, after the codes are saved in its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from exports.printed_invites import PrintedInvite, telegram_link
from flows.texts import LEVEL_NAMES, ROLE_NAMES
from storage import invite_batches
from storage.errors import UnknownUnit
from storage.models import Invite, Level, Role, Unit
from storage.repository import Repository, RepositoryError


@dataclass(frozen=True)
class Batch:
    top: Unit
    level: Level
    invited: list[tuple[Unit, Invite]]
    skipped: int  # units that already have someone in the role
    withdrawn: int  # earlier unused codes of the invited units, now expired


def level_refusal(role: Role, level: Level) -> str | None:
    """A commune has no units below it to review: reviewers and admins sit higher up."""
    if role is Role.OFFICER or level is not Level.COMMUNE:
        return None
    name = ROLE_NAMES[role.value]
    return (
        f"xã không có đơn vị cấp dưới để {name} theo dõi: mời {name} ở huyện hoặc tỉnh; "
        f"xã thì mời {ROLE_NAMES['officer']}."
    )


def invite_under(
    repo: Repository,
    under: str,
    role: Role,
    level: Level,
    every: bool,
    ttl: timedelta,
    now: datetime,
) -> Batch:
    """A new code for each unit of ``level`` under ``under`` (each without one in the role,
    unless ``every``); earlier unused codes of those units stop working."""
    top = repo.unit_by_code(under)
    if top is None:
        raise UnknownUnit(under)
    assert top.id is not None
    candidates = [u for u in [top, *repo.descendants(top.id)] if u.level == level.value]
    if not candidates:
        raise RepositoryError(
            f"Không có đơn vị cấp {LEVEL_NAMES[level.value]} nào thuộc {top.name} ({top.code}). "
            "Nhập đơn vị trước: cchc-bot units registry --province TỈNH, "
            "hoặc cchc-bot units import TỆP."
        )
    held = repo.members_by_unit([u.id for u in candidates if u.id is not None], role.value)
    chosen = candidates if every else [u for u in candidates if u.id not in held]
    if not chosen:
        return Batch(top, level, [], len(candidates), 0)
    ids = [u.id for u in chosen if u.id is not None]
    withdrawn = invite_batches.withdraw_unused(repo, ids, role.value, now)
    created = invite_batches.create_invites(repo, chosen, role.value, now, ttl)
    invited = list(zip(chosen, created, strict=True))
    return Batch(top, level, invited, len(candidates) - len(chosen), withdrawn)


def printed(
    repo: Repository, batch: Batch, role: Role, username: str | None, zone: ZoneInfo
) -> list[PrintedInvite]:
    above: dict[int, str] = {}
    for unit, _ in batch.invited:
        if unit.parent_id is not None and unit.parent_id not in above:
            above[unit.parent_id] = repo.unit(unit.parent_id).name
    return [
        PrintedInvite(
            unit_code=unit.code,
            unit_name=unit.name,
            above=above.get(unit.parent_id) if unit.parent_id is not None else None,
            role_name=ROLE_NAMES[role.value],
            code=invite.code,
            link=telegram_link(username, invite.code),
            expires=invite.expires_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
        )
        for unit, invite in batch.invited
    ]
