"""A pressed button or a typed option is checked against what is on screen, whatever state the
officer is in: every option the prompt shows is accepted, and an option of any other question
is refused as stale."""

from __future__ import annotations

from decimal import Decimal

from engine_states import XA, report
from hypothesis import given
from hypothesis import strategies as st

from flows.catalog import Kind
from flows.engine import ANYTIME, Answer, Pending, Session, State, offers, prompt

CODES = [i.code for i in XA.asked]
FIGURES = [i.code for i in XA.asked if i.kind in (Kind.COUNT, Kind.AMOUNT)]
PENDING = st.sampled_from(
    [
        None,
        Pending("intro"),
        Pending("submit"),
        Pending("soft", ("120",), "previous"),
        Pending("unclear", ("5.404", "5404")),
    ]
)
ANSWERS = st.dictionaries(
    st.sampled_from(FIGURES),
    st.one_of(
        st.builds(Answer, st.integers(0, 10_000).map(Decimal)),
        st.just(Answer(skipped=True)),
        st.just(Answer(Decimal(7), note="theo sổ")),
    ),
    max_size=12,
)


@st.composite
def states(draw: st.DrawFn) -> State:
    answers = draw(ANSWERS)
    previous = draw(st.dictionaries(st.sampled_from(FIGURES), st.integers(0, 999).map(Decimal)))
    status = draw(st.sampled_from(["draft", "returned", "submitted", "approved"]))
    code = draw(st.one_of(st.none(), st.sampled_from(CODES)))
    return State(report(answers, previous=previous, status=status), Session(code, draw(PENDING)))


def every_question_option(state: State) -> set[str]:
    """The ids every question of the form would offer with this report's figures."""
    return {
        option.id for code in CODES for option in prompt(State(state.report, Session(code))).options
    }


@given(states())
def test_every_option_on_screen_is_accepted(state: State) -> None:
    for option in prompt(state).options:
        assert offers(state, option.id), option


@given(states())
def test_an_option_not_on_screen_is_refused_as_stale(state: State) -> None:
    shown = {option.id for option in prompt(state).options} | set(ANYTIME)
    for option_id in every_question_option(state) - shown:
        assert not offers(state, option_id), option_id
