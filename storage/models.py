"""The tables behind CCHC Bot, and the vocabulary their status columns use.

Levels, roles and statuses are stored as plain strings (the StrEnum values below), not as
database enum types: adding a status then needs no migration that rewrites a type, and the two
databases we run on (SQLite, PostgreSQL) hold them identically. The repository checks values on
the way in.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.utc_datetime import UTCDateTime

# Deterministic constraint names, so that a later migration (or SQLite batch mode, which rebuilds
# tables) can name the constraint it changes, and the initial migration can match them exactly.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE_LENGTH = 32


class Level(StrEnum):
    PROVINCE = "tinh"
    DISTRICT = "huyen"
    COMMUNE = "xa"


class Role(StrEnum):
    OFFICER = "officer"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Platform(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"
    CONSOLE = "console"


class AuditField(StrEnum):
    VALUE = "value"
    NOTE = "note"
    STATUS = "status"


class Unit(SQLModel, table=True):
    __tablename__ = "units"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(CODE_LENGTH), unique=True)
    name: str = Field(sa_type=String(255))
    level: str = Field(sa_type=String(8))
    parent_id: int | None = Field(default=None, foreign_key="units.id")


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(16))
    external_id: str = Field(sa_type=String(64))
    # Text, not a bounded string: the chat platform chooses the name, not us.
    display_name: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    blocked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The chat app's highest number of an update applied for this person (Telegram's
    # update_id), and when they last wrote: an update numbered below it that comes soon after
    # has arrived late and is replayed in its place.
    last_update_seq: int | None = Field(default=None, sa_type=BigInteger)
    last_update_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Where they are in the dialogue (JSON): on this row, so the statement that locks the
    # person reads it as their last message left it (migration 0010).
    place: str | None = Field(default=None, sa_type=Text)


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "unit_id"),
        # The reviewers above a unit, read with every answer (storage/chat_turn.reports).
        Index("ix_memberships_unit_id_role", "unit_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    unit_id: int = Field(foreign_key="units.id")
    role: str = Field(sa_type=String(16))
    created_at: datetime = Field(sa_type=UTCDateTime)


class Invite(SQLModel, table=True):
    __tablename__ = "invites"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(16), unique=True)
    unit_id: int = Field(foreign_key="units.id")
    role: str = Field(sa_type=String(16))
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by: int | None = Field(default=None, foreign_key="users.id")


class Round(SQLModel, table=True):
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("template", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(sa_type=String(CODE_LENGTH))
    period: str = Field(sa_type=String(16))
    cutoff_start: date
    cutoff_end: date
    deadline: date
    status: str = Field(sa_type=String(8))
    opened_at: datetime = Field(sa_type=UTCDateTime)
    # The version of the template the round asks and prints, fixed when it opens: editing or
    # re-importing the template never changes a round already open. None only for rounds
    # opened before templates had versions; they use the template as shipped.
    template_version: int | None = None


class TemplateVersion(SQLModel, table=True):
    """One version of one template, as validated data (storage/templates).

    Versions are never changed once written: a new import or an edited shipped file becomes
    the next version, used by rounds opened afterwards.
    """

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    template_id: str = Field(sa_type=String(CODE_LENGTH))
    version: int
    name: str = Field(sa_type=Text)
    level: str = Field(sa_type=String(8))
    body: str = Field(sa_type=Text)  # the template as canonical JSON
    digest: str = Field(sa_type=String(64))  # SHA-256 of body: the same content, the same version
    source: str = Field(sa_type=Text)  # "shipped", or the file it was imported from
    created_at: datetime = Field(sa_type=UTCDateTime)


class Submission(SQLModel, table=True):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rounds.id", index=True)
    unit_id: int = Field(foreign_key="units.id", index=True)
    status: str = Field(sa_type=String(16))
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: int | None = Field(default=None, foreign_key="users.id")
    status_note: str | None = Field(default=None, sa_type=Text)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Bumped by the database on every change to the report's answers (migration 0010) and by
    # every status change: a process holding the report in memory trusts it while this stands.
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Answer(SQLModel, table=True):
    """One indicator of one report; `value` is canonical text so figures stay exact."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("submission_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", index=True)
    code: str = Field(sa_type=String(CODE_LENGTH))
    value: str | None = Field(default=None, sa_type=Text)
    skipped: bool = Field(default=False)
    note: str | None = Field(default=None, sa_type=Text)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="users.id")


class AnswerChange(SQLModel, table=True):
    """The audit trail: who changed which figure, note or status, when, from what to what.

    A skip is a 'value' change whose `new` is None; a status change has code ''.
    """

    __tablename__ = "answer_changes"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", index=True)
    code: str = Field(sa_type=String(CODE_LENGTH))
    field: str = Field(sa_type=String(8))
    old: str | None = Field(default=None, sa_type=Text)
    new: str | None = Field(default=None, sa_type=Text)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime = Field(sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """Chat platforms deliver at least once; a row per handled update makes handling exactly once.

    The replies produced the first time are kept so that an update redelivered after a crash
    (its answer committed, its reply never sent) gets the same reply instead of silence.
    """

    __tablename__ = "processed_updates"
    __table_args__ = (
        UniqueConstraint("platform", "update_key"),
        Index("ix_processed_updates_user_id_seq", "user_id", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    update_key: str = Field(max_length=64)
    replies: str = Field(sa_type=Text)
    handled_at: datetime = Field(sa_type=UTCDateTime, index=True)
    # What a late update needs to be put back in order (see flows/reorder): whose update it
    # was, its number, the event itself and how to undo what it did to the report.
    user_id: int | None = Field(default=None, foreign_key="users.id")
    seq: int | None = Field(default=None, sa_type=BigInteger)
    event: str | None = Field(default=None, sa_type=Text)
    undo: str | None = Field(default=None, sa_type=Text)


class ReminderStatus(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"


class ReminderLog(SQLModel, table=True):
    """One reminder step for one person about one unit's report: claimed before it is sent.

    The unique key is what makes a reminder go out at most once, whatever restarts or
    however many bot processes share the database.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", "user_id", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rounds.id", index=True)
    unit_id: int = Field(foreign_key="units.id")
    user_id: int = Field(foreign_key="users.id")
    step: str = Field(max_length=64)
    status: str = Field(max_length=16)
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DownloadOutcome(StrEnum):
    SERVED = "served"
    EXPIRED = "expired"
    FORGED = "forged"
    MALFORMED = "malformed"  # signed with our key, but not a payload the bot issues
    REFUSED = "refused"  # a valid link whose owner may no longer see the file
    FAILED = "failed"


class DownloadLog(SQLModel, table=True):
    """Every request to a download link, served or refused: which file, for whom, from where.

    Zalo users get files as links, which can be forwarded; the log is how an office finds out
    who fetched a report and whether anyone tried links that were not theirs.
    """

    __tablename__ = "download_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    outcome: str = Field(max_length=16)
    file: str | None = Field(default=None, max_length=64)  # the file spec the link names
    user_id: int | None = Field(default=None, foreign_key="users.id")  # the link's owner
    remote: str | None = Field(default=None, max_length=64)  # the client's address


class InviteFailures(SQLModel, table=True):
    """Wrong invite codes typed by one chat account: too many in a while and it must wait.

    Kept per account in the database, so every bot process applies the same limit and a
    restart does not reset it; nobody else is slowed down.
    """

    __tablename__ = "invite_failures"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    failures: int = 0
    window_start: datetime = Field(sa_type=UTCDateTime)
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after every attempt
    BLOCKED = "blocked"


class OutboxMessage(SQLModel, table=True):
    """A notice to someone other than the sender, written in the transaction that caused it.

    A reviewer must hear of every submission even if the process dies right after the commit
    or a send fails: the notice waits here until it is delivered, retried with a growing pause.
    ``next_attempt_at`` doubles as a lease: the process that wrote it delivers it at once, and
    another process's sweep takes it over only once that lease has run out.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    reply: str = Field(sa_type=Text)  # the Reply as JSON (bot/chat/outcome)
    reminder_id: int | None = Field(default=None, foreign_key="reminder_log.id")
    status: str = Field(max_length=16)
    attempts: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Revocation(SQLModel, table=True):
    """A role someone held and no longer holds: who, where, which role, from when until when.

    Revoking deletes the membership, so every query of who may act stays as it was; this row is
    what is left of it, so that the person is told why they can no longer act (rather than
    being treated as a stranger) and the admin can see who held a unit before. What they saved
    keeps their user id in the audit trail, and the user row is never deleted.
    """

    __tablename__ = "revocations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    unit_id: int = Field(foreign_key="units.id")
    role: str = Field(sa_type=String(16))
    granted_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime = Field(sa_type=UTCDateTime)


class PendingPrefill(SQLModel, table=True):
    """Figures an officer sent as last period's appendix, read and waiting for "Lưu".

    Kept in the database, not in the process, so the press that confirms them may reach
    another bot process than the file did; taken (deleted) once confirmed or cancelled.
    """

    __tablename__ = "pending_prefills"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    unit_id: int = Field(foreign_key="units.id")
    template: str = Field(sa_type=String(32))
    period: str = Field(sa_type=String(16))
    body: str = Field(sa_type=Text)  # {"code": "stored value", …}
    created_at: datetime = Field(sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A browser signed in to the web console, kept in the database so any bot process serves it.

    The cookie holds a random token; only its SHA-256 is stored. A session opened from a chat
    account names the person (whose roles are read again on every request); one printed by
    `cchc-bot web-link` for an admin without a chat account names the unit and role instead.
    """

    __tablename__ = "web_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    unit_id: int | None = Field(default=None, foreign_key="units.id")
    role: str | None = Field(default=None, sa_type=String(16))
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SignInUse(SQLModel, table=True):
    """A sign-in link's nonce, once it has been used: a link opens one session only."""

    __tablename__ = "web_sign_ins"

    nonce: str = Field(sa_type=String(32), primary_key=True)
    used_at: datetime = Field(sa_type=UTCDateTime)
