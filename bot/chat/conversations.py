"""The imperative shell around the engine, shared by every chat transport.

One incoming message is one unit of work, all of it stored or none: on PostgreSQL a
transaction of its own, on SQLite a part of a transaction shared with the messages of the same
pass of the event loop, which one COMMIT makes durable together (storage/group_commit: if one
fails, the others are applied again without it).
Its first statement locks the sender's row, so one person's messages are applied one at a time
whatever process received them; then the officer's report (its submission row locked before
anything is read), the pure engine, every changed answer with its audit row, the new place, the
notices for others (in the outbox), the update's record, the commit, and only then the replies
go back to the transport. A crash at any point loses at most a reply, never a saved answer, and
a second phone sees the same report on its next message.

An answer reads twice and writes three times at most (storage/chat_turn): the report itself is
kept in this process's memory between messages (bot/chat/report_cache) and trusted only while
the version number read with the report's lock is the one kept.

Chat apps number a person's messages; one that arrives after a later one was applied is put
back in its place (flows/reorder): the later ones are undone, it is applied where the officer
was when they sent it, and the later ones are applied again after it.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.chat import documents, outbox, reviewers, uploads
from bot.chat.outcome import Notice, Outcome, replies_from_json, replies_to_json
from bot.chat.report_cache import ReportCache
from bot.chat.uploads import Sheet, Upload
from bot.clock import utc_now
from bot.review.notices import submitted_notices
from flows import answers as ans
from flows import engine, periods, reorder, safe_text, texts
from flows.answers import Value
from flows.catalog import Template
from flows.engine import Command, Event, Press, Reply, Text
from storage import chat_turn, people, templates
from storage.db import Store
from storage.invite_codes import LOOKS_LIKE_CODE
from storage.models import Role, Round, Unit, User
from storage.repository import (
    InviteBlocked,
    InviteError,
    InviteExpired,
    InviteUnknown,
    InviteUsed,
    Repository,
)

log = logging.getLogger(__name__)

INVITE_ERRORS = {
    InviteUnknown: texts.INVITE_UNKNOWN,
    InviteUsed: texts.INVITE_USED,
    InviteExpired: texts.INVITE_EXPIRED,
}
# A message numbered before one applied longer ago than this is not replayed: the chat app's
# numbering may have restarted (Telegram picks new numbers after a week of silence).
LATE_WINDOW = timedelta(hours=1)
REPLAY_LIMIT = 20  # later messages undone and redone at most, for one late one


@dataclass(frozen=True)
class Sender:
    """Who wrote, as the chat platform identifies them."""

    platform: str
    external_id: str
    display_name: str


@dataclass(frozen=True)
class Handled:
    """An outcome, and what its update record keeps for a late message to replay it."""

    outcome: Outcome
    undo: reorder.Undo | None = None
    place: str | None = None  # where the message left the officer, if it moved them (JSON)


@dataclass(frozen=True)
class Officer:
    """The officer as the report path needs them: who, and where they were (saved JSON)."""

    user_id: int
    place: str | None


class Conversations:
    def __init__(
        self, store: Store, zone: ZoneInfo, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.zone = zone
        self.clock = clock
        self.cache = ReportCache()
        # A sign-in link to the web console for a user id, where the console is served.
        self.sign_in_link: Callable[[int], str] | None = None

    def handle(
        self,
        sender: Sender,
        event: Event | Upload,
        *,
        update_key: str | None = None,
        seq: int | None = None,
    ) -> Outcome:
        """Handle one message in this thread: the console, the command line, tests.

        A workbook is read here, before the message's transaction (it may take a while).
        """
        if isinstance(event, Upload):
            event = uploads.read(event)
        return self.store.run(*self._work(sender, event, update_key, seq))

    async def apply(
        self,
        sender: Sender,
        event: Event | Sheet,
        *,
        update_key: str | None = None,
        seq: int | None = None,
    ) -> Outcome:
        """Handle one message from the event loop (the chat transports): returns once it is
        committed; on SQLite together with the other messages of the loop's pass
        (storage/group_commit). A workbook must be read first (uploads.read, off the loop)."""
        return await self.store.apply(*self._work(sender, event, update_key, seq))

    def _work(
        self, sender: Sender, event: Event | Sheet, update_key: str | None, seq: int | None
    ) -> tuple[Callable[[Repository], Outcome], Callable[[Repository], Outcome | None] | None]:
        """The message's transaction, and what answers it if another process recorded the
        same update first. ``update_key`` (the platform's update id) makes a message
        idempotent.

        ``seq`` is the chat app's number for it (Telegram's update_id), by which one person's
        messages are ordered. The update is recorded in the transaction that applies it: a
        redelivery finds the record and repeats the first replies; a concurrent duplicate (two
        webhook calls at once) waits for the person's lock and then finds the record, or, from
        another process, fails on the record's key and is answered from it.
        """
        now = self.clock()
        event, refused = _at_the_door(event)
        work = functools.partial(self._apply, sender, event, refused, now, update_key, seq)
        repeat = (
            functools.partial(_first_replies, sender, update_key)
            if update_key is not None
            else None
        )
        return work, repeat

    def _apply(
        self,
        sender: Sender,
        event: Event | Sheet,
        refused: str | None,
        now: datetime,
        update_key: str | None,
        seq: int | None,
        repo: Repository,
    ) -> Outcome:
        person = chat_turn.person(repo, sender.platform, sender.external_id, update_key)
        if update_key is not None:
            first = (
                person.first_replies
                if person is not None
                else repo.handled_replies(sender.platform, update_key)
            )
            if first is not None:
                return Outcome(replies_from_json(first), repeated=True)
        handled = self._handle(repo, sender, person, event, refused, now, seq)
        outcome = self._queue_notices(repo, handled.outcome, now)
        user_id = person.user_id if person else self._user_id(repo, sender)
        if user_id is not None and (seq is not None or handled.place is not None):
            repo.note_applied(user_id, seq, now, place=handled.place)
        if update_key is not None:
            repo.record_update(
                sender.platform,
                update_key,
                replies_to_json(outcome.replies),
                now,
                user_id=user_id,
                seq=seq,
                event=None if refused or isinstance(event, Sheet) else reorder.event_to_json(event),
                undo=reorder.undo_to_json(handled.undo) if handled.undo else None,
            )
        return outcome

    @staticmethod
    def _user_id(repo: Repository, sender: Sender) -> int | None:
        """Someone who was not registered when their message came: registered by it, or not."""
        user = repo.user(sender.platform, sender.external_id)
        return user.id if user else None

    def _handle(
        self,
        repo: Repository,
        sender: Sender,
        person: chat_turn.Person | None,
        event: Event | Sheet,
        refused: str | None,
        now: datetime,
        seq: int | None,
    ) -> Handled:
        code = _invite_code(event) if refused is None else None
        if code is not None:
            return self._register(repo, sender, code, now)
        if person is None:
            return Handled(Outcome([Reply(refused or texts.NOT_REGISTERED)]))
        if person.blocked:
            repo.mark_unblocked(person.user_id)
        if not person.roles:
            return Handled(Outcome([Reply(self._no_role(repo, person.user_id))]))
        officer_of = [unit for role, unit in person.roles if role == Role.OFFICER]
        reviews = any(role in (Role.REVIEWER, Role.ADMIN) for role, _ in person.roles)
        if officer_of and not reviews and isinstance(event, Command) and event.name == "web":
            return Handled(Outcome([Reply(texts.WEB_REVIEWERS_ONLY)]))
        if officer_of:
            late = _is_late(person, seq, now)
            officer = Officer(person.user_id, person.place)
            return self._converse(repo, officer, officer_of[0], event, now, refused, late, seq)
        if refused is not None:
            return Handled(Outcome([Reply(refused)]))
        if isinstance(event, Sheet):
            return Handled(Outcome([Reply(texts.UPLOAD_OFFICERS_ONLY)]))
        user = _user(repo, person.user_id)
        reviewer_of = [
            unit
            for membership, unit in repo.memberships(person.user_id)
            if membership.role in (Role.REVIEWER, Role.ADMIN)
        ]
        replies, notices = reviewers.handle(
            repo, user, reviewer_of, event, now, self.zone, sign_in=self.sign_in_link
        )
        return Handled(Outcome(replies, notices, stale_press=isinstance(event, Press)))

    def _no_role(self, repo: Repository, user_id: int) -> str:
        """Someone whose roles were all revoked is told so, not treated as a stranger."""
        ended = people.last_revocation(repo, user_id)
        if ended is None:
            return texts.NOT_REGISTERED
        revocation, unit = ended
        on = revocation.revoked_at.astimezone(self.zone).strftime("%d/%m/%Y")
        return texts.revoked(unit.name, revocation.role, on)

    def _queue_notices(self, repo: Repository, outcome: Outcome, now: datetime) -> Outcome:
        if not outcome.notices:
            return outcome
        return replace(outcome, notices=outbox.queue(repo, list(outcome.notices), now))

    # --- registration --------------------------------------------------------------------------
    def _register(self, repo: Repository, sender: Sender, code: str, now: datetime) -> Handled:
        try:
            user, membership, unit = repo.redeem_invite(
                code, sender.platform, sender.external_id, sender.display_name, now
            )
        except InviteBlocked as exc:
            until = exc.until.astimezone(self.zone).strftime("%H:%M ngày %d/%m")
            return Handled(Outcome([Reply(texts.invite_paused(until, just_now=exc.just_now))]))
        except InviteError as exc:
            return Handled(Outcome([Reply(INVITE_ERRORS.get(type(exc), texts.INVITE_UNKNOWN))]))
        welcome = Reply(texts.registered(unit.name, membership.role))
        if membership.role != Role.OFFICER:
            welcomed = Outcome(
                [welcome, Reply(texts.REVIEWER_HELP)], registered_role=membership.role
            )
            return Handled(welcomed)
        assert user.id is not None
        officer = Officer(user.id, repo.load_state(user.id))
        then = self._converse(repo, officer, unit, Command("baocao"), now, None, False, None)
        outcome = then.outcome
        welcomed = Outcome(
            [welcome, *outcome.replies], outcome.notices, registered_role=membership.role
        )
        return Handled(welcomed, place=then.place)

    # --- the officer's report --------------------------------------------------------------
    def _converse(
        self,
        repo: Repository,
        officer: Officer,
        unit: Unit,
        event: Event | Sheet,
        now: datetime,
        refused: str | None,
        late: bool,
        seq: int | None,
    ) -> Handled:
        found = chat_turn.reports(repo, unit)
        reports = [r for r in found.open if self._template(repo, r.round).level == unit.level]
        current = _current(reports)
        if current is None:
            return Handled(Outcome([Reply(refused or texts.NO_OPEN_ROUND)]))
        round_ = current.round
        if isinstance(event, Sheet):  # last period's appendix, held until "Lưu"
            user = _user(repo, officer.user_id)
            return Handled(Outcome(uploads.receive(repo, user, unit, round_, event, now)))
        if isinstance(event, Press) and uploads.is_answer(event.option_id):
            said = uploads.confirm(repo, _user(repo, officer.user_id), unit, event.option_id, now)
            then = self._converse(repo, officer, unit, Command("baocao"), now, None, False, None)
            both = Outcome([*said, *then.outcome.replies], then.outcome.notices)
            return Handled(both, place=then.place)
        if current.submission_id is None:
            assert unit.id is not None
            current = chat_turn.start_report(repo, current, unit.id, now)
        sid = current.submission_id
        assert sid is not None
        state = self._load(repo, officer, unit, current, reports, found, now)
        if refused is not None:
            return Handled(Outcome([engine.refusal(state, refused)]))
        local = now.astimezone(self.zone)
        if late and reorder.has_place(event):
            placed = self._put_in_place(repo, officer, current, state, event, seq, now)
            if placed is not None:
                return placed
            if isinstance(event, Text):  # no place to put it back in: never guess one
                return Handled(Outcome([engine.refusal(state, texts.late_text(event.text))]))
        stale = isinstance(event, Press) and not engine.offers(state, event.option_id)
        new_state, replies = engine.step(state, event, local)
        replies = [
            replace(r, attachment=documents.own_file(r.attachment, round_.id, unit.id))  # type: ignore[arg-type]
            if r.attachment
            else r
            for r in replies
        ]
        place = self._store(repo, officer, current, state, new_state, now)
        notices: list[Notice] = []
        if new_state.report.status == "submitted" != state.report.status:
            notices = submitted_notices(repo, unit, round_, now, self.zone)
        outcome = Outcome(replies, notices, stale_press=stale)
        return Handled(outcome, reorder.undo_of(sid, state, new_state), place)

    def _put_in_place(
        self,
        repo: Repository,
        officer: Officer,
        report: chat_turn.OpenReport,
        state: engine.State,
        event: Event,
        seq: int | None,
        now: datetime,
    ) -> Handled | None:
        """Replay the later messages after this late one, or None when that cannot be done."""
        sid = report.submission_id
        assert sid is not None and seq is not None
        rows = repo.updates_after(officer.user_id, seq, now - LATE_WINDOW)
        template = state.report.template
        later = []
        for row in rows[: REPLAY_LIMIT + 1]:
            applied_event = reorder.event_from_json(row.event) if row.event else None
            undo = reorder.undo_from_json(row.undo, template) if row.undo else None
            if applied_event is None or undo is None:
                return None
            later.append(reorder.Applied(applied_event, undo))
        if len(later) > REPLAY_LIMIT or not reorder.can_replay(sid, later):
            return None
        log.info(
            "a late update of user %s put back before %d later ones", officer.user_id, len(later)
        )
        result = reorder.replay(state, event, sid, later, now.astimezone(self.zone))
        place = self._store(repo, officer, report, state, result.state, now)
        for row, undo in zip(rows, result.later_undos, strict=True):
            repo.rewrite_undo(row, reorder.undo_to_json(undo))
        summary = Outcome([reorder.summary(state, result.state)])
        return Handled(summary, result.late_undo, place)

    def document(self, file_spec: str) -> documents.Document:
        """The file a reply names, built after the reply's transaction (see bot/chat/documents)."""
        return documents.build(self.store, file_spec, self.zone)

    def _template(self, repo: Repository, round_: Round) -> Template:
        template = self.cache.template(round_.template, round_.template_version)
        if template is None:
            template = templates.for_round(repo, round_)
            self.cache.keep_template(round_.template, round_.template_version, template)
        return template

    def _load(
        self,
        repo: Repository,
        officer: Officer,
        unit: Unit,
        report: chat_turn.OpenReport,
        reports: list[chat_turn.OpenReport],
        found: chat_turn.Reports,
        now: datetime,
    ) -> engine.State:
        """The report as the engine needs it: from this process's memory while its version
        stands (bot/chat/report_cache), else from the database."""
        sid = report.submission_id
        assert sid is not None and unit.id is not None
        round_ = report.round
        template = self._template(repo, round_)
        by_code = template.by_code
        answers = self.cache.answers(sid, report.version)
        if answers is None:
            answers = {
                row.code: engine.Answer(
                    ans.decode(by_code[row.code], row.value), row.skipped, row.note
                )
                for row in chat_turn.answer_rows(repo, sid)
                if row.code in by_code
            }
            # Read under the lock, but maybe beside uncommitted writes of the same batch:
            # kept once they are committed.
            repo.after_commit(
                functools.partial(self.cache.keep_answers, sid, report.version, answers)
            )
        submitted_at = report.submitted_at
        state_report = engine.Report(
            template=template,
            unit_name=unit.name,
            period_label=periods.parse(round_.period).label,
            deadline=round_.deadline,
            answers=answers,
            previous=self._previous(repo, unit, report, reports, template),
            status=report.status or "draft",
            status_note=report.status_note,
            submitted_at=submitted_at.astimezone(self.zone) if submitted_at else None,
            today=now.astimezone(self.zone).date(),
            reviewer=texts.reviewer_of(found.parent_name, list(found.reviewer_names))
            if found.parent_name is not None
            else None,
        )
        saved = json.loads(officer.place or "{}")
        session = (
            engine.Session.from_json(saved.get("session"))
            if saved.get("submission") == sid
            else engine.Session()
        )
        if session.code is not None and session.code not in by_code:
            session = engine.Session()
        return engine.State(state_report, session)

    def _previous(
        self,
        repo: Repository,
        unit: Unit,
        report: chat_turn.OpenReport,
        reports: list[chat_turn.OpenReport],
        template: Template,
    ) -> Mapping[str, Value]:
        """Last period's figures: kept while the unit's other open reports stand as they were
        (a closed round's figures no longer change)."""
        assert unit.id is not None
        round_ = report.round
        key = (
            unit.id,
            round_.id,
            tuple((r.submission_id, r.version) for r in reports if r.round.id != round_.id),
        )
        previous = self.cache.previous(key)
        if previous is None:
            earlier = repo.previous_values(unit.id, round_, template.continues)
            previous = ans.figures(template.by_code, earlier)
            repo.after_commit(functools.partial(self.cache.keep_previous, key, previous))
        return previous

    def _store(
        self,
        repo: Repository,
        officer: Officer,
        report: chat_turn.OpenReport,
        before: engine.State,
        after: engine.State,
        now: datetime,
    ) -> str | None:
        """Write what the message changed to the report: the answers in one statement, the
        status; return the new place (JSON) if it moved, which goes on the person's row.

        The cache learns the report as written, once the transaction has committed.
        """
        sid = report.submission_id
        assert sid is not None
        by_code = after.report.template.by_code
        old, new = before.report.answers, after.report.answers
        rows, stored = [], dict(new)
        for code in [*new, *(c for c in old if c not in new)]:
            answer = new.get(code, engine.Answer())
            prior = old.get(code, engine.Answer())
            if (prior.value, prior.skipped, prior.note) == (
                answer.value,
                answer.skipped,
                answer.note,
            ):
                continue
            encoded = None if answer.skipped else ans.encode(answer.value)
            rows.append(chat_turn.AnswerRow(code, encoded, answer.skipped, answer.note))
            # What a fresh read would decode, so the kept copy equals the stored rows exactly.
            value = ans.decode(by_code[code], encoded) if code in by_code else None
            stored[code] = engine.Answer(value, answer.skipped, answer.note)
        chat_turn.write_answers(repo, sid, rows, officer.user_id, now)
        version = report.version + len(rows)  # the database bumps it once per row written
        if after.report.status != before.report.status:
            repo.set_status(sid, after.report.status, officer.user_id, now)
            version += 1
        repo.after_commit(lambda: self.cache.keep_answers(sid, version, stored))
        if after.session == before.session:
            return None
        return json.dumps({"submission": sid, "session": after.session.to_json()})


def _first_replies(sender: Sender, update_key: str, repo: Repository) -> Outcome | None:
    """A duplicate that another process recorded first is answered as it was then; None:
    the conflict was something else, and its error stands."""
    first = repo.handled_replies(sender.platform, update_key)
    return None if first is None else Outcome(replies_from_json(first), repeated=True)


def _is_late(person: chat_turn.Person, seq: int | None, now: datetime) -> bool:
    last, at = person.last_seq, person.last_at
    return (
        seq is not None
        and last is not None
        and seq < last
        and at is not None
        and now - at <= LATE_WINDOW
    )


def _user(repo: Repository, user_id: int) -> User:
    """The person's row as the less travelled paths (reviewers, uploads) still take it."""
    user = repo.session.get(User, user_id)
    assert user is not None
    return user


def _current(reports: list[chat_turn.OpenReport]) -> chat_turn.OpenReport | None:
    """The report the officer is working on: the earliest open round the unit has not yet
    submitted (last quarter, still due, before the quarter the calendar just opened), else the
    latest open one (so a submitted report stays on screen)."""
    for report in reports:
        if report.submission_id is None or report.status in engine.EDITABLE:
            return report
    return reports[-1] if reports else None


def _at_the_door(event: Event | Sheet) -> tuple[Event | Sheet, str | None]:
    """The event with its text made safe (flows/safe_text), or the reason it is refused.

    A refused event is replaced by an empty one, so nothing of it is stored or echoed back.
    """
    if isinstance(event, Text):
        checked = safe_text.check(event.text)
        if isinstance(checked, safe_text.Clean):
            return Text(checked.text), None
        return Text(""), _refusal(checked)
    if isinstance(event, Command) and not safe_text.is_clean(event.name):
        checked = safe_text.check(event.name)
        assert isinstance(checked, safe_text.Refused)
        return Text(""), _refusal(checked)
    if isinstance(event, Command) and event.args:
        checked = safe_text.check(event.args)
        if isinstance(checked, safe_text.Clean):
            return Command(event.name, checked.text), None
        if checked.problem is safe_text.Problem.BLANK:
            return Command(event.name), None  # "/ghichu ​": as if nothing followed it
        return Command(event.name), _refusal(checked)
    if isinstance(event, Press) and not safe_text.is_clean(event.option_id):
        return Press(""), None  # no option has that id: refused as a stale button
    return event, None


def _refusal(refused: safe_text.Refused) -> str:
    if refused.problem is safe_text.Problem.BLANK:
        return texts.BLANK_MESSAGE
    return texts.control_character(refused.code_point)


def _invite_code(event: Event) -> str | None:
    """'/start CODE' as chat apps send it, or the code alone as the first message."""
    if isinstance(event, Command) and event.name == "start" and event.args:
        whole = event.args.strip()  # "/start CCHC 7KQ2 XH4M" typed with spaces
        return whole if LOOKS_LIKE_CODE.match(whole) else whole.split()[0]
    if isinstance(event, Text) and LOOKS_LIKE_CODE.match(event.text):
        return event.text.strip()
    return None
