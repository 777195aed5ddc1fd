"""From what an officer typed to a value of the right kind, and back to text for display.

Values live as Decimal (counts, amounts, ratios), int (choice codes) or str (free text): Decimal
keeps every figure exact to the last digit, which floats would not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from flows import texts
from flows.catalog import Indicator, Kind
from flows.numbers import Ambiguous, Invalid, Number, Reason, format_number, parse_number

Value = Decimal | int | str

MAX_COUNT = Decimal(10) ** 9
MAX_TEXT = 1000


@dataclass(frozen=True)
class Accepted:
    """``alternative``: the other reading of a figure such as "5.404", which is read the
    Vietnamese way (five thousand …); the engine asks only when that reading is the doubtful one
    (it breaks a rule, or last period's figure is close to the other)."""

    value: Value
    alternative: Decimal | None = None


@dataclass(frozen=True)
class Rejected:
    message: str


@dataclass(frozen=True)
class Unclear:
    """What the officer is asked to pick from or confirm: "1,242" for a count is surely 1.242,
    "99.370" for a ratio surely 99,37; one reading is a yes/no, several a choice."""

    readings: tuple[Decimal, ...]


Reading = Accepted | Rejected | Unclear

REASON_MESSAGES = {
    Reason.EMPTY: texts.EMPTY_ANSWER,
    Reason.NEGATIVE: texts.NEGATIVE,
    Reason.TOO_LARGE: texts.TOO_LARGE,
    Reason.TOO_PRECISE: texts.TOO_PRECISE,
}
# A figure followed by words: "1.242 hồ sơ", "5.404 triệu đồng", "3 người".
TRAILING_WORDS = re.compile(r"^(?P<number>.*?\d)\s*(?P<words>[^\d.,]*?)\s*[.!]?\s*$", re.DOTALL)
# The same units written shorter, as officers do: "5.404 tr", "99,37 phần trăm".
UNIT_ALIASES = {
    "trieu dong": ("trieu", "tr", "trd", "tr dong", "trieu vnd"),
    "%": ("phan tram", "%"),
}
# "1,242" for a count: a comma before exactly three digits is a thousands mark typed the
# English way, not a decimal; the officer is offered 1.242 in one tap.
THOUSANDS_SLIP = re.compile(r"^\s*[1-9]\d{0,2}(,\d{3})+\s*$")


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
    return Rejected(texts.BAD_CHOICE)  # the codes themselves follow, as the question's choices


def _read_number(indicator: Indicator, typed: str) -> Reading:
    typed = without_unit(indicator, typed)
    kind = indicator.kind.value
    parsed = parse_number(typed)
    if isinstance(parsed, Invalid):
        if parsed.reason is Reason.NOT_A_NUMBER:
            return Rejected(texts.not_a_number(kind))
        return Rejected(REASON_MESSAGES[parsed.reason])
    if isinstance(parsed, Number):
        problem = check_range(indicator, parsed.value)
        if problem is None:
            return Accepted(parsed.value)
        if indicator.kind is Kind.COUNT and THOUSANDS_SLIP.match(typed):
            return Unclear((Decimal(typed.strip().replace(",", "")),))
        return Rejected(problem)
    assert isinstance(parsed, Ambiguous)
    vietnamese, other = parsed.readings[0], parsed.readings[1]
    problems = (check_range(indicator, vietnamese), check_range(indicator, other))
    if problems[0] is None:
        return Accepted(vietnamese, other if problems[1] is None else None)
    if problems[1] is None:
        return Unclear((other,))  # "99.370" for a ratio: surely 99,37, but say so
    return Rejected(problems[0])


def without_unit(indicator: Indicator, typed: str) -> str:
    """The figure without the indicator's own unit after it ("1.242 hồ sơ" → "1.242").

    Only the unit the question names (or its usual short forms) is taken off: any other word
    after a number still makes the answer unreadable, so nothing is guessed.
    """
    found = TRAILING_WORDS.match(typed)
    if found is None or not found["words"]:
        return typed
    words = fold(found["words"])
    unit = fold(indicator.unit)
    accepted = {unit, *UNIT_ALIASES.get(unit, ())} if unit else set()
    return found["number"] if words in accepted else typed


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


def fits(indicator: Indicator, value: Value) -> bool:
    """Whether a figure stored under another template's version is one this row can hold: a
    choice code the row still offers (last period's "3 cấp" is no answer to a 2-level form)."""
    return indicator.kind is not Kind.CHOICE or value in indicator.choice_codes


def figures(by_code: Mapping[str, Indicator], stored: Mapping[str, str | None]) -> dict[str, Value]:
    """Figures stored under another report, as this template's rows read them ("Kỳ trước"):
    codes the template lacks, and values a row can no longer hold, are left out."""
    return {
        code: value
        for code, text in stored.items()
        if code in by_code
        and (value := decode(by_code[code], text)) is not None
        and fits(by_code[code], value)
    }


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
    """Compare typed words without case, accents or stray spaces: 'bo qua' matches 'Bỏ qua'.

    Short texts are kept folded: every typed message is folded against the label of every
    option offered, the same few labels each time. A long text (a note) is folded afresh, so
    what people type cannot fill the memory."""
    return _fold_kept(text) if len(text) <= KEPT_FOLD else _fold(text)


KEPT_FOLD = 100  # characters: option labels and typed answers, not notes


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())


_fold_kept = lru_cache(maxsize=4096)(_fold)
