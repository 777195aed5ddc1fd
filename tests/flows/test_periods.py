"""Periods and their cut-off windows per Decree 09/2019/NĐ-CP."""

from __future__ import annotations

from datetime import date

import pytest

from flows import periods


def test_quarter_cutoff_runs_from_the_15th_of_the_month_before_to_the_14th_of_its_last():
    assert periods.parse("2024-Q3").cutoff == (date(2024, 6, 15), date(2024, 9, 14))


def test_first_quarter_starts_in_december_of_the_year_before():
    assert periods.parse("2025-Q1").cutoff == (date(2024, 12, 15), date(2025, 3, 14))


def test_year_cutoff():
    assert periods.parse("2024").cutoff == (date(2023, 12, 15), date(2024, 12, 14))
    assert periods.parse("2024-Y").label == "năm 2024"


def test_six_and_nine_months():
    assert periods.parse("2024-H1").cutoff == (date(2023, 12, 15), date(2024, 6, 14))
    assert periods.parse("2024-9m").label == "9 tháng năm 2024"


def test_quarter_label_is_roman():
    assert periods.parse("2024-Q3").label == "Quý III/2024"


def test_default_deadline_is_the_20th():
    assert periods.parse("2024-Q3").default_deadline == date(2024, 9, 20)


def test_quarter_of_a_day_follows_the_cutoff_window():
    assert periods.quarter_of(date(2024, 9, 14)).code == "2024-Q3"
    assert periods.quarter_of(date(2024, 9, 15)).code == "2024-Q4"
    assert periods.quarter_of(date(2024, 12, 20)).code == "2025-Q1"


def test_previous_quarter_wraps_the_year():
    assert periods.parse("2025-Q1").previous_quarter().code == "2024-Q4"


@pytest.mark.parametrize("bad", ["2024-Q5", "Q3", "2024-13", ""])
def test_bad_period_is_refused_with_the_accepted_forms(bad):
    with pytest.raises(ValueError, match="2024-Q3"):
        periods.parse(bad)
