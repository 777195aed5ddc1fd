"""Conditions that decide whether a row is asked: ``relevant: "I.6 = 1"``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows import conditions

CODES = st.sampled_from(["I.6", "I.7", "III.2.2", "VII.6.1"])
NUMBERS = st.integers(min_value=0, max_value=10_000).map(Decimal)
OPERATORS = {
    "=": Decimal.__eq__,
    "≠": Decimal.__ne__,
    "!=": Decimal.__ne__,
    ">": Decimal.__gt__,
    "≥": Decimal.__ge__,
    ">=": Decimal.__ge__,
    "<": Decimal.__lt__,
    "≤": Decimal.__le__,
    "<=": Decimal.__le__,
}


def test_a_survey_held_makes_its_rows_asked():
    held = conditions.parse("I.6 = 1")
    assert held.holds({"I.6": 1}) and not held.holds({"I.6": 0})


def test_a_condition_on_a_row_not_answered_yet_does_not_hold():
    assert not conditions.parse("I.6 = 1").holds({})


def test_conditions_join_with_va_and_hoac():
    both = conditions.parse("I.6 = 1 và I.7 = 1")
    either = conditions.parse("I.6 = 1 hoặc I.7 = 1")
    assert not both.holds({"I.6": 1, "I.7": 0}) and either.holds({"I.6": 1, "I.7": 0})


def test_va_and_hoac_in_one_condition_are_refused():
    with pytest.raises(conditions.ConditionError, match="không dùng cả"):
        conditions.parse("I.6 = 1 và I.7 = 1 hoặc I.7 = 2")


def test_a_condition_not_understood_shows_a_right_one():
    with pytest.raises(conditions.ConditionError, match=r"ví dụ đúng: I\.6 = 1"):
        conditions.parse("khi có khảo sát")


def test_a_decimal_comma_is_read_the_vietnamese_way():
    assert conditions.parse("III.2.1 < 99,5").holds({"III.2.1": Decimal("99.37")})


@given(CODES, st.sampled_from(sorted(OPERATORS)), NUMBERS, NUMBERS)
def test_every_operator_compares_as_written(code, op, number, value):
    condition = conditions.parse(f"{code} {op} {number}")
    assert condition.references == (code,)
    assert condition.holds({code: value}) == OPERATORS[op](value, number)


@given(st.lists(st.tuples(CODES, NUMBERS), min_size=1, max_size=4), st.booleans())
def test_joined_conditions_are_all_or_any_of_their_parts(parts, any_of):
    joiner = " hoặc " if any_of else " và "
    condition = conditions.parse(joiner.join(f"{c} = {n}" for c, n in parts))
    values = {code: number for code, number in parts[:1]}
    each = [values.get(code) == number for code, number in parts]
    assert condition.holds(values) == (any(each) if any_of else all(each))
