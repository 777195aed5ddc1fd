"""The fake Zalo server's contract, checked over real HTTP.

The Zalo bot's tests trust the fake to answer like Zalo; these tests pin down what it promises,
so a change to the fake that would let a broken bot pass shows up here first.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fake_zalo import SECRET_HEADER, FakeZalo

USER = "6b2c1f0e9d8a7b6c"
SECRET = "s3cret-token_42"

Api = Callable[..., httpx.Response]


@pytest.fixture
def fake() -> Iterator[FakeZalo]:
    with FakeZalo() as server:
        yield server


@pytest.fixture
def api(fake: FakeZalo) -> Iterator[Api]:
    with httpx.Client(timeout=10) as client:

        def call(method: str, body: Any = None, *, token: str | None = None) -> httpx.Response:
            url = f"{fake.base_url}/bot{token or fake.token}/{method}"
            return client.post(url, json={} if body is None else body)

        yield call


@dataclass
class Receiver:
    """A bot's webhook endpoint stand-in: records each POST and answers ``status``."""

    url: str = ""
    status: int = 200
    received: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.received.append((dict(self.headers), body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/zalo/webhook"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def error(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return response.status_code, body["description"]


def test_get_me_describes_the_bot(api: Api) -> None:
    response = api("getMe")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "result": {
            "id": "1234567890",
            "account_name": "bot.cchc",
            "account_type": "BASIC",
            "can_join_groups": False,
            "display_name": "CCHC Bot",
        },
    }


def test_wrong_token_unknown_method_and_bad_body(fake: FakeZalo, api: Api) -> None:
    assert error(api("getMe", token="1234567890:wrong")) == (401, "Unauthorized")
    assert error(api("sendTelepathy")) == (404, "Not Found")
    assert error(api("sendMessage", [USER, "hi"]))[0] == 400
    assert [call.status for call in fake.calls] == [401, 404, 400]


def test_message_comes_out_of_get_updates_once_then_poll_times_out(
    fake: FakeZalo, api: Api
) -> None:
    message_id = fake.user_sends(USER, "Xin chào", display_name="Chị Lan")
    assert fake.pending_updates == 1
    response = api("getUpdates", {"timeout": 1})
    assert response.status_code == 200
    event = response.json()["result"]
    assert event["event_name"] == "message.text.received"
    message = event["message"]
    assert message["from"] == {"id": USER, "display_name": "Chị Lan", "is_bot": False}
    assert message["chat"] == {"id": USER, "chat_type": "PRIVATE"}
    assert message["text"] == "Xin chào"
    assert message["message_id"] == message_id and len(message_id) == 20
    assert abs(message["date"] - time.time() * 1000) < 5000
    assert fake.pending_updates == 0

    started = time.monotonic()
    assert error(api("getUpdates", {"timeout": 1})) == (408, "Request timeout")
    assert 0.9 <= time.monotonic() - started < 1.8
    assert [call.method for call in fake.calls] == ["getUpdates"]  # the empty poll is left out


def test_one_event_per_poll_in_order(fake: FakeZalo, api: Api) -> None:
    first = fake.user_sends(USER, "một")
    second = fake.user_sends(USER, "hai")
    ids = [api("getUpdates").json()["result"]["message"]["message_id"] for _ in range(2)]
    assert ids == [first, second]
    assert api("getUpdates").status_code == 408  # no timeout given: answers at once


def test_poll_returns_as_soon_as_a_message_arrives(fake: FakeZalo, api: Api) -> None:
    def user_writes_once_polled() -> None:
        fake.wait_for(lambda f: f.polling, timeout=5)
        fake.user_sends(USER, "đến rồi")

    writer = threading.Thread(target=user_writes_once_polled)
    writer.start()
    started = time.monotonic()
    response = api("getUpdates", {"timeout": 30})
    writer.join()
    assert time.monotonic() - started < 1.5
    assert response.json()["result"]["message"]["text"] == "đến rồi"
    assert not fake.polling


def test_a_second_concurrent_poller_gets_409(fake: FakeZalo, api: Api) -> None:
    first: list[int] = []
    poller = threading.Thread(
        target=lambda: first.append(
            httpx.post(
                f"{fake.base_url}/bot{fake.token}/getUpdates", json={"timeout": 1}, timeout=5
            ).status_code
        )
    )
    poller.start()
    fake.wait_for(lambda f: f.polling, timeout=5)
    assert error(api("getUpdates", {"timeout": 1}))[0] == 409
    poller.join()
    assert first == [408]


def test_send_message_checks_length_in_characters(fake: FakeZalo, api: Api) -> None:
    fake.add_user(USER)
    too_long = api("sendMessage", {"chat_id": USER, "text": "ệ" * 2001})
    assert error(too_long) == (400, "Bad Request: text must be between 1 and 2000 characters")
    assert error(api("sendMessage", {"chat_id": USER, "text": ""}))[0] == 400
    response = api("sendMessage", {"chat_id": USER, "text": "ệ" * 2000})
    assert response.status_code == 200
    result = response.json()["result"]
    assert len(result["message_id"]) == 20 and isinstance(result["date"], int)
    assert [m.message_id for m in fake.chat(USER)] == [result["message_id"]]
    assert fake.last(USER).text == "ệ" * 2000
    assert [(c.method, c.chat_id, c.status) for c in fake.calls] == [
        ("sendMessage", USER, 400),
        ("sendMessage", USER, 400),
        ("sendMessage", USER, 200),
    ]


def test_only_users_who_wrote_can_be_messaged_and_blocked_ones_refuse(
    fake: FakeZalo, api: Api
) -> None:
    assert error(api("sendMessage", {"chat_id": USER, "text": "chào"})) == (
        400,
        "Bad Request: chat not found",
    )
    fake.user_sends(USER, "hi")
    assert api("sendMessage", {"chat_id": USER, "text": "chào"}).status_code == 200
    fake.block(USER)
    blocked = api("sendMessage", {"chat_id": USER, "text": "còn đó không?"})
    assert error(blocked) == (403, "Forbidden: the user has blocked the bot")
    assert error(api("sendChatAction", {"chat_id": USER, "action": "typing"}))[0] == 403
    assert [m.text for m in fake.chat(USER)] == ["chào"]


def test_fail_next_429_carries_retry_after(fake: FakeZalo, api: Api) -> None:
    fake.add_user(USER)
    fake.fail_next("sendMessage", status=429, retry_after=3)
    response = api("sendMessage", {"chat_id": USER, "text": "a"})
    assert response.status_code == 429
    assert response.json()["parameters"] == {"retry_after": 3}
    assert fake.chat(USER) == []  # the failed call changed nothing
    assert api("sendMessage", {"chat_id": USER, "text": "a"}).status_code == 200
    fake.fail_next("getMe", times=2)
    assert [api("getMe").status_code for _ in range(3)] == [500, 500, 200]


def test_photos_chat_actions_and_image_events(fake: FakeZalo, api: Api) -> None:
    fake.user_sends_image(USER, "https://example.invalid/a.jpg", caption="biên bản")
    event = api("getUpdates").json()["result"]
    assert event["event_name"] == "message.image.received"
    assert event["message"]["photo_url"] == "https://example.invalid/a.jpg"
    assert event["message"]["caption"] == "biên bản" and "text" not in event["message"]
    fake.user_sends_sticker(USER)
    assert api("getUpdates").json()["result"]["event_name"] == "message.sticker.received"

    photo = {"chat_id": USER, "photo": "https://example.invalid/b.png", "caption": "Mẫu"}
    assert api("sendPhoto", photo).status_code == 200
    assert fake.last(USER).photo == "https://example.invalid/b.png"
    assert fake.last(USER).text == "Mẫu"
    assert api("sendChatAction", {"chat_id": USER, "action": "typing"}).json()["result"] is True
    assert error(api("sendChatAction", {"chat_id": USER, "action": "dancing"}))[0] == 400


def test_wait_for_text_only_counts_replies_since_the_user_last_wrote(
    fake: FakeZalo, api: Api
) -> None:
    fake.user_sends(USER, "1")
    api("sendMessage", {"chat_id": USER, "text": "Câu hỏi 1"})
    assert fake.wait_for_text(USER, "Câu hỏi", timeout=1).text == "Câu hỏi 1"
    fake.user_sends(USER, "2")
    with pytest.raises(AssertionError, match="no message containing 'Câu hỏi'"):
        fake.wait_for_text(USER, "Câu hỏi", timeout=0.2)
    later = threading.Timer(0.1, api, ("sendMessage", {"chat_id": USER, "text": "Câu hỏi 2"}))
    later.start()
    assert fake.wait_for_text(USER, "Câu hỏi", timeout=5).text == "Câu hỏi 2"
    later.join()  # its request must finish before the client closes
    assert len(fake.wait_for_count(USER, 2, timeout=1)) == 2
    assert "bot:  'Câu hỏi 2'" in fake.describe(USER)


def test_set_webhook_validates_url_and_secret(fake: FakeZalo, api: Api) -> None:
    for body in (
        {"url": "http://example.com/hook", "secret_token": SECRET},
        {"url": "ftp://127.0.0.1/hook", "secret_token": SECRET},
        {"url": "https://bot.example.vn/hook", "secret_token": "short"},
        {"url": "https://bot.example.vn/hook", "secret_token": "has space in it"},
        {"url": "https://bot.example.vn/hook"},
    ):
        assert error(api("setWebhook", body))[0] == 400, body
    assert fake.webhook is None
    response = api("setWebhook", {"url": "https://bot.example.vn/hook", "secret_token": SECRET})
    assert response.json()["result"]["url"] == "https://bot.example.vn/hook"
    assert fake.webhook == ("https://bot.example.vn/hook", SECRET)
    assert api("getWebhookInfo").json()["result"]["url"] == "https://bot.example.vn/hook"
    assert error(api("getUpdates")) == (409, "Conflict: webhook is active")
    assert api("deleteWebhook").json()["result"]["url"] == ""
    assert api("getWebhookInfo").json()["result"]["url"] == ""
    assert fake.webhook is None


def test_webhook_receives_messages_with_the_secret_header(
    fake: FakeZalo, api: Api, receiver: Receiver
) -> None:
    api("setWebhook", {"url": receiver.url, "secret_token": SECRET}).raise_for_status()
    first = fake.user_sends(USER, "qua webhook")
    fake.wait_for(lambda f: len(f.webhook_deliveries) == 1, timeout=5)
    headers, body = receiver.received[0]
    assert headers[SECRET_HEADER] == SECRET
    assert body["ok"] is True and body["result"]["message"]["message_id"] == first
    assert body["result"]["message"]["text"] == "qua webhook"
    assert fake.pending_updates == 0
    assert error(api("getUpdates", {"timeout": 1}))[0] == 409

    receiver.status = 500
    fake.redeliver(first)
    fake.wait_for(lambda f: len(f.webhook_deliveries) == 2, timeout=5)
    assert fake.webhook_deliveries == [(first, 200), (first, 500)]
    assert receiver.received[1][1] == body


def test_an_unreachable_webhook_is_recorded_as_status_0(fake: FakeZalo, api: Api) -> None:
    with socket.socket() as probe:  # a port nobody listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook = f"http://127.0.0.1:{port}/hook"
    api("setWebhook", {"url": hook, "secret_token": SECRET}).raise_for_status()
    message_id = fake.user_sends(USER, "có ai không")
    fake.wait_for(lambda f: bool(f.webhook_deliveries), timeout=5)
    assert fake.webhook_deliveries == [(message_id, 0)]


def test_redeliver_hands_out_the_same_event_again(fake: FakeZalo, api: Api) -> None:
    message_id = fake.user_sends(USER, "lặp lại")
    first = api("getUpdates").json()["result"]
    fake.redeliver(message_id)
    again = api("getUpdates").json()["result"]
    assert again == first and again["message"]["message_id"] == message_id
    with pytest.raises(AssertionError):
        fake.redeliver("0" * 20)


def test_an_abandoned_poll_frees_the_poller_slot(fake: FakeZalo, api: Api) -> None:
    """A bot that cancels its poll on shutdown must not meet a 409 when it polls again."""
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{fake.base_url}/bot{fake.token}/getUpdates", json={"timeout": 30}, timeout=0.3)
    fake.wait_for(lambda f: not f.polling, timeout=5)
    fake.user_sends(USER, "còn đây")
    assert api("getUpdates").json()["result"]["message"]["text"] == "còn đây"


def test_stop_ends_a_waiting_poll_at_once() -> None:
    with FakeZalo() as fake:
        url = f"{fake.base_url}/bot{fake.token}/getUpdates"
        answers: list[int] = []
        poller = threading.Thread(
            target=lambda: answers.append(httpx.post(url, json={"timeout": 30}).status_code)
        )
        poller.start()
        fake.wait_for(lambda f: f.polling, timeout=5)
        started = time.monotonic()
    poller.join(timeout=5)
    assert time.monotonic() - started < 1.5
    assert answers == [408]


@pytest.mark.asyncio
async def test_async_waits_leave_the_bot_loop_free(fake: FakeZalo) -> None:
    """A bot on the test's own loop keeps running while the test awaits its reply."""

    async def echo_bot() -> None:
        async with httpx.AsyncClient(base_url=f"{fake.base_url}/bot{fake.token}") as client:
            event = (await client.post("/getUpdates", json={"timeout": 5})).json()["result"]
            text = f"Đã nhận: {event['message']['text']}"
            await client.post("/sendMessage", json={"chat_id": USER, "text": text})

    bot = asyncio.create_task(echo_bot())
    fake.user_sends(USER, "báo cáo")
    assert (await fake.wait_for_text_async(USER, "Đã nhận", timeout=5)).text.endswith("báo cáo")
    await bot
    with pytest.raises(RuntimeError, match="_async"):
        fake.wait_for_text(USER, "x", timeout=0)
