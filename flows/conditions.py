"""When a row is asked at all: ``relevant: "I.6 = 1"`` in a template.

Forms have rows that only mean something after another answer (in `huyen`, the number and
form of surveys only when a survey was held, I.6 = Có). The condition compares an indicator
with a number, and conditions combine with "và" / "hoặc" (or "and" / "or"). A condition on a
row that has no answer yet is false: the row waits until the answer it depends on is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

COMPARISON = re.compile(
    r"^\s*(?P<code>[IVX]+(?:\.\d+)+)\s*(?P<op>==|=|!=|<>|≠|>=|≥|<=|≤|>|<)\s*(?P<number>\d+(?:[.,]\d+)?)\s*$"
)
JOINERS = re.compile(r"\s+(và|and|hoặc|or)\s+", re.IGNORECASE)
OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "=": lambda a, b: a == b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<>": lambda a, b: a != b,
    "≠": lambda a, b: a != b,
    "≥": lambda a, b: a >= b,
    "≤": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


class ConditionError(ValueError):
    pass


@dataclass(frozen=True)
class Comparison:
    code: str
    op: str
    number: Decimal


@dataclass(frozen=True)
class Condition:
    """Comparisons joined by "và" (all) or "hoặc" (any), never both in one condition."""

    comparisons: tuple[Comparison, ...]
    any_of: bool = False

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.comparisons)

    def holds(self, values: Mapping[str, object]) -> bool:
        results = []
        for c in self.comparisons:
            value = values.get(c.code)
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                results.append(False)
                continue
            results.append(OPERATORS[c.op](Decimal(value), c.number))
        return any(results) if self.any_of else all(results)


@cache
def parse(text: str) -> Condition:
    parts = JOINERS.split(text.strip())
    comparisons, joiners = parts[0::2], {p.lower() for p in parts[1::2]}
    if {"và", "and"} & joiners and {"hoặc", "or"} & joiners:
        raise ConditionError("không dùng cả 'và' lẫn 'hoặc' trong một điều kiện")
    parsed = []
    for piece in comparisons:
        found = COMPARISON.match(piece)
        if found is None:
            raise ConditionError(f"không hiểu '{piece.strip()}' (ví dụ đúng: I.6 = 1)")
        number = Decimal(found["number"].replace(",", "."))
        parsed.append(Comparison(found["code"], found["op"], number))
    return Condition(tuple(parsed), any_of=bool({"hoặc", "or"} & joiners))
