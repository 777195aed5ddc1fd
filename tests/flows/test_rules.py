"""Hard rules and soft checks, as properties over any figures."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from flows import catalog, rules

XA = catalog.load("xa")
HUYEN = catalog.load("huyen")
counts = st.integers(min_value=0, max_value=10**9).map(Decimal)


@given(part=counts, whole=counts)
def test_a_part_is_refused_exactly_when_it_exceeds_its_whole(part, whole):
    problem = rules.violation(XA, "III.2.3", part, {"III.2.2": whole})
    assert (problem is not None) == (part > whole)


@given(part=counts, whole=counts)
def test_a_whole_is_refused_exactly_when_below_a_known_part(part, whole):
    problem = rules.violation(XA, "III.2.2", whole, {"III.2.3": part})
    assert (problem is not None) == (part > whole)


@given(cap_huyen=counts, cap_xa=counts, total=counts)
def test_breakdowns_must_add_up_to_their_total(cap_huyen, cap_xa, total):
    known = {"III.1.4.1": cap_huyen, "III.1.4.2": cap_xa}
    problem = rules.violation(HUYEN, "III.1.4", total, known)
    assert (problem is not None) == (cap_huyen + cap_xa != total)


def test_breakdown_message_names_the_figures():
    problem = rules.violation(
        HUYEN, "III.1.4.2", Decimal(171), {"III.1.4": Decimal(400), "III.1.4.1": Decimal(273)}
    )
    assert problem is not None
    assert "273 + 171 = 444" in problem and "(400)" in problem


def test_a_partial_breakdown_may_not_exceed_the_total():
    problem = rules.violation(HUYEN, "III.1.4.1", Decimal(500), {"III.1.4": Decimal(444)})
    assert problem is not None and "đã vượt" in problem


@given(previous=st.integers(10, 10**6).map(Decimal), factor=st.integers(4, 100))
def test_a_figure_many_times_last_periods_asks_to_confirm(previous, factor):
    assert rules.far_from_previous(XA.by_code["III.2.2"], previous * factor, previous)


@given(previous=st.integers(0, 10**6).map(Decimal), delta=st.integers(-9, 9))
def test_small_swings_do_not_nag(previous, delta):
    value = max(previous + delta, Decimal(0))
    assert not rules.far_from_previous(XA.by_code["III.2.2"], value, previous)
