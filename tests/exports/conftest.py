"""The exports' fixture: a district's round filed through the real storage (see export_world)."""

from __future__ import annotations

import pytest
from export_world import World, fill

from storage.db import Store


@pytest.fixture
def world(store: Store) -> World:
    return fill(store)
