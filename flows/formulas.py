"""Formulas of computed ratios, such as ``III.2.3 / III.2.2 * 100``.

A few arithmetic operators over indicator codes and numbers, evaluated in Decimal so that a
ratio printed with two decimals is exactly the one an officer would compute by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation, localcontext
from functools import cache

TOKEN = re.compile(r"\s*(?:(?P<code>[IVX]+(?:\.\d+)+)|(?P<num>\d+(?:\.\d+)?)|(?P<op>[-+*/()]))")
RATIO_PLACES = Decimal("0.01")


class FormulaError(ValueError):
    pass


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


Node = Num | Ref | BinOp


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError(f"không hiểu '{text[pos:].strip()}'")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FormulaError("công thức kết thúc giữa chừng")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise FormulaError(f"thừa '{self.peek()[1]}'")  # type: ignore[index]
        return node

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok[1] in "+-":
            self.take()
            node = BinOp(tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.atom()
        while (tok := self.peek()) and tok[1] in "*/":
            self.take()
            node = BinOp(tok[1], node, self.atom())
        return node

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "code":
            return Ref(value)
        if kind == "num":
            return Num(Decimal(value))
        if value == "(":
            node = self.expr()
            if self.take()[1] != ")":
                raise FormulaError("thiếu ')'")
            return node
        raise FormulaError(f"không mong đợi '{value}'")


@cache
def parse(text: str) -> Node:
    return _Parser(text).parse()


@cache
def references(text: str) -> tuple[str, ...]:
    """Codes the formula reads, in order of first appearance (asked with every answer)."""
    found: list[str] = []

    def walk(node: Node) -> None:
        if isinstance(node, Ref):
            if node.code not in found:
                found.append(node.code)
        elif isinstance(node, BinOp):
            walk(node.left)
            walk(node.right)

    walk(parse(text))
    return tuple(found)


def evaluate(text: str, lookup: Callable[[str], Decimal | None]) -> Decimal | None:
    """The ratio rounded to two decimals; None while a part is missing or a divisor is zero.

    A zero denominator is a normal situation (no procedures received this quarter), so the
    ratio is simply left empty rather than raising an error at the officer.
    """

    def ev(node: Node) -> Decimal | None:
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Ref):
            return lookup(node.code)
        left, right = ev(node.left), ev(node.right)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if right == 0:
            return None
        return left / right

    with localcontext() as ctx:
        ctx.prec = 34
        try:
            result = ev(parse(text))
        except (DivisionByZero, InvalidOperation):
            return None
        return None if result is None else result.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def evaluate_all(
    ordered: list[tuple[str, str]], values: Mapping[str, Decimal | None]
) -> dict[str, Decimal | None]:
    """Every computed ratio from the known values; ``ordered`` is (code, formula) pairs.

    Ratios may depend on other ratios, so they are settled in dependency order.
    """
    known: dict[str, Decimal | None] = dict(values)
    pending = dict(ordered)
    results: dict[str, Decimal | None] = {}
    while pending:
        progressed = False
        for code, formula in list(pending.items()):
            if any(ref in pending for ref in references(formula)):
                continue
            results[code] = known[code] = evaluate(formula, lambda c: known.get(c))
            del pending[code]
            progressed = True
        if not progressed:  # a cycle: the catalog rejects these on load
            raise FormulaError(f"công thức vòng tròn: {', '.join(pending)}")
    return results
