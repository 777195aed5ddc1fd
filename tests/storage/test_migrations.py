"""The schema comes from the migrations alone, and they agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlmodel import SQLModel

from storage.db import Store, alembic_config, make_engine, upgrade

TABLES = {
    "units",
    "users",
    "memberships",
    "invites",
    "rounds",
    "submissions",
    "answers",
    "answer_changes",
    "processed_updates",
    "reminder_log",
    "download_log",
    "invite_failures",
    "outbox",
    "template_versions",
    "revocations",
    "pending_prefills",
    "web_sessions",
    "web_sign_ins",
}
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_upgrade_creates_the_schema_in_an_empty_database(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []
        upgrade(database_url)
        assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == HEAD
    finally:
        engine.dispose()


def test_second_upgrade_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    writes: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"CREATE", "ALTER", "DROP", "INSERT"}:
            writes.append(statement)

    try:
        upgrade(engine)
        assert writes == []
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == HEAD
    finally:
        engine.dispose()


def test_models_and_migrations_agree(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
