"""The round as one long table (unit, indicator, value, note) for other software to read.

Values are plain decimals with a dot ('4318.9', '99.37'), not the Vietnamese display: a CSV or
JSON file is read by programs, and every program parses the dot. Every non-group indicator of
every unit has a row, answered or not, so the table pivots into the same grid for each unit.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import NamedTuple

from exports.data import RoundReport
from exports.safe_cells import csv_field, printable
from flows.answers import Value, plain
from flows.catalog import Kind

FIELDS = ("unit_code", "unit_name", "indicator_code", "value", "note")


class FlatRow(NamedTuple):
    unit_code: str
    unit_name: str
    indicator_code: str
    value: str | None
    note: str | None


def rows(report: RoundReport) -> list[FlatRow]:
    template = report.template
    indicators = [i for i in template.indicators if i.kind is not Kind.GROUP]
    return [
        FlatRow(
            unit.unit.code,
            unit.unit.name,
            indicator.code,
            _text(unit.value(indicator.code)),
            unit.notes.get(indicator.code),
        )
        for unit in report.units
        for indicator in indicators
    ]


def _text(value: Value | None) -> str | None:
    if value is None:
        return None
    return plain(value) if isinstance(value, Decimal) else str(value)


def to_csv(report: RoundReport) -> str:
    """UTF-8 text with a header line; empty fields where nothing was answered."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows(
        (
            csv_field(r.unit_code),
            csv_field(r.unit_name),
            r.indicator_code,
            csv_field(r.value or ""),
            csv_field(r.note or ""),
        )
        for r in rows(report)
    )
    return buffer.getvalue()


def to_json(report: RoundReport) -> str:
    """A list of objects with the CSV's keys; null where nothing was answered."""
    return json.dumps(
        [
            {k: printable(v) if isinstance(v, str) else v for k, v in r._asdict().items()}
            for r in rows(report)
        ],
        ensure_ascii=False,
        indent=1,
    )
