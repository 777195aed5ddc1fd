"""Invite codes that survive being read aloud over the phone or copied from a photo.

The alphabet drops I, O, 0 and 1, which officers confuse; six characters from the remaining 32
give about a billion codes, so guessing a live one is hopeless and collisions are rare enough
that a retry covers them.
"""

from __future__ import annotations

import secrets

PREFIX = "CCHC-"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 6


def new_code() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """Chat apps add spaces and phones capitalise oddly; the stored code is upper case."""
    return typed.strip().upper()
