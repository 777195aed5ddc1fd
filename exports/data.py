"""What the spreadsheets are made from: plain frozen data, loaded from the repository once.

The writers never touch the database or the chat code, so a workbook is a pure function of a
UnitReport or RoundReport; tests and the benchmark build these by hand, the shell loads them.
Values are decoded and computed ratios recomputed here, so every export prints ratios that
equal their own parts, whatever an older version of the bot once stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from flows import answers as ans
from flows import catalog, engine, periods
from flows.answers import Value
from flows.catalog import Kind, Template
from flows.review import State, state_of
from storage import templates
from storage.models import Round, Submission, Unit
from storage.repository import Repository


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    level: str


@dataclass(frozen=True)
class RoundInfo:
    template: str
    period: str
    period_label: str
    deadline: date
    cutoff: tuple[date, date]


class Stored(NamedTuple):
    """One answer row as storage keeps it: canonical text, so nothing is lost on the way."""

    value: str | None
    skipped: bool = False
    note: str | None = None


@dataclass(frozen=True)
class UnitReport:
    template: Template
    unit: UnitInfo
    round: RoundInfo
    status: State
    submitted_at: datetime | None  # aware (UTC from storage); the writers localise it
    submitted_by: str | None
    values: Mapping[str, Value | None]  # every non-group indicator, None when not answered
    notes: Mapping[str, str]
    answered: int  # asked indicators answered or deliberately skipped
    total: int  # asked indicators
    skipped: int = 0  # of ``answered``, those deliberately skipped

    @property
    def filled(self) -> int:
        return self.answered - self.skipped

    def value(self, code: str) -> Value | None:
        return self.values.get(code)


@dataclass(frozen=True)
class RoundReport:
    round: RoundInfo
    top: UnitInfo  # the reviewer's unit, whose subtree is compiled
    units: Sequence[UnitReport]  # ordered by unit code
    as_of: datetime  # when the data was read: "late" for a missing report depends on it
    form: Template | None = None  # the round's pinned version (storage/templates)

    @property
    def template(self) -> Template:
        return self.form or catalog.load(self.round.template)


# --- pure construction --------------------------------------------------------------------------
def round_info(round_: Round) -> RoundInfo:
    return RoundInfo(
        template=round_.template,
        period=round_.period,
        period_label=periods.parse(round_.period).label,
        deadline=round_.deadline,
        cutoff=(round_.cutoff_start, round_.cutoff_end),
    )


def unit_info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.code, unit.name, unit.level)


def build_unit_report(
    template: Template,
    unit: UnitInfo,
    round_: RoundInfo,
    stored: Mapping[str, Stored],
    *,
    status: str | None = None,
    submitted_at: datetime | None = None,
    submitted_by: str | None = None,
) -> UnitReport:
    """A unit's report from its stored answers; ``status`` None means no submission exists."""
    by_code = template.by_code
    answers = {
        code: engine.Answer(ans.decode(by_code[code], row.value), row.skipped, row.note)
        for code, row in stored.items()
        if code in by_code  # a row since dropped from the template is not printed
    }
    report = engine.recompute(
        engine.Report(template, unit.name, round_.period_label, round_.deadline, answers)
    )
    asked = {i.code for i in report.asked}
    values = {
        i.code: None if i.relevant and i.code not in asked else report.value(i.code)
        for i in template.indicators
        if i.kind is not Kind.GROUP
    }  # a row whose condition does not hold prints empty, whatever was typed before
    notes = {code: a.note for code, a in report.answers.items() if a.note}
    return UnitReport(
        template=template,
        unit=unit,
        round=round_,
        status=state_of(status, report.answered),
        submitted_at=submitted_at,
        submitted_by=submitted_by,
        values=values,
        notes=notes,
        answered=report.answered,
        total=len(report.asked),
        skipped=report.skipped,
    )


# --- loading --------------------------------------------------------------------------------------
def load_unit_report(repo: Repository, round_: Round, unit: Unit) -> UnitReport:
    template = templates.for_round(repo, round_)
    assert round_.id is not None and unit.id is not None
    submission = repo.submission(round_.id, unit.id, create=False)
    return _unit_report(repo, template, round_info(round_), unit, submission)


def load_round_report(
    repo: Repository, round_: Round, top_unit: Unit, *, now: datetime | None = None
) -> RoundReport:
    """Every unit under ``top_unit`` that files this round's template (the unit itself if it does).

    A few queries per unit at most (its answers, and its members once it has submitted), so a
    province of 300 communes stays a few hundred small queries rather than one per cell.
    """
    template = templates.for_round(repo, round_)
    assert round_.id is not None and top_unit.id is not None
    below = [u for u in repo.descendants(top_unit.id) if u.level == template.level]
    units = sorted(
        [top_unit, *below] if top_unit.level == template.level else below, key=lambda u: u.code
    )
    by_unit = {s.unit_id: s for s in repo.submissions(round_.id)}
    info = round_info(round_)
    reports = [
        _unit_report(repo, template, info, unit, by_unit.get(unit.id))  # type: ignore[arg-type]
        for unit in units
    ]
    return RoundReport(
        info, unit_info(top_unit), tuple(reports), now or datetime.now(UTC), template
    )


def _unit_report(
    repo: Repository,
    template: Template,
    info: RoundInfo,
    unit: Unit,
    submission: Submission | None,
) -> UnitReport:
    if submission is None or submission.id is None:
        return build_unit_report(template, unit_info(unit), info, {})
    stored = {
        code: Stored(row.value, row.skipped, row.note)
        for code, row in repo.answers(submission.id).items()
    }
    return build_unit_report(
        template,
        unit_info(unit),
        info,
        stored,
        status=submission.status,
        submitted_at=submission.submitted_at,
        submitted_by=_submitter(repo, unit, submission),
    )


def _submitter(repo: Repository, unit: Unit, submission: Submission) -> str | None:
    """Only the unit's own members can submit its report, so its member list holds the name.

    Storage has no look-up of a user by id; the member list is one query and stays within the
    repository's API. A submitter who has since left the unit is shown as unknown.
    """
    if submission.submitted_by is None or unit.id is None:
        return None
    member = next((u for u in repo.members(unit.id) if u.id == submission.submitted_by), None)
    return member.display_name if member is not None else None
