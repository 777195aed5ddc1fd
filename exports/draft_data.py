"""What the Word drafts are made from, loaded from the repository with read-only calls.

A unit's draft compares with last period, so besides its report (exports/data) it needs the
figures of its previous report and which period that was ("tăng 12 hồ sơ so với quý II"), and
the unit it reports to, named in Nơi nhận. The drafts themselves are built from this plain data
(flows/narrative, flows/summary_narrative), never from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from exports.data import (
    RoundReport,
    UnitInfo,
    UnitReport,
    load_round_report,
    load_unit_report,
    unit_info,
)
from flows import answers as ans
from flows.answers import Value
from flows.catalog import Template
from storage.models import Round, Unit
from storage.repository import Repository


@dataclass(frozen=True)
class Previous:
    """Last period's figures of one unit; ``period`` None when it has none."""

    values: Mapping[str, Value]
    period: str | None = None


@dataclass(frozen=True)
class UnitDraftData:
    report: UnitReport
    previous: Previous
    superior: UnitInfo | None


@dataclass(frozen=True)
class SummaryDraftData:
    report: RoundReport
    superior: UnitInfo | None


def load_unit_draft(repo: Repository, round_: Round, unit: Unit) -> UnitDraftData:
    report = load_unit_report(repo, round_, unit)
    return UnitDraftData(
        report, previous_figures(repo, round_, unit, report.template), superior_of(repo, unit)
    )


def load_summary_draft(
    repo: Repository, round_: Round, top: Unit, *, now: datetime | None = None
) -> SummaryDraftData:
    return SummaryDraftData(load_round_report(repo, round_, top, now=now), superior_of(repo, top))


def superior_of(repo: Repository, unit: Unit) -> UnitInfo | None:
    return unit_info(repo.unit(unit.parent_id)) if unit.parent_id is not None else None


def previous_figures(repo: Repository, round_: Round, unit: Unit, template: Template) -> Previous:
    """The latest earlier report holding a real figure, as the chat's "Kỳ trước" finds it
    (Repository.previous_values): of this template or one it continues, decoded by this
    template's rows, a choice code the row no longer offers left out."""
    assert unit.id is not None
    families = {round_.template, *template.continues}
    earlier = sorted(
        (r for r in repo.rounds() if r.template in families and r.cutoff_end < round_.cutoff_end),
        key=lambda r: (r.cutoff_end, r.id or 0),
        reverse=True,
    )
    by_code = template.by_code
    for candidate in earlier:
        assert candidate.id is not None
        submission = repo.submission(candidate.id, unit.id, create=False)
        if submission is None or submission.id is None:
            continue
        stored = {
            code: answer.value
            for code, answer in repo.answers(submission.id).items()
            if not answer.skipped and answer.value is not None
        }
        if not stored:
            continue
        return Previous(ans.figures(by_code, stored), candidate.period)
    return Previous({})
