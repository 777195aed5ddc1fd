"""`cchc-bot db upgrade`: create the database, or bring it to the latest schema."""

from __future__ import annotations

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.cli.common import database_problem, fail, settings, shown_url
from storage.db import alembic_config, make_engine, upgrade

app = typer.Typer(help="Cơ sở dữ liệu.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Tạo cơ sở dữ liệu, hoặc nâng cấp bảng dữ liệu lên phiên bản mới nhất."""
    url = settings().database_url
    engine: Engine | None = None
    try:
        engine = make_engine(url)
        before = _revision(engine)
        upgrade(engine)
    except (OperationalError, ArgumentError) as exc:
        fail(database_problem(url, exc))
    finally:
        if engine is not None:
            engine.dispose()
    where = shown_url(url)
    if before is None:
        typer.echo(f"✓ Đã tạo cơ sở dữ liệu: {where}.")
    elif before != ScriptDirectory.from_config(alembic_config()).get_current_head():
        typer.echo(f"✓ Đã nâng cấp cơ sở dữ liệu lên phiên bản mới nhất: {where}.")
    else:
        typer.echo(f"Cơ sở dữ liệu đã ở phiên bản mới nhất: {where}.")


def _revision(engine: Engine) -> str | None:
    """The schema's Alembic revision; None for a database nothing has been created in yet."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
