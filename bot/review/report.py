"""One unit's report as a reviewer reads it: every row with last period's figure, the change,
notes, rule warnings, and each value's history from the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.review.scope import Scope
from bot.review.status import UnitStatus, round_status
from exports.data import Stored, build_unit_report, load_unit_report, round_info, unit_info
from flows import answers as ans
from flows import review
from flows.answers import Value
from storage import templates
from storage.models import AuditField, Unit
from storage.repository import Repository


@dataclass(frozen=True)
class Change:
    code: str
    field: str  # "value", "note", "status", as the audit trail names it
    old: Value | str | None
    new: Value | str | None
    who: str | None
    at: datetime  # in the deployment's zone


@dataclass(frozen=True)
class UnitView:
    scope: Scope
    unit: Unit
    status: UnitStatus
    rows: list[review.IndicatorRow]
    history: dict[str, list[Change]]  # by indicator code, oldest first; "" for status changes
    sections: dict[str, str]  # the form's section titles by code, for the table's headings


def unit_view(
    repo: Repository, scope: Scope, unit: Unit, now: datetime, zone: ZoneInfo
) -> UnitView:
    round_ = scope.round
    assert round_.id is not None and unit.id is not None
    template = templates.for_round(repo, round_)
    report = load_unit_report(repo, round_, unit)
    stored_before = repo.previous_values(unit.id, round_, template.continues)
    before = build_unit_report(
        template,
        unit_info(unit),
        round_info(round_),
        {code: Stored(value) for code, value in stored_before.items()},
    )
    rows = review.indicator_rows(template, report.values, before.values, report.notes)
    status = next(u for u in round_status(repo, Scope(round_, scope.top, [unit]), now, zone).units)
    sub = repo.submission(round_.id, unit.id, create=False)
    history: dict[str, list[Change]] = {}
    if sub is not None and sub.id is not None:
        changes = repo.history(sub.id)
        names = repo.display_names(c.user_id for c in changes if c.user_id is not None)
        by_code = template.by_code
        for c in changes:
            ind = by_code.get(c.code)
            decoded = c.field == AuditField.VALUE and ind is not None
            history.setdefault(c.code, []).append(
                Change(
                    c.code,
                    c.field,
                    ans.decode(ind, c.old) if decoded else c.old,  # type: ignore[arg-type]
                    ans.decode(ind, c.new) if decoded else c.new,  # type: ignore[arg-type]
                    names.get(c.user_id) if c.user_id is not None else None,
                    c.at.astimezone(zone),
                )
            )
    sections = {s.code: s.label for s in template.sections}
    return UnitView(scope, unit, status, rows, history, sections)
