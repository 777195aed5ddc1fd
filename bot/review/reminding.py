"""Reminding now: a reviewer's "Nhắc các đơn vị chưa nộp", from the chat (/nhac) or the web.

At most once an hour per reviewer: the claim key names the hour, and a claim is one unique
row, so a second press within the hour (on any skin, in any process) sends nothing again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.chat.outcome import Notice
from bot.review.scope import Scope
from flows import periods, texts
from flows import reminders as plan
from flows.engine import Option, Reply
from storage import templates
from storage.models import Role, Round, Submission, SubmissionStatus, Unit
from storage.repository import Progress, Repository

DONE = frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED})


@dataclass(frozen=True)
class Reminded:
    pending: int  # units that have not submitted
    units: int  # of them, units reminded now
    notices: tuple[Notice, ...]  # one per officer reminded

    @property
    def already(self) -> bool:
        """Everyone pending was reminded within this hour already."""
        return self.pending > 0 and not self.notices


def is_done(sub: Submission | None) -> bool:
    return sub is not None and sub.status in DONE


def remind_now(
    repo: Repository, reviewer: int | str, scopes: list[Scope], now: datetime, zone: ZoneInfo
) -> Reminded:
    """``reviewer`` names who asks (a user id, or the web's name for a command-line admin)."""
    key = f"nhac:{reviewer}:{now.astimezone(zone):%Y-%m-%dT%H}"
    notices: list[Notice] = []
    units_reminded = pending = 0
    for scope in scopes:
        round_ = scope.round
        assert round_.id is not None
        template = templates.for_round(repo, round_)
        subs = {s.unit_id: s for s in repo.submissions(round_.id)}
        answered = repo.progress(round_.id, [i.code for i in template.asked])
        officers = repo.members_by_unit([u.id for u in scope.units], Role.OFFICER)  # type: ignore[misc]
        for unit in scope.units:
            sub = subs.get(unit.id)  # type: ignore[arg-type]
            if is_done(sub):
                continue
            pending += 1
            sent_here = False
            for user in officers.get(unit.id, []):  # type: ignore[arg-type]
                if user.blocked_at is not None:
                    continue
                reminder_id = repo.claim_reminder(round_.id, unit.id, user.id, key, now)  # type: ignore[arg-type]
                if reminder_id is None:
                    continue
                progress = answered.get(sub.id, Progress()) if sub and sub.id else Progress()
                reply = officer_reminder(
                    round_, unit, sub, key, progress, len(template.asked), now, zone
                )
                notices.append(Notice(user.platform, user.external_id, reply, reminder_id))
                sent_here = True
            units_reminded += sent_here
    return Reminded(pending, units_reminded, tuple(notices))


def officer_reminder(
    round_: Round,
    unit: Unit,
    sub: Submission | None,
    step: str,
    answered: Progress,
    total: int,
    now: datetime,
    zone: ZoneInfo,
) -> Reply:
    """What an officer is sent, by the scheduler or by a reviewer's "remind now"."""
    today = now.astimezone(zone).date()
    period = periods.parse(round_.period).label
    if sub is not None and sub.status == SubmissionStatus.RETURNED:
        text = texts.remind_returned(period, unit.name, round_.deadline, today)
    elif step == plan.OPEN:
        text = texts.remind_open(period, unit.name, round_.deadline, today)
    else:
        text = texts.remind_due(
            period, unit.name, round_.deadline, today, answered.filled, answered.skipped, total
        )
    label = texts.CONTINUE if answered.done else texts.START
    return Reply(text, (Option("start", label),))
