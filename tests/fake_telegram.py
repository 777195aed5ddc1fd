"""A fake Telegram Bot API server on 127.0.0.1, so bot tests never reach the internet.

The real bot (python-telegram-bot, PTB) is pointed at this server with ``base_url`` and
``base_file_url``; the fake then plays both Telegram and the users. It speaks the wire format
PTB really uses (form fields with JSON-encoded complex values, multipart/form-data when a file
is attached; JSON bodies are accepted too) and enforces the limits the real API enforces, with
the real error wording, so a bot that passes here does not meet a new ``BadRequest`` in
production: message length in UTF-16 code units, callback data in UTF-8 bytes, "message is not
modified", a callback query answered twice, 429 with ``retry_after``, 403 for a blocked user,
409 when a webhook is set or a second poller appears.

The server runs on its own event loop in a background thread (``fake_server.FakeServer``, shared
with ``fake_zalo``), so tests get a plain, thread-safe synchronous API (``user_sends``,
``wait_for_text`` ...) whichever loop the bot runs on. Waiting helpers have ``*_async`` twins
for async tests, because a blocking wait on the loop that also runs the bot would starve the bot
and time out.

It also serves a benchmark with a thousand simulated users, so every hot path is O(1) or
O(batch): per-chat dict indexes, a deque of pending updates, and no sleeping except the
long-poll wait, which is an ``asyncio.Event``.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web
from fake_server import ApiError, Call, FakeServer, refuse_on_running_loop

MESSAGE_LIMIT = 4096  # UTF-16 code units, after entity parsing (here: as sent)
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8
CALLBACK_ANSWER_LIMIT = 200
INLINE_BUTTON_LIMIT = 100
COMMANDS_LIMIT = 100
COMMAND_DESCRIPTION_LIMIT = 256
UPLOAD_LIMIT = 50 * 1024 * 1024  # bots may upload up to 50 MB
DEFAULT_NAME = "Cán bộ"  # a commune officer, the bot's usual user
# Not every change notifies waiters (a confirmed update, a pushed one), so waits look again
# at least this often.
RECHECK = 0.5

COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
PARSE_MODES = frozenset({"HTML", "Markdown", "MarkdownV2"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

# The real API's wording: PTB strips "Bad Request: " and capitalises, tests match on the rest.
TOO_LONG = "Bad Request: message is too long"
TEXT_EMPTY = "Bad Request: message text is empty"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
BUTTON_TEXT_INVALID = "Bad Request: BUTTON_TEXT_INVALID"
TEXT_BUTTONS_UNALLOWED = (
    "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
    "inline keyboard"
)
MARKUP_TOO_LONG = "Bad Request: reply markup is too long"
MARKUP_INVALID = "Bad Request: can't parse reply keyboard markup JSON object"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
OTHER_POLLER = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units: an emoji outside the BMP counts twice."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Message:
    """A snapshot of one message the bot sent, as the user would see it now.

    ``text`` is the caption for a document. ``buttons`` are the inline keyboard rows as
    ``(label, callback_data)`` (``None`` for URL and other non-callback buttons);
    ``keyboard`` the rows of a reply keyboard sent with it; ``edits`` the earlier texts.
    """

    message_id: int
    chat_id: int
    text: str
    buttons: list[list[tuple[str, str | None]]]
    edits: list[str]
    document: tuple[str, bytes] | None
    date: int
    keyboard: list[list[str]] = field(default_factory=list)

    def data_for(self, label: str) -> str:
        """The callback data of the button labelled ``label``, so tests can press by label."""
        for row in self.buttons:
            for text, data in row:
                if text == label and data is not None:
                    return data
        raise AssertionError(f"no button {label!r} on message {self.message_id}: {self.buttons}")


@dataclass
class _Document:
    file_id: str
    file_unique_id: str
    filename: str
    mime_type: str
    content: bytes


@dataclass
class _Stored:
    """A bot message as the fake keeps it; mutable because edits change it in place."""

    message_id: int
    date: int
    text: str | None
    caption: str | None = None
    markup: dict[str, Any] | None = None  # the inline keyboard, as Telegram echoes it back
    buttons: list[list[tuple[str, str | None]]] = field(default_factory=list)
    keyboard: list[list[str]] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)
    document: _Document | None = None
    edit_date: int | None = None


@dataclass
class _Chat:
    """A private chat; its id is the user's id, message ids are shared by both sides."""

    id: int
    first_name: str
    next_message_id: int = 1
    messages: dict[int, _Stored] = field(default_factory=dict)  # the bot's, in send order
    events: list[tuple[int, int, str]] = field(default_factory=list)  # (seq, message_id, text)
    last_action: int = 0  # seq of the user's latest message or press
    blocked: bool = False


@dataclass
class _Injected:
    status: int
    retry_after: int
    times: int
    chat_id: int | None
    description: str | None


@dataclass
class _Callback:
    chat_id: int
    answered: bool = False


class FakeTelegram(FakeServer[int]):
    """Telegram's Bot API and its users, in one process; see the module docstring."""

    _thread_name = "fake-telegram"

    def __init__(self, token: str = "123456:TEST-TOKEN", username: str = "cchc_test_bot") -> None:
        super().__init__()
        self.token = token
        self.username = username
        self.bot_id = int(token.split(":", 1)[0])
        self.base_url = ""
        self.base_file_url = ""
        self._version = 0  # bumped by every change, so a waiter never misses one
        self._seq = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._chats: dict[int, _Chat] = {}
        self._updates: dict[int, dict[str, Any]] = {}  # every update ever queued, by id
        self._pending: deque[int] = deque()  # unconfirmed update ids, ascending
        self._again: deque[int] = deque()  # redelivered ids, handed out once more
        self._callbacks: dict[str, _Callback] = {}
        self._files: dict[str, _Document] = {}
        self._commands: dict[str, list[tuple[str, str]]] = {}
        self._answered: list[tuple[str, str | None]] = []
        self._inject: dict[str, list[_Injected]] = {}
        self._webhook: tuple[str, str | None] | None = None
        # Delivery like Telegram's (deliver_like_telegram): update ids waiting per queue.
        self._auto_deliver = False
        self._delivery_queues: dict[tuple[str, int], deque[int]] = {}
        self._queued_for_delivery: set[int] = set()
        self._draining: set[tuple[str, int]] = set()
        self.delivery_log: list[tuple[int, int]] = []  # (update_id, status) per push, in order
        self._listeners: list[Callable[[int, str], None]] = []
        # Owned by the server loop thread only.
        self._session: aiohttp.ClientSession | None = None
        self._updates_event: asyncio.Event | None = None
        self._poll_generation = 0
        self._closing = False
        self._methods: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in (
                ("getMe", self._get_me),
                ("sendMessage", self._send_message),
                ("editMessageText", self._edit_message_text),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("answerCallbackQuery", self._answer_callback_query),
                ("setMyCommands", self._set_my_commands),
                ("deleteMyCommands", self._delete_my_commands),
                ("getMyCommands", self._get_my_commands),
                ("sendDocument", self._send_document),
                ("getFile", self._get_file),
                ("sendChatAction", self._send_chat_action),
                ("setWebhook", self._set_webhook),
                ("deleteWebhook", self._delete_webhook),
                ("getWebhookInfo", self._get_webhook_info),
            )
        }

    # --- life cycle (start, stop and the context manager come from FakeServer) -------------------
    async def _startup(self) -> int:
        self._updates_event = asyncio.Event()
        self._closing = False  # a restarted fake keeps its chats and serves polls again
        # A long poll the bot abandoned (PTB cancels it on stop) ends with its connection (see
        # _serve) instead of lingering to be "terminated by other getUpdates request".
        return await self._serve(self._dispatch, client_max_size=UPLOAD_LIMIT + 1024 * 1024)

    def _serving_on(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self.base_file_url = f"http://127.0.0.1:{port}/file/bot"

    async def _shutdown(self) -> None:
        """Waiting long polls return at once, so stopping takes milliseconds."""
        self._closing = True
        self._wake_pollers()
        if self._session is not None:
            await self._session.close()
            self._session = None  # a restarted fake opens a new one on its new loop

    # --- users act ----------------------------------------------------------------------------
    def add_user(self, user_id: int, first_name: str | None = None) -> None:
        """Open the private chat without a message, as if the user had started the bot earlier.

        Telegram refuses to send to a user who never started the bot ("chat not found"), and
        so does the fake: call this when a test seeds a user the bot will write to first.
        """
        with self._cond:
            self._chat_for(user_id, first_name)

    def user_sends(self, user_id: int, text: str, *, first_name: str | None = None) -> int:
        """Queue a text message from the user; a leading /command gets its bot_command entity.

        A new user is called "Cán bộ" unless ``first_name`` says otherwise; a known user keeps
        the name given before. Writing to the bot undoes a block, as in Telegram.
        """
        with self._cond:
            chat = self._chat_for(user_id, first_name)
            chat.blocked = False
            message: dict[str, Any] = {
                "message_id": self._next_message_id(chat),
                "from": self._user_json(chat),
                "chat": self._chat_json(chat),
                "date": int(time.time()),
                "text": text,
            }
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
                ]
            chat.last_action = next(self._seq)
            update_id = self._queue({"message": message})
            self._changed()
        self._call_soon(self._wake_pollers)
        return update_id

    def user_sends_document(
        self, user_id: int, filename: str, content: bytes, *, caption: str | None = None
    ) -> int:
        """Queue a message carrying a file, as when a user attaches a spreadsheet; the bot gets
        it with getFile and a download from the file URL, as from Telegram."""
        with self._cond:
            chat = self._chat_for(user_id, None)
            chat.blocked = False
            number = next(self._file_ids)
            document = _Document(
                file_id=f"BQACAgIAAxkBAAI{number:08d}",
                file_unique_id=f"AgAE{number:08d}",
                filename=filename,
                mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                content=content,
            )
            self._files[document.file_id] = document
            message: dict[str, Any] = {
                "message_id": self._next_message_id(chat),
                "from": self._user_json(chat),
                "chat": self._chat_json(chat),
                "date": int(time.time()),
                "document": {
                    "file_id": document.file_id,
                    "file_unique_id": document.file_unique_id,
                    "file_name": filename,
                    "mime_type": document.mime_type,
                    "file_size": len(content),
                },
            }
            if caption is not None:
                message["caption"] = caption
            chat.last_action = next(self._seq)
            update_id = self._queue({"message": message})
            self._changed()
        self._call_soon(self._wake_pollers)
        return update_id

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = _str(params, "file_id")
        document = self._files.get(file_id or "")
        if document is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "file_size": len(document.content),
            "file_path": f"documents/{document.file_id}",
        }

    def _file_download(self, path: str) -> web.Response:
        """GET /file/bot<token>/documents/<file_id>: the file's bytes, as Telegram serves them."""
        token, _, rest = path[len("/file/bot") :].partition("/")
        document = self._files.get(rest.removeprefix("documents/"))
        if token != self.token or document is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=document.content, content_type="application/octet-stream")

    def user_presses(self, user_id: int, message_id: int, data: str) -> int:
        """Queue a callback query for a button on a message the bot sent to this user.

        A press on a message or button that is not there is a broken test, not a user action,
        so it raises AssertionError instead of queuing something Telegram could never send.
        """
        with self._cond:
            chat = self._chats.get(user_id)
            stored = chat.messages.get(message_id) if chat is not None else None
            if chat is None or stored is None:
                raise AssertionError(
                    f"user {user_id} pressed on message {message_id}, which the bot never sent "
                    f"there\n{self.describe(user_id)}"
                )
            if not any(d == data for row in stored.buttons for _, d in row):
                raise AssertionError(
                    f"message {message_id} in chat {user_id} has no button with callback data "
                    f"{data!r}; its buttons: {stored.buttons}"
                )
            query_id = str(4_000_000_000_000_000 + next(self._callback_ids))
            self._callbacks[query_id] = _Callback(chat.id)
            query = {
                "id": query_id,
                "from": self._user_json(chat),
                "message": self._message_json(chat, stored),
                "chat_instance": str(-chat.id),
                "data": data,
            }
            chat.last_action = next(self._seq)
            update_id = self._queue({"callback_query": query})
            self._changed()
        self._call_soon(self._wake_pollers)
        return update_id

    def update_json(self, update_id: int) -> dict[str, Any]:
        """The update as Telegram sends it, to deliver it by hand (a duplicate, say)."""
        with self._cond:
            return json.loads(json.dumps(self._updates[update_id]))

    def redeliver(self, update_id: int) -> None:
        """Hand the same update out once more, as Telegram may when a confirmation is lost.

        The copy is delivered by the next getUpdates whatever its offset (before newer
        updates, so PTB's next offset still confirms everything), or by ``push_webhook``.
        """
        with self._cond:
            if update_id not in self._updates:
                raise AssertionError(f"no update {update_id} was ever queued")
            self._again.append(update_id)
        self._call_soon(self._wake_pollers)

    # --- what the bot did ---------------------------------------------------------------------
    def chat(self, chat_id: int) -> list[Message]:
        """Snapshots of the messages the bot sent to this chat, in order."""
        with self._cond:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [_snapshot(chat.id, stored) for stored in chat.messages.values()]

    def last(self, chat_id: int) -> Message:
        """The bot's latest message in this chat."""
        with self._cond:
            chat = self._chats.get(chat_id)
            if chat is None or not chat.messages:
                raise AssertionError(f"the bot sent nothing to chat {chat_id}")
            stored = chat.messages[next(reversed(chat.messages))]
            return _snapshot(chat.id, stored)

    @property
    def commands(self) -> dict[str, list[tuple[str, str]]]:
        """setMyCommands by scope key: "default", "all_private_chats", "chat:<id>" ..."""
        with self._cond:
            return {key: list(value) for key, value in self._commands.items()}

    @property
    def answered_callbacks(self) -> list[tuple[str, str | None]]:
        """(callback_query_id, text) of every successful answerCallbackQuery, in order."""
        with self._cond:
            return list(self._answered)

    @property
    def calls(self) -> list[Call]:
        """Every request the server answered, in the order the answers went out.

        A request the client abandoned before its answer (a cancelled long poll) is not listed:
        the bot never saw an outcome for it.
        """
        with self._cond:
            return list(self._calls)

    @property
    def webhook(self) -> tuple[str, str | None] | None:
        """(url, secret_token) as set by setWebhook; None when no webhook is set."""
        with self._cond:
            return self._webhook

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed (or pushed), like getWebhookInfo reports."""
        with self._cond:
            return len(self._pending) + len(self._again)

    def wait_for(self, predicate: Callable[[FakeTelegram], bool], timeout: float = 10) -> None:
        """Block until ``predicate(fake)`` holds; re-checked whenever the bot changes something."""
        _refuse_on_running_loop("wait_for")
        deadline = time.monotonic() + timeout
        while True:
            # The predicate runs outside the lock: however slow it is, the server keeps serving.
            with self._cond:
                seen = self._version
            if predicate(self):
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"condition not met within {timeout} s\n{self.describe()}")
            with self._cond:
                if self._version == seen:
                    self._cond.wait(min(remaining, RECHECK))

    def wait_for_text(self, chat_id: int, fragment: str, timeout: float = 10) -> Message:
        """The first message sent or edited after the user's last action that contains fragment.

        Only what happened after the latest ``user_sends``/``user_presses`` in the chat counts,
        so an older reply with the same words cannot satisfy a test by accident.
        """
        _refuse_on_running_loop("wait_for_text")
        not_found = (
            f"no message containing {fragment!r} in chat {chat_id} after the user's last action"
        )
        return self._wait(
            lambda: self._find_text(chat_id, fragment),
            timeout,
            lambda: not_found,
            chat_id,
            recheck=RECHECK,
        )

    async def wait_for_async(
        self, predicate: Callable[[FakeTelegram], bool], timeout: float = 10
    ) -> None:
        """``wait_for`` for async tests: polls without blocking the loop the bot runs on."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() >= deadline:
                raise AssertionError(f"condition not met within {timeout} s\n{self.describe()}")
            await asyncio.sleep(0.005)

    async def wait_for_text_async(
        self, chat_id: int, fragment: str, timeout: float = 10
    ) -> Message:
        """``wait_for_text`` for async tests: polls without blocking the loop the bot runs on."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                found = self._find_text(chat_id, fragment)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no message containing {fragment!r} in chat {chat_id} after the user's "
                    f"last action within {timeout} s\n{self.describe(chat_id)}"
                )
            await asyncio.sleep(0.005)

    def describe(self, chat_id: int | None = None) -> str:
        """A readable dump for failure messages: one chat in full, or the tail of every chat."""
        with self._cond:
            lines: list[str] = []
            chats = [self._chats[chat_id]] if chat_id in self._chats else []
            if chat_id is None:
                chats = list(self._chats.values())[-20:]
            for chat in chats:
                lines.append(f"chat {chat.id} ({chat.first_name}), blocked={chat.blocked}:")
                stored_messages = list(chat.messages.values())
                if chat_id is None:
                    stored_messages = stored_messages[-5:]
                for stored in stored_messages:
                    shown = _snapshot(chat.id, stored)
                    lines.append(f"  #{shown.message_id}: {shown.text!r}")
                    if shown.buttons:
                        lines.append(f"      buttons: {shown.buttons}")
            if chat_id is not None and not chats:
                lines.append(f"chat {chat_id}: the bot never wrote there and the user never did")
            lines.extend(self._last_calls())
            return "\n".join(lines)

    # --- failure injection --------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        chat_id: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` if given) with an error.

        429 carries ``retry_after`` as Telegram does; other statuses get Telegram's usual
        description unless one is given. The failed call changes nothing, like the real one.
        """
        with self._cond:
            self._inject.setdefault(method.lower(), []).append(
                _Injected(status, retry_after, times, chat_id, description)
            )

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: from now on every call aimed at this chat gets 403."""
        with self._cond:
            self._chat_for(chat_id, None).blocked = True

    # --- webhook mode -------------------------------------------------------------------------
    def push_webhook(self, update_id: int) -> int:
        """POST a queued update to the webhook as Telegram would; returns the HTTP status."""
        _refuse_on_running_loop("push_webhook")
        loop = self._require_loop()
        future = asyncio.run_coroutine_threadsafe(self._push(update_id), loop)
        return future.result(timeout=30)

    async def push_webhook_async(self, update_id: int) -> int:
        """``push_webhook`` for async tests, whose loop may be the one serving the webhook."""
        loop = self._require_loop()
        future = asyncio.run_coroutine_threadsafe(self._push(update_id), loop)
        return await asyncio.wrap_future(future)

    async def _push(self, update_id: int) -> int:
        with self._cond:
            webhook = self._webhook
            update = self._updates.get(update_id)
        if webhook is None:
            raise AssertionError("no webhook is set")
        if update is None:
            raise AssertionError(f"no update {update_id} was ever queued")
        url, secret = webhook
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(url, json=update, headers=headers) as response:
            await response.read()
            status = response.status
        if 200 <= status < 300:
            with self._cond:
                with contextlib.suppress(ValueError):
                    self._again.remove(update_id)
                with contextlib.suppress(ValueError):
                    self._pending.remove(update_id)
        return status

    # --- internals: state ---------------------------------------------------------------------
    def _chat_for(self, user_id: int, first_name: str | None) -> _Chat:
        """The user's chat, opened on first sight; a given name renames, None keeps the name."""
        chat = self._chats.get(user_id)
        if chat is None:
            chat = self._chats[user_id] = _Chat(user_id, first_name or DEFAULT_NAME)
        elif first_name is not None:
            chat.first_name = first_name
        return chat

    def _next_message_id(self, chat: _Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _queue(self, body: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates[update_id] = {"update_id": update_id, **body}
        self._pending.append(update_id)
        return update_id

    def _wake_pollers(self) -> None:
        """Runs on the server loop: release every waiting getUpdates to look again."""
        if self._updates_event is not None:
            self._updates_event.set()
            self._updates_event = asyncio.Event()
        if self._auto_deliver:
            self._kick_delivery()

    # --- webhook delivery as Telegram's Bot API server does it ----------------------------------
    def deliver_like_telegram(self) -> None:
        """From now on push every queued update to the webhook by itself, as Telegram does.

        As in telegram-bot-api's WebhookActor (webhook_queue_id in Client.cpp): updates wait in
        queues, one per private chat for messages and one per user for button presses. A queue
        sends its next update only once the webhook has answered the previous one with 2xx (it
        retries after a pause otherwise), and different queues are delivered at the same time.
        So a press and the message a person typed right after it can arrive together, over two
        connections, possibly at two bot processes.
        """
        with self._cond:
            self._auto_deliver = True
        self._call_soon(self._wake_pollers)

    def _kick_delivery(self) -> None:
        with self._cond:
            if self._webhook is None:
                return
            for update_id in list(self._pending):
                if update_id in self._queued_for_delivery:
                    continue
                self._queued_for_delivery.add(update_id)
                update = self._updates[update_id]
                if "callback_query" in update:
                    key = ("user", int(update["callback_query"]["from"]["id"]))
                else:
                    key = ("chat", int(update["message"]["chat"]["id"]))
                self._delivery_queues.setdefault(key, deque()).append(update_id)
            idle = [k for k, q in self._delivery_queues.items() if q and k not in self._draining]
            self._draining.update(idle)
        for key in idle:
            asyncio.get_running_loop().create_task(self._drain(key))

    async def _drain(self, key: tuple[str, int]) -> None:
        pause = 0.2
        try:
            while True:
                with self._cond:
                    queue = self._delivery_queues[key]
                    if not queue or self._closing:
                        return
                    update_id = queue[0]
                try:
                    status = await self._push(update_id)
                except (aiohttp.ClientError, OSError, AssertionError):
                    status = 0
                with self._cond:
                    self.delivery_log.append((update_id, status))
                    if 200 <= status < 300:
                        queue.popleft()
                        pause = 0.2
                    self._changed()
                if not 200 <= status < 300:
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, 2.0)
        finally:
            with self._cond:
                self._draining.discard(key)

    def _changed(self) -> None:
        """Called with the lock held after anything changed that a test may wait for."""
        self._version += 1
        self._cond.notify_all()

    def _find_text(self, chat_id: int, fragment: str) -> Message | None:
        chat = self._chats.get(chat_id)
        if chat is None:
            return None
        start = bisect.bisect_right(chat.events, chat.last_action, key=lambda event: event[0])
        for _, message_id, text in itertools.islice(chat.events, start, None):
            if fragment in text:
                return _snapshot(chat.id, chat.messages[message_id])
        return None

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "CCHC Test Bot",
            "username": self.username,
        }

    @staticmethod
    def _user_json(chat: _Chat) -> dict[str, Any]:
        return {
            "id": chat.id,
            "is_bot": False,
            "first_name": chat.first_name,
            "language_code": "vi",
        }

    @staticmethod
    def _chat_json(chat: _Chat) -> dict[str, Any]:
        return {"id": chat.id, "type": "private", "first_name": chat.first_name}

    def _message_json(self, chat: _Chat, stored: _Stored) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": stored.message_id,
            "from": self._bot_user(),
            "chat": self._chat_json(chat),
            "date": stored.date,
        }
        if stored.document is not None:
            document = stored.document
            data["document"] = {
                "file_id": document.file_id,
                "file_unique_id": document.file_unique_id,
                "file_name": document.filename,
                "mime_type": document.mime_type,
                "file_size": len(document.content),
            }
            if stored.caption:
                data["caption"] = stored.caption
        else:
            data["text"] = stored.text
        if stored.markup is not None:
            data["reply_markup"] = stored.markup
        if stored.edit_date is not None:
            data["edit_date"] = stored.edit_date
        return data

    # --- internals: HTTP ----------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.path.startswith("/file/bot"):
            with self._cond:
                return self._file_download(request.path)
        arrived = time.monotonic()
        name, chat_id = request.path, None
        try:
            token, method = _split_path(request.path)
            name = method
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            known = self._methods.get(method.lower())
            name = known[0] if known is not None else method
            if method.lower() == "getupdates":
                name = "getUpdates"
            params = await _read_params(request)
            chat_id = _chat_id_of(params)
            self._injected_failure(name, chat_id)
            if name == "getUpdates":
                result: Any = await self._get_updates(params)
            elif known is None:
                raise ApiError(404, "Not Found")
            else:
                with self._cond:
                    result = known[1](params)
            response = web.json_response({"ok": True, "result": result})
        except ApiError as error:
            response = error.response()
        with self._cond:
            self._calls.append(Call(arrived, name, chat_id, response.status))
            self._changed()
        return response

    def _injected_failure(self, method: str, chat_id: int | None) -> None:
        with self._cond:
            rules = self._inject.get(method.lower())
            if not rules:
                return
            for rule in rules:
                if rule.chat_id is None or rule.chat_id == chat_id:
                    break
            else:
                return
            rule.times -= 1
            if rule.times <= 0:
                rules.remove(rule)
        if rule.status == 429:
            raise ApiError(
                429,
                rule.description or f"Too Many Requests: retry after {rule.retry_after}",
                {"retry_after": rule.retry_after},
            )
        raise ApiError(rule.status, rule.description or _default_description(rule.status))

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: answer at once when updates wait, else when one arrives or time is up.

        A newer getUpdates terminates an older one with 409, as Telegram does, so a second bot
        process polling the same token shows up in tests instead of silently splitting updates.
        """
        offset = _int(params, "offset") or 0
        limit = min(max(_int(params, "limit") or 100, 1), 100)
        timeout = max(_float(params, "timeout") or 0.0, 0.0)
        with self._cond:
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
        self._poll_generation += 1
        mine = self._poll_generation
        self._wake_pollers()  # an older poller still waiting is now superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._cond:
                self._confirm(offset)
                batch = self._take(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            event = self._updates_event
            assert event is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
            if mine != self._poll_generation:
                raise ApiError(409, OTHER_POLLER)

    def _confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last -offset."""
        pending = self._pending
        if offset > 0:
            while pending and pending[0] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()

    def _take(self, limit: int) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        while self._again and len(batch) < limit:
            batch.append(self._updates[self._again.popleft()])
        for update_id in itertools.islice(self._pending, limit - len(batch)):
            batch.append(self._updates[update_id])
        return batch

    # --- internals: Bot API methods (called with the lock held) -------------------------------
    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _target_chat(self, params: dict[str, Any]) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _chat_id_of(params)
        chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        text = _text(params, "text")
        _check_parse_mode(params)
        markup, buttons, keyboard = _reply_markup(params, inline_only=False)
        stored = _Stored(
            message_id=self._next_message_id(chat),
            date=int(time.time()),
            text=text,
            markup=markup,
            buttons=buttons,
            keyboard=keyboard,
        )
        self._record_sent(chat, stored, text)
        return self._message_json(chat, stored)

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        caption = _str(params, "caption")
        if caption is not None and utf16_len(caption) > CAPTION_LIMIT:
            raise ApiError(400, CAPTION_TOO_LONG)
        _check_parse_mode(params)
        markup, buttons, keyboard = _reply_markup(params, inline_only=False)
        document = self._document(params.get("document"))
        stored = _Stored(
            message_id=self._next_message_id(chat),
            date=int(time.time()),
            text=None,
            caption=caption,
            markup=markup,
            buttons=buttons,
            keyboard=keyboard,
            document=document,
        )
        self._record_sent(chat, stored, caption or "")
        return self._message_json(chat, stored)

    def _document(self, value: Any) -> _Document:
        if isinstance(value, web.FileField):
            content = value.file.read()
            if not content:
                raise ApiError(400, "Bad Request: file must be non-empty")
            number = next(self._file_ids)
            document = _Document(
                file_id=f"BQACAgIAAxkDAAI{number:08d}",
                file_unique_id=f"AgAD{number:08d}",
                filename=value.filename,
                mime_type=value.content_type or "application/octet-stream",
                content=content,
            )
            self._files[document.file_id] = document
            return document
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if value is None or value == "":
            raise ApiError(400, "Bad Request: there is no document in the request")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _record_sent(self, chat: _Chat, stored: _Stored, text: str) -> None:
        chat.messages[stored.message_id] = stored
        chat.events.append((next(self._seq), stored.message_id, text))
        self._changed()
        for listener in self._listeners:
            listener(chat.id, text)

    def listen(self, callback: Callable[[int, str], None]) -> None:
        """Call ``callback(chat_id, text)`` for every message sent or edited, as it happens.

        For load drivers (bench/): thousands of users cannot each block on the shared
        condition. It runs on the server thread with the lock held: hand work off, return fast.
        """
        with self._cond:
            self._listeners.append(callback)

    def _edited_message(self, params: dict[str, Any]) -> tuple[_Chat, _Stored]:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat = self._target_chat(params)
        message_id = _int(params, "message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        stored = chat.messages.get(message_id)
        if stored is None:
            raise ApiError(400, EDIT_NOT_FOUND)
        return chat, stored

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, stored = self._edited_message(params)
        text = _text(params, "text")
        _check_parse_mode(params)
        # As in Telegram, an edit without reply_markup removes the inline keyboard.
        markup, buttons, _ = _reply_markup(params, inline_only=True)
        if stored.text is None:
            raise ApiError(400, NO_TEXT_TO_EDIT)
        if text == stored.text and markup == stored.markup:
            raise ApiError(400, NOT_MODIFIED)
        if text != stored.text:
            stored.edits.append(stored.text)
            stored.text = text
            chat.events.append((next(self._seq), stored.message_id, text))
        stored.markup, stored.buttons = markup, buttons
        stored.edit_date = int(time.time())
        self._changed()
        return self._message_json(chat, stored)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, stored = self._edited_message(params)
        markup, buttons, _ = _reply_markup(params, inline_only=True)
        if markup == stored.markup:
            raise ApiError(400, NOT_MODIFIED)
        stored.markup, stored.buttons = markup, buttons
        stored.edit_date = int(time.time())
        self._changed()
        return self._message_json(chat, stored)

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = _str(params, "callback_query_id")
        text = _str(params, "text")
        if text is not None and utf16_len(text) > CALLBACK_ANSWER_LIMIT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        callback = self._callbacks.get(query_id or "")
        if callback is None or callback.answered or query_id is None:
            raise ApiError(400, QUERY_TOO_OLD)
        callback.answered = True
        self._answered.append((query_id, text))
        self._changed()
        return True

    def _scope_key(self, params: dict[str, Any]) -> str:
        scope = _json_param(params, "scope")
        if scope is None:
            return "default"
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return kind
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = _chat_id_of(scope)
            if chat_id is None or chat_id not in self._chats:
                raise ApiError(400, CHAT_NOT_FOUND)
            if kind == "chat_member":
                return f"chat_member:{chat_id}:{_int(scope, 'user_id')}"
            return f"{kind}:{chat_id}"
        raise ApiError(400, "Bad Request: wrong BotCommandScope type specified")

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = _json_param(params, "commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > COMMANDS_LIMIT:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        pairs: list[tuple[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not COMMAND_RE.fullmatch(command):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise ApiError(400, "Bad Request: command description must be non-empty")
            if utf16_len(description) > COMMAND_DESCRIPTION_LIMIT:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            pairs.append((command, description))
        key = self._scope_key(params)
        if pairs:
            self._commands[key] = pairs
        else:  # an empty list clears the scope, as in Telegram
            self._commands.pop(key, None)
        self._changed()
        return True

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._scope_key(params), None)
        self._changed()
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        pairs = self._commands.get(self._scope_key(params), [])
        return [{"command": command, "description": text} for command, text in pairs]

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        if _str(params, "action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = _str(params, "url") or ""
        secret = _str(params, "secret_token") or None
        if _bool(params, "drop_pending_updates"):
            self._drop_pending()
        if not url:  # an empty url removes the webhook, as in Telegram
            self._webhook = None
            return True
        # Telegram demands HTTPS on ports 443/80/88/8443; tests serve plain HTTP on any port.
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: Wrong URL host")
        if secret is not None and not SECRET_TOKEN_RE.fullmatch(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self._webhook = (url, secret)
        self._changed()
        if self._auto_deliver:
            asyncio.get_running_loop().call_soon(self._kick_delivery)
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if _bool(params, "drop_pending_updates"):
            self._drop_pending()
        self._webhook = None
        self._changed()
        return True

    def _drop_pending(self) -> None:
        self._pending.clear()
        self._again.clear()

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self._webhook[0] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending) + len(self._again),
            "max_connections": 40,
        }


# --- request parsing ------------------------------------------------------------------------------
def _split_path(path: str) -> tuple[str, str]:
    """``/bot<token>/<method>`` → (token, method); anything else is Telegram's 404."""
    if not path.startswith("/bot"):
        raise ApiError(404, "Not Found")
    token, _, method = path[len("/bot") :].partition("/")
    if not token or not method or "/" in method:
        raise ApiError(404, "Not Found")
    return token, method


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string, then the body: JSON, urlencoded form or multipart form (files kept)."""
    params: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.text())
        except ValueError as exc:
            raise ApiError(400, "Bad Request: can't parse JSON object") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: can't parse JSON object")
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        params.update(form.items())
    return params


def _str(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, web.FileField):
        raise ApiError(400, f"Bad Request: wrong parameter {name} in request")
    return value if isinstance(value, str) else str(value)


def _int(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ApiError(400, f"Bad Request: wrong parameter {name} in request")
    try:
        return int(value)
    except ValueError as exc:
        raise ApiError(400, f"Bad Request: wrong parameter {name} in request") from exc


def _float(params: dict[str, Any], name: str) -> float | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, f"Bad Request: wrong parameter {name} in request") from exc


def _bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def _json_param(params: dict[str, Any], name: str) -> Any:
    """Form fields carry complex values JSON-encoded; JSON bodies carry them as objects."""
    value = params.get(name)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from exc


def _chat_id_of(params: dict[str, Any]) -> int | None:
    """The numeric chat id, or None for a missing or @username one (no public chats here)."""
    value = params.get("chat_id")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return None


def _text(params: dict[str, Any], name: str) -> str:
    text = _str(params, name)
    if text is None or not text.strip():
        raise ApiError(400, TEXT_EMPTY)
    if utf16_len(text) > MESSAGE_LIMIT:
        raise ApiError(400, TOO_LONG)
    return text


def _check_parse_mode(params: dict[str, Any]) -> None:
    mode = _str(params, "parse_mode")
    if mode and mode not in PARSE_MODES:
        raise ApiError(400, f"Bad Request: unsupported parse_mode {mode}")


Buttons = list[list[tuple[str, str | None]]]


def _reply_markup(
    params: dict[str, Any], *, inline_only: bool
) -> tuple[dict[str, Any] | None, Buttons, list[list[str]]]:
    """Validate reply_markup: (inline markup to echo back, inline buttons, reply keyboard)."""
    markup = _json_param(params, "reply_markup")
    if markup is None:
        return None, [], []
    if not isinstance(markup, dict):
        raise ApiError(400, MARKUP_INVALID)
    if "inline_keyboard" in markup:
        return _inline_keyboard(markup["inline_keyboard"])
    if inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, MARKUP_INVALID)
        labels = [
            [button if isinstance(button, str) else str(button.get("text", "")) for button in row]
            for row in rows
        ]
        return None, [], labels
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return None, [], []
    raise ApiError(400, MARKUP_INVALID)


def _inline_keyboard(rows: Any) -> tuple[dict[str, Any] | None, Buttons, list[list[str]]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, MARKUP_INVALID)
    if sum(len(row) for row in rows) > INLINE_BUTTON_LIMIT:
        raise ApiError(400, MARKUP_TOO_LONG)
    buttons: Buttons = []
    for row in rows:
        labels: list[tuple[str, str | None]] = []
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, MARKUP_INVALID)
            if not button["text"].strip():
                raise ApiError(400, BUTTON_TEXT_INVALID)
            if not any(key in button for key in INLINE_ACTIONS):
                raise ApiError(400, TEXT_BUTTONS_UNALLOWED)
            data = button.get("callback_data")
            if data is not None and (
                not isinstance(data, str)
                or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
            ):
                raise ApiError(400, BUTTON_DATA_INVALID)
            labels.append((button["text"], data))
        buttons.append(labels)
    if not buttons:
        return None, [], []  # an empty inline keyboard is no keyboard
    return {"inline_keyboard": rows}, buttons, []


def _default_description(status: int) -> str:
    if status == 400:
        return "Bad Request: injected failure"
    if status == 403:
        return BLOCKED
    if status == 409:
        return OTHER_POLLER
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _snapshot(chat_id: int, stored: _Stored) -> Message:
    document = stored.document
    return Message(
        message_id=stored.message_id,
        chat_id=chat_id,
        text=stored.text if stored.text is not None else (stored.caption or ""),
        buttons=[list(row) for row in stored.buttons],
        edits=list(stored.edits),
        document=(document.filename, document.content) if document is not None else None,
        date=stored.date,
        keyboard=[list(row) for row in stored.keyboard],
    )


def _refuse_on_running_loop(name: str) -> None:
    """Refuse a running loop naming the exact ``*_async`` twin, as the shared wait cannot."""
    refuse_on_running_loop(
        f"FakeTelegram.{name} blocks; inside async code use `await fake.{name}_async(...)`"
    )
