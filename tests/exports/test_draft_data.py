"""A unit's draft compares with its latest earlier report, found as the chat's "Kỳ trước" is."""

from __future__ import annotations

import io
from datetime import date

import docx
from export_world import OPENED, World, file_report

from bot.transports.console.demo import SON_TRUNG_2024_Q3
from exports.draft_data import load_unit_draft
from exports.report_docx import unit_draft_bytes
from storage.repository import Repository


def open_earlier(repo: Repository, period: str, start: date, end: date) -> int:
    round_ = repo.open_round("xa", period, start, end, end, OPENED)
    assert round_.id is not None
    return round_.id


def son_trung_q2(repo: Repository, typed: dict[str, str | None]) -> None:
    round_id = open_earlier(repo, "2024-Q2", date(2024, 3, 15), date(2024, 6, 14))
    user = repo.user("telegram", "5550001")
    assert user is not None and user.id is not None
    file_report(repo, round_id, "SONTRUNG", typed, user_id=user.id)


def draft_of_son_trung(world: World):
    with world.store.reading() as repo:
        unit = repo.unit_by_code("SONTRUNG")
        assert unit is not None
        return load_unit_draft(repo, repo.round(world.round_id), unit)


def test_last_quarters_figures_and_its_period_are_loaded(world: World):
    with world.store.transaction() as repo:
        son_trung_q2(repo, {**SON_TRUNG_2024_Q3, "III.2.2": "778", "III.2.3": "770"})
    data = draft_of_son_trung(world)
    assert data.previous.period == "2024-Q2"
    assert str(data.previous.values["III.2.2"]) == "778"
    written = [p.text for p in docx.Document(io.BytesIO(unit_draft_bytes(data))).paragraphs]
    sentence = next(t for t in written if "790 hồ sơ" in t)
    assert "là 790 hồ sơ, tăng 12 hồ sơ so với quý II, trong đó" in sentence


def test_a_report_only_skipped_through_does_not_hide_the_one_before(world: World):
    with world.store.transaction() as repo:
        q1 = open_earlier(repo, "2024-Q1", date(2023, 12, 15), date(2024, 3, 14))
        user = repo.user("telegram", "5550001")
        assert user is not None and user.id is not None
        file_report(repo, q1, "SONTRUNG", {"III.2.2": "700"}, user_id=user.id)
        son_trung_q2(repo, {"III.2.2": None})  # opened, every question skipped
    previous = draft_of_son_trung(world).previous
    assert previous.period == "2024-Q1"
    assert str(previous.values["III.2.2"]) == "700"


def test_a_first_report_has_nothing_to_compare_with(world: World):
    data = draft_of_son_trung(world)
    assert (data.previous.period, dict(data.previous.values)) == (None, {})


def test_the_unit_above_is_who_the_draft_reports_to(world: World):
    superior = draft_of_son_trung(world).superior
    assert superior is not None and superior.name == "Huyện Sơn Hà"
