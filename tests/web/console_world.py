"""Sơn Hà's communes for the web console's tests: Sơn Trung filed with seed 000's figures and
submitted by its officer, Sơn Hải not started; a reviewer of Sơn Hà, one of Đức Phổ, an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.transports.console.demo import SON_TRUNG_2024_Q3, SON_TRUNG_NOTES, UNITS, seed_values
from flows import catalog
from flows.answers import encode
from flows.engine import Report, recompute
from storage.db import Store
from storage.repository import Repository

NOW = datetime(2024, 9, 18, 3, 0, tzinfo=UTC)  # 10:00 in Quảng Ngãi, two days before the deadline
SON_HAI = ("SONHAI", "Xã Sơn Hải", "xa", "SONHA")


@dataclass(frozen=True)
class People:
    officer: int  # Sơn Trung's officer
    reviewer: int  # Sơn Hà's reviewer
    other_reviewer: int  # Đức Phổ's reviewer
    admin: int  # the province's admin
    officer_external: str
    round_id: int


def join(repo: Repository, unit: str, role: str, external_id: str, name: str, now: datetime) -> int:
    invite = repo.create_invite(unit, role, now, timedelta(days=1))
    user, _, _ = repo.redeem_invite(invite.code, "telegram", external_id, name, now)
    assert user.id is not None
    return user.id


def file_seed_000(
    repo: Repository, round_id: int, unit_code: str, user_id: int | None, now: datetime
) -> None:
    """Seed 000's figures, note and all, as the officer would have entered them."""
    unit = repo.unit_by_code(unit_code)
    assert unit is not None and unit.id is not None
    submission = repo.submission(round_id, unit.id)
    assert submission is not None and submission.id is not None
    report = recompute(
        Report(catalog.load("xa"), unit.name, "", date(2024, 9, 20), seed_values(SON_TRUNG_2024_Q3))
    )
    for code, answer in report.answers.items():
        repo.save_answer(submission.id, code, encode(answer.value), answer.skipped, user_id, now)
    for code, note in SON_TRUNG_NOTES.items():
        repo.save_note(submission.id, code, note, user_id, now)


def build(store: Store, *, submitted: bool = True) -> People:
    with store.transaction() as repo:
        repo.import_units([*UNITS, SON_HAI])
        q3 = repo.open_round(
            "xa", "2024-Q3", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 20), NOW
        )
        assert q3.id is not None
        officer = join(repo, "SONTRUNG", "officer", "5550001", "Nguyễn Thị Lan", NOW)
        people = People(
            officer=officer,
            reviewer=join(repo, "SONHA", "reviewer", "5550009", "Trần Văn Hùng", NOW),
            other_reviewer=join(repo, "DUCPHO", "reviewer", "5550010", "Lê Minh", NOW),
            admin=join(repo, "QNG", "admin", "5550011", "Phạm Thu", NOW),
            officer_external="5550001",
            round_id=q3.id,
        )
        file_seed_000(repo, q3.id, "SONTRUNG", officer, NOW)
        if submitted:
            unit = repo.unit_by_code("SONTRUNG")
            sub = repo.submission(q3.id, unit.id)  # type: ignore[union-attr, arg-type]
            repo.set_status(sub.id, "submitted", officer, NOW)  # type: ignore[union-attr, arg-type]
    return people
