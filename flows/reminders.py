"""When reminders fall due: pure arithmetic on a round's dates and the deployment's policy.

Reminders are data, not jobs: each round has a fixed ladder of steps (on opening; 7, 3 and 1
days before the deadline; on the day; then daily once late). At any moment only the latest
step already due matters, so a bot that was down sends that one step once, not the backlog,
and a step is identified by its key so that it is claimed, and sent, at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OPEN = "open"


@dataclass(frozen=True)
class Policy:
    at: time = time(8, 0)  # local time of day for dated steps
    days_before: tuple[int, ...] = (7, 3, 1, 0)
    quiet_start: time = time(21, 0)  # nothing is sent from quiet_start …
    quiet_end: time = time(7, 0)  # … to quiet_end, overnight when start > end


@dataclass(frozen=True, order=True)
class Step:
    due: datetime
    key: str
    late: bool = False


def quiet(now: datetime, policy: Policy, zone: ZoneInfo) -> bool:
    local = now.astimezone(zone).time()
    start, end = policy.quiet_start, policy.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def steps(
    opened_at: datetime, deadline: date, until: date, policy: Policy, zone: ZoneInfo
) -> list[Step]:
    """The round's ladder up to ``until`` (local date), in due order."""
    ladder = [Step(opened_at, OPEN)]
    for days in policy.days_before:
        day = deadline - timedelta(days=days)
        ladder.append(Step(_at(day, policy, zone), f"d-{days}"))
    day = deadline + timedelta(days=1)
    while day <= until:
        ladder.append(Step(_at(day, policy, zone), f"late:{day.isoformat()}", late=True))
        day += timedelta(days=1)
    return sorted(ladder)


def latest_due(
    opened_at: datetime, deadline: date, now: datetime, policy: Policy, zone: ZoneInfo
) -> Step | None:
    """The step to send now (if not sent yet), or None before the round opens."""
    if now < opened_at:
        return None
    due = [
        s
        for s in steps(opened_at, deadline, now.astimezone(zone).date(), policy, zone)
        if s.due <= now
    ]
    return due[-1] if due else None


def digest_key(step: Step) -> str:
    """The reviewers' digest goes with each daily late step, at the same time of day."""
    return "digest:" + step.key.removeprefix("late:")


def _at(day: date, policy: Policy, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, policy.at, tzinfo=zone)


def parse_clock(text: str) -> time:
    """'08:00' → 08:00; settings are written as local wall-clock times."""
    hours, _, minutes = text.strip().partition(":")
    return time(int(hours), int(minutes or 0))
