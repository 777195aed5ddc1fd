"""Seed 000 (Xã Sơn Trung, Quý III/2024) as it must be stored after an officer files it."""

from __future__ import annotations

from decimal import Decimal

from bot.transports.console.demo import SON_TRUNG_2024_Q3, seed_values
from flows import answers, catalog, formulas
from storage.db import Store
from storage.models import Answer, AnswerChange, Submission

XA = catalog.load("xa")

# Ratios as seed 000's parts make them (the seed prints 90,9 for I.2, and 95,45 / 100 for
# VII.6.3 / VII.6.4, which its own parts contradict).
EXPECTED_RATIOS = {
    "I.2": Decimal("94.59"),
    "I.3.2": None,
    "III.2.1": Decimal("99.37"),
    "III.2.4": None,
    "VI.1": Decimal("79.92"),
    "VII.6.1": Decimal("100.00"),
    "VII.6.2": Decimal("100.00"),
    "VII.6.3": Decimal("93.18"),
    "VII.6.4": Decimal("88.06"),
    "VII.6.5": Decimal("100.00"),
}


def stored_report(
    store: Store, period: str = "2024-Q3", unit: str = "SONTRUNG"
) -> tuple[Submission, dict[str, Answer], list[AnswerChange]]:
    with store.transaction() as repo:
        round_ = repo.round_by_period("xa", period)
        found = repo.unit_by_code(unit)
        assert round_ is not None and found is not None
        submission = repo.submission(round_.id, found.id, create=False)  # type: ignore[arg-type]
        assert submission is not None and submission.id is not None
        return submission, repo.answers(submission.id), repo.history(submission.id)


def assert_seed_000_stored(stored: dict[str, Answer]) -> None:
    """Every asked value and skip as in the seed, the note, and every ratio equal to its parts."""
    expected = seed_values(SON_TRUNG_2024_Q3)
    for ind in XA.asked:
        row = stored[ind.code]
        assert answers.decode(ind, row.value) == expected[ind.code].value, ind.code
        assert row.skipped == expected[ind.code].skipped, ind.code
    assert stored["I.3.1"].note == "VHXH, TP-HT"
    for code, ratio in EXPECTED_RATIOS.items():
        ind = XA.by_code[code]
        value = answers.decode(ind, stored[code].value) if code in stored else None
        assert value == ratio, code
        parts = {
            c: answers.decode(XA.by_code[c], stored[c].value)
            for c in formulas.references(ind.formula)
        }
        assert value == formulas.evaluate(ind.formula, parts.get), code


def officer_lines() -> list[str]:
    """What the officer types for each question, in order, with a slip, a skip and a note."""
    lines: list[str] = []
    for ind in XA.asked:
        typed = SON_TRUNG_2024_Q3[ind.code]
        if ind.code == "I.4.1":
            lines.append("8")  # a slip, corrected with /sua at the end
            continue
        if ind.code == "III.2.3":
            lines.append("800")  # refused: more on time than solved
        if typed is None:
            lines.append("bỏ qua")
        else:
            lines.append(typed)
        if ind.code == "I.3.1":
            lines.append("/ghichu VHXH, TP-HT")  # right after the answer: a note on it
    return [*lines, "/sua I.4.1", "7", "/xem", "/nop", "1"]
