"""The Telegram benchmark's baseline: a bare python-telegram-bot bot that echoes each message.

It runs in a process of its own, as ``cchc-bot run`` does, so that the two bots are measured
alike (CPU and memory of their own process, their own interpreter and GIL) and what CCHC Bot
costs on top of the library and the Telegram round trip is the difference. Same client settings
as the product's benchmark has always used for it: 64 concurrent updates, a pool of 64
connections, long polling without pause. It stops on SIGTERM or SIGINT.

It reads the product's own variables, TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL (up to and
with ``/bot``), so one environment serves both bots and the token is not on a command line.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT/bot \
        .venv/bin/python bench/echo_bot.py
"""

from __future__ import annotations

import argparse
import os

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The least a bot can do for a message: send its text back."""
    assert update.message is not None and update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, update.message.text or "")


def build(base_url: str, token: str) -> Application:
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_url.removesuffix("/bot") + "/file/bot")
        .concurrent_updates(64)
        .connection_pool_size(64)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poll-timeout", type=int, default=10, help="as cchc-bot run's")
    args = parser.parse_args()
    application = build(os.environ["TELEGRAM_API_BASE_URL"], os.environ["TELEGRAM_BOT_TOKEN"])
    application.run_polling(poll_interval=0.0, timeout=args.poll_timeout)


if __name__ == "__main__":
    main()
