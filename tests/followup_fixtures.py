"""Fixtures for the follow-up tests (loaded with ``pytest_plugins``; helpers are in followup_support)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store import Stores
from tests.followup_support import Clock, StoreFactory, cph


@pytest.fixture
def clock() -> Clock:
    return Clock(cph(2026, 12, 18, 10))  # a Friday, a week before Christmas


@pytest.fixture
async def stores(redis_url: str, key_prefix: str, clock: Clock) -> AsyncIterator[StoreFactory]:
    factory = StoreFactory(redis_url, key_prefix, clock)
    yield factory
    await factory.close()


@pytest.fixture
async def store(stores: StoreFactory) -> Stores:
    return stores.new()
