"""The Telegram transport: python-telegram-bot in front of the shared conversation service.

It only renders and delivers. Each update is handled exactly once (by update_id, in the same
transaction as the answer it carries), and one person's updates in the order Telegram numbered
them while different people run concurrently: PTB hands updates over one at a time, in order,
and each takes its place in the person's line (bot/chat/sequencer) before anything is awaited.
The answer is committed before any reply is attempted: a failed send can cost a reply, never a
figure, and never the reviewers' notices, which go out (and are retried from the outbox)
whatever became of the replies.

In webhook mode Telegram calls our own small aiohttp server (bot/web/webhooks checks the
secret before reading the body, caps it, and refuses what is not JSON), and is answered only
once the update is applied: Telegram then sends a person's next message only after that, and
a person's press and message, which arrive by separate connections, are put in order by the
line and, across processes, by the database (flows/reorder).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    CallbackQuery,
    Document,
    InputFile,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    TypeHandler,
)
from telegram.request import HTTPXRequest

from bot.chat import uploads
from bot.chat.conversations import Conversations, Sender
from bot.chat.delivery import Hub
from bot.chat.outcome import Notice, Outcome, RecipientBlocked
from bot.chat.sequencer import Sequencer, Turn
from bot.chat.uploads import Upload
from bot.clock import utc_now
from bot.service.settings import Settings
from bot.transports.priority_limiter import BROADCAST, TelegramPriorityLimiter
from bot.transports.telegram.layout import keyboard, pressed_label, split_message
from bot.transports.telegram.request import BoundedRequest
from bot.web.webhooks import read_update
from flows import texts
from flows.engine import Event, Press, Reply, parse_event
from storage.models import Role

log = logging.getLogger(__name__)

PLATFORM = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# In webhook mode a typed message waits this long (seconds) before it is applied, so that a
# button pressed just before it, which Telegram delivers over another connection, goes first.
MESSAGE_HOLD = 0.25
STOP_TIMEOUT = 2.5  # seconds each part of stopping may take, whatever the network does
GET_UPDATES_GRACE = 2.0  # seconds


class TelegramBot:
    def __init__(self, conversations: Conversations, settings: Settings, hub: Hub) -> None:
        self.conversations = conversations
        self.settings = settings
        self.hub = hub
        self.sequencer = Sequencer()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._webhook_runner: web.AppRunner | None = None
        self.application = self._build()
        hub.add(PLATFORM, self.deliver)

    def _build(self) -> Application:
        settings = self.settings
        assert settings.telegram_bot_token is not None
        token = settings.telegram_bot_token.get_secret_value()
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(settings.telegram_api_base_url)
            .base_file_url(settings.telegram_file_base_url)
            # One at a time and in order: each update only takes its place in a line here and
            # is then handled in a task of its own (see admit).
            .concurrent_updates(False)
            .request(BoundedRequest(settings.telegram_connections))
            # Its read timeout comes on top of the long poll's own timeout. It also bounds the
            # one getUpdates PTB sends while stopping (to confirm the last updates), which a
            # server that has gone silent would otherwise hold for the default 5 s.
            .get_updates_request(
                HTTPXRequest(connection_pool_size=1, read_timeout=GET_UPDATES_GRACE)
            )
        )
        if settings.telegram_max_messages_per_second > 0:
            # One limit for everything sent, replies to a person's own update first; what
            # deliver() sends (notices, reminders, digests) takes only the slots left over, at
            # most one a second per chat (bot/transports/priority_limiter).
            builder = builder.rate_limiter(
                TelegramPriorityLimiter(settings.telegram_max_messages_per_second, max_retries=3)
            )
        application = builder.build()
        application.add_handler(TypeHandler(Update, self._on_update))
        application.add_error_handler(self._on_error)
        return application

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.webhook_url)

    # --- start and stop ------------------------------------------------------------------------
    async def start(self, *, poll_timeout: int = 10) -> None:
        """Long polling, or our webhook server when WEBHOOK_URL is set (see the docstring)."""
        app = self.application
        await app.initialize()
        await self._set_menus()
        settings = self.settings
        if settings.webhook_url:
            await self._start_webhook_server()
            await app.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        await app.start()

    async def _start_webhook_server(self) -> None:
        settings = self.settings
        assert settings.webhook_url is not None
        server = web.Application()
        server.router.add_post(urlsplit(settings.webhook_url).path or "/", self._webhook)
        self._webhook_runner = web.AppRunner(server, access_log=None)
        await self._webhook_runner.setup()
        site = web.TCPSite(self._webhook_runner, settings.webhook_listen, settings.webhook_port)
        await site.start()
        log.info("Telegram webhook listening on port %s", settings.webhook_port)

    async def stop(self) -> None:
        """Within a few seconds whatever the network does: a gone server cannot hold it up."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await _bounded(app.updater.stop(), "stopping Telegram polling")
        if self._webhook_runner is not None:
            await _bounded(self._webhook_runner.cleanup(), "stopping the Telegram webhook")
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT)
        if app.running:
            await _bounded(app.stop(), "stopping Telegram")
        await _bounded(app.shutdown(), "closing Telegram's connections")

    async def _set_menus(self) -> None:
        bot = self.application.bot
        await bot.set_my_commands(
            _commands(texts.OFFICER_COMMANDS), BotCommandScopeAllPrivateChats()
        )
        reviewers = await asyncio.to_thread(self._reviewer_chats)
        for chat_id in reviewers:
            await self._set_reviewer_menu(chat_id)
        await asyncio.to_thread(self._forget_old_updates)

    def _reviewer_chats(self) -> list[int]:
        with self.conversations.store.transaction() as repo:
            users = repo.users_with_role(PLATFORM, Role.REVIEWER)
        return [int(u.external_id) for u in users if u.blocked_at is None]

    def _forget_old_updates(self) -> None:
        with self.conversations.store.transaction() as repo:
            repo.forget_updates(utc_now() - timedelta(days=7))

    async def _set_reviewer_menu(self, chat_id: int) -> None:
        try:
            await self.application.bot.set_my_commands(
                _commands(texts.REVIEWER_COMMANDS), BotCommandScopeChat(chat_id)
            )
        except Forbidden:
            log.info("reviewer chat %s has blocked the bot", chat_id)

    # --- one update ---------------------------------------------------------------------------
    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB calls this one update at a time, in update_id order (polling)."""
        self.admit(update)

    def admit(self, update: Update) -> asyncio.Future[bool] | None:
        """Put the update in its sender's line now, before any await; handle it in a task.

        The future resolves once the update is applied (True) or failed (False), which is when
        the webhook answers Telegram. None: nothing to handle (another kind of update).
        """
        user, chat = update.effective_user, update.effective_chat
        event = _event(update)
        if user is None or chat is None or event is None:
            return None
        query = update.callback_query
        hold = MESSAGE_HOLD if self.webhook_mode and query is None else 0.0
        turn = self.sequencer.admit((PLATFORM, user.id), update.update_id, hold=hold)
        applied: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        if query is not None:  # the button's spinner stops at once, whatever waits in line
            self._spawn(_answer(query))
        sender = Sender(PLATFORM, str(user.id), user.full_name)
        self._spawn(self._handle(update, sender, chat.id, event, turn, applied))
        return applied

    async def _handle(
        self,
        update: Update,
        sender: Sender,
        chat_id: int,
        event: Event | Document,
        turn: Turn,
        applied: asyncio.Future[bool],
    ) -> None:
        outcome: Outcome | None = None
        try:
            async with turn:
                try:
                    if isinstance(event, Document):  # read off the loop: it may take a while
                        event = await asyncio.to_thread(uploads.read, await _fetched(event))
                except TelegramError as exc:
                    log.warning("fetching a file failed: %s: %s", type(exc).__name__, exc)
                    _settle(applied, False)
                    await self._say(chat_id, texts.UPLOAD_FAILED)
                    return
                try:
                    outcome = await self.conversations.apply(
                        sender, event, update_key=str(update.update_id), seq=update.update_id
                    )
                except Exception as exc:
                    log.error("handling update failed: %s: %s", type(exc).__name__, exc)
                    _settle(applied, False)
                    await self._apologise(chat_id)
                    return
                _settle(applied, True)
                await self._reply(update.callback_query, chat_id, outcome)
        finally:
            _settle(applied, False)
            if outcome is not None:  # the notices go out whatever became of the replies
                await self._after(chat_id, outcome)

    async def _reply(self, query: CallbackQuery | None, chat_id: int, outcome: Outcome) -> None:
        try:
            if query is not None and not outcome.repeated:
                await _settle_pressed(query, outcome)
            for reply in outcome.replies:
                await self.send(chat_id, reply)
        except Exception as exc:  # the answer is saved; only the reply is lost
            log.warning("reply to %s failed: %s: %s", chat_id, type(exc).__name__, exc)
            await self._apologise(chat_id)

    async def _apologise(self, chat_id: int) -> None:
        await self._say(chat_id, texts.SORRY)

    async def _say(self, chat_id: int, text: str) -> None:
        try:
            await self.application.bot.send_message(chat_id, text)
        except TelegramError as exc:
            log.warning("message to %s failed too: %s", chat_id, exc)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _after(self, chat_id: int, outcome: Outcome) -> None:
        try:
            if outcome.registered_role in (Role.REVIEWER, Role.ADMIN):
                await self._set_reviewer_menu(chat_id)
        except TelegramError as exc:
            log.warning("reviewer menu for %s failed: %s", chat_id, exc)
        await self.hub.deliver_all(outcome.notices)

    # --- the webhook ------------------------------------------------------------------------
    async def _webhook(self, request: web.Request) -> web.Response:
        data = await read_update(
            request, SECRET_HEADER, self.settings.webhook_secret_token, what="Telegram"
        )
        if isinstance(data, web.Response):
            return data
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:
            log.warning("Telegram webhook: refused an update it cannot read: %s", exc)
            return web.json_response({"ok": False}, status=400)
        applied = self.admit(update)
        if applied is not None and not await applied:
            return web.json_response({"ok": False}, status=500)  # Telegram delivers it again
        return web.json_response({"ok": True})

    # --- sending ------------------------------------------------------------------------------
    async def send(
        self, chat_id: int, reply: Reply, *, rate_limit_args: dict[str, Any] | None = None
    ) -> None:
        """``rate_limit_args`` None: a reply to the person's own update, sent first."""
        if reply.attachment:
            document = await asyncio.to_thread(self.conversations.document, reply.attachment)
            await self.application.bot.send_document(
                chat_id,
                InputFile(document.data, filename=document.filename),
                caption=reply.text,
                reply_markup=keyboard(reply.options),
                rate_limit_args=rate_limit_args,
            )
            return
        chunks = split_message(reply.text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await self.application.bot.send_message(
                chat_id,
                chunk,
                reply_markup=keyboard(reply.options) if last else None,
                rate_limit_args=rate_limit_args,
            )

    async def deliver(self, notice: Notice) -> None:
        """A notice to someone who did not just write: a broadcast, after every waiting reply."""
        try:
            await self.send(
                int(notice.external_id), notice.reply, rate_limit_args={"priority": BROADCAST}
            )
        except Forbidden as exc:
            raise RecipientBlocked(notice.external_id) from exc

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("Telegram: %s: %s", type(error).__name__, error)


def _settle(applied: asyncio.Future[bool], ok: bool) -> None:
    if not applied.done():
        applied.set_result(ok)


async def _bounded(work: Coroutine[Any, Any, Any], what: str) -> None:
    try:
        await asyncio.wait_for(work, STOP_TIMEOUT)
    except TimeoutError:
        log.warning("%s took over %s s; going on", what, STOP_TIMEOUT)
    except Exception as exc:
        log.warning("%s failed: %s: %s", what, type(exc).__name__, exc)


def _event(update: Update) -> Event | Document | None:
    if update.callback_query is not None:
        return Press(update.callback_query.data or "")
    message = update.message
    if message is not None and message.text:
        return parse_event(message.text)
    if message is not None and message.document is not None:
        return message.document  # fetched in the sender's turn (_fetched)
    return None


async def _fetched(document: Document) -> Upload:
    """The file's bytes, once it is this update's turn; None for one too large to be worth it."""
    name = document.file_name or ""
    if (document.file_size or 0) > uploads.MAX_BYTES or not name.lower().endswith(".xlsx"):
        return Upload(name, None)
    file = await document.get_file()
    return Upload(name, bytes(await file.download_as_bytearray()))


async def _answer(query: CallbackQuery) -> None:
    """Stop the button's spinner at once; a redelivered press was answered the first time."""
    with contextlib.suppress(TelegramError):
        await query.answer()


async def _settle_pressed(query: CallbackQuery, outcome: Outcome) -> None:
    """Edit the pressed question in place: buttons gone, the choice shown, a clean record."""
    message = query.message
    if message is None or not hasattr(message, "text") or message.text is None:
        return
    label = None if outcome.stale_press else pressed_label(message.reply_markup, query.data or "")
    text = f"{message.text}\n\n→ {label}" if label else message.text
    try:
        await query.edit_message_text(text, reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(command, description) for command, description in pairs]
