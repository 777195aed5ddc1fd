"""A district's round filed through the real storage: seed 000's Sơn Trung, a second commune
with other figures, a third that never started.

Everything goes through the repository exactly as the chat leaves it (answers as canonical
text, computed ratios stored, a note, statuses with their times), so the exports are tested on
what production reads, on SQLite and, when configured, PostgreSQL. The fixture that builds it
is in conftest.py; tests import the names from here (a module named conftest is ambiguous
when several folders have one).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.transports.console.demo import SON_TRUNG_2024_Q3, SON_TRUNG_NOTES, seed_values
from flows import answers, catalog
from flows.engine import Report, recompute
from storage.db import Store
from storage.repository import Repository

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS_CSV = Path(__file__).parents[2] / "examples" / "units.csv"
OPENED = datetime(2024, 9, 10, 1, 0, tzinfo=UTC)
DEADLINE = date(2024, 9, 20)
# 23:30 on the deadline, local time, is still on time; 08:00 the day after is late.
SON_TRUNG_SUBMITTED = datetime(2024, 9, 20, 16, 30, tzinfo=UTC)
SON_THANH_SUBMITTED = datetime(2024, 9, 21, 1, 0, tzinfo=UTC)
AS_OF = datetime(2024, 9, 25, 3, 0, tzinfo=UTC)

# Xã Sơn Thành's figures, typed the Vietnamese way; the rest of its form is left unanswered.
SON_THANH_2024_Q3: dict[str, str | None] = {
    "I.1": "3",
    "I.2.1": "20",
    "I.2.2": "18",
    "III.1": "198",
    "III.2.2": "410",
    "III.2.3": "400",
    "III.2.5": "4",
    "III.2.6": "3",
    "IV.1": "Sáp nhập thôn Gò Da vào thôn Tà Bần",
    "VI.1.1": "1.250,5",
    "VI.1.2": "1.000",
    "VII.1": "0",
    "VII.3": "87,5",
    "VII.6.3.1": "40",
    "VII.6.3.2": "30",
}


@dataclass(frozen=True)
class World:
    store: Store
    round_id: int


def read_units_csv() -> list[tuple[str, str, str, str | None]]:
    with UNITS_CSV.open(encoding="utf-8", newline="") as f:
        return [
            (r["code"], r["name"], r["level"], r["parent_code"] or None) for r in csv.DictReader(f)
        ]


def officer(repo: Repository, unit_code: str, external_id: str, name: str) -> int:
    invite = repo.create_invite(unit_code, "officer", OPENED, timedelta(days=3))
    user, _, _ = repo.redeem_invite(invite.code, "telegram", external_id, name, OPENED)
    assert user.id is not None
    return user.id


def file_report(
    repo: Repository,
    round_id: int,
    unit_code: str,
    typed: dict[str, str | None],
    *,
    user_id: int,
    notes: dict[str, str] | None = None,
    submitted_at: datetime | None = None,
) -> None:
    """Store a report as the chat would: typed figures read, ratios computed, then submitted."""
    template = catalog.load("xa")
    unit = repo.unit_by_code(unit_code)
    assert unit is not None and unit.id is not None
    submission = repo.submission(round_id, unit.id)
    assert submission is not None and submission.id is not None
    report = recompute(Report(template, unit.name, "Quý III/2024", DEADLINE, seed_values(typed)))
    for code, answer in report.answers.items():
        value = answers.encode(answer.value)
        repo.save_answer(submission.id, code, value, answer.skipped, user_id, OPENED)
    for code, note in (notes or {}).items():
        repo.save_note(submission.id, code, note, user_id, OPENED)
    if submitted_at is not None:
        repo.set_status(submission.id, "submitted", user_id, submitted_at)


def fill(store: Store) -> World:
    with store.transaction() as repo:
        repo.import_units(read_units_csv())
        round_ = repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), DEADLINE, OPENED
        )
        assert round_.id is not None
        an = officer(repo, "SONTRUNG", "5550001", "Đinh Văn Hùng")
        binh = officer(repo, "SONTHANH", "5550002", "Trần Thị Bình")
        file_report(
            repo,
            round_.id,
            "SONTRUNG",
            SON_TRUNG_2024_Q3,
            user_id=an,
            notes=SON_TRUNG_NOTES,
            submitted_at=SON_TRUNG_SUBMITTED,
        )
        file_report(
            repo,
            round_.id,
            "SONTHANH",
            SON_THANH_2024_Q3,
            user_id=binh,
            submitted_at=SON_THANH_SUBMITTED,
        )
    return World(store, round_.id)
