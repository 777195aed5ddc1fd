"""Text from outside is checked once at the door: what may be stored, and what is refused."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from flows.safe_text import Clean, Problem, Refused, check, scrub

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u3164", "\u2800", "\u115f"]


def test_an_ordinary_vietnamese_answer_passes_unchanged() -> None:
    assert check("Vị trí việc làm: 12 người") == Clean("Vị trí việc làm: 12 người")


def test_a_nul_byte_is_refused_and_named() -> None:
    refused = check("785\x00")
    assert refused == Refused(Problem.CONTROL, "\x00")
    assert isinstance(refused, Refused) and refused.code_point == "U+0000"


def test_a_control_character_inside_a_text_is_refused_not_dropped() -> None:
    # Dropping it would silently join the two halves into another text.
    refused = check("Vị trí\x01việc làm")
    assert isinstance(refused, Refused) and refused.code_point == "U+0001"


def test_c1_controls_delete_and_lone_surrogates_are_refused() -> None:
    for ch in ("\x7f", "\x85", "\x9f", "\ud800", "\ufffe", "\uffff"):
        assert isinstance(check(f"a{ch}b"), Refused), repr(ch)


def test_tab_and_newline_are_kept_and_windows_line_ends_become_newlines() -> None:
    assert check("a\tb\r\nc\rd") == Clean("a\tb\nc\nd")


def test_text_made_only_of_invisible_characters_is_refused_as_blank() -> None:
    for ch in INVISIBLE:
        assert check(ch * 3 + " ") == Refused(Problem.BLANK), repr(ch)
    assert check("   \n\t") == Refused(Problem.BLANK)


def test_zero_width_characters_inside_a_number_are_removed() -> None:
    assert check("1\u200b242") == Clean("1242")
    assert check("\ufeff99,37") == Clean("99,37")


def test_decomposed_diacritics_are_stored_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Sơn Trung")
    assert decomposed != "Sơn Trung"
    assert check(decomposed) == Clean("Sơn Trung")


def test_scrub_keeps_a_display_name_whatever_it_holds() -> None:
    assert scrub("Nguyễn\x00 Văn\u200b An") == "Nguyễn Văn An"


@given(st.text())
def test_whatever_is_accepted_is_safe_to_store_and_export(text: str) -> None:
    checked = check(text)
    if isinstance(checked, Refused):
        return
    out = checked.text
    assert unicodedata.is_normalized("NFC", out)
    assert all(ch in "\t\n" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in out)
    assert not any(unicodedata.category(ch) in ("Cf", "Cs") for ch in out)
    assert out.encode("utf-8")  # never a lone surrogate
    assert out.strip()


@given(st.text(alphabet=st.sampled_from([*INVISIBLE, " ", "\n", "\t"])))
def test_nothing_visible_is_never_accepted(text: str) -> None:
    assert check(text) == Refused(Problem.BLANK)
