"""The reviewer's side: who has submitted, return a report for correction, approve it.

A reviewer sees and acts only on the units below its own; the officers of a unit and the
reviewers above it are told of each change, as notices the transports deliver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.chat import documents
from bot.chat.outcome import Notice
from flows import periods, texts
from flows.engine import Command, Event, Option, Reply
from storage import templates
from storage.models import Role, Round, Submission, SubmissionStatus, Unit, User
from storage.repository import Progress, Repository


@dataclass(frozen=True)
class Scope:
    """One open round as a reviewer sees it: the units below it that file that template."""

    round: Round
    top: Unit
    units: list[Unit]


def scopes(repo: Repository, top: Unit) -> list[Scope]:
    below = repo.descendants(top.id)  # type: ignore[arg-type]
    out = []
    for round_ in repo.open_rounds():
        level = templates.level_of(repo, round_)
        units = [u for u in below if u.level == level]
        if units:
            out.append(Scope(round_, top, units))
    return out


def is_late(round_: Round, submitted_at: datetime | None, zone: ZoneInfo) -> bool:
    return submitted_at is not None and submitted_at.astimezone(zone).date() > round_.deadline


def handle(
    repo: Repository, user: User, tops: list[Unit], event: Event, now: datetime, zone: ZoneInfo
) -> tuple[list[Reply], list[Notice]]:
    if not isinstance(event, Command) or event.name in ("trogiup", "help", "start", "baocao"):
        return [Reply(texts.REVIEWER_HELP)], []
    if event.name == "tinhhinh":
        return overview(repo, tops, now, zone), []
    if event.name in ("tralai", "duyet"):
        return _decide(repo, user, tops, event, now, zone)
    if event.name == "xuat":
        return export(repo, tops, event.args), []
    if event.name == "nhac":
        from bot.service.reminders import remind_now  # reminders build on this module's scopes

        every = [scope for top in tops for scope in scopes(repo, top)]
        if not every:
            return [Reply(texts.NO_ROUND_FOR_REVIEW)], []
        reply, notices = remind_now(repo, user, every, now, zone)
        return [reply], notices
    return [Reply(texts.unknown_command(event.name)), Reply(texts.REVIEWER_HELP)], []


def overview(repo: Repository, tops: list[Unit], now: datetime, zone: ZoneInfo) -> list[Reply]:
    replies = []
    for top in tops:
        for scope in scopes(repo, top):
            replies.append(Reply(_overview_text(repo, scope, now, zone)))
    return replies or [Reply(texts.NO_ROUND_FOR_REVIEW)]


def _overview_text(repo: Repository, scope: Scope, now: datetime, zone: ZoneInfo) -> str:
    round_ = scope.round
    template = templates.for_round(repo, round_)
    total = len(template.asked)
    subs = {s.unit_id: s for s in repo.submissions(round_.id)}  # type: ignore[arg-type]
    done = repo.progress(round_.id, [i.code for i in template.asked])  # type: ignore[arg-type]
    counts = {"submitted": 0, "approved": 0, "returned": 0, "started": 0}
    lines = []
    for unit in scope.units:
        sub = subs.get(unit.id)  # type: ignore[arg-type]
        progress = done.get(sub.id, Progress()) if sub and sub.id else Progress()  # type: ignore[arg-type]
        state = _state(round_, sub, progress, total, zone)
        if sub and sub.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
            counts["submitted"] += 1
        if sub and sub.status == SubmissionStatus.APPROVED:
            counts["approved"] += 1
        elif sub and sub.status == SubmissionStatus.RETURNED:
            counts["returned"] += 1
        elif sub and sub.status == SubmissionStatus.DRAFT and progress.done:
            counts["started"] += 1
        lines.append(texts.overview_line(unit.code, unit.name, state))
    header = texts.overview_header(
        periods.parse(round_.period).label,
        scope.top.name,
        round_.deadline,
        now.astimezone(zone).date(),
    )
    summary = texts.overview_counts(
        counts["submitted"],
        len(scope.units),
        counts["approved"],
        counts["returned"],
        counts["started"],
    )
    return "\n".join([header, summary, "", *lines, "", texts.OVERVIEW_FOOTER])


def _state(
    round_: Round, sub: Submission | None, progress: Progress, total: int, zone: ZoneInfo
) -> str:
    if sub is None or (sub.status == SubmissionStatus.DRAFT and not progress.done):
        return texts.STATE_NOT_STARTED
    if sub.status == SubmissionStatus.DRAFT:
        return texts.state_in_progress(progress.filled, progress.skipped, total)
    if sub.status == SubmissionStatus.RETURNED:
        return texts.state_returned(progress.filled, progress.skipped, total)
    if sub.status == SubmissionStatus.APPROVED:
        return texts.STATE_APPROVED
    at = sub.submitted_at.astimezone(zone) if sub.submitted_at else None
    return texts.state_submitted(at, is_late(round_, sub.submitted_at, zone))


def _decide(
    repo: Repository,
    user: User,
    tops: list[Unit],
    command: Command,
    now: datetime,
    zone: ZoneInfo,
) -> tuple[list[Reply], list[Notice]]:
    returning = command.name == "tralai"
    code, _, reason = command.args.strip().partition(" ")
    reason = " ".join(reason.split())
    if not code or (returning and not reason):
        return [Reply(texts.TRALAI_USAGE if returning else texts.DUYET_USAGE)], []
    unit = repo.unit_by_code(code.upper())
    scope = _scope_of(repo, tops, unit) if unit else None
    if unit is None or scope is None:
        return [Reply(texts.unit_out_of_scope(code))], []
    sub = repo.submission(scope.round.id, unit.id, create=False)  # type: ignore[arg-type]
    if sub is None or sub.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        return [Reply(texts.not_submitted_yet(unit.name))], []
    if sub.status == SubmissionStatus.APPROVED:
        return [Reply(texts.already_approved(unit.name))], []
    period = periods.parse(scope.round.period).label
    assert sub.id is not None
    if returning:
        repo.set_status(sub.id, SubmissionStatus.RETURNED, user.id, now, note=reason)
        reply = texts.returned_done(period, unit.name, reason)
        notice = Reply(
            texts.notice_returned(period, unit.name, reason), (Option("start", texts.CONTINUE),)
        )
    else:
        repo.set_status(sub.id, SubmissionStatus.APPROVED, user.id, now)
        reply = texts.approved_done(period, unit.name)
        notice = Reply(texts.notice_approved(period, unit.name))
    officers = repo.members(unit.id, Role.OFFICER)  # type: ignore[arg-type]
    notices = [Notice(o.platform, o.external_id, notice) for o in officers if o.blocked_at is None]
    return [Reply(reply)], notices


def export(repo: Repository, tops: list[Unit], args: str) -> list[Reply]:
    """/xuat: the compiled workbook of the open round(s); /xuat 2024-Q3 of another period;
    /xuat <mã> one unit's appendix (in either order: /xuat SONTRUNG 2024-Q2)."""
    period, unit_code = None, None
    for word in args.split():
        if periods.PATTERN.match(word.upper()):
            period = periods.parse(word).code
        else:
            unit_code = word.upper()
    replies = []
    for top in tops:
        for scope in _scopes_for_period(repo, top, period):
            round_id = scope.round.id
            assert round_id is not None
            if unit_code is None:
                file_spec = documents.spec(documents.COMPILED, round_id, top.id)  # type: ignore[arg-type]
                replies.append(Reply(texts.COMPILED_CAPTION, attachment=file_spec))
                continue
            unit = next((u for u in scope.units if u.code == unit_code), None)
            if unit is not None:
                file_spec = documents.spec(documents.APPENDIX, round_id, unit.id)  # type: ignore[arg-type]
                replies.append(Reply(texts.APPENDIX_CAPTION, attachment=file_spec))
    if replies:
        return replies
    if unit_code is not None:
        return [Reply(texts.unit_out_of_scope(unit_code))]
    if period is not None:
        return [Reply(texts.no_round_for_period(period))]
    return [Reply(texts.NO_ROUND_FOR_REVIEW)]


def _scopes_for_period(repo: Repository, top: Unit, period: str | None) -> list[Scope]:
    if period is None:
        return scopes(repo, top)
    below = repo.descendants(top.id)  # type: ignore[arg-type]
    out = []
    for round_ in repo.rounds():
        if round_.period != period:
            continue
        level = templates.level_of(repo, round_)
        units = [u for u in below if u.level == level]
        if units:
            out.append(Scope(round_, top, units))
    return out


def _scope_of(repo: Repository, tops: list[Unit], unit: Unit) -> Scope | None:
    for top in tops:
        for scope in scopes(repo, top):
            if any(u.id == unit.id for u in scope.units):
                return scope
    return None


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
        is_late(round_, submitted_at, zone),
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
