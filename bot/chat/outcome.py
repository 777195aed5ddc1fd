"""What handling one incoming message produced: replies to the sender, notices to others."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flows.engine import Option, Reply


class RecipientBlocked(Exception):
    """The person blocked the bot; transports raise it so callers can stop writing to them."""


@dataclass(frozen=True)
class Notice:
    """A message for someone other than the sender (a reviewer told that a unit submitted)."""

    platform: str
    external_id: str
    reply: Reply
    reminder_id: int | None = None  # a claimed reminder: its log row records the delivery
    outbox_id: int | None = None  # its row in the outbox, which records the delivery


@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    notices: list[Notice] = field(default_factory=list)
    repeated: bool = False  # a redelivered update: nothing applied, the first replies again
    registered_role: str | None = None  # set when this message bound the sender to a unit
    stale_press: bool = False  # a button of a question no longer on screen: nothing was done


def replies_to_json(replies: list[Reply]) -> str:
    """Every field, the file a reply carries among them: a redelivery gets the file again."""
    return json.dumps([_reply_dict(r) for r in replies], ensure_ascii=False)


def _reply_dict(reply: Reply) -> dict[str, Any]:
    """As dataclasses.asdict, written out: every update's replies are stored this way."""
    return {
        "text": reply.text,
        "options": [{"id": o.id, "label": o.label, "key": o.key} for o in reply.options],
        "asks": reply.asks,
        "attachment": reply.attachment,
    }


def replies_from_json(data: str) -> list[Reply]:
    if not data:
        return []
    return [_reply(r) for r in json.loads(data)]


def reply_to_json(reply: Reply) -> str:
    return json.dumps(_reply_dict(reply), ensure_ascii=False)


def reply_from_json(data: str) -> Reply:
    return _reply(json.loads(data))


def _reply(r: dict[str, Any]) -> Reply:
    return Reply(
        r["text"],
        tuple(Option(**o) for o in r.get("options", ())),
        r.get("asks", False),
        r.get("attachment"),
    )
