"""What one bot process remembers of the reports its officers are filling in.

Reading a report afresh for every message costs several statements; most of it does not
change between one message and the next. So a process keeps, per report, the answers at the
version it last saw, and trusts them only while the report's version, read under the report's
lock with every message, is still that number. Any writer in any process bumps it (the
database does, with every answer: migration 0010), so another process's change is never hidden
by a copy here: it is simply read again. Nothing else is kept across messages except what is
never changed once written (a template version) and last period's figures, which depend only
on the unit's other reports and are kept per their versions.

Entries go in only after their transaction committed: a rolled-back write leaves nothing
behind that could later match a number reached by someone else's writes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

from flows import engine
from flows.answers import Value
from flows.catalog import Template

# A province has 3,321 communes at most; a few rounds each stay well inside this.
ENTRIES = 20_000

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """A bounded map that forgets the least recently used entry; shared by the bot's threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


Answers = Mapping[str, engine.Answer]


class ReportCache:
    def __init__(self, size: int = ENTRIES) -> None:
        self._answers: _Recent[int, tuple[int, Answers]] = _Recent(size)
        self._previous: _Recent[Hashable, Mapping[str, Value]] = _Recent(size)
        self._templates: dict[tuple[str, int | None], Template] = {}

    def template(self, template_id: str, version: int | None) -> Template | None:
        """A template version is never changed once written, so it is kept for good."""
        return self._templates.get((template_id, version))

    def keep_template(self, template_id: str, version: int | None, template: Template) -> None:
        self._templates[(template_id, version)] = template

    def answers(self, submission_id: int, version: int) -> Answers | None:
        """The report's answers if this process last saw it at ``version``, else None."""
        found = self._answers.get(submission_id)
        if found is None or found[0] != version:
            return None
        return found[1]

    def keep_answers(self, submission_id: int, version: int, answers: Answers) -> None:
        self._answers.put(submission_id, (version, answers))

    def previous(self, key: Hashable) -> Mapping[str, Value] | None:
        return self._previous.get(key)

    def keep_previous(self, key: Hashable, values: Mapping[str, Value]) -> None:
        self._previous.put(key, values)
