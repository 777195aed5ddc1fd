"""Fixtures: the web console over each test database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from console_harness import BASE, KEY, Clock, Console, make_console
from console_world import build

from bot.chat.outcome import Notice
from bot.web.console.sign_in import SignInLinks
from storage.db import Store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def console(store: Store, clock: Clock) -> AsyncIterator[Console]:
    people = build(store)
    delivered: list[Notice] = []
    server = make_console(store, clock, delivered)
    async with TestClient(TestServer(server.app)) as client:
        links = SignInLinks(KEY, BASE, timedelta(minutes=10), clock)
        yield Console(client, links, people, store, clock, delivered)
