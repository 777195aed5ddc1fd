"""A small client for Zalo's Bot Platform API, which is shaped like Telegram's Bot API.

Every method is ``POST {base}/bot{token}/{method}`` with a JSON body, answered with
``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …, "description": …}``.
Zalo's SDK (python-zalo-bot 0.1.9) was not used: its webhook calls run ``asyncio.run`` inside
the caller's event loop, which fails in an async bot. Errors never carry the request URL, since
it contains the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.transports.http_pool import make_lean

TIMEOUT = 408  # getUpdates found nothing within its timeout
TEXT_EVENT = "message.text.received"


class ZaloError(Exception):
    def __init__(self, code: int, description: str, retry_after: float | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def blocked(self) -> bool:
        return self.code == 403


@dataclass(frozen=True)
class Incoming:
    """One event from Zalo: who wrote, in which chat, the message id, and the text if any."""

    event_name: str
    message_id: str
    user_id: str
    chat_id: str
    display_name: str
    text: str | None


def parse_event(data: Any) -> Incoming | None:
    """An event from getUpdates or the webhook (wrapped in {"ok", "result"} or bare)."""
    if isinstance(data, dict) and "result" in data and "event_name" not in data:
        data = data["result"]
    if not isinstance(data, dict):
        return None
    message = data.get("message")
    if not isinstance(message, dict) or not message.get("message_id"):
        return None
    sender = message.get("from")
    chat = message.get("chat")
    sender = sender if isinstance(sender, dict) else {}
    chat = chat if isinstance(chat, dict) else {}
    user_id = str(sender.get("id") or chat.get("id") or "")
    if not user_id or not isinstance(message["message_id"], str | int):
        return None
    text = message.get("text")
    return Incoming(
        event_name=str(data.get("event_name", "")),
        message_id=str(message["message_id"]),
        user_id=user_id,
        chat_id=str(chat.get("id") or user_id),
        display_name=str(sender.get("display_name") or sender.get("name") or ""),
        text=text if isinstance(text, str) else None,
    )


class ZaloApi:
    def __init__(self, token: str, base_url: str, *, timeout: float = 15) -> None:
        self._url = f"{base_url.rstrip('/')}/bot{token}"
        self._client = make_lean(httpx.AsyncClient(timeout=timeout))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, *, wait: float | None = None
    ) -> Any:
        timeout = httpx.Timeout(self._client.timeout.read + wait) if wait else None
        try:
            response = await self._client.post(
                f"{self._url}/{method}",
                json=payload or {},
                **({"timeout": timeout} if timeout else {}),
            )
        except httpx.HTTPError as exc:  # its message would hold the URL, and so the token
            raise ZaloError(0, f"{method}: {type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(response.status_code, f"{method}: not JSON") from None
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        body = body if isinstance(body, dict) else {}
        parameters = body.get("parameters") or {}
        raise ZaloError(
            int(body.get("error_code") or response.status_code),
            str(body.get("description") or response.reason_phrase),
            parameters.get("retry_after") if isinstance(parameters, dict) else None,
        )

    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe")

    async def get_update(self, timeout: int) -> Incoming | None:
        """One event, or None when the long poll ran out (Zalo answers 408 then)."""
        try:
            result = await self.call("getUpdates", {"timeout": timeout}, wait=timeout)
        except ZaloError as exc:
            if exc.code == TIMEOUT:
                return None
            raise
        return parse_event(result)

    async def send_message(self, chat_id: str, text: str) -> None:
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")
