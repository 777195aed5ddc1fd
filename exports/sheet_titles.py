"""Sheet names Excel accepts: at most 31 characters, none of []:*?/\\, unique ignoring case.

Unit names are usually short ("Xã Sơn Trung") but a name like "Thị trấn Di Lăng (huyện Sơn
Hà cũ)" is not, and two districts may have communes of the same name; Excel refuses to open a
file that breaks these rules, so they are enforced here rather than trusted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from exports import words
from exports.safe_cells import printable

MAX_LENGTH = 31
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def clean(name: str) -> str:
    """A name Excel accepts as is (not yet made unique).

    NFC first: names pasted from some systems arrive decomposed, each accent a character of
    its own, and would be cut sooner than they need to be.
    """
    text = " ".join(FORBIDDEN.sub(" ", printable(name)).split()).strip("'")
    return trim(text, MAX_LENGTH) or words.UNIT_SHEET_FALLBACK


def trim(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut between words when a word boundary is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit] != " " and " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip()


def unique_titles(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """One title per name, in order, none equal (ignoring case) to another or to ``taken``."""
    used = {t.casefold() for t in taken}
    titles: list[str] = []
    for name in names:
        base = clean(name)
        title, n = base, 1
        while title.casefold() in used:
            n += 1
            suffix = f" ({n})"
            title = trim(base, MAX_LENGTH - len(suffix)) + suffix
        used.add(title.casefold())
        titles.append(title)
    return titles
