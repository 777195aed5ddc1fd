"""An indicator's value as a spreadsheet cell: a real number with the format that shows it right.

Counts become integers, amounts keep their decimals, computed ratios show exactly two, choice
codes stay the bare code (the Đơn vị tính column lists what each code means), text stays text.
"""

from __future__ import annotations

from decimal import Decimal

from exports.styles import (
    CODE_FORMAT,
    COUNT_FORMAT,
    RATIO_FORMAT,
    TEXT_FORMAT,
    decimal_format,
    places_of,
)
from flows.answers import Value
from flows.catalog import Indicator, Kind

CellValue = int | float | str | None


def cell_value(indicator: Indicator, value: Value | None) -> tuple[CellValue, str]:
    """(what the cell holds, its number format); (None, …) leaves the cell empty."""
    kind = indicator.kind
    if value is None or kind is Kind.GROUP:
        return None, TEXT_FORMAT
    if kind is Kind.TEXT:
        return str(value), TEXT_FORMAT
    if kind is Kind.CHOICE:
        return int(value), CODE_FORMAT
    number = Decimal(value)
    if kind is Kind.COUNT:
        return int(number), COUNT_FORMAT
    if kind is Kind.RATIO_COMPUTED:
        return _number(number), RATIO_FORMAT
    return _number(number), decimal_format(places_of(number))


def _number(value: Decimal) -> int | float:
    """Whole numbers as int so "785" stays 785, the rest as float (Excel holds doubles anyway)."""
    return int(value) if value == value.to_integral_value() else float(value)
