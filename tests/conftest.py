"""Shared database fixtures.

Storage tests run on SQLite always and on PostgreSQL when CCHC_TEST_POSTGRES_URL names a server
(trust or password auth in the URL). CI must set it: there a missing server fails the run
instead of skipping, so a green CI always means both databases passed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from telegram_runner import prepare, sqlite_url

from storage.db import Store

POSTGRES_ENV = "CCHC_TEST_POSTGRES_URL"


class PostgresDatabase:
    """A throwaway database for the whole run; each test gets its own schema inside it.

    A schema per test is as isolated as a database per test but costs milliseconds, and the
    server's own databases are never touched.
    """

    def __init__(self, server_url: str) -> None:
        server = make_url(server_url)
        self.name = f"cchc_test_{secrets.token_hex(6)}"
        self._admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = server.set(database=self.name)
        self._engine: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")

    def fresh_schema_url(self) -> str:
        schema = f"test_{secrets.token_hex(6)}"
        with self._engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = self.url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        self._engine.dispose()
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        if os.environ.get("CI"):
            pytest.fail("CI requires the PostgreSQL suite: set CCHC_TEST_POSTGRES_URL")
        pytest.skip("CCHC_TEST_POSTGRES_URL not set")
    database = PostgresDatabase(server_url)
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or a new schema in the run's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/cchc.sqlite3"
    database: PostgresDatabase = request.getfixturevalue("postgres_database")
    return database.fresh_schema_url()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A SQLite file holding Sơn Hà's units and the Quý III/2024 round, for end-to-end chats."""
    database_url = sqlite_url(tmp_path)
    prepare(database_url)
    return database_url
