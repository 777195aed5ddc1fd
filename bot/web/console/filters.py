"""How figures, changes and times read on the console's pages: as in the chat, Vietnamese."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flows import answers as ans
from flows.catalog import Indicator, Kind
from flows.numbers import format_number


def figure(value: Any, indicator: Indicator, with_unit: bool = True) -> str:
    """'8.803 Hồ sơ', '99,37 %', '2 — 3 cấp'; empty when not answered."""
    if value is None:
        return ""
    return ans.show(indicator, value, with_unit=with_unit)


def change(value: Decimal | None, indicator: Indicator) -> str:
    """'+12', '−3', '0': a signed difference with the figure's own decimals."""
    if value is None:
        return ""
    places = 2 if indicator.kind in (Kind.RATIO_COMPUTED, Kind.RATIO_ENTERED) else None
    number = format_number(abs(value), places)
    if value > 0:
        return f"+{number}"
    if value < 0:
        return f"−{number}"
    return number


def when(value: datetime | None) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if value is not None else ""


def day(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


ALL = {"figure": figure, "change": change, "when": when, "day": day}
