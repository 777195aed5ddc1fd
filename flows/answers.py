"""From what an officer typed to a value of the right kind, and back to text for display.

Values live as Decimal (counts, amounts, ratios), int (choice codes) or str (free text): Decimal
keeps every figure exact to the last digit, which floats would not.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from flows import texts
from flows.catalog import Indicator, Kind
from flows.numbers import Ambiguous, Invalid, Number, Reason, format_number, parse_number

Value = Decimal | int | str

MAX_COUNT = Decimal(10) ** 9
MAX_TEXT = 1000


@dataclass(frozen=True)
class Accepted:
    value: Value


@dataclass(frozen=True)
class Rejected:
    message: str


@dataclass(frozen=True)
class Unclear:
    """Two sensible readings ("4.318" for an amount): the officer picks one."""

    readings: tuple[Decimal, ...]


Reading = Accepted | Rejected | Unclear

REASON_MESSAGES = {
    Reason.EMPTY: texts.EMPTY_ANSWER,
    Reason.NOT_A_NUMBER: texts.NOT_A_NUMBER,
    Reason.NEGATIVE: texts.NEGATIVE,
    Reason.TOO_LARGE: texts.TOO_LARGE,
    Reason.TOO_PRECISE: texts.TOO_PRECISE,
}


def read(indicator: Indicator, typed: str) -> Reading:
    if indicator.kind is Kind.TEXT:
        text = " ".join(typed.split())
        if not text:
            return Rejected(texts.EMPTY_ANSWER)
        if len(text) > MAX_TEXT:
            return Rejected(texts.TEXT_TOO_LONG)
        return Accepted(text)
    if indicator.kind is Kind.CHOICE:
        return _read_choice(indicator, typed)
    return _read_number(indicator, typed)


def _read_choice(indicator: Indicator, typed: str) -> Reading:
    wanted = fold(typed)
    for choice in indicator.choices:
        if wanted in (str(choice.code), fold(choice.label)):
            return Accepted(choice.code)
    listing = ", ".join(f"{c.code} = {c.label}" for c in indicator.choices)
    return Rejected(texts.bad_choice(listing))


def _read_number(indicator: Indicator, typed: str) -> Reading:
    parsed = parse_number(typed)
    if isinstance(parsed, Invalid):
        return Rejected(REASON_MESSAGES[parsed.reason])
    readings = (parsed.value,) if isinstance(parsed, Number) else parsed.readings
    verdicts = [(r, check_range(indicator, r)) for r in readings]
    valid = tuple(r for r, problem in verdicts if problem is None)
    if not valid:
        return Rejected(verdicts[0][1] or texts.NOT_A_NUMBER)
    if len(valid) == 1:
        return Accepted(valid[0])
    assert isinstance(parsed, Ambiguous)
    return Unclear(valid)


def check_range(indicator: Indicator, value: Decimal) -> str | None:
    """Why a parsed number cannot be this indicator's value, or None when it can."""
    if indicator.kind is Kind.COUNT:
        if value != value.to_integral_value():
            return texts.not_whole(indicator.unit)
        if value > MAX_COUNT:
            return texts.TOO_LARGE
    if indicator.kind is Kind.RATIO_ENTERED and not (0 <= value <= 100):
        return texts.ratio_out_of_range(format_number(value))
    return None


def normalise(indicator: Indicator, value: Value) -> Value:
    """Counts are whole: store 785, not 785.0, whatever notation was typed."""
    if indicator.kind is Kind.COUNT and isinstance(value, Decimal):
        return Decimal(int(value))
    return value


# --- storage encoding
def encode(value: Value | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def decode(indicator: Indicator, stored: str | None) -> Value | None:
    if stored is None:
        return None
    if indicator.kind is Kind.TEXT:
        return stored
    if indicator.kind is Kind.CHOICE:
        return int(stored)
    return Decimal(stored)


def plain(value: Decimal) -> str:
    """'4318.9', '785', '99.37': no exponent, no trailing zeros."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


# --- display
def show(indicator: Indicator, value: Value | None, *, with_unit: bool = True) -> str:
    """How a value reads in a chat: '8.803 Hồ sơ', '99,37 %', '2 — 3 cấp'."""
    if value is None:
        return texts.EMPTY_RATIO if indicator.kind is Kind.RATIO_COMPUTED else ""
    if indicator.kind is Kind.CHOICE:
        return f"{value} — {indicator.choice_label(int(value))}"
    if indicator.kind is Kind.TEXT:
        return str(value)
    places = 2 if indicator.kind is Kind.RATIO_COMPUTED else None
    number = format_number(Decimal(value), places)
    if not with_unit or not indicator.unit:
        return number
    return f"{number} {indicator.unit}" if indicator.unit != "%" else f"{number} %"


def fold(text: str) -> str:
    """Compare typed words without case, accents or stray spaces: 'bo qua' matches 'Bỏ qua'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())
