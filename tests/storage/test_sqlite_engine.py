"""SQLite settings that make a committed answer survive a crash and a busy second process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from storage.db import Store, make_engine


def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/cchc.sqlite3")
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        store.dispose()


def test_sqlite_syncs_fully_waits_when_busy_and_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/cchc.sqlite3")
    try:
        with engine.connect() as connection:
            values = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("synchronous", "busy_timeout", "foreign_keys")
            }
        assert values == {"synchronous": 2, "busy_timeout": 10000, "foreign_keys": 1}  # 2 = FULL
    finally:
        engine.dispose()


def test_sqlite_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nested" / "cchc.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.dispose()
    assert path.is_file()


def test_a_long_read_does_not_block_a_writer(tmp_path) -> None:

    url = f"sqlite:///{tmp_path / 'cchc.sqlite3'}"
    reader, writer = Store(url), Store(url)
    try:
        with reader.reading() as repo:
            assert repo.units() == []
            with writer.transaction() as other:  # would wait 10 s on the lock if reads held it
                other.upsert_unit("QNG", "Tỉnh Quảng Ngãi", "tinh", None)
            assert repo.units() == []  # the reader keeps its snapshot
        with reader.reading() as repo:
            assert [u.code for u in repo.units()] == ["QNG"]
    finally:
        reader.dispose()
        writer.dispose()


def test_threads_of_one_process_take_turns_to_write_without_polling_the_file_lock(
    tmp_path: Path,
) -> None:
    """With SQLite's own wait switched off, any two threads meeting at the file's write lock
    would fail at once ("database is locked"): none does, because they queue in the process."""
    store = Store(f"sqlite:///{tmp_path / 'cchc.sqlite3'}")

    @event.listens_for(store.engine, "connect")
    def _no_waiting(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    store.engine.dispose()  # every connection from now on has the listener's setting

    def write(thread: int) -> None:
        for n in range(25):
            with store.transaction() as repo:
                repo.upsert_unit(f"T{thread}N{n}", f"Đơn vị {thread}-{n}", "xa", None)
                time.sleep(0.001)  # hold the transaction open while the others try

    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(write, range(8)))
        with store.reading() as repo:
            assert len(repo.units()) == 200
    finally:
        store.dispose()
