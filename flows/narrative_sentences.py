"""Sentences from figures: each row's phrase filled in, the way the seeds write their reports.

Figures are written as a sentence writes them, not as the table prints them: the unit in
lower case after the number ("790 hồ sơ", "2.192,898 triệu đồng"), counts under ten with the
leading zero of administrative writing ("02 ngành"), the label of a chosen code ("3 cấp").
What the bot does not know is a marked place, never a guess: a figure not given is "[…]".

Rows are written in the template's order; a row a phrase has already spoken of (a ratio's
parts, a group's rows) is not written again, and its note goes under that sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flows import conditions, formulas, phrases
from flows import narrative_words as words
from flows.answers import Value
from flows.catalog import Indicator, Kind, Section, Template
from flows.draft_document import Paragraph, Span, Style
from flows.numbers import format_number
from flows.phrases import Piece, Place
from flows.texts import lower_first

DEFAULT_PHRASE = phrases.parse("{label}: {value}{change}.")
NO_UNIT = frozenset({"số lượng"})  # a unit column that only says "a number of"
BULLET = "- "


@dataclass(frozen=True)
class Reading:
    """What the places of phrases read: one report's figures, or a summary's totals.

    ``strict`` (a summary) writes only sentences whose every figure is known: a total that
    cannot be added up is not a place for the reviewer to fill in, so it is left out.
    """

    template: Template
    period: str
    values: Mapping[str, Value | None]
    previous: Mapping[str, Value] = field(default_factory=dict)
    previous_period: str | None = None
    strict: bool = False

    def value(self, code: str) -> Value | None:
        return self.values.get(code)


def recomputed(template: Template, values: Mapping[str, Value | None]) -> dict[str, Value | None]:
    """Computed ratios from their parts, whatever was passed for them: the text can never print
    a slip such as seed 000's 90,9 for 35 of 37 tasks."""
    computed = {i.code for i in template.computed}
    known = {c: v for c, v in values.items() if isinstance(v, Decimal) and c not in computed}
    ratios = formulas.evaluate_all([(i.code, i.formula) for i in template.computed], known)
    kept = {c: v for c, v in values.items() if c not in computed}
    return {**kept, **{code: ratios.get(code) for code in computed}}


def applicable(template: Template, values: Mapping[str, Value | None]) -> frozenset[str]:
    """Rows this report speaks of: asked of its level, and whose condition holds."""
    return frozenset(
        i.code
        for i in template.indicators
        if i.ask and (not i.relevant or conditions.parse(i.relevant).holds(dict(values)))
    )


# --- figures in words
def unit_words(indicator: Indicator) -> str:
    unit = lower_first(indicator.unit) if indicator.kind is not Kind.CHOICE else ""
    return "" if unit in NO_UNIT else unit


def number_words(indicator: Indicator, value: Value) -> str:
    if indicator.kind is Kind.CHOICE:
        return lower_first(indicator.choice_label(int(value)))
    if indicator.kind is Kind.TEXT:
        return str(value)
    number = Decimal(value)
    if indicator.kind is Kind.COUNT:
        whole = int(number)
        return f"{whole:02d}" if 0 < whole < 10 else format_number(whole)
    if indicator.kind is Kind.RATIO_COMPUTED:  # two decimals as the table, "100 %" not "100,00"
        text = format_number(number, 2)
        return text.rstrip("0").rstrip(",")
    return format_number(number)


def with_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return f"{number} {unit}"


def value_words(indicator: Indicator, value: Value) -> str:
    return with_unit(number_words(indicator, value), unit_words(indicator))


def change_words(reading: Reading, indicator: Indicator) -> str:
    """', tăng 12 hồ sơ so với quý II'; empty where there is nothing to compare."""
    now, before = reading.value(indicator.code), reading.previous.get(indicator.code)
    if (
        reading.previous_period is None
        or not indicator.kind.is_numeric
        or not isinstance(now, Decimal)
        or not isinstance(before, Decimal)
    ):
        return ""
    year = int(reading.period[:4])
    previous = words.period_words(reading.previous_period, year_of=year)
    difference = now - before
    if difference == 0:
        return words.same_as(previous)
    ratio = indicator.kind in (Kind.RATIO_COMPUTED, Kind.RATIO_ENTERED)
    amount = number_words(indicator, abs(difference))
    unit = words.PERCENTAGE_POINTS if ratio else unit_words(indicator)
    return words.change(amount, unit, previous, up=difference > 0)


# --- phrases filled in
def _undefined_ratio(reading: Reading, indicator: Indicator) -> bool:
    """A ratio whose parts are all given but whose whole is zero: no sentence can state it."""
    if indicator.kind is not Kind.RATIO_COMPUTED or reading.value(indicator.code) is not None:
        return False
    parts = formulas.references(indicator.formula)
    return all(isinstance(reading.value(p), Decimal) for p in parts)


def _filler(reading: Reading, row: Indicator) -> Callable[[Place], tuple[Span, ...]]:
    by_code = reading.template.by_code

    def fill(place: Place) -> tuple[Span, ...]:
        if place.name == "period":
            return (Span(words.period_words(reading.period)),)
        if place.name == "year":
            return (Span(reading.period[:4]),)
        indicator = by_code[place.code] if place.code else row
        value = reading.value(indicator.code)
        if place.name == "label":
            return (Span(indicator.label),)
        if place.name == "unit":
            return (Span(unit_words(indicator)),)
        if place.name == "change":
            return (Span(change_words(reading, indicator)),)
        if place.name == "previous":
            value = reading.previous.get(indicator.code)
        if value is None:
            return _missing(indicator, with_unit=place.name != "number")
        if place.name == "number":
            return (Span(number_words(indicator, value)),)
        return (Span(value_words(indicator, value)),)

    return fill


def _missing(indicator: Indicator, *, with_unit: bool) -> tuple[Span, ...]:
    unit = unit_words(indicator) if with_unit else ""
    return (Span(words.MISSING, marked=True), *((Span(f" {unit}"),) if unit else ()))


def _figures_named(pieces: tuple[Piece, ...], row: Indicator) -> list[str]:
    return [
        p.code or row.code
        for p in pieces
        if isinstance(p, Place) and p.name in ("value", "number", "previous")
    ]


def sentence(reading: Reading, indicator: Indicator) -> tuple[tuple[Span, ...], tuple[str, ...]]:
    """The row's sentence and the other rows it spoke of; no spans when none can be written."""
    by_code = reading.template.by_code
    for pieces in (phrases.parse(indicator.phrase) if indicator.phrase else None, DEFAULT_PHRASE):
        if pieces is None or (pieces is DEFAULT_PHRASE and indicator.kind is Kind.GROUP):
            continue
        named = _figures_named(pieces, indicator)
        if any(_undefined_ratio(reading, by_code[code]) for code in named):
            continue
        if reading.strict and any(reading.value(code) is None for code in named):
            continue
        spans = phrases.render(pieces, _filler(reading, indicator))
        refs = tuple(c for c in phrases.references(pieces) if c != indicator.code)
        return spans, refs
    return (), ()


def section_paragraphs(
    reading: Reading,
    section: Section,
    speaks: frozenset[str],
    notes: Mapping[str, str],
    written: Callable[[Indicator], tuple[tuple[Span, ...], tuple[str, ...]]] | None = None,
) -> list[Paragraph]:
    """One paragraph per sentence, with the notes of the rows it spoke of under it."""
    write = written or (lambda indicator: sentence(reading, indicator))
    by_code = reading.template.by_code
    spoken: set[str] = set()
    out: list[Paragraph] = []
    for indicator in (i for i in reading.template.indicators if i.section == section.code):
        if indicator.code in spoken or indicator.code not in speaks:
            continue
        spans, refs = write(indicator)
        if spans:
            spoken.update(refs)
            out.append(Paragraph(phrases.join((Span(BULLET), *spans))))
        for code in (indicator.code, *refs) if spans else (indicator.code,):
            note = notes.get(code)
            if note:
                lead = words.NOTE if code == indicator.code else words.note_on(by_code[code].label)
                out.append(Paragraph((Span(lead + note),), Style.NOTE))
    return out
