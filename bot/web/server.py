"""The bot's own small web server: download links, the web console (bot/web/console), and
Zalo's webhook when one is set.

Every GET of a download link is logged, served or refused. A link is refused plainly, in
Vietnamese, with what to do: a forged one with 403, one signed by us but malformed with 400,
an expired one with 410, one whose owner may no longer see the file with 403. Who may see it
is checked when it is opened, not only when it was issued. A HEAD request says whether the
link works, without building the file and without counting as a download.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote, urlsplit

from aiohttp import web

from bot.chat import documents
from bot.chat.conversations import Conversations
from bot.transports.zalo.api import parse_event
from bot.transports.zalo.bot import ZaloBot
from bot.web.console.app import WebConsole
from bot.web.console.sign_in import PREFIX as CONSOLE
from bot.web.downloads import (
    PATH,
    DownloadLinks,
    Grant,
    LinkExpired,
    LinkMalformed,
    LinkRefused,
)
from bot.web.webhooks import read_update
from flows import texts
from storage.models import DownloadOutcome

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"


class WebServer:
    def __init__(
        self,
        conversations: Conversations,
        listen: str,
        port: int,
        *,
        links: DownloadLinks | None = None,
        zalo: ZaloBot | None = None,
        zalo_webhook_url: str | None = None,
        zalo_secret: str = "",
        clock: Callable[[], datetime] | None = None,
        console: WebConsole | None = None,
    ) -> None:
        self.conversations = conversations
        self.listen, self.port = listen, port
        self.links = links
        self.zalo = zalo
        self.zalo_secret = zalo_secret
        self.clock = clock or conversations.clock
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._health)
        if links is not None:
            self.app.router.add_get(PATH + "/{token}", self._download)
        if zalo is not None and zalo_webhook_url:
            self.app.router.add_post(urlsplit(zalo_webhook_url).path or "/", self._zalo_webhook)
        if console is not None:
            self.app.router.add_get(CONSOLE, self._to_console)
            console.mount(self.app)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)  # URLs hold link tokens
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        log.info("web server listening on port %s", self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _health(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _to_console(self, _request: web.Request) -> web.Response:
        raise web.HTTPFound(CONSOLE + "/")

    # --- download links --------------------------------------------------------------------------
    async def _download(self, request: web.Request) -> web.Response:
        assert self.links is not None
        remote = request.remote
        head = request.method == "HEAD"
        try:
            grant = self.links.check(request.match_info["token"])
        except LinkRefused as exc:
            grant = exc.grant if isinstance(exc, LinkExpired) else None
            if not head:
                await asyncio.to_thread(self._log, exc.outcome, grant, remote)
            if isinstance(exc, LinkExpired):
                return _page(texts.DOWNLOAD_EXPIRED, 410)
            return _page(texts.DOWNLOAD_FORGED, 400 if isinstance(exc, LinkMalformed) else 403)
        if not await asyncio.to_thread(self._may_open, grant):
            if not head:
                await asyncio.to_thread(self._log, DownloadOutcome.REFUSED, grant, remote)
            return _page(texts.DOWNLOAD_NOT_ALLOWED, 403)
        if head:
            return web.Response(
                content_type=documents.media_type(grant.file_spec),
                headers={"Cache-Control": "no-store"},
            )
        try:
            document = await asyncio.to_thread(self.conversations.document, grant.file_spec)
        except Exception as exc:
            log.error("building %s failed: %s: %s", grant.file_spec, type(exc).__name__, exc)
            await asyncio.to_thread(self._log, DownloadOutcome.FAILED, grant, remote)
            return _page(texts.DOWNLOAD_FAILED, 500)
        await asyncio.to_thread(self._log, DownloadOutcome.SERVED, grant, remote)
        return web.Response(
            body=document.data,
            content_type=documents.media_type(grant.file_spec),
            headers={
                "Content-Disposition": (
                    f'attachment; filename="{document.filename}"; '
                    f"filename*=UTF-8''{quote(document.filename)}"
                ),
                "Cache-Control": "no-store",
            },
        )

    def _may_open(self, grant: Grant) -> bool:
        with self.conversations.store.reading() as repo:
            return documents.may_open(repo, grant.platform, grant.external_id, grant.file_spec)

    def _log(self, outcome: str, grant: Grant | None, remote: str | None) -> None:
        with self.conversations.store.transaction() as repo:
            user = repo.user(grant.platform, grant.external_id) if grant else None
            repo.log_download(
                self.clock(),
                outcome,
                grant.file_spec if grant else None,
                user.id if user else None,
                remote,
            )

    # --- Zalo's webhook --------------------------------------------------------------------------
    async def _zalo_webhook(self, request: web.Request) -> web.Response:
        """Answer only Zalo (the secret header), and only once the event is applied (saved).

        The replies go out afterwards, so a slow send never keeps Zalo waiting into a retry.
        """
        assert self.zalo is not None
        data = await read_update(request, SECRET_HEADER, self.zalo_secret, what="Zalo")
        if isinstance(data, web.Response):
            return data
        incoming = parse_event(data)
        if incoming is not None:
            applied = asyncio.get_running_loop().create_future()
            self.zalo.spawn(incoming, applied)
            await applied
        return web.json_response({"ok": True})


def _page(message: str, status: int) -> web.Response:
    html = (
        '<!doctype html><html lang="vi"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>CCHC Bot</title><p>{message}</p></html>"
    )
    return web.Response(text=html, content_type="text/html", status=status)
