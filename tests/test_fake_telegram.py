"""The fake Telegram server speaks like Telegram to the real python-telegram-bot.

Every bot test leans on the fake, so the fake is checked against the library itself: PTB's own
requests go in, and PTB's own parsing and exception mapping judge what comes back. A limit the
fake forgot would let a bot pass here and fail in production.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from fake_telegram import FakeTelegram
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

USER = 1001
OTHER = 1002


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_user(USER)
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


def yes_no(yes: str = "yes", no: str = "no") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Có", callback_data=yes),
                InlineKeyboardButton("Không", callback_data=no),
            ]
        ]
    )


@pytest.mark.asyncio
async def test_get_me_names_the_bot(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == 123456
    assert me.username == "cchc_test_bot"
    assert bot.username == "cchc_test_bot"  # Bot.initialize called getMe through the fake


@pytest.mark.asyncio
async def test_wrong_token_is_unauthorized(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("123456:WRONG", base_url=fake.base_url):
            pass
    assert fake.calls[-1].status == 401


@pytest.mark.asyncio
async def test_unknown_method_and_json_body(fake: FakeTelegram) -> None:
    """Telegram's 404 body for an unknown method; a JSON body works like PTB's form body."""
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{fake.base_url}{fake.token}/sendTelepathy", json={}) as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        body = {"chat_id": USER, "text": "json", "reply_markup": markup}
        async with http.post(f"{fake.base_url}{fake.token}/sendMessage", json=body) as resp:
            answer = await resp.json()
    assert answer["ok"] is True
    assert answer["result"]["reply_markup"] == markup
    assert fake.last(USER).buttons == [[("A", "a")]]


@pytest.mark.asyncio
async def test_send_message_returns_messages_with_increasing_ids(
    fake: FakeTelegram, bot: Bot
) -> None:
    first = await bot.send_message(USER, "Xin chào")
    second = await bot.send_message(USER, "Câu hỏi 1", reply_markup=yes_no())
    assert second.message_id > first.message_id
    assert first.chat.id == USER and first.chat.type == "private"
    assert first.from_user is not None and first.from_user.is_bot
    assert second.reply_markup == yes_no()
    fake.user_sends(USER, "trả lời")  # user and bot share the chat's message counter
    third = await bot.send_message(USER, "Cảm ơn")
    assert third.message_id == second.message_id + 2
    assert [m.text for m in fake.chat(USER)] == ["Xin chào", "Câu hỏi 1", "Cảm ơn"]
    assert fake.chat(USER)[1].buttons == [[("Có", "yes"), ("Không", "no")]]
    assert fake.chat(USER)[1].data_for("Không") == "no"


@pytest.mark.asyncio
async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "ai đó")


@pytest.mark.asyncio
async def test_message_length_counts_utf16_code_units(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "a" * 4096)
    await bot.send_message(USER, "😀" * 2048)  # 2 code units each: exactly 4096
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(USER, "a" * 4097)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "😀" * 2048 + "a")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, "   ")
    assert len(fake.chat(USER)) == 2


@pytest.mark.asyncio
async def test_callback_data_is_limited_in_bytes(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "ok", reply_markup=yes_no("x" * 64))
    await bot.send_message(USER, "ok", reply_markup=yes_no("ệ" * 21 + "a"))  # 64 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "too long", reply_markup=yes_no("x" * 65))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "22 chars", reply_markup=yes_no("ệ" * 22))  # 66 bytes
    many = InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    )
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await bot.send_message(USER, "101 buttons", reply_markup=many)
    assert len(fake.chat(USER)) == 2


@pytest.mark.asyncio
async def test_get_updates_delivers_and_offset_confirms(fake: FakeTelegram, bot: Bot) -> None:
    first = fake.user_sends(USER, "/start abc", first_name="Lan")
    second = fake.user_sends(OTHER, "xin chào")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first, second]
    message = updates[0].message
    assert message is not None and message.from_user is not None
    assert message.text == "/start abc"
    assert message.from_user.first_name == "Lan"
    assert message.chat.id == USER and message.chat.type == "private"
    assert message.parse_entities() == {message.entities[0]: "/start"}
    assert updates[1].effective_user is not None and updates[1].effective_user.id == OTHER
    # not confirmed yet: the same updates again
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
    # confirmed by the offset: gone for good
    assert await bot.get_updates(offset=first + 1, timeout=0) == (updates[1],)
    assert await bot.get_updates(offset=second + 1, timeout=0) == ()
    assert await bot.get_updates(timeout=0) == ()
    fake.user_sends(USER, "tên vẫn giữ")  # a known user keeps the name given before
    (later,) = await bot.get_updates(offset=second + 1, timeout=0)
    assert later.effective_user is not None and later.effective_user.first_name == "Lan"


@pytest.mark.asyncio
async def test_get_updates_long_polls(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9  # nothing came: it waited the whole timeout

    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    update_id = fake.user_sends(USER, "giữa chừng")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 1  # answered as soon as the update arrived
    assert [u.update_id for u in updates] == [update_id]


@pytest.mark.asyncio
async def test_newer_poller_terminates_the_older_one(fake: FakeTelegram, bot: Bot) -> None:
    async with Bot(fake.token, base_url=fake.base_url) as second_instance:
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        await second_instance.get_updates(timeout=0)
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(poll, 5)


@pytest.mark.asyncio
async def test_redeliver_hands_an_update_out_again(fake: FakeTelegram, bot: Bot) -> None:
    update_id = fake.user_sends(USER, "42")
    (update,) = await bot.get_updates(timeout=0)
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    fake.redeliver(update_id)
    newer = fake.user_sends(USER, "43")
    again = await bot.get_updates(offset=update_id + 1, timeout=0)
    assert [u.update_id for u in again] == [update_id, newer]  # the copy first, then newer
    assert again[0] == update
    assert again[0].message is not None and again[0].message.text == "42"
    assert await bot.get_updates(offset=newer + 1, timeout=0) == ()


@pytest.mark.asyncio
async def test_pressed_button_arrives_as_callback_query(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Có hồ sơ không?", reply_markup=yes_no())
    update_id = fake.user_presses(USER, sent.message_id, "yes")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert update.update_id == update_id and query is not None
    assert query.data == "yes"
    assert query.from_user.id == USER
    assert query.chat_instance
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.chat.id == USER
    assert query.message.reply_markup == yes_no()  # type: ignore[union-attr]
    assert await query.answer("Đã ghi") is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer()
    assert fake.answered_callbacks == [(query.id, "Đã ghi")]

    with pytest.raises(AssertionError, match="no button with callback data 'maybe'"):
        fake.user_presses(USER, sent.message_id, "maybe")
    with pytest.raises(AssertionError, match="never sent"):
        fake.user_presses(USER, sent.message_id + 100, "yes")


@pytest.mark.asyncio
async def test_edit_message_text(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Câu hỏi", reply_markup=yes_no())
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Câu hỏi", chat_id=USER, message_id=sent.message_id, reply_markup=yes_no()
        )
    edited = await bot.edit_message_text(
        "Câu hỏi\n\n→ Có", chat_id=USER, message_id=sent.message_id
    )
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard
    shown = fake.last(USER)
    assert shown.text == "Câu hỏi\n\n→ Có"
    assert shown.edits == ["Câu hỏi"]
    assert shown.buttons == []
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Câu hỏi\n\n→ Có", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=sent.message_id + 50)
    again = await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=yes_no())
    assert isinstance(again, type(sent)) and again.reply_markup == yes_no()
    assert fake.last(USER).buttons == [[("Có", "yes"), ("Không", "no")]]


@pytest.mark.asyncio
async def test_fail_next_429_raises_retry_after(
    fake: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # retry_after as a timedelta, no warning
    fake.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "lần 1")
    assert caught.value.retry_after == timedelta(seconds=3)
    await bot.send_message(USER, "lần 2")  # only the next call failed
    assert [m.text for m in fake.chat(USER)] == ["lần 2"]
    assert [(c.method, c.chat_id, c.status) for c in fake.calls[-2:]] == [
        ("sendMessage", USER, 429),
        ("sendMessage", USER, 200),
    ]
    fake.fail_next("sendMessage", status=502, chat_id=OTHER, times=2)
    await bot.send_message(USER, "không ảnh hưởng")  # the rule is for another chat


@pytest.mark.asyncio
async def test_blocked_user_is_forbidden(fake: FakeTelegram, bot: Bot) -> None:
    fake.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "còn đó không?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    fake.user_sends(USER, "/start")  # writing to the bot again undoes the block
    await bot.send_message(USER, "chào lại")
    assert fake.last(USER).text == "chào lại"


@pytest.mark.asyncio
async def test_set_my_commands_by_scope(fake: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Bắt đầu")], BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(
        [BotCommand("review", "Duyệt báo cáo"), ("export", "Xuất Excel")],
        BotCommandScopeChat(USER),
    )
    assert fake.commands == {
        "all_private_chats": [("start", "Bắt đầu")],
        f"chat:{USER}": [("review", "Duyệt báo cáo"), ("export", "Xuất Excel")],
    }
    got = await bot.get_my_commands(scope=BotCommandScopeChat(USER))
    assert [c.command for c in got] == ["review", "export"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Review", "chữ hoa")])
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.set_my_commands([BotCommand("x", "y")], BotCommandScopeChat(777))
    await bot.delete_my_commands(BotCommandScopeChat(USER))
    assert f"chat:{USER}" not in fake.commands


@pytest.mark.asyncio
async def test_send_document_records_file(fake: FakeTelegram, bot: Bot) -> None:
    content = b"PK\x03\x04 not really a workbook \x00\xff"
    sent = await bot.send_document(USER, content, filename="bieu-mau.xlsx", caption="Quý 3")
    assert sent.document is not None and sent.document.file_name == "bieu-mau.xlsx"
    assert sent.document.file_size == len(content)
    assert sent.caption == "Quý 3"
    shown = fake.last(USER)
    assert shown.document == ("bieu-mau.xlsx", content)
    assert shown.text == "Quý 3"
    resent = await bot.send_document(USER, sent.document.file_id)  # by file_id, as Telegram
    assert fake.last(USER).document == ("bieu-mau.xlsx", content)
    assert resent.document is not None
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(USER, content, filename="a.xlsx", caption="c" * 1025)


@pytest.mark.asyncio
async def test_webhook_push_carries_the_secret(fake: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        assert await bot.set_webhook(url, secret_token="s3cret-Token_1")
        assert fake.webhook == (url, "s3cret-Token_1")
        info = await bot.get_webhook_info()
        assert info.url == url
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        update_id = fake.user_sends(USER, "qua webhook")
        assert fake.pending_updates == 1
        assert await fake.push_webhook_async(update_id) == 200
        assert fake.pending_updates == 0
        (secret, body) = received[0]
        assert secret == "s3cret-Token_1"
        parsed = Update.de_json(body, bot)
        assert parsed.update_id == update_id
        assert parsed.message is not None and parsed.message.text == "qua webhook"
        with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
            await bot.set_webhook(url, secret_token="has space")
        fake.user_sends(USER, "bỏ đi")
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert fake.webhook is None
        assert await bot.get_updates(timeout=0) == ()  # dropped with the webhook
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_application_echoes_by_polling(fake: FakeTelegram) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(f"echo: {update.message.text}")

    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=timedelta(seconds=1))
    try:
        fake.user_sends(USER, "một")
        first = await fake.wait_for_text_async(USER, "echo: một", timeout=10)
        fake.user_sends(USER, "hai")
        second = await fake.wait_for_text_async(USER, "echo:", timeout=10)
        assert second.text == "echo: hai"  # only replies after the latest user action count
        assert second.message_id > first.message_id
        with pytest.raises(RuntimeError, match="wait_for_text_async"):
            fake.wait_for_text(USER, "echo")  # a blocking wait here would starve the bot
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert all(call.status == 200 for call in fake.calls if call.method != "getUpdates")
    assert {call.method for call in fake.calls} >= {"getMe", "deleteWebhook", "getUpdates"}


def test_sync_wait_for_text_sees_a_reply_from_another_thread(fake: FakeTelegram) -> None:
    """The synchronous API is what threaded tests use while the bot runs elsewhere."""

    async def reply_later() -> None:
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            await bot.send_message(USER, "Câu trả lời cũ")
            fake.user_sends(USER, "hỏi")
            await asyncio.sleep(0.2)
            await bot.send_message(USER, "Câu trả lời mới")

    worker = threading.Thread(target=asyncio.run, args=(reply_later(),))
    worker.start()
    try:
        fake.wait_for(lambda f: f.pending_updates == 1, timeout=10)  # the user has asked
        found = fake.wait_for_text(USER, "Câu trả lời", timeout=10)
        assert found.text == "Câu trả lời mới"
    finally:
        worker.join(timeout=10)
    with pytest.raises(AssertionError, match="no message containing 'nothing'"):
        fake.wait_for_text(USER, "nothing", timeout=0.1)
