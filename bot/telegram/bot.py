"""The Telegram transport: python-telegram-bot in front of the shared conversation service.

It only renders and delivers. Each update is handled exactly once (by update_id, in the same
transaction as the answer it carries), one user's updates in order while different users run
concurrently, and the answer is committed before any reply is attempted: a failed send can
cost a reply, never a figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from datetime import timedelta

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    CallbackQuery,
    InputFile,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.chat.conversations import Conversations, Sender, utc_now
from bot.chat.delivery import Hub
from bot.chat.outcome import Notice, Outcome, RecipientBlocked
from bot.settings import Settings
from bot.telegram.layout import keyboard, pressed_label, split_message
from flows import texts
from flows.engine import Event, Press, Reply, parse_event
from storage.models import Role

log = logging.getLogger(__name__)

PLATFORM = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]


class TelegramBot:
    def __init__(self, conversations: Conversations, settings: Settings, hub: Hub) -> None:
        self.conversations = conversations
        self.settings = settings
        self.hub = hub
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
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
            .concurrent_updates(64)
            .connection_pool_size(64)
        )
        if settings.telegram_max_messages_per_second > 0:
            # aiolimiter is a leaky bucket as deep as its max_rate: "30 per 1 s" lets 30 out at
            # once and 30 more within that second. A bucket one message deep that drains every
            # 1/rate seconds keeps any one-second window at the rate Telegram allows.
            builder = builder.rate_limiter(
                AIORateLimiter(
                    overall_max_rate=1,
                    overall_time_period=1 / settings.telegram_max_messages_per_second,
                    max_retries=3,
                )
            )
        application = builder.build()
        application.add_handler(CallbackQueryHandler(self._on_update))
        application.add_handler(MessageHandler(filters.TEXT, self._on_update))
        application.add_error_handler(self._on_error)
        return application

    # --- start and stop ------------------------------------------------------------------------
    async def start(self, *, poll_timeout: int = 10) -> None:
        """Long polling, or the webhook when WEBHOOK_URL is set (Telegram's secret checked)."""
        app = self.application
        await app.initialize()
        await self._set_menus()
        assert app.updater is not None
        settings = self.settings
        if settings.webhook_url:
            await app.updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_url.split("://", 1)[-1].partition("/")[2],
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await app.updater.start_polling(
                poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        await app.start()

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

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
    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        query = update.callback_query
        event = _event(update)
        if event is None:
            return
        if query is not None:
            await _answer(query)
        sender = Sender(PLATFORM, str(user.id), user.full_name)
        async with self._lock(user.id):  # one user's updates in the order they were sent
            outcome = await asyncio.to_thread(
                self.conversations.handle, sender, event, update_key=str(update.update_id)
            )
            if query is not None and not outcome.repeated:
                await _settle_pressed(query, outcome)
            for reply in outcome.replies:
                await self.send(chat.id, reply)
        await self._after(chat.id, outcome)

    def _lock(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock

    async def _after(self, chat_id: int, outcome: Outcome) -> None:
        if outcome.registered_role in (Role.REVIEWER, Role.ADMIN):
            await self._set_reviewer_menu(chat_id)
        await self.hub.deliver_all(outcome.notices)

    async def send(self, chat_id: int, reply: Reply) -> None:
        if reply.attachment:
            document = await asyncio.to_thread(self.conversations.document, reply.attachment)
            await self.application.bot.send_document(
                chat_id,
                InputFile(document.data, filename=document.filename),
                caption=reply.text,
                reply_markup=keyboard(reply.options),
            )
            return
        chunks = split_message(reply.text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await self.application.bot.send_message(
                chat_id, chunk, reply_markup=keyboard(reply.options) if last else None
            )

    async def deliver(self, notice: Notice) -> None:
        try:
            await self.send(int(notice.external_id), notice.reply)
        except Forbidden as exc:
            raise RecipientBlocked(notice.external_id) from exc

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("handling update failed: %s: %s", type(error).__name__, error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return
        try:
            await context.bot.send_message(chat.id, texts.SORRY)
        except TelegramError as exc:
            log.warning("apology to %s failed too: %s", chat.id, exc)


def _event(update: Update) -> Event | None:
    if update.callback_query is not None:
        return Press(update.callback_query.data or "")
    message = update.message
    if message is not None and message.text:
        return parse_event(message.text)
    return None


async def _answer(query: CallbackQuery) -> None:
    """Stop the button's spinner at once; a redelivered press was answered the first time."""
    with contextlib.suppress(BadRequest):
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
