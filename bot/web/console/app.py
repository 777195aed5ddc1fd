"""The web console's application: sessions, CSRF, scoping, and the routes of its pages.

Mounted under /web on the bot's web server. Every request but the sign-in page and the
sign-in link itself needs a live session (storage/web_sessions, so any bot process serves
it); every POST carries the session's CSRF token; every unit, round or file named in a URL is
checked against the viewer's scope, and anything outside it is a 404, as if it did not exist.
The pages only render what bot/review returns; decisions and reminders are the chat's own.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.chat.outcome import Notice
from bot.web.console import filters
from bot.web.console.sign_in import PATH as SIGN_IN_PATH
from bot.web.console.sign_in import PREFIX, LinkRefused, SignInLinks
from bot.web.console.viewer import Viewer, viewer_of
from storage import web_sessions
from storage.db import Store
from storage.repository import Repository

log = logging.getLogger(__name__)

COOKIE = "cchc_phien"
CSRF_FIELD = "csrf"
TEMPLATES = Path(__file__).parent / "templates"
PUBLIC = ("/dang-nhap", "/vao/", "/static/")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
DeliverAll = Callable[[list[Notice]], Awaitable[None]]


@dataclass(frozen=True)
class AdminOptions:
    """What the admin pages print on invite cards, from the deployment's settings."""

    telegram_username: str | None = None
    zalo_bot_name: str | None = None
    invite_ttl: timedelta = timedelta(days=14)


class NotFound(Exception):
    """Outside the viewer's scope, or not there at all: both read as 404."""


@dataclass(frozen=True)
class Context:
    """What a page handler is given: the viewer, and how to reach the rest of the bot."""

    viewer: Viewer
    csrf: str
    console: WebConsole


CONTEXT = web.RequestKey("context", Context)


class WebConsole:
    def __init__(
        self,
        store: Store,
        zone: ZoneInfo,
        links: SignInLinks,
        key: str,
        *,
        idle: timedelta,
        clock: Callable[[], datetime],
        deliver_all: DeliverAll | None = None,
        document: Callable[[str], Any] | None = None,
        admin: AdminOptions | None = None,
    ) -> None:
        self.store, self.zone, self.links = store, zone, links
        self.idle, self.clock = idle, clock
        self.deliver_all = deliver_all
        self.document = document
        self.admin = admin or AdminOptions()
        self.secure = links.base_url.startswith("https://")
        self._csrf_key = hashlib.sha256(b"cchc-csrf:" + key.encode()).digest()
        self.app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(
            self.app,
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(["html", "svg"]),
            undefined=jinja2.StrictUndefined,
            filters=filters.ALL,
            context_processors=[],
        )
        self.app.router.add_static("/static", Path(__file__).parent / "static")
        self.app.router.add_get("/dang-nhap", self._sign_in_page)
        self.app.router.add_get("/vao/{token}", self._sign_in)
        self.app.router.add_post("/dang-xuat", self._sign_out)
        from bot.web.console import admin_pages, routes  # they need this module's helpers

        routes.register(self)
        admin_pages.register(self)

    def mount(self, app: web.Application) -> None:
        app.add_subapp(PREFIX, self.app)

    # --- running work ------------------------------------------------------------------------
    async def read(self, work: Callable[[Repository], Any]) -> Any:
        return await asyncio.to_thread(self._in, self.store.reading, work)

    async def write(self, work: Callable[[Repository], Any]) -> Any:
        return await asyncio.to_thread(self._in, self.store.transaction, work)

    @staticmethod
    def _in(opener: Callable[[], Any], work: Callable[[Repository], Any]) -> Any:
        with opener() as repo:
            return work(repo)

    async def deliver(self, notices: list[Notice]) -> None:
        """Right after the commit; the outbox's sweep retries whatever does not arrive."""
        if notices and self.deliver_all is not None:
            try:
                await self.deliver_all(notices)
            except Exception as exc:  # the outbox still holds them
                log.warning("web notices failed: %s: %s", type(exc).__name__, exc)

    # --- sessions and CSRF -------------------------------------------------------------------
    def csrf_for(self, token: str) -> str:
        return hmac.new(self._csrf_key, token.encode(), hashlib.sha256).hexdigest()[:40]

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path.removeprefix(PREFIX) or "/"
        if any(path.startswith(p) for p in PUBLIC):
            return await handler(request)
        token = request.cookies.get(COOKIE, "")
        viewer = await self.write(lambda repo: self._viewer(repo, token)) if token else None
        if viewer is None:
            if request.method != "GET":
                return self.page(request, "refused.html", {"reason": "session"}, status=403)
            raise web.HTTPFound(PREFIX + "/dang-nhap")
        csrf = self.csrf_for(token)
        if request.method == "POST":
            form = await request.post()
            sent = form.get(CSRF_FIELD)
            if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf):
                return self.page(request, "refused.html", {"reason": "csrf"}, status=403)
        request[CONTEXT] = Context(viewer, csrf, self)
        try:
            return await handler(request)
        except NotFound:
            return self.page(request, "not_found.html", {}, status=404)

    def _viewer(self, repo: Repository, token: str) -> Viewer | None:
        session = web_sessions.live(repo, token, self.clock(), self.idle)
        if session is None:
            return None
        viewer = viewer_of(repo, session)
        if viewer is None:  # the role that opened it was revoked
            web_sessions.end(repo, token, self.clock())
        return viewer

    def page(
        self, request: web.Request, name: str, data: dict[str, Any], *, status: int = 200
    ) -> web.Response:
        context = request.get(CONTEXT)
        common = {
            "viewer": context.viewer if context else None,
            "csrf": context.csrf if context else "",
            "csrf_field": CSRF_FIELD,
            "base": PREFIX,
            "now": self.clock().astimezone(self.zone),
        }
        response = aiohttp_jinja2.render_template(name, request, {**common, **data}, status=status)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"  # URLs may hold a sign-in link
        return response

    # --- signing in and out ------------------------------------------------------------------
    async def _sign_in_page(self, request: web.Request) -> web.Response:
        return self.page(request, "sign_in.html", {"refused": None})

    async def _sign_in(self, request: web.Request) -> web.StreamResponse:
        try:
            sign_in = self.links.check(request.match_info["token"])
        except LinkRefused as exc:
            reason = "expired" if exc.expired else "forged"
            return self.page(request, "sign_in.html", {"refused": reason}, status=403)
        token = secrets.token_urlsafe(32)
        now = self.clock()

        def begin(repo: Repository) -> str | None:
            """None once signed in, else why not: the link was used, or the role is gone."""
            if not web_sessions.use_sign_in(repo, sign_in.nonce, now):
                return "used"
            web_sessions.start(
                repo,
                token,
                now,
                user_id=sign_in.user_id,
                unit_id=sign_in.unit_id,
                role=sign_in.role,
            )
            session = web_sessions.live(repo, token, now, self.idle)
            if session is None or viewer_of(repo, session) is None:
                web_sessions.end(repo, token, now)
                return "no_role"
            return None

        refused = await self.write(begin)
        if refused is not None:
            return self.page(request, "sign_in.html", {"refused": refused}, status=403)
        response = web.HTTPFound(PREFIX + "/")
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="Lax",
            secure=self.secure,
            path=PREFIX,
        )
        raise response

    async def _sign_out(self, request: web.Request) -> web.StreamResponse:
        token = request.cookies.get(COOKIE, "")
        await self.write(lambda repo: web_sessions.end(repo, token, self.clock()))
        response = web.HTTPFound(PREFIX + "/dang-nhap")
        response.del_cookie(COOKIE, path=PREFIX)
        raise response


__all__ = ["CONTEXT", "SIGN_IN_PATH", "Context", "NotFound", "WebConsole"]
