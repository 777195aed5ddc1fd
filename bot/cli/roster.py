"""How the command line names a person: their chat name and the app they registered on."""

from __future__ import annotations

from storage.models import User

PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "dòng lệnh"}


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


def person_label(user: User) -> str:
    """'Nguyễn Văn An (Zalo, số 12)': the number is what `people revoke` takes."""
    return f"{user.display_name} ({platform_name(user.platform)}, số {user.id})"
