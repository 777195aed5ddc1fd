"""Who is looking at a page, read again on every request from the session and the roles.

Scope is exactly the chat's: the units a person reviews (bot/review/scope), so a role revoked
in the chat or at the command line ends the web session at its next page.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.review.scope import reviewer_tops
from storage.models import Role, Unit, WebSession
from storage.repository import Repository


@dataclass(frozen=True)
class Viewer:
    name: str
    user_id: int | None  # None for a session from `cchc-bot web-link`
    tops: list[Unit]
    admin_tops: list[Unit]  # where the viewer is an admin: the admin pages' scope

    @property
    def admin(self) -> bool:
        return bool(self.admin_tops)

    @property
    def key(self) -> str:
        """Names this viewer in "remind now"'s once-an-hour claims."""
        return str(self.user_id) if self.user_id is not None else f"web-{self.tops[0].id}"


def viewer_of(repo: Repository, session: WebSession) -> Viewer | None:
    """None when the person holds no reviewer or admin role any more."""
    if session.user_id is not None:
        tops = reviewer_tops(repo, session.user_id)
        if not tops:
            return None
        admin_of = [u for m, u in repo.memberships(session.user_id) if m.role == Role.ADMIN]
        user = next(iter(repo.display_names([session.user_id]).values()), "")
        return Viewer(user, session.user_id, tops, admin_of)
    if session.unit_id is None:
        return None
    unit = repo.unit(session.unit_id)
    return Viewer(unit.name, None, [unit], [unit] if session.role == Role.ADMIN else [])
