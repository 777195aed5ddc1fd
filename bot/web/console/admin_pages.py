"""The admin's pages: the unit tree, the people, invites in bulk (PDF cards or a sheet), and
revoking a role after a confirmation. Only for admins, and only below their own units; the
rules are the command line's (bot/admin, storage/people)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.admin import onboarding
from bot.review.scope import visible
from bot.web.console.app import CONTEXT, Context, NotFound
from bot.web.console.routes import attachment
from bot.web.console.sign_in import PREFIX
from exports import invite_cards, invite_list, names
from storage import people
from storage.models import Level, Role, Unit
from storage.people import Registration
from storage.repository import Repository, RepositoryError

if TYPE_CHECKING:
    from bot.web.console.app import WebConsole

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Branch:
    """One unit of the tree, with how deep it sits and who holds a role there."""

    unit: Unit
    depth: int
    people: list[Registration]


def register(console: WebConsole) -> None:
    pages = AdminPages(console)
    router = console.app.router
    router.add_get("/quan-tri", pages.overview)
    router.add_get("/quan-tri/thu-hoi", pages.confirm_revoke)
    router.add_post("/quan-tri/thu-hoi", pages.revoke)
    router.add_post("/quan-tri/moi", pages.invite)


def _admin(request: web.Request) -> Context:
    context = request[CONTEXT]
    if not context.viewer.admin:
        raise NotFound
    return context


def _units(repo: Repository, context: Context) -> list[Unit]:
    return visible(repo, context.viewer.admin_tops)


def _tree(repo: Repository, context: Context) -> list[Branch]:
    units = {u.id: u for u in _units(repo, context)}
    held: dict[int, list[Registration]] = {}
    for reg in people.registrations(repo, list(units)):  # type: ignore[arg-type]
        held.setdefault(reg.unit.id, []).append(reg)  # type: ignore[arg-type]
    children: dict[int | None, list[Unit]] = {}
    for unit in units.values():
        parent = unit.parent_id if unit.parent_id in units else None
        children.setdefault(parent, []).append(unit)
    out: list[Branch] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: u.code):
            out.append(Branch(unit, depth, held.get(unit.id, [])))  # type: ignore[arg-type]
            walk(unit.id, depth + 1)

    walk(None, 0)
    return out


class AdminPages:
    def __init__(self, console: WebConsole) -> None:
        self.console = console

    def _page(self, request: web.Request, data: dict[str, Any], status: int = 200) -> web.Response:
        return self.console.page(request, "admin.html", data, status=status)

    async def overview(self, request: web.Request) -> web.Response:
        context = _admin(request)
        tree = await self.console.read(lambda repo: _tree(repo, context))
        return self._page(request, self._data(request, tree))

    def _data(self, request: web.Request, tree: list[Branch], error: str = "") -> dict[str, Any]:
        return {
            "tree": tree,
            "notice": request.query.get("tb", ""),
            "error": error,
            "levels": [(Level.COMMUNE, "xã"), (Level.DISTRICT, "huyện"), (Level.PROVINCE, "tỉnh")],
            "roles": [
                (Role.OFFICER, "cán bộ nhập liệu"),
                (Role.REVIEWER, "người duyệt"),
                (Role.ADMIN, "quản trị"),
            ],
            "has_qr": self.console.admin.telegram_username is not None,
        }

    async def confirm_revoke(self, request: web.Request) -> web.Response:
        context = _admin(request)
        user_id, code = request.query.get("nguoi", ""), request.query.get("don-vi", "")

        def read(repo: Repository) -> Registration:
            return self._held(repo, context, user_id, code)

        held = await self.console.read(read)
        return self.console.page(request, "revoke.html", {"held": held})

    def _held(self, repo: Repository, context: Context, user_id: str, code: str) -> Registration:
        """The role this person holds at this unit, inside the admin's units, else 404."""
        units = {u.code: u for u in _units(repo, context)}
        unit = units.get(code.upper())
        if unit is None or not user_id.isdigit():
            raise NotFound
        found = [r for r in people.registrations(repo, [unit.id]) if r.user.id == int(user_id)]  # type: ignore[list-item]
        if not found:
            raise NotFound
        return found[0]

    async def revoke(self, request: web.Request) -> web.StreamResponse:
        context = _admin(request)
        form = await request.post()
        user_id, code = str(form.get("nguoi", "")), str(form.get("don_vi", ""))
        now = self.console.clock()

        def act(repo: Repository) -> None:
            held = self._held(repo, context, user_id, code)
            people.revoke(repo, held.user.id, now, held.unit.code)  # type: ignore[arg-type]

        await self.console.write(act)
        raise web.HTTPSeeOther(f"{PREFIX}/quan-tri?tb=thu-hoi")

    async def invite(self, request: web.Request) -> web.StreamResponse:
        context = _admin(request)
        form = await request.post()
        under = str(form.get("duoi", "")).upper()
        try:
            role, level = Role(str(form.get("vai_tro"))), Level(str(form.get("cap")))
        except ValueError:
            raise NotFound from None
        every = form.get("tat_ca") == "1"
        as_pdf = form.get("dang") != "xlsx"
        options, now = self.console.admin, self.console.clock()

        def act(repo: Repository) -> tuple[str, bytes, str] | str:
            if under not in {u.code for u in _units(repo, context)}:
                raise NotFound
            refused = onboarding.level_refusal(role, level)
            if refused is not None:
                return refused
            try:
                batch = onboarding.invite_under(
                    repo, under, role, level, every, options.invite_ttl, now
                )
            except RepositoryError as exc:
                return str(exc)
            printed = onboarding.printed(
                repo, batch, role, options.telegram_username, self.console.zone
            )
            if not printed:
                return "none"
            stem = f"ma-moi-{names.slug(batch.top.name)}"
            if as_pdf:
                data = invite_cards.cards_pdf(
                    printed,
                    telegram_bot=options.telegram_username,
                    zalo_bot=options.zalo_bot_name,
                )
                return f"{stem}.pdf", data, PDF
            return f"{stem}.xlsx", invite_list.invite_list_xlsx(printed), XLSX

        made = await self.console.write(act)
        if isinstance(made, str):
            tree = await self.console.read(lambda repo: _tree(repo, context))
            return self._page(request, self._data(request, tree, error=made), status=400)
        filename, data, media = made
        return attachment(data, filename, media)
