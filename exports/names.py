"""File names a person can read and a chat app will not mangle: CCHC_2024-Q3_xa-son-trung.xlsx.

Vietnamese letters are folded to ASCII (đ → d, ơ → o) because attachments pass through e-mail
clients and chat apps that still break on them, and a reviewer sorting a folder of 300 files
wants them grouped by period first.
"""

from __future__ import annotations

import re

from exports import words
from flows.answers import fold

NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """'Huyện Sơn Hà' → 'huyen-son-ha'."""
    return NOT_SLUG.sub("-", fold(name)).strip("-")


def unit_file_name(period: str, unit_name: str, extension: str) -> str:
    """One unit's report: CCHC_2024-Q3_xa-son-trung.xlsx."""
    return f"{words.FILE_PREFIX}_{period}_{slug(unit_name)}.{extension}"


def compiled_file_name(period: str, top_name: str, extension: str) -> str:
    """A reviewer's compiled units: CCHC_2024-Q3_tong-hop_huyen-son-ha.xlsx."""
    return f"{words.FILE_PREFIX}_{period}_{words.COMPILED_FILE_PART}_{slug(top_name)}.{extension}"
