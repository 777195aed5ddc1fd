"""The imperative shell around the engine, shared by every chat transport.

One incoming message is one database transaction: load the officer's report and place, run the
pure engine, write every changed answer (with its audit row) and the new place, commit, and
only then hand the replies back to the transport. A crash at any point loses at most the reply,
never a saved answer, and a second phone sees the same report on its next message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.chat import documents, reviewers
from bot.chat.outcome import Notice, Outcome, replies_from_json, replies_to_json
from flows import answers as ans
from flows import catalog, engine, periods, texts
from flows.engine import Command, Event, Press, Reply, Text
from storage.db import Store
from storage.models import Role, Round, Submission, Unit, User
from storage.repository import (
    InviteExpired,
    InviteUnknown,
    InviteUsed,
    Repository,
)

INVITE_ALONE = re.compile(r"^\s*CCHC-[A-Z0-9]{4,12}\s*$", re.IGNORECASE)

INVITE_ERRORS = {
    InviteUnknown: texts.INVITE_UNKNOWN,
    InviteUsed: texts.INVITE_USED,
    InviteExpired: texts.INVITE_EXPIRED,
}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Sender:
    """Who wrote, as the chat platform identifies them."""

    platform: str
    external_id: str
    display_name: str


class Conversations:
    def __init__(
        self, store: Store, zone: ZoneInfo, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.zone = zone
        self.clock = clock

    def handle(self, sender: Sender, event: Event, *, update_key: str | None = None) -> Outcome:
        """Handle one message; ``update_key`` (the platform's update id) makes it idempotent.

        The update is recorded in the transaction that applies it: a redelivery finds the
        record and repeats the first replies; a concurrent duplicate (two webhook calls at
        once) fails on the unique key, rolls back, and then finds the record.
        """
        now = self.clock()
        try:
            with self.store.transaction() as repo:
                if update_key is not None:
                    first = repo.handled_replies(sender.platform, update_key)
                    if first is not None:
                        return Outcome(replies_from_json(first), repeated=True)
                outcome = self._handle(repo, sender, event, now)
                if update_key is not None:
                    replies = replies_to_json(outcome.replies)
                    repo.record_update(sender.platform, update_key, replies, now)
                return outcome
        except IntegrityError:
            if update_key is None:
                raise
            with self.store.transaction() as repo:
                first = repo.handled_replies(sender.platform, update_key)
            if first is None:
                raise
            return Outcome(replies_from_json(first), repeated=True)

    def _handle(self, repo: Repository, sender: Sender, event: Event, now: datetime) -> Outcome:
        code = _invite_code(event)
        if code is not None:
            return self._register(repo, sender, code, now)
        user = repo.user(sender.platform, sender.external_id)
        if user is None:
            return Outcome([Reply(texts.NOT_REGISTERED)])
        assert user.id is not None
        if user.blocked_at is not None:
            repo.mark_unblocked(user.id)
        memberships = repo.memberships(user.id)
        officer_of = [u for m, u in memberships if m.role == Role.OFFICER]
        if officer_of:
            return self._converse(repo, user, officer_of[0], event, now)
        reviewer_of = [u for m, u in memberships if m.role in (Role.REVIEWER, Role.ADMIN)]
        replies, notices = reviewers.handle(repo, user, reviewer_of, event, now, self.zone)
        return Outcome(replies, notices, stale_press=isinstance(event, Press))

    # --- registration --------------------------------------------------------------------------
    def _register(self, repo: Repository, sender: Sender, code: str, now: datetime) -> Outcome:
        try:
            user, membership, unit = repo.redeem_invite(
                code, sender.platform, sender.external_id, sender.display_name, now
            )
        except (InviteUnknown, InviteUsed, InviteExpired) as exc:
            return Outcome([Reply(INVITE_ERRORS[type(exc)])])
        welcome = Reply(texts.registered(unit.name, membership.role))
        if membership.role != Role.OFFICER:
            return Outcome([welcome, Reply(texts.REVIEWER_HELP)], registered_role=membership.role)
        then = self._converse(repo, user, unit, Command("baocao"), now)
        return Outcome([welcome, *then.replies], then.notices, registered_role=membership.role)

    # --- the officer's report --------------------------------------------------------------
    def _converse(
        self, repo: Repository, user: User, unit: Unit, event: Event, now: datetime
    ) -> Outcome:
        round_ = self._open_round(repo, unit)
        if round_ is None:
            return Outcome([Reply(texts.NO_OPEN_ROUND)])
        submission = repo.submission(round_.id, unit.id)  # type: ignore[arg-type]
        assert submission is not None and submission.id is not None
        state = self._load(repo, user, unit, round_, submission, now)
        stale = isinstance(event, Press) and not engine.offers(state, event.option_id)
        new_state, replies = engine.step(state, event, now.astimezone(self.zone))
        own_file = documents.spec(documents.APPENDIX, round_.id, unit.id)  # type: ignore[arg-type]
        replies = [replace(r, attachment=own_file) if r.attachment else r for r in replies]
        self._store(repo, user, submission, state, new_state, now)
        notices: list[Notice] = []
        if new_state.report.status == "submitted" != state.report.status:
            notices = reviewers.submitted_notices(repo, unit, round_, now, self.zone)
        return Outcome(replies, notices, stale_press=stale)

    def document(self, file_spec: str) -> documents.Document:
        """The file a reply names, built after the reply's transaction (see bot/chat/documents)."""
        return documents.build(self.store, file_spec, self.zone)

    def _open_round(self, repo: Repository, unit: Unit) -> Round | None:
        rounds = [r for r in repo.open_rounds() if catalog.load(r.template).level == unit.level]
        return rounds[-1] if rounds else None

    def _load(
        self,
        repo: Repository,
        user: User,
        unit: Unit,
        round_: Round,
        submission: Submission,
        now: datetime,
    ) -> engine.State:
        template = catalog.load(round_.template)
        by_code = template.by_code
        answers = {
            code: engine.Answer(ans.decode(by_code[code], a.value), a.skipped, a.note)
            for code, a in repo.answers(submission.id).items()  # type: ignore[arg-type]
            if code in by_code
        }
        previous = {
            code: value
            for code, stored in repo.previous_values(unit.id, round_).items()  # type: ignore[arg-type]
            if code in by_code and (value := ans.decode(by_code[code], stored)) is not None
        }
        submitted_at = submission.submitted_at
        report = engine.Report(
            template=template,
            unit_name=unit.name,
            period_label=periods.parse(round_.period).label,
            deadline=round_.deadline,
            answers=answers,
            previous=previous,
            status=submission.status,
            status_note=submission.status_note,
            submitted_at=submitted_at.astimezone(self.zone) if submitted_at else None,
            today=now.astimezone(self.zone).date(),
        )
        saved = json.loads(repo.load_state(user.id) or "{}")  # type: ignore[arg-type]
        session = (
            engine.Session.from_json(saved.get("session"))
            if saved.get("submission") == submission.id
            else engine.Session()
        )
        if session.code is not None and session.code not in by_code:
            session = engine.Session()
        return engine.State(report, session)

    def _store(
        self,
        repo: Repository,
        user: User,
        submission: Submission,
        before: engine.State,
        after: engine.State,
        now: datetime,
    ) -> None:
        sid = submission.id
        assert sid is not None
        old, new = before.report.answers, after.report.answers
        changes = []
        for code, answer in new.items():
            prior = old.get(code, engine.Answer())
            if (prior.value, prior.skipped) != (answer.value, answer.skipped):
                changes.append((code, ans.encode(answer.value), answer.skipped))
            if prior.note != answer.note:
                repo.save_note(sid, code, answer.note, user.id, now)
        if changes:
            repo.save_answers(sid, changes, user.id, now)
        if after.report.status != before.report.status:
            repo.set_status(sid, after.report.status, user.id, now)
        if after.session != before.session:
            data = {"submission": sid, "session": after.session.to_json()}
            repo.save_state(user.id, json.dumps(data), now)  # type: ignore[arg-type]


def _invite_code(event: Event) -> str | None:
    """'/start CODE' as chat apps send it, or the code alone as the first message."""
    if isinstance(event, Command) and event.name == "start" and event.args:
        return event.args.split()[0]
    if isinstance(event, Text) and INVITE_ALONE.match(event.text):
        return event.text.strip()
    return None
