"""Connections, schema upgrades and transactions: everything the bot needs to reach its data.

One incoming chat message is one `Store.transaction()`. On SQLite every transaction starts with
BEGIN IMMEDIATE, taking the write lock up front: a message reads, then writes, and a deferred
transaction that tries to upgrade its read lock after another process wrote fails at once
(busy_timeout cannot help there), whereas an immediate one simply waits its turn. The same lock
serialises two processes migrating the same file. PostgreSQL gets an advisory lock for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session

from storage.group_commit import LoopBatches, run_alone
from storage.repository import Repository

T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
READ_ONLY = "cchc_read_only"

# Any constant works as long as nothing else on the server uses it; this one spells "CCHC".
MIGRATION_LOCK = 0x43434843

SQLITE_PRAGMAS = (
    # First, so that the other pragmas (WAL needs a lock once) wait for a busy file.
    "PRAGMA busy_timeout=10000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    # FULL syncs the WAL on every commit: an answer survives a kill or power cut right after it.
    "PRAGMA synchronous=FULL",
)


def make_engine(url: str) -> Engine:
    parsed = _with_driver(make_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def _with_driver(url: URL) -> URL:
    """Hosting panels hand out postgres:// URLs; only psycopg 3 is installed, so say so."""
    if url.drivername in ("postgres", "postgresql"):
        return url.set(drivername="postgresql+psycopg")
    return url


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, which would otherwise start
        # transactions late and break SAVEPOINT; SQLAlchemy's "begin" event below starts them.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # Readers (Store.reading) take no write lock, so an export never holds up an answer.
        # Straight to the driver: this runs before every message's first statement.
        mode = connection.get_execution_options().get(READ_ONLY, False)
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN DEFERRED" if mode else "BEGIN IMMEDIATE")

    # SQLAlchemy compiles a fresh SAVEPOINT clause for every savepoint it makes, and the
    # messages of a batch get one each (storage/group_commit): making and releasing them was a
    # fifth of a batched message's CPU (py-spy, bench/answer_bench.py). On SQLite they are fixed
    # text, so they go straight to the driver. The Connection's savepoint events still fire
    # (they come before the dialect's turn); cursor listeners no longer see these statements.
    dialect = engine.dialect
    dialect.do_savepoint = _to_driver("SAVEPOINT")  # type: ignore[method-assign]
    dialect.do_release_savepoint = _to_driver("RELEASE SAVEPOINT")  # type: ignore[method-assign]
    dialect.do_rollback_to_savepoint = _to_driver("ROLLBACK TO SAVEPOINT")  # type: ignore[method-assign]
    return engine


def _to_driver(verb: str) -> Callable[[Connection, str], None]:
    def run(connection: Connection, name: str) -> None:
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute(f'{verb} "{name}"')  # names are SQLAlchemy's own: sa_savepoint_N

    return run


def upgrade(engine_or_url: Engine | str) -> None:
    """Bring the schema to the newest revision; safe to call from every process at start-up."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with engine.begin() as connection:
            lock_migrations(connection)
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


def lock_migrations(connection: Connection) -> None:
    """Make a second process wait until the first has migrated, then find nothing to do.

    The lock is transaction-scoped, so it is released by the commit that publishes the schema.
    SQLite needs nothing here: its BEGIN IMMEDIATE already holds the file's write lock.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


class Store:
    """The bot's handle on its database; create one per process and share it between threads."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.engine = make_engine(url)
        # SQLite lets one writer in at a time and makes the others poll for the lock, which is
        # not fair: under load one thread can lose for longer than busy_timeout and fail with
        # "database is locked". Within a process writers queue on this lock instead; across
        # processes busy_timeout still applies. PostgreSQL locks rows, so it needs none.
        self._writers: threading.RLock | contextlib.nullcontext[None] = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else contextlib.nullcontext()
        )
        self._batches: LoopBatches | None = None  # SQLite's, made by the first apply()
        if migrate:
            try:
                upgrade(self.engine)
            except BaseException:
                self.engine.dispose()
                raise

    @contextmanager
    def transaction(self) -> Iterator[Repository]:
        """All of a message's reads and writes commit together or not at all; what the
        repository was asked to run after the commit (Repository.after_commit) runs then."""
        with self.session() as session:
            repo = Repository(session)
            yield repo
        repo.run_after_commit()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, committed on leaving the block (rolled back on an exception).

        Objects stay readable after the commit (expire_on_commit=False) because callers format
        replies from them once the session has closed.
        """
        with (
            self._writers,
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def run(
        self,
        work: Callable[[Repository], T],
        on_conflict: Callable[[Repository], T | None] | None = None,
    ) -> T:
        """``work`` in a transaction of its own, in this thread. ``on_conflict`` runs instead,
        in a fresh transaction, when ``work`` fails on a unique key another writer took
        meanwhile; None from it lets that error stand."""
        return run_alone(self, work, on_conflict)

    async def apply(
        self,
        work: Callable[[Repository], T],
        on_conflict: Callable[[Repository], T | None] | None = None,
    ) -> T:
        """``run`` for the event loop (storage/group_commit): on SQLite, on the loop itself,
        committed together with the other messages of the same pass; on PostgreSQL, in a
        thread. Returns once the work is committed."""
        if self.engine.dialect.name != "sqlite":
            return await asyncio.to_thread(run_alone, self, work, on_conflict)
        batches = self._batches
        if batches is None:
            batches = self._batches = LoopBatches(self)
        return await batches.submit(work, on_conflict)

    @contextmanager
    def reading(self) -> Iterator[Repository]:
        """A consistent snapshot for long reads (exports) that must not block writers.

        On SQLite a deferred transaction reads a WAL snapshot without the write lock; on
        PostgreSQL reads never block writers anyway. Objects stay readable afterwards.
        """
        engine = self.engine.execution_options(**{READ_ONLY: True})
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield Repository(session)

    def dispose(self) -> None:
        self.engine.dispose()
