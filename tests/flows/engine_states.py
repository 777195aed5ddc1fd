"""States of the commune report (xa) for the engine's tests, as an officer would be in them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flows import catalog
from flows.engine import Answer, Report, Session, State

NOW = datetime(2024, 9, 18, 9, 30, tzinfo=UTC)
XA = catalog.load("xa")


def report(answers: dict[str, Answer] | None = None, **kw) -> Report:
    return Report(
        template=XA,
        unit_name="Xã Sơn Trung",
        period_label="Quý III/2024",
        deadline=date(2024, 9, 20),
        answers=answers or {},
        today=date(2024, 9, 18),
        **kw,
    )


def at(code: str | None, rep: Report | None = None) -> State:
    """On the question ``code`` (None: nothing on screen yet)."""
    return State(rep or report(), Session(code))
