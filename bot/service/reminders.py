"""Deadline reminders: compute what is due from the rounds, claim it, send it, record it.

An APScheduler job calls ``tick`` every minute. Claims are committed before anything is sent,
one unique row per (round, unit, person, step), so a reminder goes out at most once across
restarts and across bot processes sharing a PostgreSQL database. Units that have submitted get
nothing; returned ones are asked to resubmit; after the deadline the late ones are reminded
daily and every reviewer gets a daily digest of its late units.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.chat.outcome import Notice, RecipientBlocked
from bot.clock import utc_now
from bot.review.reminding import is_done, officer_reminder
from flows import periods, texts
from flows import reminders as plan
from flows.engine import Reply
from storage import templates
from storage.db import Store
from storage.errors import RoundExists
from storage.models import ReminderStatus, Role, Round, Submission, SubmissionStatus, User
from storage.repository import Progress, Repository

log = logging.getLogger(__name__)


CLAIM_BATCH = 100  # claims per write transaction


@dataclass(frozen=True)
class Wanted:
    """A reminder due to someone, not yet claimed."""

    round_id: int
    unit_id: int
    user: User
    step: str
    reply: Reply


@dataclass(frozen=True)
class Planned:
    reminder_id: int
    user_id: int
    notice: Notice


class Reminders:
    def __init__(
        self,
        store: Store,
        zone: ZoneInfo,
        policy: plan.Policy,
        calendar: list[tuple[str, int]] | None = None,
        clock: Callable[[], datetime] = utc_now,
        platforms: frozenset[str] | None = None,
    ) -> None:
        self.store, self.zone, self.policy = store, zone, policy
        self.calendar = calendar or []
        self.clock = clock
        # People on an app that is not running stay unclaimed, to be reminded once it runs.
        self.platforms = platforms

    def _reachable(self, user: User) -> bool:
        if user.blocked_at is not None:
            return False
        return self.platforms is None or user.platform in self.platforms

    async def tick(self, deliver: Callable[[Notice], Awaitable[None]]) -> list[Planned]:
        """One scheduler run: claim what is due (committed), then send, then record."""
        now = self.clock()
        planned = await asyncio.to_thread(self.plan, now)
        results: list[tuple[Planned, str]] = []
        for item in planned:
            try:
                await deliver(item.notice)
                results.append((item, ReminderStatus.SENT))
            except RecipientBlocked:
                results.append((item, ReminderStatus.BLOCKED))
            except Exception as exc:  # one failed chat must not stop the others
                log.warning("reminder %s failed: %s: %s", item.reminder_id, type(exc).__name__, exc)
                results.append((item, ReminderStatus.FAILED))
        if results:
            await asyncio.to_thread(self.finish, results, self.clock())
        return planned

    # --- planning: read what is due, then claim it in short write transactions ----------------
    def plan(self, now: datetime) -> list[Planned]:
        """Claims committed before anything is sent, a batch per transaction.

        Working out who is due only reads; claiming writes, in batches, so that a province's
        thousands of reminders never hold SQLite's write lock for long against officers'
        answers coming in at the same moment.
        """
        if self.calendar:
            with self.store.transaction() as repo:
                self._open_calendar_rounds(repo, now)
        if plan.quiet(now, self.policy, self.zone):
            return []  # what falls due now waits until the quiet hours end
        with self.store.reading() as repo:
            wanted: list[Wanted] = []
            for round_ in repo.open_rounds():
                step = plan.latest_due(
                    round_.opened_at, round_.deadline, now, self.policy, self.zone
                )
                if step is None:
                    continue
                wanted += self._officers(repo, round_, step, now)
                if step.late:
                    wanted += self._digests(repo, round_, step, now)
        planned: list[Planned] = []
        for start in range(0, len(wanted), CLAIM_BATCH):
            with self.store.transaction() as repo:
                for item in wanted[start : start + CLAIM_BATCH]:
                    reminder_id = repo.claim_reminder(
                        item.round_id,
                        item.unit_id,
                        item.user.id,
                        item.step,
                        now,  # type: ignore[arg-type]
                    )
                    if reminder_id is not None:  # else another process has it: it sends
                        notice = Notice(item.user.platform, item.user.external_id, item.reply)
                        planned.append(Planned(reminder_id, item.user.id, notice))  # type: ignore[arg-type]
        return planned

    def finish(self, results: list[tuple[Planned, str]], now: datetime) -> None:
        record(self.store, [(item.reminder_id, status) for item, status in results], now)

    def _open_calendar_rounds(self, repo: Repository, now: datetime) -> None:
        today = now.astimezone(self.zone).date()
        period = plan_period(today)
        for template, deadline_day in self.calendar:
            if repo.round_by_period(template, period.code) is not None:
                continue
            start, end = period.cutoff
            deadline = date(end.year, end.month, deadline_day)
            try:
                with repo.session.begin_nested():
                    repo.open_round(template, period.code, start, end, deadline, now)
                log.info("opened round %s %s from the calendar", template, period.code)
            except RoundExists:
                pass  # another process opened it a moment ago

    def _officers(
        self, repo: Repository, round_: Round, step: plan.Step, now: datetime
    ) -> list[Wanted]:
        assert round_.id is not None
        template = templates.for_round(repo, round_)
        units = repo.units(template.level)
        subs = {s.unit_id: s for s in repo.submissions(round_.id)}
        answered = repo.progress(round_.id, [i.code for i in template.asked])
        officers = repo.members_by_unit([u.id for u in units], Role.OFFICER)  # type: ignore[misc]
        claimed = repo.claimed_reminders(round_.id, step.key)
        wanted = []
        for unit in units:
            sub = subs.get(unit.id)  # type: ignore[arg-type]
            if is_done(sub):
                continue
            for user in officers.get(unit.id, []):  # type: ignore[arg-type]
                if not self._reachable(user) or (unit.id, user.id) in claimed:
                    continue
                done = answered.get(sub.id, Progress()) if sub and sub.id else Progress()  # type: ignore[arg-type]
                reply = officer_reminder(
                    round_, unit, sub, step.key, done, len(template.asked), now, self.zone
                )
                wanted.append(Wanted(round_.id, unit.id, user, step.key, reply))  # type: ignore[arg-type]
        return wanted

    def _digests(
        self, repo: Repository, round_: Round, step: plan.Step, now: datetime
    ) -> list[Wanted]:
        """Each reviewer, with each daily late step: its units that have not submitted."""
        assert round_.id is not None
        template = templates.for_round(repo, round_)
        subs = {s.unit_id: s for s in repo.submissions(round_.id)}
        answered = repo.progress(round_.id, [i.code for i in template.asked])
        key = plan.digest_key(step)
        wanted = []
        reviewer_units = {u.id: u for u in repo.units() if u.level != template.level}
        reviewers = repo.members_by_unit(list(reviewer_units), Role.REVIEWER)  # type: ignore[arg-type]
        claimed = repo.claimed_reminders(round_.id, key)
        today = now.astimezone(self.zone).date()
        for unit_id, people in reviewers.items():
            late = [
                u
                for u in repo.descendants(unit_id)
                if u.level == template.level and not is_done(subs.get(u.id))  # type: ignore[arg-type]
            ]
            if not late:
                continue
            lines = [
                texts.overview_line(
                    u.code, u.name, _progress(subs.get(u.id), answered, len(template.asked))
                )  # type: ignore[arg-type]
                for u in late
            ]
            text = texts.remind_digest(
                periods.parse(round_.period).label, round_.deadline, today, lines
            )
            for user in people:
                if self._reachable(user) and (unit_id, user.id) not in claimed:
                    wanted.append(Wanted(round_.id, unit_id, user, key, Reply(text)))
        return wanted


def record(store: Store, results: list[tuple[int, str]], now: datetime) -> None:
    """What became of claimed reminders; a blocked recipient is marked so as to be skipped."""
    with store.transaction() as repo:
        for reminder_id, status in results:
            row = repo.finish_reminder(reminder_id, status, now)
            if row is not None and status == ReminderStatus.BLOCKED:
                repo.mark_blocked(row.user_id, now)


def plan_period(today: date) -> periods.Period:
    return periods.quarter_of(today)


def _progress(sub: Submission | None, answered: dict[int, Progress], total: int) -> str:
    done = (
        answered.get(sub.id, Progress()) if sub is not None and sub.id is not None else Progress()
    )
    if sub is not None and sub.status == SubmissionStatus.RETURNED:
        return texts.state_returned(done.filled, done.skipped, total)
    if not done.done:
        return texts.STATE_NOT_STARTED
    return texts.state_in_progress(done.filled, done.skipped, total)
