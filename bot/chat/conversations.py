"""The imperative shell around the engine, shared by every chat transport.

One incoming message is one database transaction. Its first statement locks the sender's row,
so one person's messages are applied one at a time whatever process received them; then the
officer's report (its submission row locked before anything is read), the pure engine, every
changed answer with its audit row, the new place, the notices for others (in the outbox), the
update's record, one commit, and only then the replies go back to the transport. A crash at any
point loses at most a reply, never a saved answer, and a second phone sees the same report on
its next message.

Chat apps number a person's messages; one that arrives after a later one was applied is put
back in its place (flows/reorder): the later ones are undone, it is applied where the officer
was when they sent it, and the later ones are applied again after it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.chat import documents, outbox, reviewers, uploads
from bot.chat.outcome import Notice, Outcome, replies_from_json, replies_to_json
from bot.chat.uploads import Sheet, Upload
from bot.clock import utc_now
from bot.review.notices import submitted_notices
from flows import answers as ans
from flows import engine, periods, reorder, safe_text, texts
from flows.engine import Command, Event, Press, Reply, Text
from storage import people, templates
from storage.db import Store
from storage.invite_codes import LOOKS_LIKE_CODE
from storage.models import Role, Round, Submission, Unit, User
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


class Conversations:
    def __init__(
        self, store: Store, zone: ZoneInfo, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.zone = zone
        self.clock = clock
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
        """Handle one message; ``update_key`` (the platform's update id) makes it idempotent.

        ``seq`` is the chat app's number for it (Telegram's update_id), by which one person's
        messages are ordered. The update is recorded in the transaction that applies it: a
        redelivery finds the record and repeats the first replies; a concurrent duplicate (two
        webhook calls at once) waits for the person's lock and then finds the record.
        """
        now = self.clock()
        if isinstance(event, Upload):  # read before the transaction: the lock need not wait
            event = uploads.read(event)
        event, refused = _at_the_door(event)
        try:
            with self.store.transaction() as repo:
                user = repo.lock_user(sender.platform, sender.external_id)
                if update_key is not None:
                    first = repo.handled_replies(sender.platform, update_key)
                    if first is not None:
                        return Outcome(replies_from_json(first), repeated=True)
                handled = self._handle(repo, sender, user, event, refused, now, seq)
                outcome = self._queue_notices(repo, handled.outcome, now)
                user = user or repo.user(sender.platform, sender.external_id)
                if update_key is not None:
                    repo.record_update(
                        sender.platform,
                        update_key,
                        replies_to_json(outcome.replies),
                        now,
                        user_id=user.id if user else None,
                        seq=seq,
                        event=None
                        if refused or isinstance(event, Sheet)
                        else reorder.event_to_json(event),
                        undo=reorder.undo_to_json(handled.undo) if handled.undo else None,
                    )
                if user is not None:
                    repo.note_applied(user, seq, now)
                return outcome
        except IntegrityError:
            if update_key is None:
                raise
            with self.store.transaction() as repo:
                first = repo.handled_replies(sender.platform, update_key)
            if first is None:
                raise
            return Outcome(replies_from_json(first), repeated=True)

    def _handle(
        self,
        repo: Repository,
        sender: Sender,
        user: User | None,
        event: Event | Sheet,
        refused: str | None,
        now: datetime,
        seq: int | None,
    ) -> Handled:
        code = _invite_code(event) if refused is None else None
        if code is not None:
            return Handled(self._register(repo, sender, code, now))
        if user is None:
            return Handled(Outcome([Reply(refused or texts.NOT_REGISTERED)]))
        assert user.id is not None
        if user.blocked_at is not None:
            repo.mark_unblocked(user.id)
        memberships = repo.memberships(user.id)
        if not memberships:
            return Handled(Outcome([Reply(self._no_role(repo, user.id))]))
        officer_of = [u for m, u in memberships if m.role == Role.OFFICER]
        reviewer_of = [u for m, u in memberships if m.role in (Role.REVIEWER, Role.ADMIN)]
        if officer_of and not reviewer_of and isinstance(event, Command) and event.name == "web":
            return Handled(Outcome([Reply(texts.WEB_REVIEWERS_ONLY)]))
        if officer_of:
            late = self._is_late(user, seq, now)
            return self._converse(repo, user, officer_of[0], event, now, refused, late, seq)
        if refused is not None:
            return Handled(Outcome([Reply(refused)]))
        if isinstance(event, Sheet):
            return Handled(Outcome([Reply(texts.UPLOAD_OFFICERS_ONLY)]))
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

    @staticmethod
    def _is_late(user: User, seq: int | None, now: datetime) -> bool:
        last, at = user.last_update_seq, user.last_update_at
        return (
            seq is not None
            and last is not None
            and seq < last
            and at is not None
            and now - at <= LATE_WINDOW
        )

    def _queue_notices(self, repo: Repository, outcome: Outcome, now: datetime) -> Outcome:
        if not outcome.notices:
            return outcome
        return replace(outcome, notices=outbox.queue(repo, list(outcome.notices), now))

    # --- registration --------------------------------------------------------------------------
    def _register(self, repo: Repository, sender: Sender, code: str, now: datetime) -> Outcome:
        try:
            user, membership, unit = repo.redeem_invite(
                code, sender.platform, sender.external_id, sender.display_name, now
            )
        except InviteBlocked as exc:
            until = exc.until.astimezone(self.zone).strftime("%H:%M ngày %d/%m")
            return Outcome([Reply(texts.invite_paused(until, just_now=exc.just_now))])
        except InviteError as exc:
            return Outcome([Reply(INVITE_ERRORS.get(type(exc), texts.INVITE_UNKNOWN))])
        welcome = Reply(texts.registered(unit.name, membership.role))
        if membership.role != Role.OFFICER:
            return Outcome([welcome, Reply(texts.REVIEWER_HELP)], registered_role=membership.role)
        then = self._converse(repo, user, unit, Command("baocao"), now, None, False, None)
        outcome = then.outcome
        return Outcome(
            [welcome, *outcome.replies], outcome.notices, registered_role=membership.role
        )

    # --- the officer's report --------------------------------------------------------------
    def _converse(
        self,
        repo: Repository,
        user: User,
        unit: Unit,
        event: Event | Sheet,
        now: datetime,
        refused: str | None,
        late: bool,
        seq: int | None,
    ) -> Handled:
        round_ = self._open_round(repo, unit)
        if round_ is None:
            return Handled(Outcome([Reply(refused or texts.NO_OPEN_ROUND)]))
        if isinstance(event, Sheet):  # last period's appendix, held until "Lưu"
            return Handled(Outcome(uploads.receive(repo, user, unit, round_, event, now)))
        if isinstance(event, Press) and uploads.is_answer(event.option_id):
            said = uploads.confirm(repo, user, unit, event.option_id, now)
            then = self._converse(repo, user, unit, Command("baocao"), now, None, False, None)
            return Handled(Outcome([*said, *then.outcome.replies], then.outcome.notices))
        submission = repo.submission(round_.id, unit.id)  # type: ignore[arg-type]
        assert submission is not None and submission.id is not None
        repo.lock_submission(submission.id)  # before reading it: no two editors read alike
        state = self._load(repo, user, unit, round_, submission, now)
        if refused is not None:
            return Handled(Outcome([engine.refusal(state, refused)]))
        local = now.astimezone(self.zone)
        if late and reorder.has_place(event):
            placed = self._put_in_place(repo, user, submission, state, event, seq, now)
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
        self._store(repo, user, submission, state, new_state, now)
        notices: list[Notice] = []
        if new_state.report.status == "submitted" != state.report.status:
            notices = submitted_notices(repo, unit, round_, now, self.zone)
        outcome = Outcome(replies, notices, stale_press=stale)
        return Handled(outcome, reorder.undo_of(submission.id, state, new_state))

    def _put_in_place(
        self,
        repo: Repository,
        user: User,
        submission: Submission,
        state: engine.State,
        event: Event,
        seq: int | None,
        now: datetime,
    ) -> Handled | None:
        """Replay the later messages after this late one, or None when that cannot be done."""
        assert user.id is not None and submission.id is not None and seq is not None
        rows = repo.updates_after(user.id, seq, now - LATE_WINDOW)
        template = state.report.template
        later = []
        for row in rows[: REPLAY_LIMIT + 1]:
            applied_event = reorder.event_from_json(row.event) if row.event else None
            undo = reorder.undo_from_json(row.undo, template) if row.undo else None
            if applied_event is None or undo is None:
                return None
            later.append(reorder.Applied(applied_event, undo))
        if len(later) > REPLAY_LIMIT or not reorder.can_replay(submission.id, later):
            return None
        log.info("a late update of user %s put back before %d later ones", user.id, len(later))
        result = reorder.replay(state, event, submission.id, later, now.astimezone(self.zone))
        self._store(repo, user, submission, state, result.state, now)
        for row, undo in zip(rows, result.later_undos, strict=True):
            repo.rewrite_undo(row, reorder.undo_to_json(undo))
        return Handled(Outcome([reorder.summary(state, result.state)]), result.late_undo)

    def document(self, file_spec: str) -> documents.Document:
        """The file a reply names, built after the reply's transaction (see bot/chat/documents)."""
        return documents.build(self.store, file_spec, self.zone)

    def _open_round(self, repo: Repository, unit: Unit) -> Round | None:
        """The round the officer is working on: the earliest open one the unit has not yet
        submitted (last quarter, still due, before the quarter the calendar just opened), else
        the latest open one (so a submitted report stays on screen)."""
        rounds = sorted(
            (r for r in repo.open_rounds() if templates.level_of(repo, r) == unit.level),
            key=lambda r: (r.cutoff_end, r.id or 0),
        )
        for round_ in rounds:
            sub = repo.submission(round_.id, unit.id, create=False)  # type: ignore[arg-type]
            if sub is None or sub.status in engine.EDITABLE:
                return round_
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
        template = templates.for_round(repo, round_)
        by_code = template.by_code
        answers = {
            code: engine.Answer(ans.decode(by_code[code], a.value), a.skipped, a.note)
            for code, a in repo.answers(submission.id).items()  # type: ignore[arg-type]
            if code in by_code
        }
        earlier = repo.previous_values(unit.id, round_, template.continues)  # type: ignore[arg-type]
        previous = {
            code: value
            for code, stored in earlier.items()
            if code in by_code
            and (value := ans.decode(by_code[code], stored)) is not None
            and ans.fits(by_code[code], value)
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
            reviewer=self._reviewer(repo, unit),
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

    @staticmethod
    def _reviewer(repo: Repository, unit: Unit) -> str | None:
        """Who returns this unit's report on request: the unit above, and its reviewers."""
        if unit.parent_id is None:
            return None
        parent = repo.unit(unit.parent_id)
        names = [u.display_name for u in repo.members(unit.parent_id, Role.REVIEWER)]
        return texts.reviewer_of(parent.name, [n for n in names if n])

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
        for code in [*new, *(c for c in old if c not in new)]:
            answer = new.get(code, engine.Answer())
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
