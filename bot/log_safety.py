"""Keeping bot tokens out of every log line: Bot API URLs, Telegram's and Zalo's, carry them."""

from __future__ import annotations

import logging


class TokenFilter(logging.Filter):
    """Bot API URLs carry the token; no log line may."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = ()
        return True


def protect_logs(token: str) -> None:
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    # httpx logs every request URL at INFO: keep it at WARNING in any case.
    logging.getLogger("httpx").setLevel(logging.WARNING)
