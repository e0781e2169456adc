"""Shared fixtures. Redis is always a real server: ours on a free port, or ``REDIS_URL``.

The running bot (real app, real Redis, the fake Teams connector) is ``tests.harness.running_bot``;
``start_bot`` hands it out bound to the test's Redis and key prefix.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager

import pytest
from hypothesis import settings

from tests.harness import RunningBot, running_bot
from tests.redis_server import RedisServer

# Shared 2-core CI machines: a property's examples must not fail on wall-clock time.
settings.register_profile("matchbot", deadline=None)
settings.load_profile("matchbot")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer | None]:
    """Our own redis-server, or None when the caller supplied ``REDIS_URL``."""
    if os.environ.get("REDIS_URL"):
        yield None
        return
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def redis_url(redis_server: RedisServer | None) -> str:
    return redis_server.url if redis_server else os.environ["REDIS_URL"]


@pytest.fixture
def restartable_redis(redis_server: RedisServer | None) -> RedisServer:
    if redis_server is None:
        pytest.skip("REDIS_URL er sat: serveren kan ikke genstartes af testen")
    return redis_server


@pytest.fixture
def key_prefix() -> str:
    """A fresh key prefix per test, so tests sharing one server never see each other's keys."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def start_bot(redis_url: str, key_prefix: str) -> Callable[..., AbstractAsyncContextManager[RunningBot]]:
    """``async with start_bot(**options) as bot``: ``running_bot`` on this test's Redis and key prefix."""
    start: Callable[..., AbstractAsyncContextManager[RunningBot]] = functools.partial(
        running_bot, redis_url, key_prefix
    )
    return start
