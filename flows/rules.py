"""The template's own arithmetic: a part never exceeds its whole, breakdowns add up.

Hard rules block an answer and name both figures, so the officer sees which of the two numbers
to correct. Soft checks (far from last period, in the manner of DHIS2's min–max checks) only ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache

from flows import texts
from flows.answers import Value, show
from flows.catalog import Indicator, Kind, Template

SOFT_FACTOR = Decimal(3)  # more than three times, or less than a third of, last period's value
SOFT_MIN_GAP = Decimal(10)  # small figures (2 → 7) swing naturally: do not nag about them
SOFT_RATIO_POINTS = Decimal(50)


@cache
def _wholes_of(template: Template) -> dict[str, tuple[Indicator, ...]]:
    """For each whole, the parts that must not exceed it (the reverse of ``at_most``)."""
    out: dict[str, list[Indicator]] = {}
    for ind in template.indicators:
        for whole in ind.at_most:
            out.setdefault(whole, []).append(ind)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _totals_of(template: Template) -> dict[str, tuple[Indicator, ...]]:
    """For each breakdown row, the totals it must add up to."""
    out: dict[str, list[Indicator]] = {}
    for ind in template.indicators:
        for part in ind.sum_of:
            out.setdefault(part, []).append(ind)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _capped_by(template: Template) -> dict[str, tuple[Indicator, ...]]:
    """For each part, the wholes its sum with the other parts must not exceed."""
    out: dict[str, list[Indicator]] = {}
    for ind in template.indicators:
        for part in ind.parts_at_most:
            out.setdefault(part, []).append(ind)
    return {k: tuple(v) for k, v in out.items()}


def violation(
    template: Template, code: str, value: Value, values: Mapping[str, Value | None]
) -> str | None:
    """The first hard rule that ``code = value`` would break, given the other values."""
    ind = template.by_code[code]
    if not isinstance(value, Decimal):
        return None
    known = {**values, code: value}

    def fig(c: str) -> str:
        return show(template.by_code[c], known[c], with_unit=False)

    for whole in ind.at_most:
        other = known.get(whole)
        if isinstance(other, Decimal) and value > other:
            w = template.by_code[whole]
            return texts.not_above(ind.full_label, fig(code), w.full_label, fig(whole))
    for part in _wholes_of(template).get(code, ()):
        other = known.get(part.code)
        if isinstance(other, Decimal) and other > value:
            return texts.not_below(ind.full_label, fig(code), part.full_label, fig(part.code))
    for total in (*((ind,) if ind.sum_of else ()), *_totals_of(template).get(code, ())):
        problem = _sum_problem(template, total, known, fig)
        if problem:
            return problem
    for whole in (*((ind,) if ind.parts_at_most else ()), *_capped_by(template).get(code, ())):
        whole_value = known.get(whole.code)
        parts = [(p, known.get(p)) for p in whole.parts_at_most]
        numbers = [v for _, v in parts if isinstance(v, Decimal)]
        if isinstance(whole_value, Decimal) and sum(numbers, Decimal(0)) > whole_value:
            listing = " + ".join(fig(p) for p, v in parts if isinstance(v, Decimal))
            total_text = show(whole, sum(numbers, Decimal(0)), with_unit=False)
            return texts.parts_exceed(whole.full_label, fig(whole.code), listing, total_text)
    return None


def _sum_problem(
    template: Template, total: Indicator, known: Mapping[str, Value | None], fig
) -> str | None:
    total_value = known.get(total.code)
    if not isinstance(total_value, Decimal):
        return None
    parts = [(p, known.get(p)) for p in total.sum_of]
    numbers = [v for _, v in parts if isinstance(v, Decimal)]
    parts_sum = sum(numbers, Decimal(0))
    listing = " + ".join(fig(p) for p, v in parts if isinstance(v, Decimal))
    sum_text = show(total, parts_sum, with_unit=False)
    if parts_sum > total_value:
        return texts.sum_exceeded(total.full_label, fig(total.code), listing, sum_text)
    if len(numbers) == len(parts) and parts_sum != total_value:
        return texts.sum_mismatch(total.full_label, fig(total.code), listing, sum_text)
    return None


def far_from_previous(indicator: Indicator, value: Value, previous: Value | None) -> bool:
    """Whether to ask "are you sure?" before saving."""
    if not isinstance(value, Decimal) or not isinstance(previous, Decimal):
        return False
    if indicator.kind is Kind.RATIO_ENTERED:
        return abs(value - previous) >= SOFT_RATIO_POINTS
    if abs(value - previous) < SOFT_MIN_GAP:
        return False
    if previous == 0:
        return False
    return value > previous * SOFT_FACTOR or value * SOFT_FACTOR < previous
