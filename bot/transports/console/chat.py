"""The console transport: the same conversation as Telegram, read from stdin, printed to stdout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.chat.conversations import Conversations, Sender
from bot.chat.text_chat import render
from flows import texts
from flows.engine import Command, Reply, parse_event

QUIT = {"/thoat", "/quit", "/exit"}


def run(
    conversations: Conversations,
    user: str,
    *,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    greeting: str | None = None,
    files: Path = Path("data/files"),
) -> None:
    sender = Sender("console", user, user)
    if greeting:
        write(greeting)

    def show(replies: list[Reply]) -> None:
        for reply in replies:
            write(render(reply))
            if reply.attachment:  # no chat app to hand the file to: leave it on disk
                document = conversations.document(reply.attachment)
                files.mkdir(parents=True, exist_ok=True)
                path = files / document.filename
                path.write_bytes(document.data)
                write(texts.file_saved(str(path)))
            write("")

    show(conversations.handle(sender, Command("baocao")).replies)
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
        show(conversations.handle(sender, parse_event(line)).replies)
    write(texts.CONSOLE_BYE)
