"""The Tổng cộng column, on plain values: sums, and ratios recomputed from the sums."""

from __future__ import annotations

from decimal import Decimal

from exports.totals import totals
from flows import catalog

XA = catalog.load("xa")


def test_counts_add_up_over_the_units_that_answered():
    result = totals(XA, [{"III.2.2": Decimal(790)}, {"III.2.2": None}, {"III.2.2": Decimal(410)}])
    assert result["III.2.2"] == Decimal(1200)


def test_a_ratio_is_the_ratio_of_the_sums_not_the_mean_of_the_ratios():
    units = [
        {"III.2.2": Decimal(1), "III.2.3": Decimal(1), "III.2.1": Decimal(100)},
        {"III.2.2": Decimal(800), "III.2.3": Decimal(400), "III.2.1": Decimal(50)},
    ]
    assert totals(XA, units)["III.2.1"] == Decimal("50.06")  # 401 / 801, not 75


def test_a_ratio_over_a_zero_total_stays_empty():
    assert "III.2.4" not in totals(XA, [{"III.2.5": Decimal(0), "III.2.6": Decimal(0)}])


def test_entered_ratios_choices_and_text_are_not_totalled():
    units = [{"VII.3": Decimal(100), "VII.1": 1, "IV.1": "Sáp nhập"}] * 2
    result = totals(XA, units)
    assert not {"VII.3", "VII.1", "IV.1"} & set(result)


def test_nothing_answered_anywhere_gives_no_total():
    assert totals(XA, [{}, {}]) == {}
