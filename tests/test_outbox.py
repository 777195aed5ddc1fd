"""Notices wait in the outbox until delivered: retried with a growing pause, taken over from a
process that died, never sent by two processes at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.chat import outbox
from bot.chat.delivery import Hub
from bot.chat.outcome import Notice, RecipientBlocked, reply_to_json
from flows.engine import Reply
from storage.db import Store

NOW = datetime(2024, 9, 20, 2, 0, tzinfo=UTC)
NOTICE = Reply("📥 Xã Sơn Trung đã nộp báo cáo Quý III/2024.")


class App:
    """A chat app that fails the first ``failures`` sends, then delivers."""

    def __init__(self, failures: int = 0, blocked: bool = False) -> None:
        self.failures = failures
        self.blocked = blocked
        self.delivered: list[str] = []

    async def __call__(self, notice: Notice) -> None:
        if self.blocked:
            raise RecipientBlocked(notice.external_id)
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Telegram is down")
        self.delivered.append(notice.external_id)


def enqueue(store: Store, *who: str) -> list[int]:
    with store.transaction() as repo:
        return repo.enqueue_notices(
            [("telegram", w, reply_to_json(NOTICE), None) for w in who], NOW
        )


def hub_for(store: Store, app: App, clock: list[datetime]) -> Hub:
    async def record(results):
        outbox.record(store, results, clock[0])

    hub = Hub(record=record)
    hub.add("telegram", app)
    return hub


def statuses(store: Store) -> list[tuple[str, int]]:
    with store.transaction() as repo:
        return [(row.status, row.attempts) for row in repo.outbox()]


def sweep(store: Store, hub: Hub, at: datetime) -> int:
    return asyncio.run(outbox.sweep(store, ["telegram"], hub.deliver_all, at))


def test_a_failed_notice_is_retried_after_a_pause_and_then_delivered(store: Store) -> None:
    clock = [NOW]
    app = App(failures=1)
    hub = hub_for(store, app, clock)
    [outbox_id] = enqueue(store, "chi")
    asyncio.run(hub.deliver_all([Notice("telegram", "chi", NOTICE, outbox_id=outbox_id)]))
    assert statuses(store) == [("pending", 1)]
    assert sweep(store, hub, NOW + timedelta(seconds=30)) == 0  # not yet: a minute's pause
    clock[0] = NOW + timedelta(seconds=61)
    assert sweep(store, hub, clock[0]) == 1
    assert app.delivered == ["chi"]
    assert statuses(store) == [("sent", 2)]


def test_a_notice_its_writer_never_sent_is_taken_over_once_the_lease_ends(store: Store) -> None:
    enqueue(store, "chi", "lan")  # the process that wrote them died before sending
    app = App()
    hub = hub_for(store, app, [NOW])
    assert sweep(store, hub, NOW + timedelta(seconds=10)) == 0  # the writer's lease holds
    assert sweep(store, hub, NOW + timedelta(minutes=2)) == 2
    assert sorted(app.delivered) == ["chi", "lan"]
    assert statuses(store) == [("sent", 1), ("sent", 1)]


def test_two_sweeps_at_once_never_send_a_notice_twice(store: Store) -> None:
    enqueue(store, *[f"r{n}" for n in range(20)])
    later = NOW + timedelta(minutes=2)
    first = outbox.due(store, ["telegram"], later)
    second = outbox.due(store, ["telegram"], later)
    assert len(first) == 20 and second == []


def test_a_recipient_who_blocked_the_bot_is_not_retried(store: Store) -> None:
    with store.transaction() as repo:
        repo.import_units([("QNG", "Tỉnh Quảng Ngãi", "tinh", None)])
        code = repo.create_invite("QNG", "reviewer", NOW, timedelta(days=1)).code
        repo.redeem_invite(code, "telegram", "chi", "Chi", NOW)
    [outbox_id] = enqueue(store, "chi")
    hub = hub_for(store, App(blocked=True), [NOW])
    asyncio.run(hub.deliver_all([Notice("telegram", "chi", NOTICE, outbox_id=outbox_id)]))
    assert statuses(store) == [("blocked", 1)]
    with store.transaction() as repo:
        assert repo.user("telegram", "chi").blocked_at is not None


def test_after_every_attempt_a_notice_is_given_up(store: Store) -> None:
    [outbox_id] = enqueue(store, "chi")
    with store.transaction() as repo:
        for n in range(30):
            repo.settle_outbox([(outbox_id, "failed")], NOW + timedelta(hours=n))
    assert statuses(store) == [("failed", 30)]


@pytest.mark.parametrize("platforms", [["zalo"]])
def test_a_process_only_takes_notices_for_the_apps_it_runs(store: Store, platforms) -> None:
    enqueue(store, "chi")
    assert outbox.due(store, platforms, NOW + timedelta(minutes=2)) == []
