"""Quảng Ngãi's units and Xã Sơn Trung's Quý III/2024 report, as most storage tests need them.

A plain module rather than part of conftest.py so that tests can import the `Report` type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from storage.db import Store

OPENED = datetime(2024, 9, 16, 1, 0, tzinfo=UTC)
UNITS: list[tuple[str, str, str, str | None]] = [
    ("QNG", "Tỉnh Quảng Ngãi", "tinh", None),
    ("SONHA", "Huyện Sơn Hà", "huyen", "QNG"),
    ("SONTRUNG", "Xã Sơn Trung", "xa", "SONHA"),
]


@dataclass(frozen=True)
class Report:
    """Ids of Xã Sơn Trung's Quý III/2024 report and of the officer filling it in."""

    unit_id: int
    round_id: int
    submission_id: int
    officer_id: int


def import_units(store: Store) -> dict[str, int]:
    with store.transaction() as repo:
        repo.import_units(UNITS)
        ids = {unit.code: unit.id for unit in repo.units()}
    return {code: unit_id for code, unit_id in ids.items() if unit_id is not None}


def open_report(store: Store, units: dict[str, int]) -> Report:
    with store.transaction() as repo:
        round_ = repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20), OPENED
        )
        invite = repo.create_invite("SONTRUNG", "officer", OPENED, timedelta(days=14))
        officer, _, _ = repo.redeem_invite(
            invite.code, "telegram", "5550001", "Đinh Văn Hùng", OPENED
        )
        assert round_.id is not None and officer.id is not None
        submission = repo.submission(round_.id, units["SONTRUNG"])
        assert submission is not None and submission.id is not None
        return Report(units["SONTRUNG"], round_.id, submission.id, officer.id)
