"""What people type or import, checked at the door before it is stored, exported or shown.

A chat message, a unit name in a CSV or an argument on the command line can carry bytes that
no one sees on a phone but that break what comes after: PostgreSQL refuses NUL, an .xlsx file
cannot hold most C0 control characters (openpyxl raises), and a "text" made only of zero-width
spaces or a Hangul filler looks empty yet would be stored as an answer. So every text from
outside passes through ``check`` once, where it enters:

- line ends become "\\n", and the text is put in NFC, the composed form Vietnamese keyboards
  produce (a phone that sends "ê" as "e" + a combining circumflex stores the same word);
- invisible format characters (zero-width spaces and joiners, the BOM, direction marks and
  overrides, the soft hyphen) are removed: they are noise from copying and pasting, and bidi
  overrides can make a text read differently from what it holds;
- a control character (C0 other than tab and newline, DEL, C1), a lone surrogate or a
  non-character refuses the whole text: dropping it could join "1" and "2" into "12";
- a text with nothing visible left is refused as empty.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# Letters and symbols that render as nothing: Hangul fillers, the blank Braille pattern, the
# Mongolian vowel separator and Khmer's invisible vowels. Unicode gives them visible categories.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")
ALLOWED_CONTROLS = frozenset("\t\n")


class Problem(StrEnum):
    CONTROL = "control"  # a control character, a lone surrogate or a non-character
    BLANK = "blank"  # nothing visible


@dataclass(frozen=True)
class Clean:
    text: str


@dataclass(frozen=True)
class Refused:
    problem: Problem
    character: str = ""  # the offending character, for a message that names its code point

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.character):04X}" if self.character else ""


Checked = Clean | Refused


def check(text: str) -> Checked:
    """The text as it may be stored, or why it may not."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for ch in text:
        if _is_forbidden(ch):
            return Refused(Problem.CONTROL, ch)
    text = unicodedata.normalize("NFC", "".join(ch for ch in text if not _is_format(ch)))
    if not any(_is_visible(ch) for ch in text):
        return Refused(Problem.BLANK)
    return Clean(text)


def scrub(text: str) -> str:
    """A best-effort clean copy for text we must keep whatever it holds (a chat app's name).

    Forbidden characters and invisible formatting are dropped rather than refused: the person
    did not type their display name as data, and something must be stored for them.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if not _is_forbidden(ch) and not _is_format(ch))
    return unicodedata.normalize("NFC", kept)


def is_clean(text: str) -> bool:
    return isinstance(check(text), Clean)


def _is_forbidden(ch: str) -> bool:
    code = ord(ch)
    if ch in ALLOWED_CONTROLS:
        return False
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return True
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot be encoded as UTF-8
        return True
    # Non-characters: U+FDD0..U+FDEF and the last two code points of every plane.
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _is_format(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"


def _is_visible(ch: str) -> bool:
    return not ch.isspace() and ch not in BLANK_LOOKING and unicodedata.category(ch) != "Cf"
