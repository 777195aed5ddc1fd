"""The web console served in-process over a test database, with a settable clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient
from console_world import NOW, People

from bot.chat import documents
from bot.chat.conversations import Conversations
from bot.chat.outcome import Notice
from bot.web.console.app import WebConsole
from bot.web.console.sign_in import SignInLinks
from bot.web.server import WebServer
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
KEY = "test-web-key-not-a-secret"
BASE = "http://127.0.0.1"


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Console:
    client: TestClient
    links: SignInLinks
    people: People
    store: Store
    clock: Clock
    delivered: list[Notice] = field(default_factory=list)

    def link_path(self, url: str) -> str:
        return url.removeprefix(BASE)

    async def sign_in(self, user_id: int) -> None:
        response = await self.client.get(
            self.link_path(self.links.for_user(user_id)), allow_redirects=False
        )
        assert response.status == 302, await response.text()


def make_console(store: Store, clock: Clock, delivered: list[Notice]) -> WebServer:
    async def deliver_all(notices: list[Notice]) -> None:
        delivered.extend(notices)

    links = SignInLinks(KEY, BASE, timedelta(minutes=10), clock)
    console = WebConsole(
        store,
        ZONE,
        links,
        KEY,
        idle=timedelta(hours=12),
        clock=clock,
        deliver_all=deliver_all,
        document=partial(documents.build, store, zone=ZONE),
    )
    return WebServer(Conversations(store, ZONE, clock), "127.0.0.1", 0, console=console)
