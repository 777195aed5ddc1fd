"""Numbers as commune officers type them, and as they expect to read them back.

Vietnamese writing groups thousands with "." and marks decimals with ",", but officers also paste
English-style figures from spreadsheets and phones ("99.37%", "1,234.5"). A wrong guess silently
turns 4.318 triệu đồng into 4318 of them, so the parser only decides when the notation is clear
and otherwise hands every sensible reading back for the officer to pick. Values are Decimal so a
figure survives storage and display digit for digit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

MAX_INTEGER_DIGITS = 12  # |value| < 10**12: anything bigger is a slip of the keyboard
MAX_PLACES = 6

_DIGITS = frozenset("0123456789")  # str.isdigit() would let "١٢٣" and "²" through
# Spaces officers (or their phones and spreadsheets) put between groups of thousands.
_SPACES = "\u0020\u00a0\u2009\u202f"
_MINUS_SIGNS = frozenset("-\u2212\u2013")  # hyphen, minus sign, the en dash phones autocorrect to
_ALLOWED = _DIGITS | frozenset(".,") | frozenset(_SPACES)
_SEPARATOR = re.compile(f"([.,]|[{_SPACES}]+)")
_ZERO_WORDS = frozenset({"không", "khong", "ko", "không có", "khong co"})


class Reason(StrEnum):
    EMPTY = "empty"  # nothing but whitespace
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"  # "-5", "−5" (U+2212), "- 5"
    TOO_LARGE = "too_large"  # absolute value >= 10**12
    TOO_PRECISE = "too_precise"  # more than 6 decimal places


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Ambiguous:
    """To a Vietnamese reader "4.318" is 4318, to an English one 4.318; asking beats guessing.

    The Vietnamese reading comes first because it is what the form's own convention means.
    """

    readings: tuple[Decimal, ...]


@dataclass(frozen=True)
class Invalid:
    reason: Reason


Parsed = Number | Ambiguous | Invalid


def parse_number(text: str) -> Parsed:
    """Total over all strings, because whatever arrives from a chat must get an answer."""
    body = text.strip()
    if not body:
        return Invalid(Reason.EMPTY)
    if body.endswith("%"):
        body = body[:-1].rstrip()
    if body and body[0] == "+":
        return _parse_unsigned(body[1:].lstrip())
    if body and body[0] in _MINUS_SIGNS:
        # Say "negative" rather than "not a number" so the officer knows what to fix.
        rest = _parse_unsigned(body[1:].lstrip())
        if isinstance(rest, Invalid) and rest.reason in (Reason.EMPTY, Reason.NOT_A_NUMBER):
            return Invalid(Reason.NOT_A_NUMBER)
        return Invalid(Reason.NEGATIVE)
    return _parse_unsigned(body)


def _parse_unsigned(body: str) -> Parsed:
    words = " ".join(unicodedata.normalize("NFC", body).casefold().split())
    if words in _ZERO_WORDS:
        return Number(Decimal(0))
    if not body or not set(body) <= _ALLOWED or _DIGITS.isdisjoint(body):
        return Invalid(Reason.NOT_A_NUMBER)

    pieces = _SEPARATOR.split(body)
    groups = pieces[0::2]
    separators = ["," if s == "," else "." if s == "." else " " for s in pieces[1::2]]

    if separators == ["."] and _looks_like_thousands(groups[0], groups[1]):
        thousands = _to_decimal(groups[0] + groups[1], "")
        decimal = _to_decimal(groups[0], groups[1])
        if isinstance(thousands, Number) and isinstance(decimal, Number):
            if thousands.value == decimal.value:
                return thousands
            return Ambiguous((thousands.value, decimal.value))
        return Invalid(Reason.NOT_A_NUMBER)  # unreachable: both readings are small

    decimal_at = _decimal_mark_position(separators)
    if decimal_at is None:
        integer_groups, grouping, fraction = groups, separators, ""
    elif decimal_at == -1 or decimal_at != len(separators) - 1:
        # Two decimal marks, or grouping after the decimal mark: no reading is safe.
        return Invalid(Reason.NOT_A_NUMBER)
    else:
        integer_groups = groups[: decimal_at + 1]
        grouping = separators[:decimal_at]
        fraction = groups[decimal_at + 1]

    if grouping:
        if len(set(grouping)) > 1:
            return Invalid(Reason.NOT_A_NUMBER)
        first, *rest = integer_groups
        if not 1 <= len(first) <= 3 or any(len(group) != 3 for group in rest):
            return Invalid(Reason.NOT_A_NUMBER)
    return _to_decimal("".join(integer_groups), fraction)


def _looks_like_thousands(head: str, tail: str) -> bool:
    """A lone dot before exactly three digits can be read either way; "0.500" cannot."""
    return 1 <= len(head) <= 3 and not head.startswith("0") and len(tail) == 3


def _decimal_mark_position(separators: list[str]) -> int | None:
    """Index of the decimal mark among the separators; None if the number is whole, -1 if bad.

    With both "." and "," present the last kind is the decimal mark (so "1.234,5" and "1,234.5"
    both work). A lone "," or "." is a decimal mark; several of one kind are thousands.
    Spaces only ever group thousands.
    """
    marks = [i for i, s in enumerate(separators) if s != " "]
    if not marks:
        return None
    last = marks[-1]
    kinds = {separators[i] for i in marks}
    if len(kinds) == 2:
        same_kind = sum(1 for i in marks if separators[i] == separators[last])
        return last if same_kind == 1 else -1
    if len(marks) == 1:
        return last
    return None


def _to_decimal(integer_digits: str, fraction_digits: str) -> Number | Invalid:
    """Build the value from canonical text so str() of it is plain ("8803", never "8.803E+3")."""
    integer = integer_digits.lstrip("0")
    fraction = fraction_digits.rstrip("0")  # "1,500" is as exact as "1,5": not too precise
    if len(integer) > MAX_INTEGER_DIGITS:
        return Invalid(Reason.TOO_LARGE)
    if len(fraction) > MAX_PLACES:
        return Invalid(Reason.TOO_PRECISE)
    text = f"{integer or '0'}.{fraction}" if fraction else integer or "0"
    return Number(Decimal(text))


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """Vietnamese notation ("2.192,898"), so officers see figures the way the paper form does.

    Without places, trailing zeros go: the stored value may carry them from how it was typed.
    With places, round half up as the printed reports do, not the banker's rounding of Decimal.
    """
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {value!r}")
    if places is not None:
        if places < 0:
            raise ValueError(f"places must be >= 0, not {places}")
        with localcontext() as context:
            context.prec = max(context.prec, number.adjusted() + places + 2)
            number = number.quantize(Decimal((0, (1,), -places)), rounding=ROUND_HALF_UP)
    integer, _, fraction = format(number.copy_abs(), "f").partition(".")
    if places is None:
        fraction = fraction.rstrip("0")
    text = _group_thousands(integer) + (f",{fraction}" if fraction else "")
    return f"-{text}" if number.is_signed() and number != 0 else text


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ".".join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])
