"""The reviewer's rules, pure: a unit's state in a round, late and overdue, what may be decided.

The chat's reviewer commands, the web console and the exports all read a unit's state from
here, so "đã nộp", "quá hạn" or "may this report be returned?" means the same on every skin.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from flows import rules
from flows.answers import Value
from flows.catalog import Indicator, Kind, Template


class State(StrEnum):
    """A unit's place in a round; a report opened but never answered counts as not started."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def is_submitted(self) -> bool:
        return self in (State.SUBMITTED, State.APPROVED)


def state_of(status: str | None, answered: int) -> State:
    """``status`` is the submission's stored status, None when the unit has no submission."""
    if status is None or (status == State.DRAFT and not answered):
        return State.NOT_STARTED
    return State(status)


def is_late(deadline: date, submitted_at: datetime | None, zone: ZoneInfo) -> bool:
    """Submitted after the deadline day, as the day is counted where the officers are."""
    return submitted_at is not None and submitted_at.astimezone(zone).date() > deadline


def is_overdue(state: State, deadline: date, today: date) -> bool:
    """Past the deadline and not submitted (a returned report is due again too)."""
    return not state.is_submitted and today > deadline


class Refusal(StrEnum):
    """Why a reviewer's return or approval cannot be applied to a report as it stands."""

    NOT_SUBMITTED = "not_submitted"
    ALREADY_APPROVED = "already_approved"
    NO_REASON = "no_reason"


def decision_refusal(state: State, returning: bool, reason: str) -> Refusal | None:
    """Only a submitted report may be returned (with a reason) or approved; None: allowed."""
    if returning and not reason.strip():
        return Refusal.NO_REASON
    if state is State.APPROVED:
        return Refusal.ALREADY_APPROVED
    if state is not State.SUBMITTED:
        return Refusal.NOT_SUBMITTED
    return None


@dataclass(frozen=True)
class Counts:
    """How many units are in each state, and how many of them are overdue."""

    by_state: dict[State, int]
    overdue: int
    total: int

    def __getitem__(self, state: State) -> int:
        return self.by_state.get(state, 0)

    @property
    def submitted(self) -> int:
        """Submitted or approved: what "đã nộp n/N" counts."""
        return self[State.SUBMITTED] + self[State.APPROVED]


def count(states: Iterable[tuple[State, bool]]) -> Counts:
    """``states``: each unit's state and whether it is overdue."""
    by_state: Counter[State] = Counter()
    overdue = total = 0
    for state, late in states:
        by_state[state] += 1
        overdue += late
        total += 1
    return Counts({s: by_state[s] for s in State}, overdue, total)


@dataclass(frozen=True)
class IndicatorRow:
    """One line of a unit's report as a reviewer reads it."""

    indicator: Indicator
    value: Value | None
    previous: Value | None
    change: Decimal | None  # value − previous, for two figures
    note: str | None
    broken: str | None  # a hard rule it breaks (possible after a prefill or an older form)
    far: bool  # far from last period's figure, as the chat's "are you sure?" judges it


def indicator_rows(
    template: Template,
    values: Mapping[str, Value | None],
    previous: Mapping[str, Value | None],
    notes: Mapping[str, str],
) -> list[IndicatorRow]:
    """Every row of the form in its order, groups included (their value is None)."""
    out = []
    for ind in template.indicators:
        value = values.get(ind.code)
        before = previous.get(ind.code)
        change = (
            value - before if isinstance(value, Decimal) and isinstance(before, Decimal) else None
        )
        answered = value is not None and ind.kind is not Kind.GROUP
        broken = rules.violation(template, ind.code, value, values) if answered else None
        far = answered and rules.far_from_previous(ind, value, before)  # type: ignore[arg-type]
        out.append(IndicatorRow(ind, value, before, change, notes.get(ind.code), broken, far))
    return out
