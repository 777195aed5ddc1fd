"""How an engine reply fits Telegram: messages under 4,096 characters, buttons in rows.

Pure functions, so the limits are tested without a network: Telegram counts a message's length
in UTF-16 code units, and callback data in bytes (at most 64).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from flows.engine import Option

MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64
SHORT_LABEL = 18  # two short buttons share a row on a phone; longer ones get their own


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut at line breaks where possible (a review splits between sections, not mid-line)."""
    if utf16_len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while utf16_len(line) > limit:
            head = _prefix_within(line, limit)
            chunks.append(head)
            line = line[len(head) :]
        current = line
    if current or not chunks:
        chunks.append(current)
    return chunks


def _prefix_within(line: str, limit: int) -> str:
    """The longest prefix within the limit, not splitting a surrogate pair (emoji)."""
    size = 0
    for index, ch in enumerate(line):
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > limit:
            return line[:index]
    return line


def keyboard(options: tuple[Option, ...]) -> InlineKeyboardMarkup | None:
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
    return InlineKeyboardMarkup(rows)


def pressed_label(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
