"""What the exports are built from: every unit of the subtree, decoded, ratios recomputed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from export_world import AS_OF, OPENED, World
from sqlalchemy import event

from exports.data import State, load_round_report, load_unit_report


def load(world: World, top: str):
    with world.store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        unit = repo.unit_by_code(top)
        assert round_ is not None and unit is not None
        return load_round_report(repo, round_, unit, now=AS_OF)


def test_a_district_report_lists_its_communes_in_code_order_even_those_never_started(world):
    report = load(world, "SONHA")
    assert [u.unit.code for u in report.units] == ["SONTHANH", "SONTHUONG", "SONTRUNG"]
    never = report.units[1]
    assert never.status is State.NOT_STARTED
    assert (never.answered, never.total) == (0, 48)
    assert set(never.values.values()) == {None}
    assert report.top.name == "Huyện Sơn Hà"
    assert report.round.period_label == "Quý III/2024"


def test_a_province_report_reaches_communes_through_their_districts(world):
    report = load(world, "QNG")
    assert [u.unit.code for u in report.units] == [
        "PHOAN",
        "PHOCHAU",
        "SONTHANH",
        "SONTHUONG",
        "SONTRUNG",
    ]


def test_a_commune_is_its_own_only_unit(world):
    report = load(world, "SONTRUNG")
    assert [u.unit.code for u in report.units] == ["SONTRUNG"]


def test_values_are_decoded_by_kind_with_notes_and_submitter(world):
    trung = load(world, "SONTRUNG").units[0]
    assert trung.value("III.2.3") == Decimal(785)
    assert trung.value("VII.2") == 2
    assert trung.value("I.1") is None  # skipped
    assert trung.notes == {"I.3.1": "VHXH, TP-HT"}
    assert trung.status is State.SUBMITTED
    assert trung.submitted_by == "Đinh Văn Hùng"
    assert trung.submitted_at == datetime(2024, 9, 20, 16, 30, tzinfo=UTC)


def test_a_stored_ratio_that_disagrees_with_its_parts_is_recomputed(world):
    with world.store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        unit = repo.unit_by_code("SONTRUNG")
        assert round_ is not None and round_.id is not None and unit is not None
        submission = repo.submission(round_.id, unit.id)  # type: ignore[arg-type]
        assert submission is not None and submission.id is not None
        repo.save_answer(submission.id, "I.2", "90.9", False, None, OPENED)  # the seed's slip
        report = load_unit_report(repo, round_, unit)
    assert report.value("I.2") == Decimal("94.59")


def test_a_draft_counts_as_started_only_once_something_is_answered(world):
    with world.store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        unit = repo.unit_by_code("SONTHUONG")
        assert round_ is not None and round_.id is not None and unit is not None
        submission = repo.submission(round_.id, unit.id)  # type: ignore[arg-type]
        assert submission is not None and submission.id is not None
        assert load_unit_report(repo, round_, unit).status is State.NOT_STARTED
        repo.save_answer(submission.id, "I.1", "1", False, None, OPENED)
        report = load_unit_report(repo, round_, unit)
    assert report.status is State.DRAFT
    assert report.answered == 1


def test_queries_grow_with_units_by_a_small_constant(world):
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("query")

    event.listen(world.store.engine, "before_cursor_execute", count)
    try:
        load(world, "SONHA")
        district = len(statements)
        statements.clear()
        load(world, "QNG")
        province = len(statements)
    finally:
        event.remove(world.store.engine, "before_cursor_execute", count)
    # Two more communes (never started) and one more tree level: a handful of queries.
    assert province - district <= 2 * 2 + 2
