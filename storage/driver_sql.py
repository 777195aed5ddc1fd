"""The hot path's Core statements, compiled once and run straight on the driver's cursor.

A cached Core statement still costs SQLAlchemy about 50 µs a run on top of the driver's 10
(its execution context, result object and events), which made a fifth of an answer's CPU. Here
each statement is compiled once per dialect (and per set of columns an INSERT is given), and a
run is: SQLAlchemy's own bind processors over the parameters, ``cursor.execute``, SQLAlchemy's
own result processors over the rows. The statements stay defined in Core (storage/chat_turn,
storage/repository), so what is run is what SQLAlchemy would have sent.

Listeners of ``before_cursor_execute`` and ``after_cursor_execute`` still hear every
statement (the answer budget test counts them there), and the statement runs on the session's
own connection, inside its transaction.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    statement: ClauseElement  # held, so the cache's key (its id) is never reused
    sql: str
    positional: tuple[str, ...] | None  # parameter names in order, for qmark drivers
    defaults: Mapping[str, Any]  # values bound in the statement itself
    binds: Mapping[str, Callable[[Any], Any]]  # only the parameters that need one
    row: Any  # a namedtuple class for the result's columns, or None
    results: tuple[Processor, ...]

    def arguments(self, params: Mapping[str, Any]) -> Any:
        values = {**self.defaults, **params} if self.defaults else dict(params)
        for name, process in self.binds.items():
            value = values.get(name)
            if value is not None:
                values[name] = process(value)
        if self.positional is None:
            return values
        return tuple(values.get(name) for name in self.positional)

    def rows(self, raw: list[Any]) -> list[Any]:
        results, row = self.results, self.row
        if any(results):
            raw = [
                tuple(
                    v if p is None or v is None else p(v) for p, v in zip(results, r, strict=True)
                )
                for r in raw
            ]
        return [row._make(r) for r in raw]


_CACHE: dict[tuple[int, str, tuple[str, ...]], _Compiled] = {}


def _compile(statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
    binds = compiled.binds
    processors = {
        name: process
        for name, bind in binds.items()
        # What SQLAlchemy itself applies; kept only where there is something to apply.
        if (process := bind.type._cached_bind_processor(dialect)) is not None
    }
    defaults = {
        name: bind.value
        for name, bind in binds.items()
        if not bind.required and bind.callable is None and name not in keys
    }
    for column in getattr(compiled, "insert_prefetch", ()):  # Python-side column defaults
        default = column.default
        if default is None or not default.is_scalar:
            raise ValueError(f"{column} has a default computed per row; pass its value")
        defaults[column.key] = default.arg
    columns = compiled._result_columns  # (key, name, objects, type) per selected column
    row = namedtuple("Row", [c[0] for c in columns], rename=True) if columns else None  # type: ignore[misc]
    results = tuple(c[3]._cached_result_processor(dialect, None) for c in columns)
    positional = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
    return _Compiled(statement, compiled.string, positional, defaults, processors, row, results)


def compiled(statement: ClauseElement, dialect: Dialect, keys: Sequence[str] = ()) -> _Compiled:
    key = (id(statement), dialect.name, tuple(keys))
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = _compile(statement, dialect, tuple(keys))
    return found


def execute(
    connection: Connection,
    statement: ClauseElement,
    params: Mapping[str, Any] | None = None,
    *,
    columns: bool = False,
) -> list[Any]:
    """Run ``statement`` once; its rows (namedtuples), or [] for one that returns none.

    ``columns``: an INSERT given no values of its own, whose ``params`` name the columns.
    """
    params = params or {}
    plan = compiled(statement, connection.dialect, tuple(params) if columns else ())
    return _run(connection, plan, plan.arguments(params), many=False)


def execute_many(
    connection: Connection, statement: ClauseElement, rows: Sequence[Mapping[str, Any]]
) -> None:
    """An INSERT of several rows, one statement sent with each row's values."""
    if not rows:
        return
    plan = compiled(statement, connection.dialect, tuple(rows[0]))
    _run(connection, plan, [plan.arguments(row) for row in rows], many=True)


def _run(connection: Connection, plan: _Compiled, arguments: Any, *, many: bool) -> list[Any]:
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    # The engine's listeners (a statement counter in tests, a test holding a statement) are
    # joined to the connection's: SQLAlchemy checks both flags at each event point, so do we.
    heard = connection._has_events or connection.engine._has_events
    try:
        if heard:
            connection.dispatch.before_cursor_execute(
                connection, cursor, plan.sql, arguments, None, many
            )
        if many:
            cursor.executemany(plan.sql, arguments)
        else:
            cursor.execute(plan.sql, arguments)
        if heard:
            connection.dispatch.after_cursor_execute(
                connection, cursor, plan.sql, arguments, None, many
            )
        if many or plan.row is None:
            return []
        return plan.rows(cursor.fetchall())
    except connection.dialect.loaded_dbapi.Error as exc:
        # As SQLAlchemy raises it (IntegrityError for a taken key, …): callers catch those.
        raise DBAPIError.instance(
            plan.sql,
            arguments,
            exc,
            connection.dialect.loaded_dbapi.Error,
            hide_parameters=True,
            dialect=connection.dialect,
        ) from exc
    finally:
        cursor.close()
