"""The reviewer's chat commands: /tinhhinh, /tralai, /duyet, /xuat, /nhac, /web.

The rules (scope, states, decisions, reminding now) live in bot/review, which the web console
calls too; this module parses a command and renders what the core returns as chat texts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.chat import documents, drafts
from bot.chat.outcome import Notice
from bot.review import decisions, reminding
from bot.review.scope import Scope, scopes, scopes_for_period
from bot.review.status import RoundStatus, UnitStatus, round_status
from flows import periods, texts
from flows.engine import Command, Event, Reply
from flows.review import Refusal, State
from storage.models import Unit, User
from storage.repository import Repository


def handle(
    repo: Repository,
    user: User,
    tops: list[Unit],
    event: Event,
    now: datetime,
    zone: ZoneInfo,
    *,
    sign_in: Callable[[int], str] | None = None,
) -> tuple[list[Reply], list[Notice]]:
    if not isinstance(event, Command) or event.name in ("trogiup", "help", "start", "baocao"):
        return [Reply(texts.REVIEWER_HELP)], []
    if event.name == "tinhhinh":
        return overview(repo, tops, now, zone), []
    if event.name in ("tralai", "duyet"):
        return _decide(repo, user, tops, event, now)
    if event.name == "xuat":
        return export(repo, tops, event.args), []
    if event.name == "nhac":
        return _remind(repo, user, tops, now, zone)
    if event.name == "duthao":
        return drafts.summary_drafts(repo, tops, event.args), []
    if event.name == "web":
        if sign_in is None:
            return [Reply(texts.WEB_NOT_SERVED)], []
        assert user.id is not None
        return [Reply(texts.web_sign_in(sign_in(user.id)))], []
    return [Reply(texts.unknown_command(event.name)), Reply(texts.REVIEWER_HELP)], []


def _remind(
    repo: Repository, user: User, tops: list[Unit], now: datetime, zone: ZoneInfo
) -> tuple[list[Reply], list[Notice]]:
    every: list[Scope] = [scope for top in tops for scope in scopes(repo, top)]
    if not every:
        return [Reply(texts.NO_ROUND_FOR_REVIEW)], []
    assert user.id is not None
    done = reminding.remind_now(repo, user.id, every, now, zone)
    if not done.pending:
        return [Reply(texts.NOTHING_TO_REMIND)], []
    if done.already:
        return [Reply(texts.ALREADY_REMINDED)], []
    return [Reply(texts.reminded_now(len(done.notices), done.units))], list(done.notices)


def overview(repo: Repository, tops: list[Unit], now: datetime, zone: ZoneInfo) -> list[Reply]:
    replies = []
    for top in tops:
        for scope in scopes(repo, top):
            replies.append(Reply(_overview_text(round_status(repo, scope, now, zone))))
    return replies or [Reply(texts.NO_ROUND_FOR_REVIEW)]


def _overview_text(status: RoundStatus) -> str:
    scope, counts = status.scope, status.counts
    header = texts.overview_header(
        periods.parse(scope.round.period).label, scope.top.name, scope.round.deadline, status.today
    )
    summary = texts.overview_counts(
        counts.submitted,
        counts.total,
        counts[State.APPROVED],
        counts[State.RETURNED],
        counts[State.DRAFT],
    )
    lines = [texts.overview_line(u.unit.code, u.unit.name, _state(u)) for u in status.units]
    return "\n".join([header, summary, "", *lines, "", texts.OVERVIEW_FOOTER])


def _state(row: UnitStatus) -> str:
    if row.state is State.NOT_STARTED:
        return texts.STATE_NOT_STARTED
    if row.state is State.DRAFT:
        return texts.state_in_progress(row.filled, row.skipped, row.total)
    if row.state is State.RETURNED:
        return texts.state_returned(row.filled, row.skipped, row.total)
    if row.state is State.APPROVED:
        return texts.STATE_APPROVED
    return texts.state_submitted(row.submitted_at, row.late)


def _decide(
    repo: Repository, user: User, tops: list[Unit], command: Command, now: datetime
) -> tuple[list[Reply], list[Notice]]:
    returning = command.name == "tralai"
    code, _, reason = command.args.strip().partition(" ")
    if not code or (returning and not reason.strip()):
        return [Reply(texts.TRALAI_USAGE if returning else texts.DUYET_USAGE)], []
    assert user.id is not None
    decision = decisions.decide(
        repo, user.id, tops, code, returning=returning, reason=reason, now=now
    )
    if decision.out_of_scope or decision.unit is None:
        return [Reply(texts.unit_out_of_scope(code))], []
    name = decision.unit.name
    if decision.refused is Refusal.ALREADY_APPROVED:
        return [Reply(texts.already_approved(name))], []
    if decision.refused is not None:
        return [Reply(texts.not_submitted_yet(name))], []
    if returning:
        reply = texts.returned_done(decision.period, name, decision.reason)
    else:
        reply = texts.approved_done(decision.period, name)
    return [Reply(reply)], list(decision.notices)


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
        for scope in scopes_for_period(repo, top, period):
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
