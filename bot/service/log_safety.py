"""Keeping secrets out of every log line, at every level.

Bot API URLs carry the bot's token (Telegram's and Zalo's), and at DEBUG python-telegram-bot
logs each call's parameters, setWebhook's secret_token among them: with it anyone could post
forged updates. So every record that reaches a handler is checked, after its message and any
traceback are rendered, for every secret the deployment holds (tokens, webhook secrets, the
download signing key, a database password), as written and as URL-encoded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

HIDDEN = "<bí mật>"
MIN_SECRET = 6  # shorter strings would blank out ordinary words


class SecretFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = {form for s in secrets if len(s) >= MIN_SECRET for form in (s, quote(s, safe=""))}
        self.secrets = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = self._hide(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._hide(record.exc_text)
        if record.stack_info:
            record.stack_info = self._hide(record.stack_info)
        return True

    def _hide(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, HIDDEN)
        return text


def protect_logs(secrets: Iterable[str]) -> None:
    """Filter every handler of the root logger, where every library's records end up."""
    secret_filter = SecretFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(secret_filter)
    # httpx logs every request URL at INFO: keep it at WARNING in any case.
    logging.getLogger("httpx").setLevel(logging.WARNING)
