"""Invite codes: how an officer's chat account gets bound to their commune."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from storage.db import Store
from storage.errors import InviteError, InviteExpired, InviteUnknown, InviteUsed
from storage.models import Membership, User

NOW = datetime(2024, 9, 16, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_invite_code_is_prefixed_and_unambiguous(store: Store, units: dict[str, int]) -> None:
    with store.transaction() as repo:
        codes = {repo.create_invite("SONTRUNG", "officer", NOW, DAY).code for _ in range(50)}
    assert len(codes) == 50
    assert all(re.fullmatch(r"CCHC-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code) for code in codes)


def test_redeem_binds_the_user_to_the_invite_unit_and_role(
    store: Store, units: dict[str, int]
) -> None:
    with store.transaction() as repo:
        code = repo.create_invite("SONTRUNG", "officer", NOW, DAY).code
    typed = f"  {code.lower()} "
    with store.transaction() as repo:
        user, membership, unit = repo.redeem_invite(
            typed, "telegram", "5550001", "Đinh Văn Hùng", NOW
        )
    assert unit.code == "SONTRUNG"
    assert (membership.role, membership.unit_id) == ("officer", units["SONTRUNG"])
    with store.transaction() as repo:
        found = repo.user("telegram", "5550001")
        assert found is not None and found.id == user.id
        assert found.display_name == "Đinh Văn Hùng"
        assert [(m.role, u.code) for m, u in repo.memberships(user.id or 0)] == [
            ("officer", "SONTRUNG")
        ]
        assert [m.id for m in repo.members(units["SONTRUNG"], "officer")] == [user.id]


@pytest.mark.parametrize(
    ("case", "error"),
    [("unknown", InviteUnknown), ("used", InviteUsed), ("expired", InviteExpired)],
)
def test_refused_invite_binds_nothing(
    store: Store, units: dict[str, int], case: str, error: type[InviteError]
) -> None:
    with store.transaction() as repo:
        code = repo.create_invite("SONTRUNG", "officer", NOW, DAY).code
        if case == "used":
            repo.redeem_invite(code, "telegram", "5550001", "Đinh Văn Hùng", NOW)
    typed = "CCHC-ZZZZZZ" if case == "unknown" else code
    when = NOW + 2 * DAY if case == "expired" else NOW + timedelta(hours=1)
    # The chat catches the refusal inside its transaction and commits: still nothing is bound.
    with store.transaction() as repo, pytest.raises(error):
        repo.redeem_invite(typed, "zalo", "84905000111", "Phạm Thị Lan", when)
    with store.transaction() as repo:
        assert repo.user("zalo", "84905000111") is None
        users = repo.session.exec(select(User)).all()
        memberships = repo.session.exec(select(Membership)).all()
    assert len(users) == len(memberships) == (1 if case == "used" else 0)


def test_redeeming_as_an_already_bound_user_updates_the_role(
    store: Store, units: dict[str, int]
) -> None:
    with store.transaction() as repo:
        first = repo.create_invite("SONTRUNG", "officer", NOW, DAY).code
        second = repo.create_invite("SONTRUNG", "reviewer", NOW, DAY).code
    with store.transaction() as repo:
        user, _, _ = repo.redeem_invite(first, "telegram", "5550001", "Hùng", NOW)
    with store.transaction() as repo:
        again, membership, _ = repo.redeem_invite(
            second, "telegram", "5550001", "Đinh Văn Hùng", NOW
        )
    assert again.id == user.id
    with store.transaction() as repo:
        assert [(m.id, m.role) for m, _ in repo.memberships(user.id or 0)] == [
            (membership.id, "reviewer")
        ]
        found = repo.user("telegram", "5550001")
        assert found is not None and found.display_name == "Đinh Văn Hùng"


def test_sending_ones_own_used_code_again_returns_the_same_binding(
    store: Store, units: dict[str, int]
) -> None:
    with store.transaction() as repo:
        code = repo.create_invite("SONTRUNG", "officer", NOW, DAY).code
    with store.transaction() as repo:
        user, membership, _ = repo.redeem_invite(code, "telegram", "5550001", "Hùng", NOW)
    with store.transaction() as repo:
        again, same, unit = repo.redeem_invite(code, "telegram", "5550001", "Hùng", NOW + DAY)
    assert (again.id, same.id, unit.code) == (user.id, membership.id, "SONTRUNG")
