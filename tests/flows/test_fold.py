"""Typed words compared without case, accents or stray spaces; what is kept folded is bounded."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flows import answers
from flows.answers import fold


def test_typed_words_match_the_label_without_accents_or_case():
    assert fold("  bo   QUA ") == fold("Bỏ qua") == "bo qua"
    assert fold("Đồng ý") == "dong y"


@given(st.text(max_size=300))
def test_a_text_folds_the_same_whether_kept_or_not(text):
    assert fold(text) == answers._fold(text)


def test_a_long_typed_note_is_folded_but_not_kept():
    note = "Đã rà soát toàn bộ thủ tục hành chính của xã. " * 50
    kept = answers._fold_kept.cache_info().currsize
    assert fold(note).startswith("da ra soat toan bo thu tuc hanh chinh cua xa.")
    assert answers._fold_kept.cache_info().currsize == kept
