"""SQLite settings that make a committed answer survive a crash and a busy second process."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

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
