"""Demo data: a real province's units, last quarter filed with seed 000's figures, a round open.

The figures are those of UBND xã Sơn Trung's Quý III/2024 appendix (seed 000), typed the way
the officer would type them; the tests replay them through the chat too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from flows import catalog, periods, texts
from flows.answers import Accepted, encode, normalise, read
from flows.engine import Answer, Report, recompute
from storage.db import Store

UNITS: list[tuple[str, str, str, str | None]] = [
    ("QNG", "Tỉnh Quảng Ngãi", "tinh", None),
    ("SONHA", "Huyện Sơn Hà", "huyen", "QNG"),
    ("DUCPHO", "Thị xã Đức Phổ", "huyen", "QNG"),
    ("SONTRUNG", "Xã Sơn Trung", "xa", "SONHA"),
    ("SONTHANH", "Xã Sơn Thành", "xa", "SONHA"),
    ("SONTHUONG", "Xã Sơn Thượng", "xa", "SONHA"),
    ("PHOAN", "Xã Phổ An", "xa", "DUCPHO"),
    ("PHOCHAU", "Xã Phổ Châu", "xa", "DUCPHO"),
]
OFFICER_UNIT = "SONTRUNG"

# Seed 000, Biểu 1, as typed by the officer; None = left blank in the seed (skipped).
SON_TRUNG_2024_Q3: dict[str, str | None] = {
    "I.1": None,
    "I.2.1": "37",
    "I.2.2": "35",
    "I.3.1": "02",
    "I.3.2.1": "0",
    "I.3.2.2": "0",
    "I.4.1": "7",
    "I.4.2": "0",
    "II.1": "0",
    "II.2": "0",
    "II.3": "0",
    "III.1": "215",
    "III.2.2": "790",
    "III.2.3": "785",
    "III.2.5": "0",
    "III.2.6": "0",
    "IV.1": None,
    "IV.2.1": "20",
    "IV.2.2": "18",
    "IV.2.3": "0",
    "IV.2.4": "0",
    "IV.2.5": "0",
    "V.1": None,
    "V.2": None,
    "V.3": "0",
    "V.4": "0",
    "VI.1.1": "5.404",
    "VI.1.2": "4.318,9",
    "VI.2": None,
    "VII.1": "1",
    "VII.2": "2",
    "VII.3": "100",
    "VII.4": "2",
    "VII.5.1.1": None,
    "VII.5.1.2": "100",
    "VII.5.1.3": "100",
    "VII.5.2": None,
    "VII.5.2.1": None,
    "VII.5.2.2": None,
    "VII.5.2.3": "100",
    "VII.5.3.1": None,
    "VII.5.3.2": None,
    "VII.5.3.3": "100",
    "VII.6.1.1": "23",
    "VII.6.1.2": "23",
    "VII.6.2.1": "14",
    "VII.6.2.2": "14",
    "VII.6.3.1": "132",
    "VII.6.3.2": "123",
    "VII.6.4.1": "670",
    "VII.6.4.2": "590",
    "VII.6.5.1": "51",
    "VII.6.5.2": "51",
}
SON_TRUNG_NOTES = {"I.3.1": "VHXH, TP-HT"}


def seed_values(typed: dict[str, str | None]) -> dict[str, Answer]:
    """Read typed figures as the engine would ("5.404" triệu đồng is five thousand four hundred)."""
    template = catalog.load("xa")
    out: dict[str, Answer] = {}
    for code, text in typed.items():
        ind = template.by_code[code]
        if text is None:
            out[code] = Answer(skipped=True)
            continue
        reading = read(ind, text)
        value = reading.value if isinstance(reading, Accepted) else reading.readings[0]  # type: ignore[union-attr]
        out[code] = Answer(normalise(ind, value))
    return out


def prepare(url: str, user: str, *, fresh: bool, now: datetime) -> Store:
    """The demo database, created once and reused so that a restarted demo resumes."""
    path = make_url(url).database if url.startswith("sqlite") else None
    if fresh and path:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    store = Store(url)
    with store.transaction() as repo:
        if repo.user("console", user) is None:
            _fill(repo, user, now)
    return store


def _fill(repo, user: str, now: datetime) -> None:
    repo.import_units(UNITS)
    current = periods.quarter_of(now.date())
    previous = current.previous_quarter()
    for period in (previous, current):
        if repo.round_by_period("xa", period.code) is None:
            start, end = period.cutoff
            repo.open_round("xa", period.code, start, end, period.default_deadline, now)
    last = repo.round_by_period("xa", previous.code)
    unit = repo.unit_by_code(OFFICER_UNIT)
    submission = repo.submission(last.id, unit.id)
    if not repo.answers(submission.id):
        template = catalog.load("xa")
        report = recompute(
            Report(
                template, unit.name, previous.label, last.deadline, seed_values(SON_TRUNG_2024_Q3)
            )
        )
        for code, answer in report.answers.items():
            repo.save_answer(submission.id, code, encode(answer.value), answer.skipped, None, now)
        for code, note in SON_TRUNG_NOTES.items():
            repo.save_note(submission.id, code, note, None, now)
        repo.set_status(submission.id, "submitted", None, now - timedelta(days=60))
        repo.close_round(last.id)
    invite = repo.create_invite(OFFICER_UNIT, "officer", now, timedelta(days=1))
    repo.redeem_invite(invite.code, "console", user, user, now)


def officer_unit_name(store: Store, user: str) -> str:
    with store.transaction() as repo:
        account = repo.user("console", user)
        assert account is not None and account.id is not None
        return repo.memberships(account.id)[0][1].name


def welcome(unit_name: str, user: str) -> str:
    return texts.demo_welcome(unit_name, user)
