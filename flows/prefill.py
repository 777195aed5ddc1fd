"""Last period's figures from the appendix a unit filled in by hand, matched to a template.

A commune's first round in the bot should already show "Kỳ trước" and carry over its stock
figures, so the appendix it sent last period (the same layout, typed in Excel) is read row by
row. A row is matched by its code — the sheet's own numbering, fixed the way the importer
fixes it (flows/template_inference) — when its label agrees; else by its label alone, so a
sheet that numbers differently, or has a row more or less, still matches what it can. What
cannot be matched or read is listed, never guessed; computed ratios are recomputed from their
parts, and a sheet's own ratio that disagrees is named (seed 000 printed 90,9 % for 35/37).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher

from flows import answers, engine, template_inference, texts
from flows.answers import Accepted, Rejected, Value
from flows.catalog import Indicator, Kind, Template
from flows.template_inference import SheetRow

SAME_CODE_LIKENESS = 0.6  # a label a little reworded, under the same number
LABEL_ONLY_LIKENESS = 0.9  # without the number to go by, nearly the same words
RATIO_TOLERANCE = Decimal("0.05")  # the sheet rounded to one decimal, the bot to two


@dataclass(frozen=True)
class Unmatched:
    line: int
    stt: str
    label: str
    value: str


@dataclass(frozen=True)
class Unreadable:
    line: int
    code: str
    typed: str
    why: str


@dataclass(frozen=True)
class RatioDiffers:
    line: int
    code: str
    written: Decimal
    computed: Decimal


@dataclass(frozen=True)
class Prefill:
    values: dict[str, Value]  # by code, computed ratios included (recomputed)
    unmatched: list[Unmatched] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    ratios_differ: list[RatioDiffers] = field(default_factory=list)
    relabelled: list[tuple[int, str]] = field(default_factory=list)  # matched by label, not STT

    def typed(self, template: Template) -> dict[str, Value]:
        """The figures the sheet gave, without the ratios computed from them."""
        return {c: v for c, v in self.values.items() if template.by_code[c].kind.is_asked}


def read_figures(template: Template, rows: Sequence[SheetRow], codes: Mapping[int, str]) -> Prefill:
    """``codes``: the sheet line → code the sheet's own numbering gives (Inferred.codes)."""
    by_label = _labels(template)
    typed: dict[str, Value] = {}
    taken: set[str] = set()  # a row of the form takes one figure of the sheet
    written_ratios: dict[str, tuple[int, Decimal]] = {}
    result = Prefill(values={})
    for row in rows:
        if row.title or row.value is None or row.value == "":
            continue
        shown = str(row.value)
        ind, by_number = _match(template, by_label, row, codes.get(row.line), taken)
        if ind is None:
            result.unmatched.append(Unmatched(row.line, row.stt, row.label, shown))
            continue
        if ind.kind is Kind.GROUP:
            continue  # a heading's figure (seed 002's 3.4): the form asks none
        if not by_number:
            result.relabelled.append((row.line, ind.code))
        value = _value(ind, row.value)
        if isinstance(value, _Refused):
            result.unreadable.append(Unreadable(row.line, ind.code, shown, value.why))
            continue
        taken.add(ind.code)
        if ind.kind is Kind.RATIO_COMPUTED:
            assert isinstance(value, Decimal)
            written_ratios[ind.code] = (row.line, value)
            continue
        typed[ind.code] = value
    report = engine.recompute(
        engine.Report(
            template,
            "",
            "",
            date.min,
            {code: engine.Answer(value) for code, value in typed.items()},
        )
    )
    result.values.update(
        {code: a.value for code, a in report.answers.items() if a.value is not None}
    )
    for code, (line, written) in written_ratios.items():
        computed = result.values.get(code)
        if isinstance(computed, Decimal) and abs(computed - written) > RATIO_TOLERANCE:
            result.ratios_differ.append(RatioDiffers(line, code, written, computed))
    return result


def sheet_codes(rows: Sequence[SheetRow], title: str = "") -> dict[int, str]:
    """Each sheet line's code by the sheet's own numbering, fixed as an import would (the
    level a form is for changes which rows are asked, not how they are numbered)."""
    try:
        inferred = template_inference.infer(
            rows, template_id="bang-tay", name="bảng", level="xa", title=title
        )
    except template_inference.InferenceError:
        return {}  # numbering past repair: labels alone will match
    return inferred.codes


def _match(
    template: Template,
    by_label: Mapping[str, list[Indicator]],
    row: SheetRow,
    code: str | None,
    taken: set[str],
) -> tuple[Indicator | None, bool]:
    """The row's indicator, and whether it was found by its number (not by its label)."""
    label = _words(row.label)
    numbered = template.by_code.get(code) if code else None
    if (
        numbered is not None
        and numbered.code not in taken
        and _alike(label, _words(numbered.label))
    ):
        return numbered, True
    exact = [i for i in by_label.get(label, []) if i.code not in taken]
    if len(exact) == 1:
        return exact[0], False
    scored = sorted(
        (
            (_likeness(label, _words(i.label)), i)
            for i in template.indicators
            if i.code not in taken and i.kind is not Kind.GROUP
        ),
        key=lambda pair: -pair[0],
    )
    best = scored[0][0] if scored else 0.0
    if best >= LABEL_ONLY_LIKENESS and (len(scored) == 1 or scored[1][0] < best):
        return scored[0][1], False
    return None, False


@dataclass(frozen=True)
class _Refused:
    why: str


def _value(ind: Indicator, cell: str | Decimal) -> Value | _Refused:
    if isinstance(cell, Decimal) and ind.kind is not Kind.TEXT:
        if ind.kind is Kind.CHOICE:
            if cell == cell.to_integral_value() and int(cell) in ind.choice_codes:
                return int(cell)
            return _Refused(texts.PREFILL_NOT_A_CHOICE)
        problem = answers.check_range(ind, cell)
        return _Refused(problem) if problem else cell
    reading = answers.read(ind, str(cell))
    if isinstance(reading, Accepted):
        return reading.value
    return _Refused(reading.message if isinstance(reading, Rejected) else texts.PREFILL_UNCLEAR)


def _labels(template: Template) -> dict[str, list[Indicator]]:
    out: dict[str, list[Indicator]] = {}
    for ind in template.indicators:
        out.setdefault(_words(ind.label), []).append(ind)
    return out


def _words(label: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", answers.fold(label)).split())


def _alike(typed: str, label: str) -> bool:
    """Under the same number: a label a little reworded, or the form's label with the sheet's
    explanation run on after it ("… họp trực tuyến Liên thông 2 cấp: …")."""
    return _likeness(typed, label) >= SAME_CODE_LIKENESS or (
        bool(label) and (typed.startswith(label) or label.startswith(typed))
    )


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio() if a and b else 0.0
