"""CSV and JSON: one row per unit and indicator, plain values other programs can parse."""

from __future__ import annotations

import csv
import io
import json

import pytest
from export_world import AS_OF, World

from exports.data import RoundReport, load_round_report
from exports.flat import rows, to_csv, to_json
from flows import catalog
from flows.catalog import Kind

VALUED = [i.code for i in catalog.load("xa").indicators if i.kind is not Kind.GROUP]


@pytest.fixture
def report(world: World) -> RoundReport:
    with world.store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        district = repo.unit_by_code("SONHA")
        assert round_ is not None and district is not None
        return load_round_report(repo, round_, district, now=AS_OF)


def by_key(records: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["unit_code"], r["indicator_code"]): r for r in records}


def test_every_unit_has_a_row_for_every_indicator_with_a_value(report):
    flat = rows(report)
    assert len(flat) == 3 * len(VALUED)
    assert [r.indicator_code for r in flat[: len(VALUED)]] == VALUED


def test_csv_has_the_header_line_and_plain_values(report):
    text = to_csv(report)
    assert text.splitlines()[0] == "unit_code,unit_name,indicator_code,value,note"
    records = by_key(list(csv.DictReader(io.StringIO(text))))
    trung = {code: records[("SONTRUNG", code)]["value"] for code in VALUED}
    assert trung["III.2.3"] == "785"
    assert trung["VI.1.2"] == "4318.9"
    assert trung["III.2.1"] == "99.37"
    assert trung["VII.2"] == "2"
    assert trung["I.1"] == ""  # skipped
    assert records[("SONTRUNG", "I.3.1")]["note"] == "VHXH, TP-HT"
    assert records[("SONTHANH", "IV.1")]["unit_name"] == "Xã Sơn Thành"


def test_json_has_the_same_keys_with_null_for_nothing(report):
    text = to_json(report)
    assert "Xã Sơn Trung" in text  # not \u escapes
    records = json.loads(text)
    assert set(records[0]) == {"unit_code", "unit_name", "indicator_code", "value", "note"}
    found = by_key(records)
    assert found[("SONTRUNG", "VI.1")]["value"] == "79.92"
    assert found[("SONTRUNG", "I.1")]["value"] is None
    assert found[("SONTHUONG", "III.2.2")] == {
        "unit_code": "SONTHUONG",
        "unit_name": "Xã Sơn Thượng",
        "indicator_code": "III.2.2",
        "value": None,
        "note": None,
    }
