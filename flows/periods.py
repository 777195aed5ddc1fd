"""Reporting periods and their data cut-off windows (Decree 09/2019/NĐ-CP, Article 12).

A quarter's figures run from the 15th of the month before the quarter to the 14th of its last
month; 6-month, 9-month and yearly reports start on 15 December of the year before. Deadlines
are set locally, so only a default is offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flows import texts

PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>Q[1-4]|H1|9M|Y))?$")

DEFAULT_DEADLINE_DAYS_AFTER_CUTOFF = 6  # 14th → 20th, the deadline most provinces set


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "Q1".."Q4", "H1", "9M", "Y"

    @property
    def code(self) -> str:
        return f"{self.year}-{self.kind}"

    @property
    def label(self) -> str:
        if self.kind.startswith("Q"):
            return texts.quarter_label(self.year, int(self.kind[1]))
        if self.kind == "H1":
            return texts.half_label(self.year)
        if self.kind == "9M":
            return texts.nine_months_label(self.year)
        return texts.year_label(self.year)

    @property
    def last_month(self) -> int:
        if self.kind.startswith("Q"):
            return int(self.kind[1]) * 3
        return {"H1": 6, "9M": 9, "Y": 12}[self.kind]

    @property
    def cutoff(self) -> tuple[date, date]:
        end = date(self.year, self.last_month, 14)
        if self.kind.startswith("Q"):
            first_month = self.last_month - 2
            start = _fifteenth_of_month_before(self.year, first_month)
        else:
            start = date(self.year - 1, 12, 15)
        return start, end

    @property
    def default_deadline(self) -> date:
        return self.cutoff[1] + timedelta(days=DEFAULT_DEADLINE_DAYS_AFTER_CUTOFF)

    def previous_quarter(self) -> Period:
        if not self.kind.startswith("Q"):
            raise ValueError("only quarters have a previous quarter")
        q = int(self.kind[1])
        return Period(self.year - 1, "Q4") if q == 1 else Period(self.year, f"Q{q - 1}")


def _fifteenth_of_month_before(year: int, month: int) -> date:
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def parse(text: str) -> Period:
    """'2024-Q3', '2024-H1' (6 tháng), '2024-9M' (9 tháng), '2024-Y' or '2024' (năm)."""
    m = PATTERN.match(text.strip().upper())
    if not m:
        raise ValueError(
            f"Kỳ báo cáo '{text}' không hợp lệ. Dùng 2024-Q3 (quý), 2024-H1 (6 tháng), "
            "2024-9M (9 tháng) hoặc 2024-Y (năm)."
        )
    return Period(int(m["year"]), m["kind"] or "Y")


def quarter_of(day: date) -> Period:
    """The quarter whose cut-off window contains ``day`` (15 Dec belongs to next year's Q1)."""
    for candidate in (Period(day.year, f"Q{q}") for q in range(1, 5)):
        start, end = candidate.cutoff
        if start <= day <= end:
            return candidate
    return Period(day.year + 1, "Q1")
