"""SQL statements counted as the database receives them: an answer's cost, proved, not timed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

READS = frozenset({"SELECT", "WITH"})
WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})
# Transaction control and connection set-up: not statements of an answer's own.
IGNORED = frozenset({"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"})


@contextmanager
def counted(engine: Engine) -> Iterator[Counter[str]]:
    """Statements sent meanwhile, whichever session or connection sent them: "read",
    "write", or the first word of anything else."""
    kinds: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if verb in READS:
            kinds["read"] += 1
        elif verb in WRITES:
            kinds["write"] += 1
        elif verb not in IGNORED:
            kinds[verb] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield kinds
    finally:
        event.remove(engine, "before_cursor_execute", count)
