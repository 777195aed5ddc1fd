"""A fake Zalo Bot API server on 127.0.0.1, so Zalo bot tests never reach the internet.

The bot POSTs JSON to ``{base_url}/bot<token>/<method>``; the fake plays both Zalo and the users
and keeps Zalo's rules, so a bot that passes here meets no new error in production: getUpdates
hands out one event at a time and has no offset (an event taken is gone), an empty long poll is
HTTP 408, a webhook or a second poller is 409, text is at most 2000 characters, the bot may only
write to users who wrote to it, a blocked bot gets 403, and 429 carries ``retry_after``.

Like ``fake_telegram`` it is a ``fake_server.FakeServer``: it serves from its own event loop in a
background thread, so tests get a thread-safe synchronous API whichever loop the bot runs on.
Waits block on a Condition that every change notifies (their ``*_async`` twins block a worker
thread, not the bot's loop) and the long poll on an ``asyncio.Event``: nothing sleeps in a
loop. ``calls`` leaves out empty polls (408): an idle bot makes one per poll timeout, and they
would bury the calls a test asserts on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web
from fake_server import ApiError, Call, FakeServer

TEXT_LIMIT = 2000  # characters as len() counts them
POLL_TIMEOUT_LIMIT = 60.0
DEFAULT_NAME = "Cán bộ"  # a commune officer, the bot's usual user
SECRET_HEADER = "X-Bot-Api-Secret-Token"
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
# Zalo demands HTTPS; tests serve plain HTTP on the loopback only.
WEBHOOK_URL_RE = re.compile(r"https://[^\s/]+\S*|http://(127\.0\.0\.1|localhost)(:\d+)?(/\S*)?")
SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{8,256}")

TEXT_LENGTH = f"Bad Request: text must be between 1 and {TEXT_LIMIT} characters"
CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: the user has blocked the bot"
WEBHOOK_ACTIVE = "Conflict: webhook is active"
OTHER_POLLER = "Conflict: another getUpdates request is running"
POLL_TIMEOUT = "Request timeout"


@dataclass(frozen=True)
class Message:
    """One message the bot sent to a user; ``text`` is the caption of a photo ("" if none)."""

    text: str
    message_id: str
    date: int  # unix milliseconds
    photo: str | None = None


@dataclass
class _Chat:
    """A private chat; Zalo uses the user's id as the chat id."""

    user_id: str
    display_name: str
    messages: list[Message] = field(default_factory=list)  # the bot's, in send order
    transcript: list[str] = field(default_factory=list)  # both sides, for describe()
    last_action: int = 0  # len(messages) when the user last wrote
    blocked: bool = False


@dataclass
class _Injected:
    status: int
    retry_after: int | None
    times: int
    chat_id: str | None


class FakeZalo(FakeServer[str]):
    """Zalo's Bot API and its users, in one process; see the module docstring."""

    _thread_name = "fake-zalo"

    def __init__(self, token: str = "1234567890:zalo-test-token") -> None:
        super().__init__()
        self.token = token
        self.bot_id = token.split(":", 1)[0]
        self.base_url = ""
        self._chats: dict[str, _Chat] = {}
        self._events: dict[str, dict[str, Any]] = {}  # every event ever made, by message_id
        self._queue: deque[dict[str, Any]] = deque()  # waiting for getUpdates
        self._inject: dict[str, list[_Injected]] = {}
        self._webhook: tuple[str, str] | None = None
        self._webhook_updated_at = 0
        self._deliveries: list[tuple[str, int]] = []
        self._polling = False
        # Owned by the server loop thread only.
        self._session: aiohttp.ClientSession | None = None
        self._wakeup: asyncio.Event | None = None
        self._push_lock: asyncio.Lock | None = None
        self._pushes: set[asyncio.Task[None]] = set()
        self._closing = False
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
        }

    # --- life cycle (start, stop and the context manager come from FakeServer) -------------------
    async def _startup(self) -> int:
        self._wakeup = asyncio.Event()
        self._push_lock = asyncio.Lock()
        self._closing = False
        # A poll the bot abandoned ends with its connection (see _serve), so it does not hold
        # the single poller slot and turn the bot's next poll into a 409.
        return await self._serve(self._dispatch)

    def _serving_on(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}"

    async def _shutdown(self) -> None:
        """A waiting long poll answers 408 at once, so stopping is quick."""
        self._closing = True
        self._wake_poller()
        for task in list(self._pushes):
            task.cancel()
        await asyncio.gather(*self._pushes, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None  # a restarted fake opens a new one on its new loop

    # --- users act ----------------------------------------------------------------------------
    def add_user(self, user_id: str, display_name: str | None = None) -> None:
        """A user who interacted earlier, so the bot may write first (else "chat not found")."""
        with self._cond:
            self._chat_for(user_id, display_name)
            self._changed()

    def user_sends(self, user_id: str, text: str, *, display_name: str | None = None) -> str:
        """The user writes to the bot; returns the event's message_id. Undoes a block."""
        return self._user_event(
            user_id, display_name, "message.text.received", {"text": text}, repr(text)
        )

    def user_sends_image(
        self,
        user_id: str,
        photo_url: str = "https://example.invalid/photo.jpg",
        *,
        caption: str | None = None,
        display_name: str | None = None,
    ) -> str:
        """The user sends a photo; ``caption`` is left out of the event when None, as Zalo may."""
        fields: dict[str, Any] = {"photo_url": photo_url}
        if caption is not None:
            fields["caption"] = caption
        shown = f"[image {photo_url}] {caption or ''}".rstrip()
        return self._user_event(user_id, display_name, "message.image.received", fields, shown)

    def user_sends_sticker(
        self, user_id: str, sticker: str = "sticker-1", *, display_name: str | None = None
    ) -> str:
        """The user sends a sticker, which a text bot must survive without crashing."""
        fields = {"sticker": sticker}
        return self._user_event(
            user_id, display_name, "message.sticker.received", fields, f"[sticker {sticker}]"
        )

    def redeliver(self, message_id: str) -> None:
        """Deliver the very same event once more, as Zalo's at-least-once delivery may."""
        with self._cond:
            event = self._events.get(message_id)
            if event is None:
                raise AssertionError(f"no event with message_id {message_id!r} was ever made")
            self._deliver(event)
            self._changed()

    def block(self, user_id: str) -> None:
        """The user blocks the bot: from now on every call aimed at them gets 403."""
        with self._cond:
            self._chat_for(user_id, None).blocked = True
            self._changed()

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` if given) with an error.

        The failed call changes nothing, like the real one; 429 always carries ``retry_after``
        (1 unless given) because the bot's back-off depends on it.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._cond:
            self._inject.setdefault(method, []).append(
                _Injected(status, retry_after, times, chat_id)
            )

    # --- what the bot did ---------------------------------------------------------------------
    def chat(self, user_id: str) -> list[Message]:
        """The messages the bot sent to this user, in order."""
        with self._cond:
            chat = self._chats.get(user_id)
            return list(chat.messages) if chat is not None else []

    def last(self, user_id: str) -> Message:
        """The bot's latest message to this user."""
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None or not chat.messages:
                raise AssertionError(f"the bot sent nothing to {user_id}\n{self.describe()}")
            return chat.messages[-1]

    @property
    def calls(self) -> list[Call]:
        """Requests answered, in answer order; not empty polls (408) nor abandoned ones."""
        with self._cond:
            return list(self._calls)

    @property
    def webhook(self) -> tuple[str, str] | None:
        """(url, secret_token) as set by setWebhook; None when no webhook is set."""
        with self._cond:
            return self._webhook

    @property
    def pending_updates(self) -> int:
        """Events waiting for getUpdates."""
        with self._cond:
            return len(self._queue)

    @property
    def webhook_deliveries(self) -> list[tuple[str, int]]:
        """(message_id, HTTP status the bot answered) per push, 0 when it could not connect."""
        with self._cond:
            return list(self._deliveries)

    @property
    def polling(self) -> bool:
        """A getUpdates is waiting now; lets a test know the bot is listening."""
        with self._cond:
            return self._polling

    # --- waiting ------------------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[FakeZalo], bool], timeout: float = 10) -> None:
        """Block until ``predicate(fake)`` holds; re-checked whenever anything changes."""
        self._wait(lambda: predicate(self), timeout, lambda: "condition not met")

    def wait_for_text(self, user_id: str, fragment: str, timeout: float = 10) -> Message:
        """The first bot message since the user last wrote that contains ``fragment``.

        Only what the bot sent after the latest ``user_sends*`` counts (everything, if the user
        never wrote), so an older reply with the same words cannot satisfy a test by accident.
        """

        def find() -> Message | None:
            chat = self._chats.get(user_id)
            if chat is None:
                return None
            recent = chat.messages[chat.last_action :]
            return next((m for m in recent if fragment in m.text), None)

        return self._wait(
            find,
            timeout,
            lambda: f"no message containing {fragment!r} to {user_id} since the user last wrote",
            user_id,
        )

    def wait_for_count(self, user_id: str, n: int, timeout: float = 10) -> list[Message]:
        """Block until the bot has sent at least ``n`` messages to the user; returns them all."""

        def enough() -> list[Message] | None:
            chat = self._chats.get(user_id)
            return list(chat.messages) if chat is not None and len(chat.messages) >= n else None

        return self._wait(enough, timeout, lambda: f"fewer than {n} messages to {user_id}", user_id)

    async def wait_for_async(
        self, predicate: Callable[[FakeZalo], bool], timeout: float = 10
    ) -> None:
        """``wait_for`` for async tests: blocks a worker thread, not the bot's loop."""
        await asyncio.to_thread(self.wait_for, predicate, timeout)

    async def wait_for_text_async(
        self, user_id: str, fragment: str, timeout: float = 10
    ) -> Message:
        """``wait_for_text`` for async tests: blocks a worker thread, not the bot's loop."""
        return await asyncio.to_thread(self.wait_for_text, user_id, fragment, timeout)

    def describe(self, user_id: str | None = None) -> str:
        """A readable dump for failure messages: one chat in full, or the tail of every chat."""
        with self._cond:
            lines: list[str] = []
            if user_id is None:
                chats = list(self._chats.values())[-20:]
            elif user_id in self._chats:
                chats = [self._chats[user_id]]
            else:
                chats = []
                lines.append(f"user {user_id}: never wrote to the bot and was never added")
            for chat in chats:
                lines.append(f"chat {chat.user_id} ({chat.display_name}), blocked={chat.blocked}:")
                lines.extend(chat.transcript if user_id else chat.transcript[-8:])
            webhook = self._webhook[0] if self._webhook else "none"
            lines.append(f"webhook: {webhook}; queued events: {len(self._queue)}")
            if self._deliveries:
                lines.append(f"last webhook deliveries: {self._deliveries[-5:]}")
            lines.extend(self._last_calls())
            return "\n".join(lines)

    # --- internals: state (lock held) ---------------------------------------------------------
    def _chat_for(self, user_id: str, display_name: str | None) -> _Chat:
        """The user's chat, opened on first sight; a given name renames, None keeps the name."""
        if not isinstance(user_id, str) or not user_id:
            raise TypeError(f"Zalo user ids are non-empty strings, not {user_id!r}")
        chat = self._chats.get(user_id)
        if chat is None:
            chat = self._chats[user_id] = _Chat(user_id, display_name or DEFAULT_NAME)
        elif display_name is not None:
            chat.display_name = display_name
        return chat

    def _user_event(
        self,
        user_id: str,
        display_name: str | None,
        event_name: str,
        fields: dict[str, Any],
        shown: str,
    ) -> str:
        message_id = secrets.token_hex(10)
        with self._cond:
            chat = self._chat_for(user_id, display_name)
            chat.blocked = False
            chat.last_action = len(chat.messages)
            chat.transcript.append(f"  user: {shown}")
            sender = {"id": user_id, "display_name": chat.display_name, "is_bot": False}
            message = {
                "from": sender,
                "chat": {"id": user_id, "chat_type": "PRIVATE"},
                **fields,
                "message_id": message_id,
                "date": _now_ms(),
            }
            event = {"event_name": event_name, "message": message}
            self._events[message_id] = event
            self._deliver(event)
            self._changed()
        return message_id

    def _deliver(self, event: dict[str, Any]) -> None:
        """Queue the event for getUpdates, or push it to the webhook set at this moment."""
        webhook = self._webhook
        if webhook is None:
            self._queue.append(event)
            self._call_soon(self._wake_poller)
            return
        self._require_loop().call_soon_threadsafe(self._start_push, event, webhook)

    def _wake_poller(self) -> None:
        """Runs on the server loop: let a waiting getUpdates look again."""
        if self._wakeup is not None:
            self._wakeup.set()

    def _changed(self) -> None:
        self._cond.notify_all()

    # --- internals: webhook pushes (server loop) ----------------------------------------------
    def _start_push(self, event: dict[str, Any], webhook: tuple[str, str]) -> None:
        task = asyncio.get_running_loop().create_task(self._push(event, webhook))
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    async def _push(self, event: dict[str, Any], webhook: tuple[str, str]) -> None:
        """POST one event; the lock (FIFO) keeps pushes in the order the users wrote."""
        url, secret = webhook
        assert self._push_lock is not None
        async with self._push_lock:
            if self._session is None:
                self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
            body = {"ok": True, "result": event}
            try:
                headers = {SECRET_HEADER: secret}
                async with self._session.post(url, json=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
        with self._cond:
            self._deliveries.append((event["message"]["message_id"], status))
            self._changed()

    # --- internals: HTTP ----------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        method, chat_id = request.path, None
        try:
            if request.method != "POST":
                raise ApiError(405, "Method Not Allowed")
            token, _, method = request.path.removeprefix("/bot").partition("/")
            if not request.path.startswith("/bot") or not method:
                method = request.path  # recorded as is: not a Bot API path at all
                raise ApiError(404, "Not Found")
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method)
            if handler is None and method != "getUpdates":
                raise ApiError(404, "Not Found")
            params = await _read_body(request)
            chat_id = None if params.get("chat_id") is None else str(params["chat_id"])
            self._injected_failure(method, chat_id)
            if handler is None:
                result = await self._get_updates(params)
            else:
                with self._cond:
                    result = handler(params)
            response = web.json_response({"ok": True, "result": result})
        except ApiError as error:
            response = error.response()
        if not (method == "getUpdates" and response.status == 408):
            with self._cond:
                self._calls.append(Call(arrived, method, chat_id, response.status))
                self._changed()
        return response

    def _injected_failure(self, method: str, chat_id: str | None) -> None:
        with self._cond:
            rules = self._inject.get(method, [])
            rule = next((r for r in rules if r.chat_id in (None, chat_id)), None)
            if rule is None:
                return
            rule.times -= 1
            if rule.times <= 0:
                rules.remove(rule)
        parameters = {"retry_after": rule.retry_after} if rule.retry_after is not None else None
        raise ApiError(rule.status, _description(rule.status, rule.retry_after), parameters)

    async def _get_updates(self, params: dict[str, Any]) -> dict[str, Any]:
        """Long polling: one event at once if queued, else the first to come within timeout."""
        timeout = _poll_timeout(params)
        with self._cond:
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
            if self._polling:
                raise ApiError(409, OTHER_POLLER)
            self._polling = True
            self._changed()
        wakeup = self._wakeup
        assert wakeup is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while not self._closing:
                wakeup.clear()  # safe: there is only ever one poller
                with self._cond:
                    if self._webhook is not None:
                        raise ApiError(409, WEBHOOK_ACTIVE)
                    if self._queue:
                        event = self._queue.popleft()
                        self._changed()
                        return event
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wakeup.wait(), remaining)
            raise ApiError(408, POLL_TIMEOUT)
        finally:
            with self._cond:
                self._polling = False
                self._changed()

    # --- internals: Bot API methods (lock held) -----------------------------------------------
    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "account_name": "bot.cchc",
            "account_type": "BASIC",
            "can_join_groups": False,
            "display_name": "CCHC Bot",
        }

    def _target_chat(self, params: dict[str, Any]) -> _Chat:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise ApiError(400, "Bad Request: chat_id must be a non-empty string")
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _store(self, chat: _Chat, text: str, photo: str | None) -> dict[str, Any]:
        message = Message(text, secrets.token_hex(10), _now_ms(), photo)
        chat.messages.append(message)
        shown = f"[photo {photo}] {text!r}" if photo is not None else repr(text)
        chat.transcript.append(f"  bot:  {shown}")
        self._changed()
        return {"message_id": message.message_id, "date": message.date}

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            raise ApiError(400, TEXT_LENGTH)
        return self._store(chat, text, None)

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo.startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: photo must be a URL")
        caption = params.get("caption")
        if caption is None:
            caption = ""
        if not isinstance(caption, str) or len(caption) > TEXT_LIMIT:
            raise ApiError(400, f"Bad Request: caption must be at most {TEXT_LIMIT} characters")
        return self._store(chat, caption, photo)

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: action must be typing or upload_photo")
        return True

    def _set_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not WEBHOOK_URL_RE.fullmatch(url):
            raise ApiError(400, "Bad Request: url must be an https URL")
        if not isinstance(secret, str) or not SECRET_TOKEN_RE.fullmatch(secret):
            raise ApiError(400, "Bad Request: secret_token must be 8-256 of A-Z a-z 0-9 _ -")
        self._webhook = (url, secret)
        self._webhook_updated_at = _now_ms()
        self._wake_poller()  # a waiting poll now ends with 409
        self._changed()
        return {"url": url, "updated_at": self._webhook_updated_at}

    def _delete_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        self._webhook = None
        self._webhook_updated_at = _now_ms()
        self._changed()
        return {"url": "", "updated_at": self._webhook_updated_at}

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        url = self._webhook[0] if self._webhook else ""
        return {"url": url, "updated_at": self._webhook_updated_at}


# --- request parsing ------------------------------------------------------------------------------
async def _read_body(request: web.Request) -> dict[str, Any]:
    """The JSON object body; an empty body counts as ``{}`` (a bare getMe is harmless)."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, "Bad Request: body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "Bad Request: body must be a JSON object")
    return body


def _poll_timeout(params: dict[str, Any]) -> float:
    """Seconds as a number or numeric string, clamped to 0..60 as Zalo does."""
    value = params.get("timeout", 0)
    try:
        seconds = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds):
        raise ApiError(400, "Bad Request: timeout must be a number")
    return min(max(seconds, 0.0), POLL_TIMEOUT_LIMIT)


def _description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    if status == 403:
        return BLOCKED
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _now_ms() -> int:
    return int(time.time() * 1000)
