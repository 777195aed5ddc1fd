"""What reviewers are told when a unit below them submits, whichever skin it came through."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.chat.outcome import Notice
from flows import periods, review, texts
from flows.engine import Reply
from storage.models import Role, Round, Unit
from storage.repository import Repository


def submitted_notices(
    repo: Repository, unit: Unit, round_: Round, submitted_at: datetime, zone: ZoneInfo
) -> list[Notice]:
    """Every reviewer above the unit learns that it submitted."""
    period = periods.parse(round_.period).label
    text = texts.notice_submitted(
        unit.name,
        unit.code,
        period,
        submitted_at.astimezone(zone),
        review.is_late(round_.deadline, submitted_at, zone),
    )
    notices = []
    parent_id = unit.parent_id
    while parent_id is not None:
        parent = repo.unit(parent_id)
        for reviewer in repo.members(parent_id, Role.REVIEWER):
            if reviewer.blocked_at is None:
                notices.append(Notice(reviewer.platform, reviewer.external_id, Reply(text)))
        parent_id = parent.parent_id
    return notices
