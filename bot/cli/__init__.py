"""The `cchc-bot` command line."""

from bot.cli.main import app

__all__ = ["app"]
