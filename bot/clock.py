"""The one clock every part of the shell reads, so tests can set the time in one place."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
