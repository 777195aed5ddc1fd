"""The Zalo transport: text in, text out, in front of the same conversation service as Telegram.

Zalo's bot API has no buttons and sends no documents, so replies are rendered as in the console
(choices as numbered lines, answered with a digit) and files become signed download links.
Events carry no offset and may come twice: each is applied once, by its message id, in the same
transaction as the answer it carries. One user's messages are handled in the order they came.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiolimiter import AsyncLimiter

from bot.chat.conversations import Conversations, Sender
from bot.chat.delivery import Hub
from bot.chat.message_split import split_text
from bot.chat.outcome import Notice, Outcome, RecipientBlocked
from bot.chat.sequencer import Sequencer, Turn
from bot.chat.text_chat import render
from bot.service.settings import Settings
from bot.transports.zalo.api import TEXT_EVENT, Incoming, ZaloApi, ZaloError
from bot.web.downloads import DownloadLinks
from flows import texts
from flows.engine import Reply, parse_event

log = logging.getLogger(__name__)

PLATFORM = "zalo"
MESSAGE_LIMIT = 2000
SEND_ATTEMPTS = 4


class ZaloBot:
    def __init__(
        self,
        conversations: Conversations,
        settings: Settings,
        hub: Hub,
        links: DownloadLinks | None,
        *,
        poll_timeout: int = 30,
    ) -> None:
        assert settings.zalo_bot_token is not None
        self.conversations = conversations
        self.settings = settings
        self.hub = hub
        self.links = links
        self.poll_timeout = poll_timeout
        self.api = ZaloApi(settings.zalo_bot_token.get_secret_value(), settings.zalo_api_base_url)
        rate = settings.zalo_max_messages_per_second
        # A bucket one message deep: no burst above the rate (see the Telegram transport).
        self._limiter = AsyncLimiter(1, 1 / rate) if rate > 0 else None
        self.sequencer = Sequencer()
        self._tasks: set[asyncio.Task[None]] = set()
        self._poller: asyncio.Task[None] | None = None
        hub.add(PLATFORM, self.deliver)

    # --- start and stop --------------------------------------------------------------------------
    async def start(self) -> None:
        """Check the token, then either register the webhook or start long polling."""
        me = await self.api.get_me()
        log.info("Zalo bot %s is up", (me or {}).get("account_name", "?"))
        if self.settings.zalo_webhook_url:
            await self.api.set_webhook(
                self.settings.zalo_webhook_url, self.settings.zalo_webhook_secret_token
            )
            return
        with contextlib.suppress(ZaloError):  # getUpdates is refused while a webhook is set
            await self.api.delete_webhook()
        self._poller = asyncio.create_task(self._poll(), name="zalo-poll")

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=3)
        await self.api.aclose()

    async def _poll(self) -> None:
        failures = 0
        while True:
            try:
                incoming = await self.api.get_update(self.poll_timeout)
                failures = 0
            except Exception as exc:  # never let the poller die: the bot would go deaf
                failures += 1
                log.warning("Zalo getUpdates failed: %s: %s", type(exc).__name__, exc)
                await asyncio.sleep(min(30, 2 ** (failures - 1)))
                continue
            if incoming is not None:
                self.spawn(incoming)

    def spawn(self, incoming: Incoming, applied: asyncio.Future[None] | None = None) -> None:
        """Take the sender's place in line now, handle in the background.

        ``applied`` resolves once the event has been applied (or has failed).
        """
        turn = self.sequencer.admit((PLATFORM, incoming.user_id))  # Zalo: order of arrival
        task = asyncio.create_task(self.handle(incoming, turn, applied))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- one event -------------------------------------------------------------------------------
    async def handle(
        self, incoming: Incoming, turn: Turn, applied: asyncio.Future[None] | None = None
    ) -> None:
        """Apply one event once, reply, then tell others (a reviewer, when a unit submits).

        The notices go out whatever became of the replies, and stay in the outbox until then.
        """
        outcome: Outcome | None = None
        try:
            async with turn:
                try:
                    outcome = await self._apply(incoming)
                finally:
                    if applied is not None and not applied.done():
                        applied.set_result(None)
                if outcome is None:
                    return
                try:
                    for reply in outcome.replies:
                        await self.send(incoming.chat_id, reply, owner=incoming.user_id)
                except Exception as exc:  # the answer is saved; only the reply is lost
                    await self._apologise(incoming.chat_id, exc)
        finally:
            if applied is not None and not applied.done():
                applied.set_result(None)
            if outcome is not None:
                await self.hub.deliver_all(outcome.notices)

    async def _apply(self, incoming: Incoming) -> Outcome | None:
        try:
            if incoming.event_name != TEXT_EVENT or incoming.text is None:
                await self.send(incoming.chat_id, Reply(texts.ZALO_TEXT_ONLY))
                return None
            sender = Sender(PLATFORM, incoming.user_id, incoming.display_name)
            return await self.conversations.apply(
                sender, parse_event(incoming.text), update_key=incoming.message_id
            )
        except Exception as exc:
            await self._apologise(incoming.chat_id, exc)
            return None

    async def _apologise(self, chat_id: str, exc: Exception) -> None:
        log.error("handling a Zalo event failed: %s: %s", type(exc).__name__, exc)
        with contextlib.suppress(ZaloError):
            await self._send_text(chat_id, texts.SORRY)

    # --- sending ---------------------------------------------------------------------------------
    async def send(self, chat_id: str, reply: Reply, *, owner: str | None = None) -> None:
        text = render(reply)
        if reply.attachment:
            text = f"{text}\n{self._link_line(reply.attachment, owner or chat_id)}"
        for chunk in split_text(text, MESSAGE_LIMIT):
            await self._send_text(chat_id, chunk)

    def _link_line(self, file_spec: str, owner: str) -> str:
        if self.links is None:
            return texts.DOWNLOADS_OFF
        url = self.links.issue(file_spec, PLATFORM, owner)
        return texts.download_link(url, self.settings.download_link_hours)

    async def deliver(self, notice: Notice) -> None:
        try:
            await self.send(notice.external_id, notice.reply, owner=notice.external_id)
        except ZaloError as exc:
            if exc.blocked:
                raise RecipientBlocked(notice.external_id) from exc
            raise

    async def _send_text(self, chat_id: str, text: str) -> None:
        """Within the rate limit; after a 429, wait as long as Zalo asks and try again."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            if self._limiter is not None:
                await self._limiter.acquire()
            try:
                await self.api.send_message(chat_id, text)
                return
            except ZaloError as exc:
                if exc.code != 429 or attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(float(exc.retry_after or 1))
