"""Fixtures for storage tests: each gets the sample units and report on a fresh database."""

from __future__ import annotations

import pytest
from sample_report import Report, import_units, open_report

from storage.db import Store


@pytest.fixture
def units(store: Store) -> dict[str, int]:
    return import_units(store)


@pytest.fixture
def report(store: Store, units: dict[str, int]) -> Report:
    return open_report(store, units)
