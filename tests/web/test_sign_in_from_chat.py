"""/web in the chat: a reviewer gets a sign-in link bound to them; an officer is told the
console is for reviewers; where no console is served, the reviewer is told so."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from console_harness import BASE, KEY, Clock
from console_world import build

from bot.chat.conversations import Conversations, Sender
from bot.web.console.sign_in import SignInLinks
from flows import texts
from flows.engine import Command
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def conversations(store: Store, clock: Clock, served: bool) -> tuple[Conversations, SignInLinks]:
    chat = Conversations(store, ZONE, clock)
    links = SignInLinks(KEY, BASE, timedelta(minutes=10), clock)
    if served:
        chat.sign_in_link = links.for_user
    return chat, links


def test_a_reviewers_web_command_answers_with_a_link_signed_for_them(store: Store):
    people, clock = build(store), Clock()
    chat, links = conversations(store, clock, served=True)
    outcome = chat.handle(Sender("telegram", "5550009", "Hùng"), Command("web"))
    [reply] = outcome.replies
    assert reply.text.startswith("Liên kết đăng nhập trang quản lý (dùng một lần, trong 10 phút")
    link = reply.text.split("\n")[-1]
    assert link.startswith(BASE + "/web/vao/")
    assert links.check(link.rsplit("/", 1)[1]).user_id == people.reviewer


def test_an_officers_web_command_is_pointed_back_to_the_chat(store: Store):
    build(store)
    chat, _ = conversations(store, Clock(), served=True)
    outcome = chat.handle(Sender("telegram", "5550001", "Lan"), Command("web"))
    assert [r.text for r in outcome.replies] == [texts.WEB_REVIEWERS_ONLY]


def test_without_a_public_address_the_reviewer_is_told_the_console_is_off(store: Store):
    build(store)
    chat, _ = conversations(store, Clock(), served=False)
    outcome = chat.handle(Sender("telegram", "5550009", "Hùng"), Command("web"))
    assert [r.text for r in outcome.replies] == [texts.WEB_NOT_SERVED]
