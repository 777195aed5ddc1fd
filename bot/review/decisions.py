"""Returning a report for correction or approving it: the one place either is applied.

The chat's /tralai and /duyet and the web console's buttons call ``decide``; the unit's
officers are told in the chat, through notices the caller queues in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.chat.outcome import Notice
from bot.review.scope import scope_of
from flows import periods, review, texts
from flows.engine import Option, Reply
from flows.review import Refusal, State
from storage.models import Role, SubmissionStatus, Unit
from storage.repository import Repository


@dataclass(frozen=True)
class Decision:
    """What came of a decision: ``refused`` None means it was applied."""

    unit: Unit | None
    period: str  # the round's label, "Quý III năm 2024"
    returning: bool
    reason: str
    refused: Refusal | None = None
    out_of_scope: bool = False
    notices: tuple[Notice, ...] = ()

    @property
    def applied(self) -> bool:
        return not self.out_of_scope and self.refused is None


def decide(
    repo: Repository,
    user_id: int | None,
    tops: list[Unit],
    unit_code: str,
    *,
    returning: bool,
    reason: str = "",
    now: datetime,
    round_id: int | None = None,
) -> Decision:
    """Return (with a reason) or approve a unit's submitted report, in the reviewer's scope.

    ``round_id`` names the round (the web page's); the chat means the open round holding it.
    ``user_id`` is None for an admin signed in from the command line, who has no chat account.
    """
    reason = " ".join(reason.split())
    unit = repo.unit_by_code(unit_code.strip().upper()) if unit_code.strip() else None
    scope = scope_of(repo, tops, unit, round_id) if unit is not None else None
    if unit is None or scope is None:
        return Decision(unit, "", returning, reason, out_of_scope=True)
    period = periods.parse(scope.round.period).label
    sub = repo.submission(scope.round.id, unit.id, create=False)  # type: ignore[arg-type]
    state = State(sub.status) if sub is not None else State.NOT_STARTED
    refused = review.decision_refusal(state, returning, reason)
    if refused is not None or sub is None or sub.id is None:
        return Decision(unit, period, returning, reason, refused or Refusal.NOT_SUBMITTED)
    if returning:
        repo.set_status(sub.id, SubmissionStatus.RETURNED, user_id, now, note=reason)
        notice = Reply(
            texts.notice_returned(period, unit.name, reason), (Option("start", texts.CONTINUE),)
        )
    else:
        repo.set_status(sub.id, SubmissionStatus.APPROVED, user_id, now)
        notice = Reply(texts.notice_approved(period, unit.name))
    officers = repo.members(unit.id, Role.OFFICER)  # type: ignore[arg-type]
    notices = tuple(
        Notice(o.platform, o.external_id, notice) for o in officers if o.blocked_at is None
    )
    return Decision(unit, period, returning, reason, notices=notices)
