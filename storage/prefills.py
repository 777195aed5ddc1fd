"""Last period's report from a hand-made appendix: where it goes, and the rule that keeps
what is already in the bot.

Both skins call this: `cchc-bot prefill` stores at once, the chat holds the figures read from
an officer's file until the officer presses "Lưu" (a row of pending_prefills, so the press
may reach another bot process). A report that already holds figures is never overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlmodel import col, select

from flows import periods
from storage import templates
from storage.errors import RepositoryError
from storage.models import PendingPrefill, Round, SubmissionStatus, Unit
from storage.repository import Repository
from storage.utc_datetime import as_utc


class PrefillRefused(RepositoryError):
    """Nothing was stored; the message says why, in Vietnamese."""


def round_for(repo: Repository, template_id: str, period: periods.Period, now: datetime) -> Round:
    """The round of that period: the one the bot has, else opened and closed at once, as history
    (at the template's version current now)."""
    if template_id not in templates.known(repo):
        raise PrefillRefused(f"không có biểu mẫu '{template_id}' (xem: cchc-bot template list).")
    found = repo.round_by_period(template_id, period.code)
    if found is not None:
        return found
    start, end = period.cutoff
    opened = repo.open_round(template_id, period.code, start, end, period.default_deadline, now)
    repo.close_round(opened.id)  # type: ignore[arg-type]
    return opened


def store(
    repo: Repository, unit: Unit, round_: Round, values: Mapping[str, str | None], now: datetime
) -> int:
    """Store ``values`` (code → stored text) as the unit's submitted report for the round."""
    if templates.level_of(repo, round_) != unit.level:
        raise PrefillRefused(f"biểu '{round_.template}' không dành cho cấp của {unit.name}.")
    submission = repo.submission(round_.id, unit.id)  # type: ignore[arg-type]
    assert submission is not None and submission.id is not None
    existing = [a for a in repo.answers(submission.id).values() if a.value is not None]
    if existing:
        raise PrefillRefused(
            f"{unit.name} đã có {len(existing)} chỉ tiêu kỳ {round_.period} trong bot; "
            "không ghi đè (số liệu đã nhập được giữ nguyên)."
        )
    repo.save_answers(submission.id, [(c, v, False) for c, v in values.items()], None, now)
    repo.set_status(submission.id, SubmissionStatus.SUBMITTED.value, None, now)
    return len(values)


# --- held in the chat until confirmed -----------------------------------------------------------
def hold(
    repo: Repository,
    user_id: int,
    unit_id: int,
    template_id: str,
    period: str,
    values: Mapping[str, str | None],
    now: datetime,
) -> int:
    """Keep the figures read from a file; an earlier file of the same person is forgotten."""
    for earlier in repo.session.exec(
        select(PendingPrefill).where(PendingPrefill.user_id == user_id)
    ):
        repo.session.delete(earlier)
    row = PendingPrefill(
        user_id=user_id,
        unit_id=unit_id,
        template=template_id,
        period=period,
        body=json.dumps(dict(values), ensure_ascii=False),
        created_at=as_utc(now),
    )
    repo.session.add(row)
    repo.session.flush()
    assert row.id is not None
    return row.id


def take(repo: Repository, pending_id: int, user_id: int) -> tuple[PendingPrefill, dict] | None:
    """The held figures, removed from the hold; None if already taken or not this person's."""
    query = select(PendingPrefill).where(
        col(PendingPrefill.id) == pending_id, PendingPrefill.user_id == user_id
    )
    row = repo.session.exec(query.with_for_update()).first()
    if row is None:
        return None
    repo.session.delete(row)
    repo.session.flush()
    return row, json.loads(row.body)
