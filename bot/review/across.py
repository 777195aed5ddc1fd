"""One indicator across a reviewer's units, and its total over the last periods.

Totals and ratios come from exports/totals, the same sums the compiled workbook prints: a
ratio is recomputed from the summed parts, never averaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.review.scope import Scope
from exports.data import load_round_report
from exports.totals import totals
from flows import periods
from flows.answers import Value
from flows.catalog import Indicator, Kind
from storage import templates
from storage.models import Unit
from storage.repository import Repository

PERIODS_SHOWN = 6


@dataclass(frozen=True)
class UnitFigure:
    unit: Unit
    value: Value | None


@dataclass(frozen=True)
class PeriodFigure:
    period: str  # "2024-Q3"
    label: str  # "Quý III năm 2024"
    total: Value | None


@dataclass(frozen=True)
class Across:
    scope: Scope
    indicator: Indicator
    units: list[UnitFigure]
    total: Value | None
    periods: list[PeriodFigure]  # oldest first, ending with this round


@dataclass(frozen=True)
class SectionTable:
    """A whole section of the form: one row per unit, one column per figure, and the totals."""

    scope: Scope
    code: str
    label: str
    indicators: list[Indicator]
    units: list[tuple[Unit, list[Value | None]]]
    totals: list[Value | None]


def sections(repo: Repository, scope: Scope) -> list[tuple[str, str]]:
    """(code, label) of the form's sections, in order."""
    template = templates.for_round(repo, scope.round)
    return [(s.code, s.label) for s in template.sections]


def section(repo: Repository, scope: Scope, code: str, now: datetime) -> SectionTable | None:
    template = templates.for_round(repo, scope.round)
    found = next((s for s in template.sections if s.code == code), None)
    if found is None:
        return None
    shown = [i for i in template.indicators if i.section == code and i.kind is not Kind.GROUP]
    report = load_round_report(repo, scope.round, scope.top, now=now)
    by_code = {u.code: u for u in scope.units}
    reports = [r for r in report.units if r.unit.code in by_code]
    summed = totals(template, [r.values for r in reports])
    return SectionTable(
        scope,
        found.code,
        found.label,
        shown,
        [(by_code[r.unit.code], [r.value(i.code) for i in shown]) for r in reports],
        [summed.get(i.code) for i in shown],
    )


def choices(repo: Repository, scope: Scope) -> list[Indicator]:
    """The rows a reviewer may pick: every figure of the form, in its order."""
    template = templates.for_round(repo, scope.round)
    return [i for i in template.indicators if i.kind is not Kind.GROUP]


def across(repo: Repository, scope: Scope, code: str, now: datetime) -> Across | None:
    """None when the form has no such figure."""
    template = templates.for_round(repo, scope.round)
    indicator = template.by_code.get(code)
    if indicator is None or indicator.kind is Kind.GROUP:
        return None
    report = load_round_report(repo, scope.round, scope.top, now=now)
    by_code = {u.code: u for u in scope.units}
    shown = [r for r in report.units if r.unit.code in by_code]
    units = [UnitFigure(by_code[r.unit.code], r.value(code)) for r in shown]
    total = totals(template, [r.values for r in shown]).get(code)
    return Across(scope, indicator, units, total, _history(repo, scope, code, now))


def _history(repo: Repository, scope: Scope, code: str, now: datetime) -> list[PeriodFigure]:
    """The same total for the rounds of this form (and those it continues) up to this one."""
    template = templates.for_round(repo, scope.round)
    family = {scope.round.template, *template.continues}
    rounds = [
        r for r in repo.rounds() if r.template in family and r.cutoff_end <= scope.round.cutoff_end
    ]
    rounds.sort(key=lambda r: r.cutoff_end)
    out = []
    for round_ in rounds[-PERIODS_SHOWN:]:
        report = load_round_report(repo, round_, scope.top, now=now)
        total = totals(report.template, [r.values for r in report.units]).get(code)
        out.append(PeriodFigure(round_.period, periods.parse(round_.period).label, total))
    return out
