"""Invite codes that survive being read aloud over the phone or copied from a printed card.

The alphabet drops I, O, 0 and 1, which officers confuse. Eight characters from the remaining
32 carry 40 bits: about 1.1 × 10¹² codes. With every commune of the country holding a live code
(3,321) a random guess hits one with a chance of 3 in a billion, and a chat account gets five
wrong tries in a quarter of an hour before it must wait (storage/repository), so guessing is
hopeless; collisions are rare enough that a retry covers them. Codes print as CCHC-7KQ2-XH4M;
people may type them in any case, with or without the dashes or with spaces.

Codes issued before the eight-character form (CCHC-7KQ2XH, six characters) keep working.
"""

from __future__ import annotations

import math
import re
import secrets

PREFIX = "CCHC-"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8
ENTROPY_BITS = LENGTH * math.log2(len(ALPHABET))
# What a chat message holding only a code looks like (the first message on Zalo, say).
LOOKS_LIKE_CODE = re.compile(r"^\s*CCHC[-\s]*(?:[A-Z0-9][-\s]*){4,12}$", re.IGNORECASE)


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{PREFIX}{body[:4]}-{body[4:]}"


def normalise(typed: str) -> str:
    """The stored form of what was typed: upper case, the prefix, and 4-4 dashes when 8 long."""
    compact = re.sub(r"[\s-]+", "", typed).upper()
    body = compact.removeprefix(PREFIX.rstrip("-"))
    if len(body) == LENGTH:
        return f"{PREFIX}{body[:4]}-{body[4:]}"
    return PREFIX + body
