"""Last period's figures, shown to the officer next to this period's questions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sample_report import Report

from storage.db import Store
from storage.repository import Repository

NOW = datetime(2024, 9, 17, 2, 0, tzinfo=UTC)


def _filed(
    repo: Repository, unit_id: int, template: str, period: str, end: date, values: dict
) -> None:
    start = date(end.year if end.month > 3 else end.year - 1, (end.month - 4) % 12 + 1, 15)
    round_ = repo.open_round(template, period, start, end, end.replace(day=20), NOW)
    submission = repo.submission(round_.id or 0, unit_id)
    assert submission is not None and submission.id is not None
    for code, value in values.items():
        repo.save_answer(submission.id, code, value, value is None, None, NOW)


def test_previous_values_come_from_the_latest_earlier_round(store: Store, report: Report) -> None:
    unit = report.unit_id
    with store.transaction() as repo:
        _filed(repo, unit, "xa", "2024-Q1", date(2024, 3, 14), {"III.2.2": "612"})
        _filed(
            repo,
            unit,
            "xa",
            "2024-Q2",
            date(2024, 6, 14),
            {"III.2.2": "790", "III.2.3": None, "VI.1.2": "4318.9"},
        )
        _filed(repo, unit, "xa", "2024-Q4", date(2024, 12, 14), {"III.2.2": "801"})
        _filed(repo, unit, "huyen", "2024-Q2b", date(2024, 7, 14), {"III.2.2": "5"})
    with store.transaction() as repo:
        current = repo.round_by_period("xa", "2024-Q3")
        assert current is not None
        assert repo.previous_values(unit, current) == {"III.2.2": "790", "VI.1.2": "4318.9"}


def test_previous_values_pass_over_a_round_without_figures(store: Store, report: Report) -> None:
    unit = report.unit_id
    with store.transaction() as repo:
        _filed(repo, unit, "xa", "2024-Q1", date(2024, 3, 14), {"III.2.3": "785"})
        _filed(repo, unit, "xa", "2024-Q2", date(2024, 6, 14), {"III.2.3": None})
    with store.transaction() as repo:
        current = repo.round_by_period("xa", "2024-Q3")
        assert current is not None
        assert repo.previous_values(unit, current) == {"III.2.3": "785"}


def test_previous_values_are_empty_for_a_first_report(store: Store, report: Report) -> None:
    with store.transaction() as repo:
        current = repo.round_by_period("xa", "2024-Q3")
        assert current is not None
        assert repo.previous_values(report.unit_id, current) == {}


def test_a_template_that_continues_another_takes_its_last_figures(
    store: Store, report: Report
) -> None:
    """A commune's first xa-2025 report shows its last xa report as Kỳ trước."""
    unit = report.unit_id
    with store.transaction() as repo:
        _filed(repo, unit, "xa", "2025-Q2", date(2025, 6, 14), {"III.2.2": "790"})
        later = repo.open_round(
            "xa-2025", "2025-Q3", date(2025, 6, 15), date(2025, 9, 14), date(2025, 9, 20), NOW
        )
        assert repo.previous_values(unit, later) == {}
        assert repo.previous_values(unit, later, ["xa"]) == {"III.2.2": "790"}
