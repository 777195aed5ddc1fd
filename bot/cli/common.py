"""What every command shares: its settings, its database, and how it says no."""

from __future__ import annotations

import errno
import logging
from typing import NoReturn

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.service.settings import Settings, load
from storage.db import Store

# Help-screen placeholders for option values, instead of Typer's "<str>".
CODE = "MÃ"
DATE = "NGÀY"
PERIOD = "KỲ"
TEMPLATE = "BIỂU"
FILE = "TỆP"
PATH = "ĐƯỜNG-DẪN"
NUMBER = "SỐ"


def settings() -> Settings:
    loaded = load()
    logging.basicConfig(level=loaded.log_level, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # not chat output: keep it quiet
    return loaded


def fail(message: str) -> NoReturn:
    """Every refusal looks the same: one line on stderr starting "Lỗi:", exit status 1."""
    typer.echo(f"Lỗi: {message}", err=True)
    raise typer.Exit(1)


def open_store(loaded: Settings | None = None) -> Store:
    """The database, brought to the latest schema; a failure to reach it is said plainly."""
    url = (loaded or settings()).database_url
    try:
        return Store(url)
    except (OperationalError, ArgumentError) as exc:
        fail(database_problem(url, exc))


def shown_url(url: str) -> str:
    """The database as an admin may see it: a SQLite file's path, any password masked."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(DATABASE_URL không đúng dạng)"
    if parsed.get_backend_name() == "sqlite":
        return f"tệp {parsed.database}" if parsed.database else "SQLite trong bộ nhớ"
    return parsed.render_as_string(hide_password=True)


def database_problem(url: str, exc: Exception) -> str:
    """Why the database could not be opened, with the password nowhere in it.

    The driver's own words name the host and port, which helps; SQLAlchemy's wrapper adds the
    SQL and a link, which do not. A password is masked even where a driver might echo it.
    """
    if isinstance(exc, ArgumentError):
        return "DATABASE_URL không đúng dạng (ví dụ: postgresql+psycopg://người-dùng@máy/tên-csdl)."
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    if password:
        reason = reason.replace(str(password), "***")
    return (
        f"không mở được cơ sở dữ liệu {shown_url(url)} (thông báo của trình điều khiển: {reason})."
    )


OS_PROBLEMS = {
    errno.ENOENT: "không có tệp hay thư mục này",
    errno.EACCES: "không có quyền",
    errno.EPERM: "không có quyền",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EISDIR: "đây là một thư mục",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EEXIST: "đã có một tệp cùng tên",
}


def os_problem(exc: OSError) -> str:
    """The operating system's refusal in Vietnamese; its own words only when not listed."""
    return OS_PROBLEMS.get(exc.errno or 0, f"lỗi hệ thống: {exc.strerror or exc}")
