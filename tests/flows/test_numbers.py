"""How officers' figures are read and shown: Vietnamese notation first, common slips tolerated."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from flows.numbers import Ambiguous, Invalid, Number, Reason, format_number, parse_number

LIMIT = 10**12


def number(text: str) -> Decimal:
    result = parse_number(text)
    assert isinstance(result, Number), f"{text!r} gave {result!r}"
    return result.value


def first_reading(result: Number | Ambiguous | Invalid) -> Decimal:
    if isinstance(result, Number):
        return result.value
    assert isinstance(result, Ambiguous), result
    return result.readings[0]


def readings_of(result: Number | Ambiguous | Invalid) -> tuple[Decimal, ...]:
    if isinstance(result, Number):
        return (result.value,)
    if isinstance(result, Ambiguous):
        return result.readings
    return ()


# --- Vietnamese notation
def test_comma_is_the_decimal_mark() -> None:
    assert number("99,37") == Decimal("99.37")


def test_dot_groups_thousands_before_a_decimal_comma() -> None:
    assert number("2.192,898") == Decimal("2192.898")  # triệu đồng
    assert number("4.318,9") == Decimal("4318.9")


def test_several_dots_group_thousands() -> None:
    assert number("1.234.567") == Decimal(1234567)


def test_plain_whole_number() -> None:
    assert number("785") == Decimal(785)


def test_leading_zeros_are_fine() -> None:
    assert number("02") == Decimal(2)


def test_single_comma_before_three_digits_is_still_a_decimal() -> None:
    assert number("4,318") == Decimal("4.318")


@pytest.mark.parametrize("text", ["không", "Không", "KHÔNG", "khong", "ko", "KO", " không có "])
def test_words_for_none_mean_zero(text: str) -> None:
    assert number(text) == 0


def test_zero_word_typed_with_combining_accents_means_zero() -> None:
    assert number(unicodedata.normalize("NFD", "Không")) == 0


# --- a lone dot before three digits
def test_single_dot_before_three_digits_is_ambiguous_thousands_first() -> None:
    assert parse_number("8.803") == Ambiguous((Decimal(8803), Decimal("8.803")))  # hồ sơ
    assert parse_number("5.404") == Ambiguous((Decimal(5404), Decimal("5.404")))


def test_round_thousands_are_ambiguous_too() -> None:
    assert parse_number("100.000") == Ambiguous((Decimal(100000), Decimal(100)))


def test_zero_before_the_dot_is_not_a_thousands_group() -> None:
    assert parse_number("0.500") == Number(Decimal("0.5"))


def test_single_dot_before_other_than_three_digits_is_a_decimal() -> None:
    assert number("99.37") == Decimal("99.37")
    assert number("4318.9") == Decimal("4318.9")
    assert number("1234.567") == Decimal("1234.567")


# --- what officers actually type
@pytest.mark.parametrize("text", ["99.37%", "99,37%", "99,37 %", "99,37\u00a0%"])
def test_trailing_percent_sign_is_ignored(text: str) -> None:
    assert number(text) == Decimal("99.37")


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f", "\u2009"])
def test_spaces_group_thousands(space: str) -> None:
    assert number(f"8{space}803") == Decimal(8803)
    assert number(f"2{space}192,898") == Decimal("2192.898")


def test_spaces_must_separate_groups_of_three() -> None:
    assert parse_number("12 5") == Invalid(Reason.NOT_A_NUMBER)


def test_english_style_with_both_separators() -> None:
    assert number("1,234.5") == Decimal("1234.5")


def test_several_commas_group_thousands_english_style() -> None:
    assert number("1,234,567") == Decimal(1234567)


def test_leading_plus_is_accepted() -> None:
    assert number("+785") == Decimal(785)


def test_surrounding_whitespace_is_ignored() -> None:
    assert number("  99,37\n") == Decimal("99.37")


@pytest.mark.parametrize("text", [",5", ".5"])
def test_missing_integer_part_is_zero(text: str) -> None:
    assert number(text) == Decimal("0.5")


@pytest.mark.parametrize("text", ["12.", "12,"])
def test_trailing_separator_is_dropped(text: str) -> None:
    assert number(text) == Decimal(12)


def test_trailing_decimal_mark_settles_the_dots_as_thousands() -> None:
    assert number("1.234,") == Decimal(1234)


def test_values_print_plainly() -> None:
    assert str(number("8 803")) == "8803"
    assert str(number("99,37")) == "99.37"
    assert str(number("2.192,898")) == "2192.898"
    assert str(number("1.000.000")) == "1000000"
    assert str(number("0,000001")) == "0.000001"
    assert [str(r) for r in readings_of(parse_number("100.000"))] == ["100000", "100"]


# --- refusals
@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "\n\t"])
def test_blank_is_empty(text: str) -> None:
    assert parse_number(text) == Invalid(Reason.EMPTY)


@pytest.mark.parametrize(
    "text",
    ["1e5", "nan", "NaN", "inf", "Infinity", "0x10", "1/2", "12abc", "abc", "%", "+", "-"],
)
def test_words_and_other_notations_are_not_numbers(text: str) -> None:
    assert parse_number(text) == Invalid(Reason.NOT_A_NUMBER)


@pytest.mark.parametrize("text", ["١٢٣", "²", "１２", "৫"])
def test_only_ascii_digits_count(text: str) -> None:
    assert parse_number(text) == Invalid(Reason.NOT_A_NUMBER)


@pytest.mark.parametrize(
    "text", ["1.23.456", "1,2,3", "12.34,5", "1.234,5,6", "1.234.5678", "1234.567.890"]
)
def test_malformed_grouping_is_not_a_number(text: str) -> None:
    assert parse_number(text) == Invalid(Reason.NOT_A_NUMBER)


@pytest.mark.parametrize("text", ["1,234.567,8", "1.234,567.8"])
def test_two_decimal_marks_are_not_a_number(text: str) -> None:
    assert parse_number(text) == Invalid(Reason.NOT_A_NUMBER)


@pytest.mark.parametrize("text", ["+-5", "--5", "5-", "-+5"])
def test_stray_signs_are_not_a_number(text: str) -> None:
    assert parse_number(text) == Invalid(Reason.NOT_A_NUMBER)


@pytest.mark.parametrize("text", ["-5", "\u22125", "- 5", "-2.192,898", "-99,37 %", "-8.803"])
def test_minus_sign_means_negative(text: str) -> None:
    assert parse_number(text) == Invalid(Reason.NEGATIVE)


def test_minus_before_something_else_is_not_a_number() -> None:
    assert parse_number("-abc") == Invalid(Reason.NOT_A_NUMBER)


def test_twelve_digits_are_the_limit() -> None:
    assert number("999.999.999.999") == Decimal(LIMIT - 1)
    assert parse_number("1.000.000.000.000") == Invalid(Reason.TOO_LARGE)
    assert parse_number("1" + "0" * 5000) == Invalid(Reason.TOO_LARGE)


def test_six_decimal_places_are_the_limit() -> None:
    assert number("0,123456") == Decimal("0.123456")
    assert parse_number("0,1234567") == Invalid(Reason.TOO_PRECISE)


def test_trailing_zeros_do_not_count_as_precision() -> None:
    assert number("1,5000000") == Decimal("1.5")


# --- display
def test_format_groups_thousands_with_dots() -> None:
    assert format_number(8803) == "8.803"
    assert format_number(1234567) == "1.234.567"
    assert format_number(785) == "785"


def test_format_uses_a_decimal_comma() -> None:
    assert format_number(Decimal("2192.898")) == "2.192,898"
    assert format_number(Decimal("99.37")) == "99,37"


def test_format_zero() -> None:
    assert format_number(0) == "0"
    assert format_number(Decimal("0.000")) == "0"


def test_format_drops_trailing_zeros_without_places() -> None:
    assert format_number(Decimal("4318.90")) == "4.318,9"
    assert format_number(Decimal("785.00")) == "785"


def test_format_whole_numbers_never_get_a_decimal_part() -> None:
    assert format_number(Decimal("1E+3")) == "1.000"


def test_format_with_places_pads_with_zeros() -> None:
    assert format_number(Decimal("4318.90"), places=2) == "4.318,90"
    assert format_number(Decimal(100), places=2) == "100,00"


def test_format_with_places_rounds_half_up() -> None:
    assert format_number(Decimal("0.125"), places=2) == "0,13"
    assert format_number(Decimal("2.5"), places=0) == "3"


def test_format_negative_values_get_a_minus() -> None:
    assert format_number(-8803) == "-8.803"
    assert format_number(Decimal("-2192.898")) == "-2.192,898"


def test_format_never_shows_negative_zero() -> None:
    assert format_number(Decimal("-0.001"), places=2) == "0,00"
    assert format_number(Decimal("-0")) == "0"


def test_format_refuses_non_finite_values() -> None:
    with pytest.raises(ValueError):
        format_number(Decimal("NaN"))


# --- properties
RESULT_TYPES = (Number, Ambiguous, Invalid)


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    assert isinstance(parse_number(text), RESULT_TYPES)


@given(st.text(alphabet="0123456789.,+-\u2212 \u00a0%", max_size=30))
def test_accepted_values_are_plain_and_within_limits(text: str) -> None:
    result = parse_number(text)
    assert isinstance(result, RESULT_TYPES)
    readings = readings_of(result)
    if isinstance(result, Ambiguous):
        assert len(set(readings)) == len(readings) >= 2
    for value in readings:
        assert value.is_finite()
        assert 0 <= value < LIMIT
        assert "E" not in str(value)
        assert value.as_tuple().exponent >= -6


@given(st.integers(min_value=0, max_value=LIMIT - 1))
def test_round_trip_whole_numbers(n: int) -> None:
    assert first_reading(parse_number(format_number(n))) == n


@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda k: st.decimals(
            min_value=0, max_value=LIMIT - 1, places=k, allow_nan=False, allow_infinity=False
        )
    )
)
def test_round_trip_decimals(d: Decimal) -> None:
    # Whole values format like integers, where "1.000" is ambiguous; the test above covers them.
    assume(d != d.to_integral_value())
    assert parse_number(format_number(d)) == Number(d)


valid_texts = st.one_of(
    st.integers(min_value=0, max_value=LIMIT - 1).map(format_number),
    st.decimals(min_value=0, max_value=LIMIT - 1, places=3, allow_nan=False).map(format_number),
    st.sampled_from(["8.803", "2.192,898", "99,37", "99.37%", "02", "không", "4.318,9", "785"]),
)


@given(valid_texts, st.sampled_from(["-", "\u2212", "- "]))
def test_minus_before_any_valid_number_is_negative(text: str, minus: str) -> None:
    assert not isinstance(parse_number(text), Invalid)
    assert parse_number(minus + text) == Invalid(Reason.NEGATIVE)
