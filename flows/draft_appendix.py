"""The appendix as a table of the Word draft: every row of the template, in order, as printed.

The same layout as the spreadsheet (exports/appendix): Biểu above the table, a later Biểu as
a row of its own, section rows, group rows in bold, sub-rows in italic where the form has
them, the codes of coded rows under Đơn vị tính. Values are written as the spreadsheet shows
them: counts whole, computed ratios with two decimals, amounts with their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from flows import narrative_words as words
from flows.answers import Value
from flows.catalog import Indicator, Kind, Template
from flows.draft_document import Appendix, RowKind, TableRow
from flows.numbers import format_number


def cell_text(indicator: Indicator, value: Value | None) -> str:
    if value is None or indicator.kind is Kind.GROUP:
        return ""
    if indicator.kind in (Kind.TEXT, Kind.CHOICE):
        return str(value)
    places = 2 if indicator.kind is Kind.RATIO_COMPUTED else None
    number = Decimal(value)
    if indicator.kind is Kind.COUNT:
        number = number.to_integral_value()
    return format_number(number, places)


def appendix(
    template: Template,
    values: Mapping[str, Value | None],
    notes: Mapping[str, str],
    *,
    title: str,
    attached: str,
    value_heading: str = words.HEADERS[3],
) -> Appendix:
    first_form = template.sections[0].form if template.sections else ""
    rows: list[TableRow] = []
    form = first_form
    for section in template.sections:
        if section.form and section.form != form:
            form = section.form
            rows.append(TableRow((form, "", "", "", ""), RowKind.FORM))
        rows.append(TableRow((section.code, section.label, "", "", ""), RowKind.SECTION))
        for indicator in (i for i in template.indicators if i.section == section.code):
            rows.append(_row(indicator, values.get(indicator.code), notes.get(indicator.code)))
    stt, label, unit, _, note = words.HEADERS
    return Appendix(
        heading=words.APPENDIX,
        title=title,
        attached=attached,
        form=first_form,
        headers=(stt, label, unit, value_heading, note),
        grouped_by=words.RESULTS_GROUP if template.level != "xa" else "",
        rows=tuple(rows),
    )


def _row(indicator: Indicator, value: Value | None, note: str | None) -> TableRow:
    kind = RowKind.GROUP if indicator.kind is Kind.GROUP else RowKind.ROW
    cells = (
        indicator.stt,
        indicator.label,
        indicator.unit_column,
        cell_text(indicator, value),
        note or "",
    )
    return TableRow(cells, kind, indicator.italic)
