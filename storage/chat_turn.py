"""One chat message's reads and writes, in the fewest statements: the bot's hot path.

An officer's answer reads twice, the person (locked) then their open reports, and writes at
most three times: the changed answers (the database adds their audit rows and bumps the
report's version, migration 0010), the person's row (their place and the last update applied:
Repository.note_applied) and the update's record. Everything else the answer needs (the
template, last period's figures, the answers themselves) a process may keep in memory, trusted
only while the report's version read here still stands.

SQLAlchemy Core rather than the ORM: these rows are read to be looked at, never to be changed
through the session, and the ORM's bookkeeping was most of an answer's cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from storage import driver_sql
from storage.models import (
    Answer,
    Membership,
    ProcessedUpdate,
    Role,
    Round,
    RoundStatus,
    Submission,
    SubmissionStatus,
    Unit,
    User,
)
from storage.repository import Repository
from storage.utc_datetime import as_utc

USERS, MEMBERSHIPS, UNITS = (
    User.__table__,  # type: ignore[attr-defined]
    Membership.__table__,  # type: ignore[attr-defined]
    Unit.__table__,  # type: ignore[attr-defined]
)
ROUNDS, SUBMISSIONS, ANSWERS, UPDATES = (
    Round.__table__,  # type: ignore[attr-defined]
    Submission.__table__,  # type: ignore[attr-defined]
    Answer.__table__,  # type: ignore[attr-defined]
    ProcessedUpdate.__table__,  # type: ignore[attr-defined]
)


@dataclass(frozen=True)
class Person:
    """Who wrote, as one message needs them: read with their row locked."""

    user_id: int
    blocked: bool
    place: str | None  # where the dialogue is, JSON, as their last message left it
    first_replies: str | None  # the replies this update got when first handled, if it was
    last_seq: int | None  # the highest update number applied for them, and when
    last_at: datetime | None
    roles: tuple[tuple[str, Unit], ...]  # oldest membership first


@dataclass(frozen=True)
class OpenReport:
    """An open round, and the unit's report in it if one was started (version included)."""

    round: Round
    submission_id: int | None
    status: str | None
    status_note: str | None
    submitted_at: datetime | None
    version: int


@dataclass(frozen=True)
class Reports:
    open: tuple[OpenReport, ...]  # oldest cut-off first
    parent_name: str | None
    reviewer_names: tuple[str, ...]


def _person_query() -> Select[Any]:
    """Everything read from the locked row itself, which a message waiting for the lock gets
    as the message before it left it; the joined roles and the update record may be as they
    were when the statement began (a role granted meanwhile shows at the next message; an
    update handled meanwhile is refused by the record's unique key)."""
    first = (
        select(UPDATES.c.replies)
        .where(
            UPDATES.c.platform == bindparam("platform"),
            UPDATES.c.update_key == bindparam("update_key"),
        )
        .scalar_subquery()
    )
    return (
        select(
            USERS.c.id,
            USERS.c.blocked_at,
            USERS.c.place,
            USERS.c.last_update_seq,
            USERS.c.last_update_at,
            first.label("first"),
            MEMBERSHIPS.c.role,
            UNITS.c.id.label("unit_id"),
            UNITS.c.code,
            UNITS.c.name,
            UNITS.c.level,
            UNITS.c.parent_id,
        )
        .select_from(USERS)
        .outerjoin(MEMBERSHIPS, MEMBERSHIPS.c.user_id == USERS.c.id)
        .outerjoin(UNITS, UNITS.c.id == MEMBERSHIPS.c.unit_id)
        .where(
            USERS.c.platform == bindparam("platform"),
            USERS.c.external_id == bindparam("external_id"),
        )
        .order_by(MEMBERSHIPS.c.id)
        .with_for_update(of=USERS)
    )


# Built once: composing a statement costs more than running a cached one.
PERSON = _person_query()


def person(
    repo: Repository, platform: str, external_id: str, update_key: str | None
) -> Person | None:
    """The sender's row locked (one person's messages apply one at a time, whatever process
    took them), with their place, roles and units, and whether this update was handled."""
    params = {"platform": platform, "external_id": external_id, "update_key": update_key}
    rows = driver_sql.execute(repo.connection(), PERSON, params)
    if not rows:
        return None
    head = rows[0]
    roles = tuple(
        (row.role, _unit(row.unit_id, row.code, row.name, row.level, row.parent_id))
        for row in rows
        if row.role is not None
    )
    return Person(
        user_id=head.id,
        blocked=head.blocked_at is not None,
        place=head.place,
        first_replies=head.first,
        last_seq=head.last_update_seq,
        last_at=head.last_update_at,
        roles=roles,
    )


def _reports_query(postgres: bool, reviewed: bool) -> Select[Any]:
    """Open rounds, the unit's report in each, and (``reviewed``) the reviewers above it.

    The report is locked through a lateral join on PostgreSQL (a plain outer join cannot lock
    its nullable side); SQLite's BEGIN IMMEDIATE already holds the whole file.
    """
    columns = (
        SUBMISSIONS.c.id.label("submission_id"),
        SUBMISSIONS.c.round_id.label("report_round"),
        SUBMISSIONS.c.status.label("submission_status"),
        SUBMISSIONS.c.status_note,
        SUBMISSIONS.c.submitted_at,
        SUBMISSIONS.c.version,
    )
    mine = SUBMISSIONS.c.unit_id == bindparam("unit_id")
    if postgres:
        report: Any = (
            select(*columns)
            .where(SUBMISSIONS.c.round_id == ROUNDS.c.id, mine)
            .with_for_update()
            .lateral("report")
        )
        joined = true()
    else:
        report = select(*columns).where(mine).subquery("report")
        joined = report.c.report_round == ROUNDS.c.id
    query = (
        select(*ROUNDS.c, *report.c)
        .select_from(ROUNDS)
        .outerjoin(report, joined)
        .where(ROUNDS.c.status == RoundStatus.OPEN.value)
    )
    if not reviewed:
        return query.order_by(ROUNDS.c.cutoff_end, ROUNDS.c.id)
    parent, member, reviewer = aliased(UNITS), aliased(MEMBERSHIPS), aliased(USERS)
    above = bindparam("parent_id")
    return (
        query.add_columns(parent.c.name.label("parent_name"), reviewer.c.display_name)
        .outerjoin(parent, parent.c.id == above)
        .outerjoin(member, and_(member.c.unit_id == above, member.c.role == Role.REVIEWER.value))
        .outerjoin(reviewer, reviewer.c.id == member.c.user_id)
        .order_by(ROUNDS.c.cutoff_end, ROUNDS.c.id, reviewer.c.id)
    )


ROUND_COLUMNS = len(ROUNDS.c)


@lru_cache(maxsize=4096)
def _unit(unit_id: int, code: str, name: str, level: str, parent_id: int | None) -> Unit:
    """Built once per distinct row: the chat only reads a unit, and building one is not cheap.
    Keyed by every column, so a renamed or moved unit is a new object, never a stale one."""
    return Unit(id=unit_id, code=code, name=name, level=level, parent_id=parent_id)


@lru_cache(maxsize=1024)
def _round(*columns: Any) -> Round:
    """As `_unit`: one object per distinct row of `rounds`, read, never changed."""
    return Round(**dict(zip(ROUNDS.c.keys(), columns, strict=True)))


REPORTS = {
    (postgres, reviewed): _reports_query(postgres, reviewed)
    for postgres in (False, True)
    for reviewed in (False, True)
}


def reports(repo: Repository, unit: Unit) -> Reports:
    """Every open round with the unit's report in it (locked, so no two editors read alike),
    and who reviews the unit, in one statement."""
    assert unit.id is not None
    connection = repo.connection()
    postgres = connection.dialect.name == "postgresql"
    reviewed = unit.parent_id is not None
    query = REPORTS[(postgres, reviewed)]
    params = {"unit_id": unit.id, "parent_id": unit.parent_id}
    seen: dict[int, OpenReport] = {}
    parent_name, names, first_round = None, [], None
    for row in driver_sql.execute(connection, query, params):
        first_round = row.id if first_round is None else first_round
        if reviewed:  # each round's row repeats for every reviewer
            parent_name = row.parent_name
            if row.id == first_round and row.display_name:
                names.append(row.display_name)
        if row.id in seen:
            continue
        seen[row.id] = OpenReport(
            round=_round(*row[:ROUND_COLUMNS]),
            submission_id=row.submission_id,
            status=row.submission_status,
            status_note=row.status_note,
            submitted_at=row.submitted_at,
            version=row.version or 0,
        )
    return Reports(tuple(seen.values()), parent_name, tuple(names))


ANSWERS_OF = (
    select(ANSWERS.c.code, ANSWERS.c.value, ANSWERS.c.skipped, ANSWERS.c.note)
    .where(ANSWERS.c.submission_id == bindparam("submission_id"))
    .order_by(ANSWERS.c.id)
)


def answer_rows(repo: Repository, submission_id: int) -> list[Any]:
    """Every stored answer of a report (code, value, skipped, note): read when not cached."""
    connection = repo.connection()
    return driver_sql.execute(connection, ANSWERS_OF, {"submission_id": submission_id})


@dataclass(frozen=True)
class AnswerRow:
    """An answer as it now stands: the whole row is written, the database audits the change."""

    code: str
    value: str | None
    skipped: bool
    note: str | None


def _answers_upsert(postgres: bool) -> Any:
    """INSERT … ON CONFLICT DO UPDATE, as each database spells it."""
    statement = (postgresql.insert if postgres else sqlite.insert)(ANSWERS)
    changed = ("value", "skipped", "note", "updated_at", "updated_by")
    return statement.on_conflict_do_update(
        index_elements=["submission_id", "code"],
        set_={name: statement.excluded[name] for name in changed},
    )


WRITE_ANSWERS = {postgres: _answers_upsert(postgres) for postgres in (False, True)}


def write_answers(
    repo: Repository,
    submission_id: int,
    rows: Sequence[AnswerRow],
    user_id: int | None,
    now: datetime,
) -> None:
    """One statement for every changed answer of a message; each row bumps the version once.

    The caller holds the report's lock and has read it at a version it trusts, so it knows
    exactly which rows change.
    """
    if not rows:
        return
    now = as_utc(now)
    values = [
        {
            "submission_id": submission_id,
            "code": row.code,
            "value": None if row.skipped else row.value,
            "skipped": row.skipped,
            "note": row.note,
            "updated_at": now,
            "updated_by": user_id,
        }
        for row in rows
    ]
    repo.session.flush()  # a Core statement: what the session holds goes first
    connection = repo.connection()
    driver_sql.execute_many(
        connection, WRITE_ANSWERS[connection.dialect.name == "postgresql"], values
    )


def _start_statement(postgres: bool) -> Any:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the new report, or nothing if it exists."""
    statement = (postgresql.insert if postgres else sqlite.insert)(SUBMISSIONS)
    return (
        statement.values(
            round_id=bindparam("round_id"),
            unit_id=bindparam("unit_id"),
            status=SubmissionStatus.DRAFT.value,
            updated_at=bindparam("now"),
        )
        .on_conflict_do_nothing(index_elements=["round_id", "unit_id"])
        .returning(
            SUBMISSIONS.c.id,
            SUBMISSIONS.c.status,
            SUBMISSIONS.c.status_note,
            SUBMISSIONS.c.submitted_at,
            SUBMISSIONS.c.version,
        )
    )


START_REPORT = {postgres: _start_statement(postgres) for postgres in (False, True)}


def start_report(repo: Repository, report: OpenReport, unit_id: int, now: datetime) -> OpenReport:
    """The unit's report in ``report``'s round, created by this message in one statement.

    A row just inserted is this transaction's alone until it commits, so it needs no lock; if
    another process created it since it was read, it is read again, locked, like any report.
    """
    assert report.round.id is not None
    repo.session.flush()  # a Core statement: what the session holds goes first
    connection = repo.connection()
    params = {"round_id": report.round.id, "unit_id": unit_id, "now": as_utc(now)}
    statement = START_REPORT[connection.dialect.name == "postgresql"]
    row = next(iter(driver_sql.execute(connection, statement, params)), None)
    if row is None:
        found = repo.submission(report.round.id, unit_id, create=False)
        assert found is not None and found.id is not None
        locked = repo.lock_submission(found.id)
        row = (locked.id, locked.status, locked.status_note, locked.submitted_at, locked.version)
    sid, status, note, submitted_at, version = row
    return replace(
        report,
        submission_id=sid,
        status=status,
        status_note=note,
        submitted_at=as_utc(submitted_at) if submitted_at else None,
        version=version or 0,
    )
