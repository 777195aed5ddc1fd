"""Numbers in Vietnamese words, so that two readings of one figure cannot look alike.

When "5.404" could be five thousand or five point four, showing "5.404" and "5,404" side by
side asks the officer to spot a dot from a comma on a phone. Spelled out, "năm nghìn bốn
trăm lẻ bốn" and "năm phẩy bốn trăm lẻ bốn" cannot be confused. (num2words' Vietnamese reads
decimals and inner zero hundreds wrongly, so the rules are written out here; they are short.)
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")


def spoken(value: Decimal | int) -> str:
    """'5404' → 'năm nghìn bốn trăm lẻ bốn'; '5.404' → 'năm phẩy bốn trăm lẻ bốn'."""
    number = Decimal(value)
    if number < 0:
        return "âm " + spoken(-number)
    integer, _, fraction = format(number, "f").partition(".")
    words = _integer(int(integer))
    fraction = fraction.rstrip("0")
    if not fraction:
        return words
    zeros = len(fraction) - len(fraction.lstrip("0"))
    tail = " ".join([DIGITS[0]] * zeros + [_integer(int(fraction))])
    return f"{words} phẩy {tail}"


def _integer(n: int) -> str:
    if n == 0:
        return DIGITS[0]
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(SCALES):
        raise ValueError("numbers of a trillion and more are not spoken here")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        leading = index == len(groups) - 1
        words.append(_hundreds(group, full=not leading))
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(words)


def _hundreds(n: int, *, full: bool) -> str:
    """Up to 999; ``full`` for a group after a higher one, where "không trăm" is said."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["lẻ", DIGITS[units]] if words else [DIGITS[units]]
        return " ".join(words)
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)
