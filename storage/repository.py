"""The one door to the database: every read and write the bot makes goes through Repository.

Methods take `now` from the caller rather than reading the clock, so one message's timestamps
agree with each other and tests can pin time. A refused request raises a RepositoryError before
anything is written, so a caller that catches it inside its transaction may still commit safely.

Two bot processes can race to create the same row (a user's first message, a unit's first look
at a round). Such inserts run inside a savepoint; if the other process won, the unique constraint
fires, the savepoint rolls back and the winner's row is used, so nobody sees an error.
Writes to one report first lock its submission row, which queues concurrent editors of the same
report instead of letting their answer inserts deadlock each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import BigInteger, Connection, Text, bindparam, case, delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select

from flows import catalog, safe_text
from flows.catalog import Template
from storage import driver_sql
from storage.errors import (
    DeadlineBeforeCutoff,
    InvalidChoice,
    InviteBlocked,
    InviteError,
    InviteExpired,
    InviteUnknown,
    InviteUsed,
    RepositoryError,
    RoundClosed,
    RoundExists,
    RoundStillOpen,
    UnitLevelMismatch,
    UnknownRound,
    UnknownSubmission,
    UnknownTemplate,
    UnknownUnit,
)
from storage.invite_codes import new_code, normalise
from storage.models import (
    CODE_LENGTH,
    Answer,
    AnswerChange,
    AuditField,
    DownloadLog,
    DownloadOutcome,
    Invite,
    InviteFailures,
    Level,
    Membership,
    OutboxMessage,
    OutboxStatus,
    Platform,
    ProcessedUpdate,
    ReminderLog,
    ReminderStatus,
    Role,
    Round,
    RoundStatus,
    Submission,
    SubmissionStatus,
    TemplateVersion,
    Unit,
    User,
)
from storage.unit_order import UnitRow, parents_first
from storage.utc_datetime import UTCDateTime, as_utc

__all__ = [
    "DeadlineBeforeCutoff",
    "InvalidChoice",
    "InviteBlocked",
    "InviteError",
    "InviteExpired",
    "InviteUnknown",
    "InviteUsed",
    "Repository",
    "RepositoryError",
    "RoundClosed",
    "RoundExists",
    "RoundStillOpen",
    "UnitLevelMismatch",
    "UnknownRound",
    "UnknownSubmission",
    "UnknownUnit",
]

Row = TypeVar("Row", bound=SQLModel)

INVITE_ATTEMPTS = 20
# Wrong invite codes one chat account may type before it must wait (see README, "Invites").
INVITE_FAILURE_LIMIT = 5
INVITE_FAILURE_WINDOW = timedelta(minutes=15)
INVITE_PAUSE = timedelta(minutes=15)
# A notice is retried after 1, 2, 4 … minutes, at most an hour apart, for about a day.
OUTBOX_ATTEMPTS = 30
OUTBOX_LEASE = timedelta(minutes=1)
NAME_LENGTH = 255
TEMPLATE_LENGTH = 32
PERIOD_LENGTH = 16
# A unit sits under one of a higher level: a commune under a district or a province.
LEVEL_RANK = {Level.PROVINCE.value: 0, Level.DISTRICT.value: 1, Level.COMMUNE.value: 2}


class Progress(NamedTuple):
    """How far a report is: figures given, and questions deliberately skipped."""

    filled: int = 0
    skipped: int = 0

    @property
    def done(self) -> int:
        return self.filled + self.skipped


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._after_commit: list[Callable[[], None]] = []
        self._connection: Connection | None = None

    def connection(self) -> Connection:
        """The transaction's connection, asked of the session once: the hot path's Core
        statements run on it several times a message."""
        connection = self._connection
        if connection is None:
            connection = self._connection = self.session.connection()
        return connection

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once this repository's writes are committed; never if they are not
        (a process's memory learns only what the database kept)."""
        self._after_commit.append(action)

    def run_after_commit(self) -> None:
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()

    def flush(self) -> None:
        self.session.flush()

    # --- units ---------------------------------------------------------------------------------
    def upsert_unit(
        self, code: str, name: str, level: str, parent_code: str | None
    ) -> tuple[Unit, bool]:
        parent_code = parent_code or None
        codes = _Codes(self._any_case(code) + (self._any_case(parent_code) if parent_code else []))
        try:
            with self.session.begin_nested():
                unit, created, _ = self._upsert_unit(code, name, level, parent_code, codes)
                self._refuse_misplaced([unit])
        except RepositoryError as exc:
            exc.row = None  # one unit, not a list
            raise
        return unit, created

    def import_units(self, rows: Iterable[UnitRow]) -> tuple[int, int]:
        """Returns (created, updated); rows that already match the database count as neither.

        Codes are matched without regard to case, within the list and against the database: a
        parent written `sonha` is SONHA. A refused row's position in ``rows`` is set on the error
        (``row``), so that the command line can name the line of the file.
        """
        codes = _Codes(self.session.exec(select(Unit)))  # one query, not two per row
        checked: list[UnitRow] = []
        spelled: dict[str, str] = {}  # a code in capitals -> the code as the list writes it
        for index, (code, name, level, parent) in enumerate(rows):
            try:
                level = _choice(Level, level, "Cấp đơn vị")
                if code.upper() in spelled:
                    raise RepositoryError(
                        f"Mã đơn vị '{code}' xuất hiện nhiều lần trong danh sách "
                        "(không phân biệt chữ hoa, chữ thường)."
                    )
            except RepositoryError as exc:
                raise _at_row(exc, index) from None
            spelled[code.upper()] = code
            checked.append((code, name, level, parent or None))
        resolved: list[UnitRow] = []
        for index, (code, name, level, parent) in enumerate(checked):
            if parent is not None:
                if parent.upper() in spelled:
                    parent = spelled[parent.upper()]
                elif (found := codes.find(parent)) is not None:
                    parent = found.code
                else:
                    raise _at_row(UnknownUnit(parent), index)
            resolved.append((code, name, level, parent))
        index_of = {code: index for index, (code, *_) in enumerate(resolved)}
        created = updated = 0
        placed: dict[int, Unit] = {}  # by row
        # A savepoint, so that a refusal part-way (a loop through existing units) writes nothing.
        with self.session.begin_nested():
            for code, name, level, parent in parents_first(resolved):
                try:
                    unit, was_created, was_changed = self._upsert_unit(
                        code, name, level, parent, codes
                    )
                except RepositoryError as exc:
                    raise _at_row(exc, index_of[code]) from None
                placed[index_of[code]] = unit
                created += was_created
                updated += was_changed and not was_created
            self._refuse_misplaced([placed[row] for row in sorted(placed)])
        return created, updated

    def _upsert_unit(
        self, code: str, name: str, level: str, parent_code: str | None, codes: _Codes
    ) -> tuple[Unit, bool, bool]:
        _bounded(code, CODE_LENGTH, "Mã đơn vị")
        _bounded(name, NAME_LENGTH, "Tên đơn vị")
        level = _choice(Level, level, "Cấp đơn vị")
        parent = None
        if parent_code is not None:
            parent = codes.find(parent_code)
            if parent is None:
                raise UnknownUnit(parent_code)
        parent_id = parent.id if parent is not None else None
        unit = codes.find(code)
        if unit is None:
            if twins := codes.spellings(code):
                raise RepositoryError(
                    f"Mã đơn vị '{code}' trùng với mã đã có {', '.join(map(repr, twins))} "
                    "(không phân biệt chữ hoa, chữ thường)."
                )
            unit = Unit(code=code, name=name, level=level, parent_id=parent_id)
            self.session.add(unit)
            self.session.flush()
            codes.add(unit)
            return unit, True, True
        if parent is not None:
            self._refuse_loop(unit, parent)
        if (unit.name, unit.level, unit.parent_id) == (name, level, parent_id):
            return unit, False, False
        unit.name, unit.level, unit.parent_id = name, level, parent_id
        self.session.flush()
        return unit, False, True

    def _refuse_loop(self, unit: Unit, parent: Unit) -> None:
        """A unit placed under its own descendant would make every hierarchy walk endless."""
        current: Unit | None = parent
        seen: set[int | None] = set()
        while current is not None and current.id not in seen:
            if current.id == unit.id:
                raise RepositoryError(
                    f"Không thể đặt đơn vị '{unit.code}' dưới '{parent.code}': "
                    f"'{parent.code}' đang thuộc '{unit.code}'."
                )
            seen.add(current.id)
            current = self.session.get(Unit, current.parent_id) if current.parent_id else None

    def _refuse_misplaced(self, placed: Sequence[Unit]) -> None:
        """Each unit sits under a higher level: reviewers follow the units below their own.

        Checked once every row is written, so that a list may move a district's communes and
        change the district in any order. A unit already stored under one of ``placed`` is
        checked too (a district turned into a commune would leave communes under a commune);
        the error's ``row`` is the position in ``placed`` of the unit, or of its parent.
        """
        units = {unit.id: unit for unit in self.session.exec(select(Unit))}
        position = {unit.id: index for index, unit in enumerate(placed)}
        below = sorted(
            (u for u in units.values() if u.parent_id in position and u.id not in position),
            key=lambda u: u.code,
        )
        for unit in [*placed, *below]:
            parent = units.get(unit.parent_id) if unit.parent_id is not None else None
            if parent is not None and LEVEL_RANK[parent.level] >= LEVEL_RANK[unit.level]:
                error = UnitLevelMismatch(unit.code, unit.level, parent.code, parent.level)
                raise _at_row(error, position.get(unit.id, position[parent.id]))

    def unit_by_code(self, code: str) -> Unit | None:
        """The unit with this code written in any case: `sontrung` finds SONTRUNG.

        Codes are stored as first written, and the unique constraint is on that spelling, so two
        codes that differ only in case may exist from before this rule: then the exact spelling
        finds each, and any other spelling finds neither rather than one of them at random.
        (SQLite's upper() folds ASCII letters only; unit codes are ASCII in practice.)
        """
        exact = self.session.exec(select(Unit).where(Unit.code == code)).first()
        if exact is not None:
            return exact
        return _Codes(self._any_case(code)).find(code)

    def _any_case(self, code: str) -> list[Unit]:
        return list(self.session.exec(select(Unit).where(func.upper(Unit.code) == code.upper())))

    def unit(self, unit_id: int) -> Unit:
        unit = self.session.get(Unit, unit_id)
        if unit is None:
            raise UnknownUnit(unit_id)
        return unit

    def children(self, unit_id: int) -> list[Unit]:
        query = select(Unit).where(Unit.parent_id == unit_id).order_by(col(Unit.code))
        return list(self.session.exec(query))

    def descendants(self, unit_id: int) -> list[Unit]:
        found: list[Unit] = []
        seen = {unit_id}
        frontier = [unit_id]
        while frontier:
            query = select(Unit).where(col(Unit.parent_id).in_(frontier))
            below = [u for u in self.session.exec(query) if u.id not in seen]
            seen.update(u.id for u in below if u.id is not None)
            found.extend(below)
            frontier = [u.id for u in below if u.id is not None]
        return sorted(found, key=lambda u: u.code)

    def units(self, level: str | None = None) -> list[Unit]:
        query = select(Unit).order_by(col(Unit.code))
        if level is not None:
            query = query.where(Unit.level == _choice(Level, level, "Cấp đơn vị"))
        return list(self.session.exec(query))

    # --- invites and users ---------------------------------------------------------------------
    def create_invite(self, unit_code: str, role: str, now: datetime, ttl: timedelta) -> Invite:
        unit = self.unit_by_code(unit_code)
        if unit is None:
            raise UnknownUnit(unit_code)
        role = _choice(Role, role, "Vai trò")
        if ttl <= timedelta(0):
            raise RepositoryError("Thời hạn của mã mời phải lớn hơn 0.")
        now = as_utc(now)
        for _ in range(INVITE_ATTEMPTS):
            invite = Invite(
                code=new_code(), unit_id=unit.id, role=role, created_at=now, expires_at=now + ttl
            )
            try:
                with self.session.begin_nested():
                    self.session.add(invite)
            except IntegrityError:
                continue  # the code is taken; draw another
            return invite
        raise RepositoryError("Không tạo được mã mời mới, hãy thử lại.")

    def redeem_invite(
        self, code: str, platform: str, external_id: str, display_name: str, now: datetime
    ) -> tuple[User, Membership, Unit]:
        platform = _choice(Platform, platform, "Nền tảng")
        now = as_utc(now)
        self._refuse_while_paused(platform, external_id, now)
        try:
            return self._redeem(code, platform, external_id, display_name, now)
        except InviteUnknown:
            self._count_invite_failure(platform, external_id, now)
            raise

    def _refuse_while_paused(self, platform: str, external_id: str, now: datetime) -> None:
        """While paused, no code is even looked at, right or wrong: that is what stops guessing."""
        row = self._find(InviteFailures, {"platform": platform, "external_id": external_id})
        if row is not None and row.blocked_until is not None and now < row.blocked_until:
            raise InviteBlocked(row.blocked_until)

    def _count_invite_failure(self, platform: str, external_id: str, now: datetime) -> None:
        """Count a wrong code; the limit-th within the window pauses this account (and says so)."""
        row, _ = self._get_or_create(
            InviteFailures,
            {"platform": platform, "external_id": external_id},
            lambda: InviteFailures(
                platform=platform, external_id=external_id, failures=0, window_start=now
            ),
        )
        if now - row.window_start > INVITE_FAILURE_WINDOW:
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= INVITE_FAILURE_LIMIT:
            row.failures, row.window_start = 0, now
            row.blocked_until = now + INVITE_PAUSE
            self.session.flush()
            raise InviteBlocked(row.blocked_until, just_now=True)
        self.session.flush()

    def _redeem(
        self, code: str, platform: str, external_id: str, display_name: str, now: datetime
    ) -> tuple[User, Membership, Unit]:
        display_name = safe_text.scrub(display_name)[:NAME_LENGTH]
        # FOR UPDATE: of two people typing the same code at once, the second waits and then
        # sees it used, instead of both being let in.
        query = (
            select(Invite)
            .where(Invite.code == normalise(code))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        invite = self.session.exec(query).first()
        if invite is None:
            raise InviteUnknown()
        if invite.used_at is not None:
            # Tapping one's own /start link twice is not an error: report the binding it made.
            again = self.user(platform, external_id)
            if again is None or again.id != invite.used_by:
                raise InviteUsed()
            membership = self._find(Membership, {"user_id": again.id, "unit_id": invite.unit_id})
            if membership is None:
                raise InviteUsed()
            return again, membership, self.unit(invite.unit_id)
        if now >= invite.expires_at:
            raise InviteExpired()
        user, created = self._get_or_create(
            User,
            {"platform": platform, "external_id": external_id},
            lambda: User(
                platform=platform,
                external_id=external_id,
                display_name=display_name,
                created_at=now,
            ),
        )
        if not created:
            user.display_name = display_name
        membership, created = self._get_or_create(
            Membership,
            {"user_id": user.id, "unit_id": invite.unit_id},
            lambda: Membership(
                user_id=user.id, unit_id=invite.unit_id, role=invite.role, created_at=now
            ),
        )
        if not created:
            membership.role = invite.role
        invite.used_at = now
        invite.used_by = user.id
        self.session.execute(
            delete(InviteFailures).where(
                col(InviteFailures.platform) == platform,
                col(InviteFailures.external_id) == external_id,
            )
        )
        self.session.flush()
        return user, membership, self.unit(invite.unit_id)

    def user(self, platform: str, external_id: str) -> User | None:
        query = select(User).where(User.platform == platform, User.external_id == external_id)
        return self.session.exec(query).first()

    def memberships(self, user_id: int) -> list[tuple[Membership, Unit]]:
        """Oldest first, so a user bound to several units always lands on the same one."""
        query = (
            select(Membership, Unit)
            .join(Unit, col(Unit.id) == col(Membership.unit_id))
            .where(Membership.user_id == user_id)
            .order_by(col(Membership.id))
        )
        return [(membership, unit) for membership, unit in self.session.exec(query)]

    def end_membership(self, user_id: int, unit_id: int) -> bool:
        """The person no longer holds a role at the unit; whether they did."""
        result = self.session.execute(
            delete(Membership).where(
                col(Membership.user_id) == user_id, col(Membership.unit_id) == unit_id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def users_with_role(self, platform: str, role: str) -> list[User]:
        """Chat accounts of one platform holding ``role`` somewhere (for per-role menus)."""
        query = (
            select(User)
            .join(Membership, col(Membership.user_id) == col(User.id))
            .where(User.platform == platform, Membership.role == role)
            .distinct()
            .order_by(col(User.id))
        )
        return list(self.session.exec(query))

    def members(self, unit_id: int, role: str | None = None) -> list[User]:
        query = (
            select(User)
            .join(Membership, col(Membership.user_id) == col(User.id))
            .where(Membership.unit_id == unit_id)
            .order_by(col(User.id))
        )
        if role is not None:
            query = query.where(Membership.role == _choice(Role, role, "Vai trò"))
        return list(self.session.exec(query))

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Names for the people an audit trail or a submission names, members or not any more."""
        wanted = sorted({i for i in user_ids if i is not None})
        if not wanted:
            return {}
        query = select(User.id, User.display_name).where(col(User.id).in_(wanted))
        return {user_id: name for user_id, name in self.session.exec(query)}  # type: ignore[misc]

    # --- rounds --------------------------------------------------------------------------------
    def open_round(
        self,
        template: str,
        period: str,
        cutoff_start: date,
        cutoff_end: date,
        deadline: date,
        now: datetime,
        *,
        close_others: bool = False,
    ) -> Round:
        """Open ``template`` for ``period``; other rounds are closed only with ``close_others``.

        Officers report on one round of their template at a time: the chat serves the latest
        open one. So a round that would become the latest, for a period whose cut-off window
        has ended (the one to report on now), is refused while an earlier round of its template
        is still open: RoundStillOpen names it, and the admin closes it first. Two openings
        beside an open round hide nothing that is due and stay allowed: a period earlier than
        the latest open one (filling in history), and the period still in progress, which the
        calendar opens on the first day of its window while last quarter's reports are still
        coming in. ``close_others`` closes every other open round of the template first, for a
        caller that is done with them (the demo, once last quarter is filed). "Ended" is judged
        on ``now``'s UTC date: a few hours' slack, on the side of allowing.
        """
        _bounded(template, TEMPLATE_LENGTH, "Mã biểu mẫu")
        _bounded(period, PERIOD_LENGTH, "Kỳ báo cáo")
        if cutoff_start > cutoff_end:
            raise RepositoryError("Ngày bắt đầu chốt số liệu phải trước ngày kết thúc.")
        if self.round_by_period(template, period) is not None:
            raise RoundExists(template, period)
        others = self.open_rounds(template)
        if close_others:
            for other in others:
                other.status = RoundStatus.CLOSED.value
        elif others and others[-1].cutoff_end < cutoff_end < as_utc(now).date():
            periods = [r.period for r in others]
            shared = any(len(self._open_rounds_of_period(p)) > 1 for p in periods)
            raise RoundStillOpen(template, periods, name_template=shared)
        round_ = Round(
            template=template,
            period=period,
            cutoff_start=cutoff_start,
            cutoff_end=cutoff_end,
            deadline=deadline,
            status=RoundStatus.OPEN.value,
            opened_at=as_utc(now),
            template_version=self.current_template_version(template, now),
        )
        try:
            with self.session.begin_nested():
                self.session.add(round_)
        except IntegrityError:
            raise RoundExists(template, period) from None
        return round_

    def extend_round(self, round_id: int, deadline: date) -> Round:
        """Move an open round's deadline; reminders follow the new date from their next run."""
        round_ = self.round(round_id)
        if round_.status != RoundStatus.OPEN.value:
            raise RoundClosed(round_.template, round_.period)
        if deadline < round_.cutoff_end:
            raise DeadlineBeforeCutoff(deadline, round_.cutoff_end)
        round_.deadline = deadline
        self.session.flush()
        return round_

    def _open_rounds_of_period(self, period: str) -> list[Round]:
        query = select(Round).where(Round.period == period, Round.status == RoundStatus.OPEN.value)
        return list(self.session.exec(query))

    def round(self, round_id: int) -> Round:
        found = self.session.get(Round, round_id)
        if found is None:
            raise UnknownRound(round_id)
        return found

    def round_by_period(self, template: str, period: str) -> Round | None:
        query = select(Round).where(Round.template == template, Round.period == period)
        return self.session.exec(query).first()

    def open_rounds(self, template: str | None = None) -> list[Round]:
        """Oldest cutoff first: callers wanting the current round take the last."""
        return self._rounds(template, RoundStatus.OPEN)

    def rounds(self, template: str | None = None) -> list[Round]:
        return self._rounds(template, None)

    def _rounds(self, template: str | None, status: RoundStatus | None) -> list[Round]:
        query = select(Round).order_by(col(Round.cutoff_end), col(Round.template), col(Round.id))
        if template is not None:
            query = query.where(Round.template == template)
        if status is not None:
            query = query.where(Round.status == status.value)
        return list(self.session.exec(query))

    def close_round(self, round_id: int) -> None:
        round_ = self.session.get(Round, round_id)
        if round_ is None:
            raise UnknownRound(round_id)
        round_.status = RoundStatus.CLOSED.value
        self.session.flush()

    # --- template versions ----------------------------------------------------------------------
    def template_version(self, template_id: str, version: int) -> TemplateVersion | None:
        return self._find(TemplateVersion, {"template_id": template_id, "version": version})

    def latest_template_version(self, template_id: str) -> TemplateVersion | None:
        query = (
            select(TemplateVersion)
            .where(TemplateVersion.template_id == template_id)
            .order_by(col(TemplateVersion.version).desc())
            .limit(1)
        )
        return self.session.exec(query).first()

    def template_versions(self) -> list[TemplateVersion]:
        query = select(TemplateVersion).order_by(
            col(TemplateVersion.template_id), col(TemplateVersion.version)
        )
        return list(self.session.exec(query))

    def add_template_version(
        self, template: Template, source: str, now: datetime
    ) -> tuple[TemplateVersion, bool]:
        """Store ``template`` as its next version; the same content as the latest is no new one.

        Returns (the version, whether it was created). Two processes adding at once: the unique
        key refuses the second, which then finds the first's.
        """
        body = catalog.to_json(template)
        digest = catalog.digest(body)
        latest = self.latest_template_version(template.id)
        if latest is not None and latest.digest == digest:
            return latest, False
        row = TemplateVersion(
            template_id=template.id,
            version=(latest.version if latest else 0) + 1,
            name=template.name,
            level=template.level,
            body=body,
            digest=digest,
            source=source[:500] or "?",
            created_at=as_utc(now),
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            again = self.latest_template_version(template.id)
            if again is None or again.digest != digest:
                raise
            return again, False
        return row, True

    def current_template_version(self, template_id: str, now: datetime) -> int:
        """The version a round opened now gets: the latest stored one.

        A template shipped with the bot is stored on first use, and again whenever its file
        has changed since, unless a province has imported its own version over it (then the
        import stays current until the next import).
        """
        latest = self.latest_template_version(template_id)
        shipped = _shipped(template_id)
        if shipped is not None and (latest is None or latest.source == SHIPPED):
            row, _ = self.add_template_version(shipped, SHIPPED, now)
            return row.version
        if latest is None:
            stored = {v.template_id for v in self.template_versions()}
            raise UnknownTemplate(template_id, stored | set(catalog.available()))
        return latest.version

    # --- submissions and answers ----------------------------------------------------------------
    def submission(self, round_id: int, unit_id: int, *, create: bool = True) -> Submission | None:
        key = {"round_id": round_id, "unit_id": unit_id}
        found = self._find(Submission, key)
        if found is not None or not create:
            return found
        if self.session.get(Round, round_id) is None:
            raise UnknownRound(round_id)
        self.unit(unit_id)
        submission, _ = self._get_or_create(
            Submission,
            key,
            lambda: Submission(
                round_id=round_id,
                unit_id=unit_id,
                status=SubmissionStatus.DRAFT.value,
                updated_at=datetime.now(UTC),
            ),
        )
        return submission

    def submissions(self, round_id: int) -> list[Submission]:
        """In unit-code order, the order a reviewer's overview lists them."""
        query = (
            select(Submission)
            .join(Unit, col(Unit.id) == col(Submission.unit_id))
            .where(Submission.round_id == round_id)
            .order_by(col(Unit.code))
        )
        return list(self.session.exec(query))

    def progress(self, round_id: int, codes: Iterable[str]) -> dict[int, Progress]:
        """Answered and skipped counts per submission of a round, among the asked ``codes``.

        One query for a whole province's overview rather than one per commune.
        """
        answered = or_(col(Answer.value).is_not(None), col(Answer.skipped))
        skipped = func.sum(case((col(Answer.skipped), 1), else_=0))
        query = (
            select(Answer.submission_id, func.count(), skipped)
            .join(Submission, col(Submission.id) == col(Answer.submission_id))
            .where(Submission.round_id == round_id, col(Answer.code).in_(list(codes)), answered)
            .group_by(col(Answer.submission_id))
        )
        return {
            sid: Progress(count - int(skips or 0), int(skips or 0))
            for sid, count, skips in self.session.exec(query)
        }

    def answers(self, submission_id: int) -> dict[str, Answer]:
        query = select(Answer).where(Answer.submission_id == submission_id).order_by(col(Answer.id))
        return {answer.code: answer for answer in self.session.exec(query)}

    def previous_values(
        self, unit_id: int, round_: Round, continues: Iterable[str] = ()
    ) -> dict[str, str | None]:
        """Last period's figures, offered to the officer as a comparison and a starting point.

        A round counts only if it holds at least one real figure: a report someone opened but
        only skipped through must not hide the figures of the quarter before it. Rounds of the
        templates this one ``continues`` count too (a commune's last `xa` report before its
        first `xa-2025` one).
        """
        templates = [round_.template, *continues]
        params: dict[str, Any] = {"unit_id": unit_id, "cutoff_end": round_.cutoff_end}
        params.update((f"template_{n}", template) for n, template in enumerate(templates))
        statement = _previous_values(len(templates))
        rows = driver_sql.execute(self.connection(), statement, params)
        return {code: value for code, value in rows}

    def save_answer(
        self,
        submission_id: int,
        code: str,
        value: str | None,
        skipped: bool,
        user_id: int | None,
        now: datetime,
    ) -> bool:
        """Returns whether anything changed; only a change leaves an audit row.

        A skip stores no value, so skipping a figure records the figure as `old` and None as
        `new`.
        """
        return self.save_answers(submission_id, [(code, value, skipped)], user_id, now) == 1

    def save_answers(
        self,
        submission_id: int,
        changes: Sequence[tuple[str, str | None, bool]],
        user_id: int | None,
        now: datetime,
    ) -> int:
        """Save (code, value, skipped) rows of one report together; returns how many changed.

        One message changes an answer and the ratios computed from it: one lock, one lookup
        and one flush for all of them. The submission row lock serialises everyone editing
        this report, so a plain insert cannot collide with another writer's. The database
        writes each change's audit row and bumps the report's version (migration 0010).
        """
        now = as_utc(now)
        for code, value, _ in changes:
            _bounded(code, CODE_LENGTH, "Mã chỉ tiêu")
            _clean(value, "Số liệu")
        self._lock_submission(submission_id)
        codes = [code for code, _, _ in changes]
        query = select(Answer).where(
            Answer.submission_id == submission_id, col(Answer.code).in_(codes)
        )
        existing = {a.code: a for a in self.session.exec(query)}
        changed = 0
        for code, value, skipped in changes:
            value = None if skipped else value
            answer = existing.get(code)
            if answer is None:
                if value is None and not skipped:
                    continue
                answer = Answer(
                    submission_id=submission_id,
                    code=code,
                    value=value,
                    skipped=skipped,
                    updated_at=now,
                    updated_by=user_id,
                )
                self.session.add(answer)
                existing[code] = answer
            elif (answer.value, answer.skipped) == (value, skipped):
                continue
            else:
                answer.value, answer.skipped = value, skipped
                answer.updated_at, answer.updated_by = now, user_id
            changed += 1
        self.session.flush()  # a bad submission or user id fails here, at the call that sent it
        return changed

    def save_note(
        self,
        submission_id: int,
        code: str,
        note: str | None,
        user_id: int | None,
        now: datetime,
    ) -> bool:
        _bounded(code, CODE_LENGTH, "Mã chỉ tiêu")
        _clean(note, "Ghi chú")
        now = as_utc(now)
        self._lock_submission(submission_id)
        answer = self._find(Answer, {"submission_id": submission_id, "code": code})
        if answer is None:
            if note is None:
                return False
            answer, created = self._get_or_create(
                Answer,
                {"submission_id": submission_id, "code": code},
                lambda: Answer(
                    submission_id=submission_id,
                    code=code,
                    note=note,
                    updated_at=now,
                    updated_by=user_id,
                ),
            )
            if created:  # the database audits it (migration 0010)
                return True
        if answer.note == note:
            return False
        answer.note = note
        answer.updated_at, answer.updated_by = now, user_id
        self.session.flush()
        return True

    def set_status(
        self,
        submission_id: int,
        status: str,
        user_id: int | None,
        now: datetime,
        note: str | None = None,
    ) -> None:
        """`note` says why a report was returned; any later status change clears it."""
        status = _choice(SubmissionStatus, status, "Trạng thái báo cáo")
        _clean(note, "Lý do")
        now = as_utc(now)
        submission = self._lock_submission(submission_id)
        old = submission.status
        if old == status and submission.status_note == note:
            return
        submission.status_note = note
        submission.updated_at = now
        submission.version = Submission.version + 1  # type: ignore[assignment]
        if old != status:
            submission.status = status
            if status == SubmissionStatus.SUBMITTED:
                submission.submitted_at, submission.submitted_by = now, user_id
            self._audit(submission, "", AuditField.STATUS, old, status, user_id, now)
        self.session.flush()

    def history(self, submission_id: int) -> list[AnswerChange]:
        query = (
            select(AnswerChange)
            .where(AnswerChange.submission_id == submission_id)
            .order_by(col(AnswerChange.id))
        )
        return list(self.session.exec(query))

    def lock_submission(self, submission_id: int) -> Submission:
        """Taken before a report is read for editing, so no two editors read the same answers."""
        return self._lock_submission(submission_id)

    def _lock_submission(self, submission_id: int) -> Submission:
        query = (
            select(Submission)
            .where(Submission.id == submission_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        submission = self.session.exec(query).first()
        if submission is None:
            raise UnknownSubmission(submission_id)
        return submission

    def _audit(
        self,
        submission: Submission,
        code: str,
        field: AuditField,
        old: str | None,
        new: str | None,
        user_id: int | None,
        at: datetime,
    ) -> None:
        assert submission.id is not None
        change = AnswerChange(
            submission_id=submission.id,
            code=code,
            field=field.value,
            old=old,
            new=new,
            user_id=user_id,
            at=at,
        )
        self.session.add(change)
        submission.updated_at = at
        self.session.flush()  # a bad submission or user id fails here, at the call that sent it

    # --- where each person is ------------------------------------------------------------------
    def load_state(self, user_id: int) -> str | None:
        query = select(User.place).where(User.id == user_id)
        return self.session.exec(query).first()

    def save_state(self, user_id: int, data: str, now: datetime) -> None:
        self.note_applied(user_id, None, now, place=data)

    def note_applied(
        self, user_id: int, seq: int | None, now: datetime, *, place: str | None = None
    ) -> None:
        """The highest update number applied for this person, when they last wrote, and
        (``place``) where the message left them: one statement, on the row every message of
        theirs locks first."""
        self.session.flush()  # a Core statement: what the session holds goes first
        driver_sql.execute(
            self.connection(),
            NOTE_APPLIED,
            {"person": user_id, "seq": seq, "now": as_utc(now), "new_place": place},
        )

    # --- processed chat updates -----------------------------------------------------------------
    def handled_replies(self, platform: str, update_key: str) -> str | None:
        """The replies given when this update was first handled, or None if it is new."""
        row = self._find(ProcessedUpdate, {"platform": platform, "update_key": update_key})
        return row.replies if row is not None else None

    def record_update(
        self,
        platform: str,
        update_key: str,
        replies: str,
        now: datetime,
        *,
        user_id: int | None = None,
        seq: int | None = None,
        event: str | None = None,
        undo: str | None = None,
    ) -> None:
        """Mark the update handled, in the transaction that applied it.

        Should another process have handled the same update meanwhile, the insert fails on the
        unique key and the whole transaction rolls back: nothing is applied twice. ``event``
        and ``undo`` let a late update of the same person replay this one after itself.
        """
        self.session.flush()  # a Core statement: what the session holds goes first
        driver_sql.execute(
            self.connection(),
            RECORD_UPDATE,
            {
                "platform": platform,
                "update_key": update_key,
                "replies": replies,
                "handled_at": as_utc(now),
                "user_id": user_id,
                "seq": seq,
                "event": event,
                "undo": undo,
            },
            columns=True,
        )

    def updates_after(self, user_id: int, seq: int, since: datetime) -> list[ProcessedUpdate]:
        """This person's updates numbered after ``seq`` and applied since ``since``, in order."""
        query = (
            select(ProcessedUpdate)
            .where(
                ProcessedUpdate.user_id == user_id,
                col(ProcessedUpdate.seq) > seq,
                col(ProcessedUpdate.handled_at) >= as_utc(since),
            )
            .order_by(col(ProcessedUpdate.seq))
        )
        return list(self.session.exec(query))

    def rewrite_undo(self, row: ProcessedUpdate, undo: str | None) -> None:
        """A replayed update did something else this time; keep how to undo what it did now."""
        row.undo = undo
        self.session.flush()

    def forget_updates(self, before: datetime) -> int:
        """Redeliveries come within minutes; old claims only take space."""
        result = self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < as_utc(before))
        )
        return result.rowcount or 0

    # --- reminders ------------------------------------------------------------------------------
    def members_by_unit(self, unit_ids: Iterable[int], role: str) -> dict[int, list[User]]:
        """The ``role`` holders of many units in one query (a province has thousands)."""
        ids = list(unit_ids)
        query = (
            select(Membership.unit_id, User)
            .join(User, col(User.id) == col(Membership.user_id))
            .where(col(Membership.unit_id).in_(ids), Membership.role == role)
            .order_by(col(User.id))
        )
        out: dict[int, list[User]] = {}
        for unit_id, user in self.session.exec(query):
            out.setdefault(unit_id, []).append(user)
        return out

    def claimed_reminders(self, round_id: int, step: str) -> set[tuple[int, int]]:
        """(unit_id, user_id) pairs already claimed for this step: skip them without a write."""
        query = select(ReminderLog.unit_id, ReminderLog.user_id).where(
            ReminderLog.round_id == round_id, ReminderLog.step == step
        )
        return {(unit_id, user_id) for unit_id, user_id in self.session.exec(query)}

    def claim_reminder(
        self, round_id: int, unit_id: int, user_id: int, step: str, now: datetime
    ) -> int | None:
        """The claim's id, or None when another process (or an earlier run) has it."""
        row = ReminderLog(
            round_id=round_id,
            unit_id=unit_id,
            user_id=user_id,
            step=step,
            status=ReminderStatus.CLAIMED,
            claimed_at=as_utc(now),
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return None
        return row.id

    def finish_reminder(self, reminder_id: int, status: str, now: datetime) -> ReminderLog | None:
        row = self.session.get(ReminderLog, reminder_id)
        if row is not None:
            row.status = _choice(ReminderStatus, status, "Trạng thái nhắc")
            row.finished_at = as_utc(now)
            self.session.flush()
        return row

    def reminders(self, round_id: int | None = None) -> list[ReminderLog]:
        query = select(ReminderLog).order_by(col(ReminderLog.id))
        if round_id is not None:
            query = query.where(ReminderLog.round_id == round_id)
        return list(self.session.exec(query))

    def mark_unblocked(self, user_id: int) -> None:
        """They wrote to the bot again, so they can be written to again."""
        user = self.session.get(User, user_id)
        if user is not None and user.blocked_at is not None:
            user.blocked_at = None
            self.session.flush()

    def mark_blocked(self, user_id: int, now: datetime) -> None:
        """The person blocked the bot: stop writing to them until they write again."""
        user = self.session.get(User, user_id)
        if user is not None and user.blocked_at is None:
            user.blocked_at = as_utc(now)
            self.session.flush()

    # --- the outbox of notices -----------------------------------------------------------------
    def enqueue_notices(
        self, notices: Sequence[tuple[str, str, str, int | None]], now: datetime
    ) -> list[int]:
        """(platform, external_id, reply JSON, reminder id) rows, delivered after the commit.

        The writer holds the first lease: it sends them itself right away, and a sweep by
        another process only takes over what is still pending once the lease has run out.
        """
        now = as_utc(now)
        rows = [
            OutboxMessage(
                platform=platform,
                external_id=external_id,
                reply=reply,
                reminder_id=reminder_id,
                status=OutboxStatus.PENDING,
                created_at=now,
                next_attempt_at=now + OUTBOX_LEASE,
            )
            for platform, external_id, reply, reminder_id in notices
        ]
        self.session.add_all(rows)
        self.session.flush()
        return [row.id for row in rows]  # type: ignore[misc]

    def claim_outbox(
        self, platforms: Iterable[str], now: datetime, limit: int = 100
    ) -> list[OutboxMessage]:
        """Pending notices whose lease has run out, leased to this process for a while.

        The conditional update is the claim: of two processes sweeping at once, only one sees
        its update change the row.
        """
        now = as_utc(now)
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                col(OutboxMessage.next_attempt_at) <= now,
                col(OutboxMessage.platform).in_(list(platforms)),
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )
        claimed = []
        for row in self.session.exec(query):
            result = self.session.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == row.id,
                    col(OutboxMessage.next_attempt_at) == row.next_attempt_at,
                    col(OutboxMessage.status) == OutboxStatus.PENDING,
                )
                .values(next_attempt_at=now + OUTBOX_LEASE)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(row)
        return claimed

    def settle_outbox(self, results: Sequence[tuple[int, str]], now: datetime) -> None:
        """Sent and blocked are final; a failure is tried again later, then given up."""
        now = as_utc(now)
        for outbox_id, status in results:
            row = self.session.get(OutboxMessage, outbox_id, populate_existing=True)
            if row is None or row.status != OutboxStatus.PENDING:
                continue
            row.attempts += 1
            if status == OutboxStatus.FAILED and row.attempts < OUTBOX_ATTEMPTS:
                pause = min(timedelta(hours=1), timedelta(minutes=2 ** (row.attempts - 1)))
                row.next_attempt_at = now + pause
                continue
            row.status = _choice(OutboxStatus, status, "Trạng thái gửi")
            row.finished_at = now
        self.session.flush()

    def outbox(self) -> list[OutboxMessage]:
        return list(self.session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))

    # --- download links ------------------------------------------------------------------------
    def log_download(
        self,
        now: datetime,
        outcome: str,
        file_spec: str | None = None,
        user_id: int | None = None,
        remote: str | None = None,
    ) -> None:
        row = DownloadLog(
            at=as_utc(now),
            outcome=_choice(DownloadOutcome, outcome, "Kết quả tải"),
            file=file_spec,
            user_id=user_id,
            remote=(remote or "")[:64] or None,
        )
        self.session.add(row)
        self.session.flush()

    def downloads(self) -> list[DownloadLog]:
        return list(self.session.exec(select(DownloadLog).order_by(col(DownloadLog.id))))

    # --- shared helpers -------------------------------------------------------------------------
    def _find(self, model: type[Row], key: dict[str, Any]) -> Row | None:
        return self.session.exec(select(model).filter_by(**key)).first()

    def _get_or_create(
        self, model: type[Row], key: dict[str, Any], build: Callable[[], Row]
    ) -> tuple[Row, bool]:
        """Returns (row, created); safe when another process inserts the same key meanwhile."""
        found = self._find(model, key)
        if found is not None:
            return found, False
        row = build()
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            found = self._find(model, key)
            if found is None:
                raise  # not the race we expected: a foreign key or another constraint failed
            return found, False
        return row, True


class _Codes:
    """Units by code in any case, for the lookups of one import without a query per row."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._by_upper: dict[str, list[Unit]] = {}
        for unit in units:
            self.add(unit)

    def add(self, unit: Unit) -> None:
        self._by_upper.setdefault(unit.code.upper(), []).append(unit)

    def find(self, code: str) -> Unit | None:
        """As Repository.unit_by_code: the exact spelling, else the only one in another case."""
        found = self._by_upper.get(code.upper(), [])
        exact = [unit for unit in found if unit.code == code]
        if exact:
            return exact[0]
        return found[0] if len(found) == 1 else None

    def spellings(self, code: str) -> list[str]:
        return [unit.code for unit in self._by_upper.get(code.upper(), [])]


def _note_applied() -> Any:
    users = User.__table__  # type: ignore[attr-defined]
    seq = bindparam("seq", type_=BigInteger)
    return (
        users.update()
        .where(users.c.id == bindparam("person"))
        .values(
            last_update_seq=case(
                (seq.is_(None), users.c.last_update_seq),
                (or_(users.c.last_update_seq.is_(None), seq > users.c.last_update_seq), seq),
                else_=users.c.last_update_seq,
            ),
            last_update_at=bindparam("now", type_=UTCDateTime),
            place=func.coalesce(bindparam("new_place", type_=Text), users.c.place),
        )
    )


# Built once: they run with nearly every message, and composing costs more than running.
NOTE_APPLIED = _note_applied()


@lru_cache(maxsize=8)
def _previous_values(templates: int) -> Any:
    """Built once per number of templates (composing it cost more than running it, and an
    expanding IN would be rendered again at every run): the figures of the unit's latest
    earlier report that holds one, in one statement run on the driver (storage/driver_sql)."""
    figure = aliased(Answer)  # its own name: the outer query reads answers too
    has_figure = (
        select(figure.id)
        .where(
            col(figure.submission_id) == col(Submission.id),
            col(figure.skipped).is_(False),
            col(figure.value).is_not(None),
        )
        .exists()
    )
    latest = (
        select(Submission.id)
        .join(Round, col(Round.id) == col(Submission.round_id))
        .where(
            col(Submission.unit_id) == bindparam("unit_id"),
            col(Round.template).in_([bindparam(f"template_{n}") for n in range(templates)]),
            col(Round.cutoff_end) < bindparam("cutoff_end"),
            has_figure,
        )
        .order_by(col(Round.cutoff_end).desc(), col(Round.id).desc())
        .limit(1)
    )
    return select(col(Answer.code), col(Answer.value)).where(
        col(Answer.submission_id) == latest.scalar_subquery(),
        col(Answer.skipped).is_(False),
        col(Answer.value).is_not(None),
    )


RECORD_UPDATE = ProcessedUpdate.__table__.insert()  # type: ignore[attr-defined]


def _at_row(error: RepositoryError, index: int) -> RepositoryError:
    error.row = index
    return error


SHIPPED = "shipped"  # the source of a version that came from the bot's own template file


def _shipped(template_id: str) -> Template | None:
    try:
        return catalog.load(template_id)
    except catalog.TemplateError:
        return None


def _choice(kind: type[StrEnum], value: str, what: str) -> str:
    try:
        return kind(value).value
    except ValueError:
        raise InvalidChoice(what, value, [member.value for member in kind]) from None


def _bounded(value: str, limit: int, what: str) -> None:
    """PostgreSQL would reject an over-long string with a driver error; say it plainly first."""
    _clean(value, what)
    if not value or len(value) > limit:
        raise RepositoryError(f"{what} '{value}' phải có từ 1 đến {limit} ký tự.")


def _clean(value: str | None, what: str) -> None:
    """The last door before the driver: nothing with a control character or nothing visible.

    The chat and the command line refuse such text first, with their own words; this keeps a
    caller that forgot from storing what an export or PostgreSQL would choke on.
    """
    if value is None:
        return
    checked = safe_text.check(value)
    if isinstance(checked, safe_text.Refused):
        if checked.problem is safe_text.Problem.BLANK:
            raise RepositoryError(f"{what} không được để trống hoặc chỉ có ký tự vô hình.")
        raise RepositoryError(
            f"{what} có ký tự điều khiển không in được ({checked.code_point}); hãy gõ lại."
        )
    if checked.text != value:
        raise RepositoryError(f"{what} có ký tự vô hình hoặc chưa chuẩn hóa; hãy gõ lại.")
