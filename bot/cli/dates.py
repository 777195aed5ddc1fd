"""Dates as admins type them: 20/09/2024 the Vietnamese way, or 2024-09-20 (ISO)."""

from __future__ import annotations

import re
from datetime import date

FORMATS = "ngày/tháng/năm như 20/09/2024, hoặc 2024-09-20"
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse(text: str, what: str) -> date:
    """The date ``text`` names; a ValueError says, in Vietnamese, what to type instead.

    Day first with "/" (or "." or "-") is how dates are written in Vietnam; the year-first ISO
    form is kept for scripts. Two-digit years are refused: 20/09/24 could be read either way.
    """
    cleaned = text.strip()
    if match := DAY_FIRST.match(cleaned):
        day, month, year = (int(part) for part in match.groups())
    elif match := ISO.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(f"{what} '{text}' không đúng dạng ngày: viết {FORMATS}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"{what} '{text}' không có trên lịch (ngày {day}, tháng {month}, năm {year})."
        ) from None
