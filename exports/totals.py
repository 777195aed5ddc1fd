"""The Tổng cộng column: what adding up several units' figures can honestly say.

Counts and amounts add up. A computed ratio is recomputed from the added-up parts, never
averaged: two communes at 100 % (1 of 1) and 50 % (400 of 800) together solved 401 of 801,
not 75 %. An entered ratio has no parts in the form to weight it by, so any average would be a
different statistic printed as if it were the district's; its total is left empty, as are
choices and text, which do not add up at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from flows import formulas
from flows.answers import Value
from flows.catalog import Kind, Template

ADDED_UP = (Kind.COUNT, Kind.AMOUNT)


def totals(template: Template, units: Iterable[Mapping[str, Value | None]]) -> dict[str, Decimal]:
    """Totals by indicator code, over the units that have a figure; absent where none can be."""
    units = list(units)
    sums: dict[str, Decimal | None] = {}
    for indicator in template.indicators:
        if indicator.kind not in ADDED_UP:
            continue
        figures = [v for unit in units if isinstance(v := unit.get(indicator.code), Decimal)]
        sums[indicator.code] = sum(figures, Decimal(0)) if figures else None
    ratios = formulas.evaluate_all([(i.code, i.formula) for i in template.computed], sums)
    return {code: value for code, value in {**sums, **ratios}.items() if value is not None}
