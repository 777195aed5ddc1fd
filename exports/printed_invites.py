"""What an invite card and a line of the invite list say, gathered before either is written.

The command line decides which units get codes; the PDF and the xlsx are then written from
this plain data alone, so both files always carry the same codes and links.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrintedInvite:
    unit_code: str
    unit_name: str
    above: str | None  # the unit it reports to, printed under its name: "Quảng Ngãi"
    role_name: str  # "cán bộ nhập liệu"
    code: str
    link: str | None  # the Telegram deep link, None when no bot username is configured
    expires: str  # local time, as printed: "19/12/2026 09:14"


def telegram_link(username: str | None, code: str) -> str | None:
    """The deep link that opens the bot with the code: Telegram then sends "/start CODE"."""
    if not username:
        return None
    return f"https://t.me/{username.lstrip('@')}?start={code}"
