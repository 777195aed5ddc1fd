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
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
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

from bot.conversations import Conversations, Sender, utc_now
from bot.outcome import Notice, Outcome, RecipientBlocked
from bot.reminders import Reminders
from bot.settings import Settings
from bot.telegram_layout import keyboard, pressed_label, split_message
from flows import texts
from flows.engine import Event, Press, Reply, parse_event
from storage.models import Role

log = logging.getLogger(__name__)

PLATFORM = "telegram"
Deliver = Callable[[Notice], Awaitable[None]]


class TokenFilter(logging.Filter):
    """Bot API URLs carry the token; no log line may."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = ()
        return True


def protect_logs(token: str) -> None:
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    # httpx logs every request URL at INFO: keep it at WARNING in any case.
    logging.getLogger("httpx").setLevel(logging.WARNING)


class TelegramBot:
    def __init__(self, conversations: Conversations, settings: Settings) -> None:
        self.conversations = conversations
        self.settings = settings
        self.others: dict[str, Deliver] = {}  # notices for users of other chat platforms
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self.scheduler: AsyncIOScheduler | None = None
        self.reminders: Reminders | None = None
        self.application = self._build()

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
            .post_init(self._post_init)
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
        builder = builder.post_stop(self._post_stop)
        application = builder.build()
        application.add_handler(CallbackQueryHandler(self._on_update))
        application.add_handler(MessageHandler(filters.TEXT, self._on_update))
        application.add_error_handler(self._on_error)
        return application

    # --- start-up ---------------------------------------------------------------------------
    async def _post_init(self, application: Application) -> None:
        bot = application.bot
        await bot.set_my_commands(
            _commands(texts.OFFICER_COMMANDS), BotCommandScopeAllPrivateChats()
        )
        reviewers = await asyncio.to_thread(self._reviewer_chats)
        for chat_id in reviewers:
            await self._set_reviewer_menu(chat_id)
        await asyncio.to_thread(self._forget_old_updates)
        if self.settings.reminders:
            self._start_reminders()

    def _start_reminders(self) -> None:
        """Every minute: what is due, from the rounds and the reminder log (not per-user jobs)."""
        settings = self.settings
        self.reminders = Reminders(
            self.conversations.store,
            settings.zone,
            settings.reminder_policy,
            settings.calendar,
            self.conversations.clock,
        )
        self.scheduler = AsyncIOScheduler(timezone=settings.zone)
        self.scheduler.add_job(
            self._remind,
            IntervalTrigger(minutes=1, timezone=settings.zone),
            next_run_time=datetime.now(settings.zone),
            max_instances=1,
            coalesce=True,
            id="reminders",
        )
        self.scheduler.start()

    async def _remind(self) -> None:
        try:
            await self.reminders.tick(self.deliver)
        except Exception:  # the next minute tries again; log without the token
            log.exception("reminder run failed")

    async def _post_stop(self, _application: Application) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

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
        for notice in outcome.notices:
            try:
                await self.deliver(notice)
            except (TelegramError, RecipientBlocked) as exc:  # best effort; the change is saved
                log.warning("notice to %s failed: %s", notice.external_id, exc)

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
        if notice.platform == PLATFORM:
            try:
                await self.send(int(notice.external_id), notice.reply)
            except Forbidden as exc:
                raise RecipientBlocked(notice.external_id) from exc
        elif notice.platform in self.others:
            await self.others[notice.platform](notice)
        else:
            log.info("no transport running for %s; notice not delivered", notice.platform)

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

    # --- running ------------------------------------------------------------------------------
    def run(self) -> None:
        settings = self.settings
        if settings.webhook_url:
            path = settings.webhook_url.split("://", 1)[-1].partition("/")[2]
            self.application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret_token,
                allowed_updates=["message", "callback_query"],
            )
        else:
            self.application.run_polling(allowed_updates=["message", "callback_query"])


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
