"""Notices that must reach someone: sent at once, retried from the outbox until they arrive.

A reviewer must hear of every submission and an officer of every returned report, even if the
process dies right after the commit or Telegram fails for a while. The conversation writes each
notice to the outbox in the transaction that caused it (bot/chat/conversations); the transport
delivers it right after replying, and records what became of it here. What failed, or what a
dead process never sent, is picked up by ``sweep``, which the service runs every half minute.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime

from bot.chat.outcome import Notice, reply_from_json, reply_to_json
from storage.db import Store
from storage.models import ReminderStatus
from storage.repository import Repository


def queue(repo: Repository, notices: list[Notice], now: datetime) -> list[Notice]:
    """Into the outbox, in the caller's transaction: committed with what caused them, or not
    at all. The returned notices carry their outbox ids, for delivery right after the commit."""
    if not notices:
        return notices
    ids = repo.enqueue_notices(
        [(n.platform, n.external_id, reply_to_json(n.reply), n.reminder_id) for n in notices], now
    )
    return [replace(n, outbox_id=i) for n, i in zip(notices, ids, strict=True)]


def record(store: Store, results: list[tuple[Notice, str]], now: datetime) -> None:
    """Write what became of each notice: to its outbox row and to its reminder's log row.

    A recipient who blocked the bot is marked, so that reminders skip them until they write.
    """
    with store.transaction() as repo:
        repo.settle_outbox([(n.outbox_id, s) for n, s in results if n.outbox_id is not None], now)
        for notice, status in results:
            if notice.reminder_id is not None:
                repo.finish_reminder(notice.reminder_id, status, now)
            if status == ReminderStatus.BLOCKED:
                user = repo.user(notice.platform, notice.external_id)
                if user is not None and user.id is not None:
                    repo.mark_blocked(user.id, now)


def due(store: Store, platforms: Iterable[str], now: datetime) -> list[Notice]:
    """Claim the notices waiting for delivery by the apps this process runs."""
    with store.transaction() as repo:
        rows = repo.claim_outbox(platforms, now)
    return [
        Notice(r.platform, r.external_id, reply_from_json(r.reply), r.reminder_id, r.id)
        for r in rows
    ]


async def sweep(
    store: Store,
    platforms: Iterable[str],
    deliver_all: Callable[[list[Notice]], Awaitable[None]],
    now: datetime,
) -> int:
    """Deliver what is due; returns how many notices it tried."""
    notices = await asyncio.to_thread(due, store, list(platforms), now)
    if notices:
        await deliver_all(notices)
    return len(notices)
