"""Everything `cchc-bot run` starts, on one event loop over one database.

Every chat app whose token is set (Telegram, Zalo, or both), the web server (Zalo's webhook,
the download links that stand in for documents, the web console), and the reminder scheduler, which
reaches each person on the app they registered from. Tests start this same object.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.chat import outbox
from bot.chat.conversations import Conversations
from bot.chat.delivery import Hub
from bot.chat.outcome import Notice
from bot.clock import utc_now
from bot.service.reminders import Reminders
from bot.service.settings import Settings
from bot.transports.telegram.bot import TelegramBot
from bot.transports.zalo.bot import ZaloBot
from bot.web.console.app import AdminOptions, WebConsole
from bot.web.console.sign_in import SignInLinks
from bot.web.downloads import DownloadLinks
from bot.web.server import WebServer
from storage.db import Store

log = logging.getLogger(__name__)

OUTBOX_SWEEP_SECONDS = 30


class NothingToRun(Exception):
    """Neither TELEGRAM_BOT_TOKEN nor ZALO_BOT_TOKEN is set, nor PUBLIC_BASE_URL for the console."""


class Service:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        clock: Callable[[], datetime] = utc_now,
        poll_timeout: int = 10,
    ) -> None:
        if not settings.transports and not settings.web_console:
            raise NothingToRun  # the web console alone may run: a province's desk before its bot
        self.settings = settings
        self.store = store
        self.conversations = Conversations(store, settings.zone, clock)
        self.hub = Hub(record=self._record_notices)
        self.poll_timeout = poll_timeout
        self.telegram = self._telegram() if settings.telegram_bot_token else None
        self.links = self._links()
        self.zalo = self._zalo() if settings.zalo_bot_token else None
        self.console = self._console()
        self.web = self._web() if self.zalo is not None or self.console is not None else None
        self.reminders: Reminders | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self._running: list[Callable[[], Awaitable[None]]] = []  # stops, in start order

    # --- parts -----------------------------------------------------------------------------------
    def _telegram(self) -> TelegramBot:
        return TelegramBot(self.conversations, self.settings, self.hub)

    def _links(self) -> DownloadLinks | None:
        settings = self.settings
        if settings.zalo_bot_token is None or not settings.public_base_url:
            return None
        return DownloadLinks(
            settings.download_signing_key,
            settings.public_base_url,
            timedelta(hours=settings.download_link_hours),
            self.conversations.clock,
        )

    def _zalo(self) -> ZaloBot:
        if self.links is None:
            log.warning("PUBLIC_BASE_URL is not set: Zalo users cannot download files")
        return ZaloBot(
            self.conversations, self.settings, self.hub, self.links, poll_timeout=self.poll_timeout
        )

    def _console(self) -> WebConsole | None:
        """At PUBLIC_BASE_URL; the chat's /web hands out its sign-in links."""
        settings = self.settings
        if not settings.web_console or settings.public_base_url is None:
            return None
        links = SignInLinks(
            settings.web_signing_key,
            settings.public_base_url,
            timedelta(minutes=settings.web_sign_in_minutes),
            self.conversations.clock,
        )
        self.conversations.sign_in_link = links.for_user
        return WebConsole(
            self.store,
            settings.zone,
            links,
            settings.web_signing_key,
            idle=timedelta(hours=settings.web_idle_hours),
            clock=self.conversations.clock,
            deliver_all=self.hub.deliver_all,
            document=self.conversations.document,
            admin=AdminOptions(
                (settings.telegram_bot_username or "").strip().lstrip("@") or None,
                settings.zalo_bot_name or None,
                timedelta(days=settings.invite_ttl_days),
            ),
        )

    def _web(self) -> WebServer:
        settings = self.settings
        return WebServer(
            self.conversations,
            settings.http_listen,
            settings.http_port,
            links=self.links,
            zalo=self.zalo,
            zalo_webhook_url=settings.zalo_webhook_url,
            zalo_secret=settings.zalo_webhook_secret_token,
            console=self.console,
        )

    # --- running ---------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start each part; if one fails, stop those already running and raise."""
        try:
            if self.web is not None:  # first: Zalo checks the webhook URL when it is set
                await self.web.start()
                self._running.append(self.web.stop)
            # A transport's stop also undoes a start that failed half-way (its HTTP clients).
            if self.telegram is not None:
                self._running.append(self.telegram.stop)
                await self.telegram.start(poll_timeout=self.poll_timeout)
            if self.zalo is not None:
                self._running.append(self.zalo.stop)
                await self.zalo.start()
        except BaseException:
            await self.stop()
            raise
        self._start_scheduler()
        log.info("running: %s", ", ".join(self.hub.platforms) or "the web console only")

    async def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        while self._running:
            stop = self._running.pop()
            try:
                await stop()
            except Exception as exc:  # stop the rest regardless
                log.warning("stopping failed: %s: %s", type(exc).__name__, exc)

    async def run(self) -> None:
        """Until SIGINT or SIGTERM (Ctrl+C, or the service manager stopping it)."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(sig, stop.set)
        await self.start()
        # What start-up built (templates, the libraries' classes and tables, the bots) lives
        # as long as the process: out of the garbage collector's sight, it is no longer walked
        # by every older-generation collection. In the Telegram benchmark (1,000 officers) the
        # collector's share of the bot's CPU went from 4.7 % to 2.7 %. Objects made from here
        # on are collected as before.
        gc.freeze()
        try:
            await stop.wait()
        finally:
            await self.stop()

    def _start_scheduler(self) -> None:
        """Every minute: what reminders are due, from the rounds and the reminder log (not
        per-user jobs); every half minute: the notices still waiting in the outbox."""
        settings = self.settings
        self.scheduler = AsyncIOScheduler(timezone=settings.zone)
        self.scheduler.add_job(
            self._sweep_outbox,
            IntervalTrigger(seconds=OUTBOX_SWEEP_SECONDS, timezone=settings.zone),
            next_run_time=datetime.now(settings.zone),
            max_instances=1,
            coalesce=True,
            id="outbox",
        )
        if settings.reminders:
            self.reminders = Reminders(
                self.store,
                settings.zone,
                settings.reminder_policy,
                settings.calendar,
                self.conversations.clock,
                platforms=frozenset(self.hub.platforms),
            )
            self.scheduler.add_job(
                self._remind,
                IntervalTrigger(minutes=1, timezone=settings.zone),
                next_run_time=datetime.now(settings.zone),
                max_instances=1,
                coalesce=True,
                id="reminders",
            )
        self.scheduler.start()

    async def _record_notices(self, results: list[tuple[Notice, str]]) -> None:
        await asyncio.to_thread(outbox.record, self.store, results, self.conversations.clock())

    async def _sweep_outbox(self) -> None:
        try:
            await outbox.sweep(
                self.store, self.hub.platforms, self.hub.deliver_all, self.conversations.clock()
            )
        except Exception as exc:  # the next run tries again
            log.warning("outbox sweep failed: %s: %s", type(exc).__name__, exc)

    async def _remind(self) -> None:
        assert self.reminders is not None
        try:
            await self.reminders.tick(self.hub.deliver)
        except Exception:  # the next minute tries again
            log.exception("reminder run failed")
