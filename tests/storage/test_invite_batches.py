"""A code for each of a hundred units in one batch, and one live code per unit and role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from storage import invite_batches
from storage.db import Store
from storage.errors import InviteExpired, RepositoryError
from storage.models import Unit

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
TTL = timedelta(days=14)


def communes(store: Store, count: int) -> list[Unit]:
    with store.transaction() as repo:
        repo.import_units(
            [("51", "Quảng Ngãi", "tinh", None)]
            + [(f"{21000 + n:05d}", f"Xã Thứ {n}", "xa", "51") for n in range(count)]
        )
        return [u for u in repo.units("xa")]


def statements_for(store: Store, units: list[Unit]) -> int:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.transaction() as repo:
            invite_batches.create_invites(repo, units, "officer", NOW, TTL)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_hundred_codes_cost_as_many_statements_as_three(store):
    units = communes(store, 100)
    assert statements_for(store, units[:3]) == statements_for(store, units) <= 8


def test_each_unit_gets_its_own_distinct_code_valid_for_the_ttl(store):
    units = communes(store, 50)
    with store.transaction() as repo:
        made = invite_batches.create_invites(repo, units, "officer", NOW, TTL)
    assert [invite.unit_id for invite in made] == [unit.id for unit in units]
    assert len({invite.code for invite in made}) == 50
    assert all(invite.id is not None and invite.expires_at == NOW + TTL for invite in made)


def test_withdrawn_codes_expire_and_are_refused_when_typed(store):
    units = communes(store, 3)
    with store.transaction() as repo:
        [old, *_] = invite_batches.create_invites(repo, units, "officer", NOW, TTL)
    later = NOW + timedelta(hours=1)
    with store.transaction() as repo:
        assert invite_batches.withdraw_unused(repo, [u.id for u in units], "officer", later) == 3
        assert invite_batches.withdraw_unused(repo, [u.id for u in units], "officer", later) == 0
    with store.transaction() as repo, pytest.raises(InviteExpired):
        repo.redeem_invite(old.code, "zalo", "an", "An", later)


def test_a_used_code_is_not_withdrawn(store):
    units = communes(store, 1)
    with store.transaction() as repo:
        [used] = invite_batches.create_invites(repo, units, "officer", NOW, TTL)
        repo.redeem_invite(used.code, "zalo", "an", "An", NOW)
    with store.transaction() as repo:
        assert invite_batches.withdraw_unused(repo, [units[0].id], "officer", NOW) == 0


def test_a_validity_of_zero_is_refused(store):
    units = communes(store, 1)
    with store.transaction() as repo, pytest.raises(RepositoryError, match="lớn hơn 0"):
        invite_batches.create_invites(repo, units, "officer", NOW, timedelta(0))
