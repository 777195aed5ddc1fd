"""A round as a reviewer sees it: every unit's state, progress, submitter and lateness.

The chat's /tinhhinh and the web console's landing page both render this one reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.review.scope import Scope
from flows import review
from flows.review import Counts, State
from storage import templates
from storage.models import Submission, Unit
from storage.repository import Progress, Repository


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    state: State
    filled: int
    skipped: int
    total: int
    submitted_at: datetime | None  # aware, in the deployment's zone
    submitted_by: str | None  # the person's name
    late: bool  # submitted after the deadline
    overdue: bool  # not submitted and the deadline has passed
    note: str | None  # why it was returned

    @property
    def answered(self) -> int:
        return self.filled + self.skipped


@dataclass(frozen=True)
class RoundStatus:
    scope: Scope
    units: list[UnitStatus]
    counts: Counts
    today: date
    total: int  # indicators asked

    @property
    def days_left(self) -> int:
        return (self.scope.round.deadline - self.today).days


def round_status(repo: Repository, scope: Scope, now: datetime, zone: ZoneInfo) -> RoundStatus:
    """A few queries for the whole round, whatever the number of units."""
    round_ = scope.round
    assert round_.id is not None
    template = templates.for_round(repo, round_)
    total = len(template.asked)
    subs = {s.unit_id: s for s in repo.submissions(round_.id)}
    done = repo.progress(round_.id, [i.code for i in template.asked])
    names = repo.display_names(s.submitted_by for s in subs.values() if s.submitted_by)
    today = now.astimezone(zone).date()
    rows = [
        _unit_status(unit, subs.get(unit.id), done, names, total, round_.deadline, today, zone)  # type: ignore[arg-type]
        for unit in scope.units
    ]
    counts = review.count((r.state, r.overdue) for r in rows)
    return RoundStatus(scope, rows, counts, today, total)


def _unit_status(
    unit: Unit,
    sub: Submission | None,
    done: dict[int, Progress],
    names: dict[int, str],
    total: int,
    deadline: date,
    today: date,
    zone: ZoneInfo,
) -> UnitStatus:
    progress = done.get(sub.id, Progress()) if sub and sub.id else Progress()  # type: ignore[arg-type]
    state = review.state_of(sub.status if sub else None, progress.done)
    submitted = sub is not None and state.is_submitted and sub.submitted_at is not None
    at = sub.submitted_at.astimezone(zone) if submitted and sub and sub.submitted_at else None
    return UnitStatus(
        unit=unit,
        state=state,
        filled=progress.filled,
        skipped=progress.skipped,
        total=total,
        submitted_at=at,
        submitted_by=names.get(sub.submitted_by) if at and sub and sub.submitted_by else None,
        late=review.is_late(deadline, at, zone),
        overdue=review.is_overdue(state, deadline, today),
        note=sub.status_note if sub is not None and state is State.RETURNED else None,
    )
