"""`xa-2025`: the commune form once districts are gone (from 1 July 2025)."""

from __future__ import annotations

from decimal import Decimal

from flows import answers, catalog

XA = catalog.load("xa")
XA_2025 = catalog.load("xa-2025")
DISTRICT_WORDS = ("huyện", "Huyện", "HUYỆN")


def test_no_row_or_hint_of_the_two_level_form_mentions_the_district():
    texts = [t for i in XA_2025.indicators for t in (i.label, i.hint, i.unit_column)]
    assert not [t for t in texts if any(w in t for w in DISTRICT_WORDS)]


def test_the_district_rows_of_xa_are_gone_and_every_other_keeps_its_code():
    gone = set(XA.by_code) - set(XA_2025.by_code)
    assert gone == {"VII.5.1.3", "VII.5.2.2", "VII.5.3.2"}
    assert set(XA_2025.by_code) < set(XA.by_code)
    assert XA_2025.by_code["III.2.1"].formula == XA.by_code["III.2.1"].formula


def test_it_asks_one_question_fewer_than_xa_and_follows_on_from_it():
    assert len(XA_2025.asked) == len(XA.asked) - 1 == 47
    assert XA_2025.continues == ("xa",)
    assert XA_2025.level == "xa"


def test_a_three_level_answer_of_last_period_is_no_answer_to_the_two_level_question():
    meeting = XA_2025.by_code["VII.2"]
    assert meeting.choice_codes == (0, 1)
    assert not answers.fits(meeting, 2)  # "3 cấp" under xa
    assert answers.fits(meeting, 1) and answers.fits(XA_2025.by_code["III.2.2"], Decimal(790))
