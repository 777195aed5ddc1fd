"""`cchc-bot db upgrade`: says whether it created the database, and never shows a password."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from bot.cli import app

PASSWORD = "mat-khau-Bi-Mat-42"


def upgrade(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    return result.exit_code, result.output


def with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


def test_a_new_database_is_created_and_then_found_up_to_date(database_url, monkeypatch):
    url = with_password(database_url) if database_url.startswith("postgresql") else database_url
    code, first = upgrade(url, monkeypatch)
    assert code == 0, first
    assert first.startswith("✓ Đã tạo cơ sở dữ liệu: ")
    code, second = upgrade(url, monkeypatch)
    assert code == 0, second
    assert second.startswith("Cơ sở dữ liệu đã ở phiên bản mới nhất: ")
    assert PASSWORD not in first + second


def test_a_sqlite_database_is_named_by_its_file(tmp_path, monkeypatch):
    _, out = upgrade(f"sqlite:///{tmp_path / 'cchc.sqlite3'}", monkeypatch)
    assert f"✓ Đã tạo cơ sở dữ liệu: tệp {tmp_path / 'cchc.sqlite3'}." in out


def test_a_database_that_cannot_be_reached_is_said_without_its_password(monkeypatch):
    # Port 1 on this machine: refused at once, nothing leaves the machine.
    code, out = upgrade(f"postgresql+psycopg://cchc:{PASSWORD}@127.0.0.1:1/cchc", monkeypatch)
    assert code == 1
    assert "Lỗi: không mở được cơ sở dữ liệu postgresql+psycopg://cchc:***@127.0.0.1:1/cchc" in out
    assert PASSWORD not in out
