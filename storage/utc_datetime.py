"""A datetime column that always hands back aware UTC values, whatever the database.

PostgreSQL keeps the instant but returns it in the session's time zone; SQLite keeps no offset at
all. Normalising at the column means no caller ever compares a naive time with an aware one, and
rejecting naive input stops a local wall-clock time from being stored as if it were UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def as_utc(value: datetime) -> datetime:
    """Refuse naive datetimes: their offset is a guess, and a wrong guess shifts a deadline."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} given; pass a timezone-aware one")
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # Only SQLite gets here, and it holds exactly what process_bind_param wrote: UTC.
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
