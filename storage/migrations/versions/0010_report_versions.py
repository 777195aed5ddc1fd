"""A version number on every report, kept by the database, and audit rows written with answers.

An answer is the bot's busiest write. Written by the database itself on every insert or update
of an answer, its audit row and the report's version need no statements of their own, and no
code path can change an answer without leaving them: a bot process keeping a report in memory
trusts it only while the version it read still stands.

The officer's place in the dialogue moves onto their row in `users`, beside the last update
applied: the statement that locks the person then reads both as the last message left them.
(On PostgreSQL a statement that waits for a row lock returns the row's newest version, but the
rows of other tables it joins as they were when it began: a place kept in its own table could be
read from before the previous message of the same person committed.)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT_COLUMNS = "submission_id, code, field, old, new, user_id, at"

SQLITE_TRIGGERS = (
    f"""
    CREATE TRIGGER answers_inserted AFTER INSERT ON answers BEGIN
        INSERT INTO answer_changes ({AUDIT_COLUMNS})
            SELECT NEW.submission_id, NEW.code, 'value', NULL, NEW.value, NEW.updated_by,
                   NEW.updated_at
            WHERE NEW.value IS NOT NULL OR NEW.skipped;
        INSERT INTO answer_changes ({AUDIT_COLUMNS})
            SELECT NEW.submission_id, NEW.code, 'note', NULL, NEW.note, NEW.updated_by,
                   NEW.updated_at
            WHERE NEW.note IS NOT NULL;
        UPDATE submissions SET version = version + 1, updated_at = NEW.updated_at
            WHERE id = NEW.submission_id;
    END
    """,
    f"""
    CREATE TRIGGER answers_updated AFTER UPDATE ON answers BEGIN
        INSERT INTO answer_changes ({AUDIT_COLUMNS})
            SELECT NEW.submission_id, NEW.code, 'value', OLD.value, NEW.value, NEW.updated_by,
                   NEW.updated_at
            WHERE OLD.value IS NOT NEW.value OR OLD.skipped IS NOT NEW.skipped;
        INSERT INTO answer_changes ({AUDIT_COLUMNS})
            SELECT NEW.submission_id, NEW.code, 'note', OLD.note, NEW.note, NEW.updated_by,
                   NEW.updated_at
            WHERE OLD.note IS NOT NEW.note;
        UPDATE submissions SET version = version + 1, updated_at = NEW.updated_at
            WHERE id = NEW.submission_id;
    END
    """,
    """
    CREATE TRIGGER answers_deleted AFTER DELETE ON answers BEGIN
        UPDATE submissions SET version = version + 1 WHERE id = OLD.submission_id;
    END
    """,
)

POSTGRESQL_TRIGGERS = (
    f"""
    CREATE FUNCTION cchc_answer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE submissions SET version = version + 1 WHERE id = OLD.submission_id;
            RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
            IF NEW.value IS NOT NULL OR NEW.skipped THEN
                INSERT INTO answer_changes ({AUDIT_COLUMNS}) VALUES (NEW.submission_id,
                    NEW.code, 'value', NULL, NEW.value, NEW.updated_by, NEW.updated_at);
            END IF;
            IF NEW.note IS NOT NULL THEN
                INSERT INTO answer_changes ({AUDIT_COLUMNS}) VALUES (NEW.submission_id,
                    NEW.code, 'note', NULL, NEW.note, NEW.updated_by, NEW.updated_at);
            END IF;
        ELSE
            IF OLD.value IS DISTINCT FROM NEW.value OR OLD.skipped IS DISTINCT FROM NEW.skipped
            THEN
                INSERT INTO answer_changes ({AUDIT_COLUMNS}) VALUES (NEW.submission_id,
                    NEW.code, 'value', OLD.value, NEW.value, NEW.updated_by, NEW.updated_at);
            END IF;
            IF OLD.note IS DISTINCT FROM NEW.note THEN
                INSERT INTO answer_changes ({AUDIT_COLUMNS}) VALUES (NEW.submission_id,
                    NEW.code, 'note', OLD.note, NEW.note, NEW.updated_by, NEW.updated_at);
            END IF;
        END IF;
        UPDATE submissions SET version = version + 1, updated_at = NEW.updated_at
            WHERE id = NEW.submission_id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER answers_changed AFTER INSERT OR UPDATE OR DELETE ON answers
        FOR EACH ROW EXECUTE FUNCTION cchc_answer_changed()
    """,
)


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch copy of `users` would have to drop a table
    # that every other one refers to.
    op.add_column(
        "submissions", sa.Column("version", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("place", sa.Text(), nullable=True))
    op.execute(
        "UPDATE users SET place = "
        "(SELECT data FROM conversation_states WHERE conversation_states.user_id = users.id)"
    )
    op.drop_table("conversation_states")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER answers_changed ON answers")
        op.execute("DROP FUNCTION cchc_answer_changed()")
    else:
        for name in ("answers_inserted", "answers_updated", "answers_deleted"):
            op.execute(f"DROP TRIGGER {name}")
    op.create_table(
        "conversation_states",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_states"),
        sa.UniqueConstraint("user_id", name="uq_conversation_states_user_id"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_conversation_states_user_id_users"
        ),
    )
    op.execute(
        "INSERT INTO conversation_states (user_id, data, updated_at) "
        "SELECT id, place, COALESCE(last_update_at, created_at) FROM users "
        "WHERE place IS NOT NULL"
    )
    op.drop_column("users", "place")
    op.drop_column("submissions", "version")
