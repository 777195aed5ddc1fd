"""Who may see which unit: a reviewer or admin sees its own unit and every unit below it.

Each request asks again, from the memberships as they are now, so a revoked role stops
working on its next message or page, in the chat and on the web alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage import templates
from storage.models import Role, Round, Unit
from storage.repository import Repository

REVIEWING = (Role.REVIEWER, Role.ADMIN)


@dataclass(frozen=True)
class Scope:
    """One round as a reviewer sees it: the units below it that file that template."""

    round: Round
    top: Unit
    units: list[Unit]


def reviewer_tops(repo: Repository, user_id: int) -> list[Unit]:
    """The units a person reviews (as reviewer or admin); empty for an officer."""
    return [u for m, u in repo.memberships(user_id) if m.role in REVIEWING]


def visible(repo: Repository, tops: list[Unit]) -> list[Unit]:
    """The reviewer's own units and everything below them, each once, in code order."""
    seen: dict[int, Unit] = {}
    for top in tops:
        for unit in [top, *repo.descendants(top.id)]:  # type: ignore[arg-type]
            seen.setdefault(unit.id, unit)  # type: ignore[arg-type]
    return sorted(seen.values(), key=lambda u: u.code)


def may_see(repo: Repository, tops: list[Unit], unit_id: int) -> bool:
    return any(u.id == unit_id for u in visible(repo, tops))


def _scope(repo: Repository, top: Unit, round_: Round) -> Scope | None:
    level = templates.level_of(repo, round_)
    units = [u for u in repo.descendants(top.id) if u.level == level]  # type: ignore[arg-type]
    return Scope(round_, top, units) if units else None


def scopes(repo: Repository, top: Unit, rounds: list[Round] | None = None) -> list[Scope]:
    """The open rounds (or the given ones) that units below ``top`` file."""
    chosen = repo.open_rounds() if rounds is None else rounds
    return [s for s in (_scope(repo, top, r) for r in chosen) if s is not None]


def scopes_for_period(repo: Repository, top: Unit, period: str | None) -> list[Scope]:
    """The open rounds when no period is named, else every round of that period."""
    if period is None:
        return scopes(repo, top)
    return scopes(repo, top, [r for r in repo.rounds() if r.period == period])


def scope_of(
    repo: Repository, tops: list[Unit], unit: Unit, round_id: int | None = None
) -> Scope | None:
    """The reviewer's scope holding ``unit`` in an open round (or in round ``round_id``)."""
    rounds = None if round_id is None else [repo.round(round_id)]
    for top in tops:
        for scope in scopes(repo, top, rounds):
            if any(u.id == unit.id for u in scope.units):
                return scope
    return None
