"""The `cchc-bot` command line."""

from __future__ import annotations

import sys

import typer

from bot.cli.main import app
from flows import safe_text

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """The `cchc-bot` entry point: every word typed passes the same door as chat messages.

    A control character (an ESC that recolours the terminal, say) is refused before any
    command runs, and never echoed back; files a command reads are checked as they are read.
    """
    words = sys.argv[1:] if argv is None else argv
    for position, word in enumerate(words, 1):
        checked = safe_text.check(word) if word.strip() else None
        if isinstance(checked, safe_text.Refused) and checked.problem is safe_text.Problem.CONTROL:
            typer.echo(
                f"Lỗi: tham số thứ {position} có ký tự điều khiển không in được "
                f"({checked.code_point}); hãy gõ lại.",
                err=True,
            )
            raise SystemExit(1)
    app(args=words)
