"""Computed ratios: exact decimals, two places, empty on a zero denominator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows import formulas


def test_ratio_of_seed_000_files_solved_on_time():
    values = {"III.2.2": Decimal(790), "III.2.3": Decimal(785)}
    assert formulas.evaluate("III.2.3 / III.2.2 * 100", values.get) == Decimal("99.37")


def test_ratio_of_seed_003_online_files_is_the_true_one():
    values = {"VII.6.7.1": Decimal(7725), "VII.6.7.2": Decimal(5620)}
    assert formulas.evaluate("VII.6.7.2 / VII.6.7.1 * 100", values.get) == Decimal("72.75")


def test_zero_denominator_gives_no_ratio():
    values = {"I.3.2.1": Decimal(0), "I.3.2.2": Decimal(0)}
    assert formulas.evaluate("I.3.2.2 / I.3.2.1 * 100", values.get) is None


def test_missing_part_gives_no_ratio():
    assert formulas.evaluate("I.2.2 / I.2.1 * 100", {"I.2.1": Decimal(37)}.get) is None


def test_rounding_is_half_up():
    assert formulas.evaluate("1 / 8 * 100", {}.get) == Decimal("12.50")
    assert formulas.evaluate("1 / 3 * 100", {}.get) == Decimal("33.33")
    assert formulas.evaluate("2 / 3 * 100", {}.get) == Decimal("66.67")


def test_parentheses_and_sums():
    values = {"I.1": Decimal(3), "I.2": Decimal(1), "I.3": Decimal(8)}
    assert formulas.evaluate("(I.1 + I.2) / I.3 * 100", values.get) == Decimal("50.00")


def test_references_in_order():
    assert formulas.references("(III.2.3 + III.2.3) / III.2.2 * 100") == ("III.2.3", "III.2.2")


@pytest.mark.parametrize("bad", ["III.2.3 /", "III.2.3 ^ 2", "(III.2.3", "abc"])
def test_malformed_formula_is_refused(bad):
    with pytest.raises(formulas.FormulaError):
        formulas.references(bad)


def test_ratios_depending_on_ratios_settle_in_order():
    results = formulas.evaluate_all(
        [("II.1", "II.2 * 1"), ("II.2", "I.1 / I.2 * 100")], {"I.1": Decimal(1), "I.2": Decimal(4)}
    )
    assert results == {"II.2": Decimal("25.00"), "II.1": Decimal("25.00")}


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_part_of_whole_ratio_is_within_0_and_100(part, whole):
    part = min(part, whole)
    values = {"X.1.1": Decimal(part), "X.1.2": Decimal(whole)}
    ratio = formulas.evaluate("X.1.1 / X.1.2 * 100", values.get)
    assert ratio is not None and Decimal(0) <= ratio <= Decimal(100)
