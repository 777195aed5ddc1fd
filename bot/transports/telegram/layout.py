"""How an engine reply fits Telegram: messages under 4,096 characters, buttons in rows.

Pure functions, so the limits are tested without a network: Telegram counts a message's length
in UTF-16 code units, and callback data in bytes (at most 64).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat.message_split import split_text
from flows.engine import Option

MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64
SHORT_LABEL = 18  # two short buttons share a row on a phone; longer ones get their own


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    return split_text(text, limit)


class Keyboard(InlineKeyboardMarkup):
    """A keyboard that keeps its own JSON form: one is built per set of options and sent with
    every reply that offers them, and building and serialising a PTB keyboard cost about 80 µs a
    reply (python-telegram-bot's objects are frozen, so the kept form cannot go stale)."""

    __slots__ = ("_as_dict",)

    def __init__(self, rows: list[list[InlineKeyboardButton]]) -> None:
        super().__init__(rows)
        object.__setattr__(self, "_as_dict", super().to_dict())

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        # PTB only serialises what it gets (RequestParameter). The copy is one level deep: a
        # caller that replaced a key would not change the next request; the rows are shared.
        return dict(self._as_dict) if recursive else super().to_dict(recursive)


@lru_cache(maxsize=4096)
def keyboard(options: tuple[Option, ...]) -> InlineKeyboardMarkup | None:
    """The buttons for a reply's options, the same object each time the same options come."""
    if not options:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    pending: list[InlineKeyboardButton] = []
    for option in options:
        if len(option.id.encode()) > CALLBACK_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes: {option.id}")
        button = InlineKeyboardButton(option.label, callback_data=option.id)
        if option.key is not None or len(option.label) > SHORT_LABEL:
            rows.append([button])  # coded answers and long labels read best one per row
            continue
        pending.append(button)
        if len(pending) == 2:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    return Keyboard(rows)


def pressed_label(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
