"""Seed 000's Word draft, built the way production sends it (shared by the draft's tests).

Stored answers, with seed 000's 90,9 slip for I.2 among them, go through exports/data (which
recomputes ratios), then the narrative builder, then the Word writer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.transports.console.demo import SON_TRUNG_2024_Q3, SON_TRUNG_NOTES, seed_values
from exports.data import RoundInfo, Stored, UnitInfo, build_unit_report
from exports.draft_data import Previous, UnitDraftData
from exports.report_docx import unit_draft_bytes
from flows import answers, catalog

XA = catalog.load("xa")
ROUND = RoundInfo(
    "xa", "2024-Q3", "Quý III/2024", date(2024, 9, 20), (date(2024, 6, 15), date(2024, 9, 14))
)


def son_trung_draft(
    previous: Previous | None = None, extra: dict[str, Stored] | None = None
) -> bytes:
    stored = {
        code: Stored(answers.encode(a.value), a.skipped, SON_TRUNG_NOTES.get(code))
        for code, a in seed_values(SON_TRUNG_2024_Q3).items()
    }
    stored["I.2"] = Stored("90.9")  # what seed 000's appendix printed for 35 of 37
    stored.update(extra or {})
    report = build_unit_report(
        XA,
        UnitInfo("SONTRUNG", "Xã Sơn Trung", "xa"),
        ROUND,
        stored,
        status="submitted",
        submitted_at=datetime(2024, 9, 18, 3, 0, tzinfo=UTC),
        submitted_by="Đinh Văn Hùng",
    )
    superior = UnitInfo("SONHA", "Huyện Sơn Hà", "huyen")
    return unit_draft_bytes(UnitDraftData(report, previous or Previous({}), superior))
