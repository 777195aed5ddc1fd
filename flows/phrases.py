"""A row's phrase: the sentence the narrative report writes for it, with places for its figures.

The wording is template data, so a province that imports its own form brings its own sentences
and edits them where it edits the form. Places are written in braces, in the grammar of
Python's str.format (the standard library parses it, so "{{" writes a brace):

    {value}     the figure with its unit, as a sentence writes it: "790 hồ sơ", "94,59 %"
    {number}    the figure alone: "790"
    {unit}      the unit: "hồ sơ"
    {label}     the row's label as the form prints it
    {previous}  last period's figure with its unit
    {change}    ", tăng 12 hồ sơ so với quý II" — with its comma; empty without last period
    {period}    "quý III năm 2024";  {year}  "2024"

A row code stands for that row's figure ({III.2.2} is {value:III.2.2}); any of the row places
takes another row's code after a colon: {change:III.2.2}, {number:I.4.1}.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from string import Formatter

from flows.draft_document import Span

ROW_PLACES = ("value", "number", "unit", "label", "previous", "change")
REPORT_PLACES = ("period", "year")
PLACES = (*ROW_PLACES, *REPORT_PLACES)
CODE = re.compile(r"^[IVX]+(?:\.\d+)+$")


class PhraseError(ValueError):
    """A phrase that cannot be written; the message says which place and what is allowed."""


@dataclass(frozen=True)
class Place:
    """``code`` None is the row the phrase belongs to."""

    name: str
    code: str | None = None


Piece = str | Place


def parse(text: str) -> tuple[Piece, ...]:
    try:
        items = list(Formatter().parse(text))
    except ValueError as exc:  # "Single '}' encountered in format string", "expected '}'"
        raise PhraseError(
            "dấu ngoặc { } không khớp; muốn in chính dấu ngoặc thì gõ hai lần: {{ hoặc }}"
        ) from exc
    pieces: list[Piece] = []
    for literal, field, spec, conversion in items:
        if literal and pieces and isinstance(pieces[-1], str):  # "{{" ends a literal early
            pieces[-1] += literal
        elif literal:
            pieces.append(literal)
        if field is None:
            continue
        pieces.append(_place(field, spec or "", conversion))
    return tuple(pieces)


def _place(field: str, spec: str, conversion: str | None) -> Place:
    written = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
    written += "}"
    if conversion:
        raise PhraseError(f"chỗ trống {written} không dùng được dấu “!”")
    if CODE.match(field) and not spec:
        return Place("value", field)
    if field not in PLACES:
        raise PhraseError(
            f"không có chỗ trống {written}; dùng {', '.join('{' + p + '}' for p in PLACES)} "
            "hoặc mã một dòng, ví dụ {III.2.2}"
        )
    if not spec:
        return Place(field)
    if field in REPORT_PLACES or not CODE.match(spec):
        raise PhraseError(f"chỗ trống {written}: sau dấu “:” chỉ ghi mã một dòng, ví dụ III.2.2")
    return Place(field, spec)


def check(text: str, codes: Collection[str], *, group: bool = False) -> tuple[Piece, ...]:
    """The phrase's pieces, or PhraseError naming the place that cannot be filled.

    ``codes`` are the rows with a figure; a group row has none, so its phrase names the
    rows it speaks of by code.
    """
    pieces = parse(text)
    for piece in pieces:
        if not isinstance(piece, Place) or piece.name in REPORT_PLACES:
            continue
        if piece.code is None and group and piece.name != "label":
            raise PhraseError(
                f"dòng nhóm không có số liệu nên không dùng được {{{piece.name}}}; "
                "ghi mã các dòng con, ví dụ {III.2.2}"
            )
        if piece.code is not None and piece.code not in codes:
            raise PhraseError(f"mã {piece.code} không phải dòng có số liệu trong biểu")
    return pieces


def references(pieces: tuple[Piece, ...]) -> tuple[str, ...]:
    """The other rows a phrase speaks of, in the order it names them, each once."""
    seen: dict[str, None] = {}
    for piece in pieces:
        if isinstance(piece, Place) and piece.code is not None:
            seen.setdefault(piece.code)
    return tuple(seen)


def render(
    pieces: tuple[Piece, ...], fill: Callable[[Place], tuple[Span, ...]]
) -> tuple[Span, ...]:
    """The phrase as spans, neighbours of the same kind joined (one run per change of mark)."""
    return join(
        span
        for piece in pieces
        for span in ((Span(piece),) if isinstance(piece, str) else fill(piece))
    )


def join(spans: Iterable[Span]) -> tuple[Span, ...]:
    joined: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if joined and joined[-1].marked == span.marked:
            joined[-1] = Span(joined[-1].text + span.text, span.marked)
        else:
            joined.append(span)
    return tuple(joined)
