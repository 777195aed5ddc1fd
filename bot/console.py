"""The console transport: the same conversation as Telegram, read from stdin, printed to stdout."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversations import Conversations, Sender
from bot.text_chat import render
from flows import texts
from flows.engine import Command, parse_event

QUIT = {"/thoat", "/quit", "/exit"}


def run(
    conversations: Conversations,
    user: str,
    *,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    greeting: str | None = None,
) -> None:
    sender = Sender("console", user, user)
    if greeting:
        write(greeting)
    _show(conversations.handle(sender, Command("baocao")).replies, write)
    while True:
        try:
            line = read("> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            break
        if line.strip().lower() in QUIT:
            break
        if not line.strip():
            continue
        _show(conversations.handle(sender, parse_event(line)).replies, write)
    write(texts.CONSOLE_BYE)


def _show(replies, write: Callable[[str], None]) -> None:
    for reply in replies:
        write(render(reply))
        write("")
