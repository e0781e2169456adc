"""Connecting to Redis: real server from ``REDIS_URL``, or an embedded one for demos.

Why retries here: Redis restarts (failover, upgrade) must not turn into errors for caseworkers. The
client retries connection errors with exponential back-off (about 10 s in total) and checks idle
connections before use; the store's writes are idempotent, so a retried command is never applied
twice.

``REDIS_URL`` forms: ``redis://host:6379/0``, ``rediss://host:6380/0`` (TLS, certificate verified),
``redis://user:password@host:6379/0`` (ACL user). The password never reaches a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from fakeredis import FakeAsyncRedis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import AuthenticationError, AuthenticationWrongNumberOfArgsError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = [
    "Redis",
    "check_durability",
    "client_from_url",
    "connect",
    "durability_warnings",
    "embedded_client",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

# Back-off 0.05, 0.1, 0.2 … capped at 2 s, 12 tries: rides out a restart of several seconds.
RETRY_ATTEMPTS = 12
RETRY_BASE_SECONDS = 0.05
RETRY_CAP_SECONDS = 2.0
HEALTH_CHECK_INTERVAL_SECONDS = 30
SOCKET_TIMEOUT_SECONDS = 5.0
MAX_CONNECTIONS = 64
POOL_TIMEOUT_SECONDS = 20.0

EMBEDDED_WARNING = (
    "REDIS_URL is not set: using an EMBEDDED in-process Redis (fakeredis). NOTHING PERSISTS: job orders, "
    "follow-ups and reminders are lost when the process stops. Never run production like this."
)


class RedisSettings(Protocol):
    """The part of ``config.settings.Settings`` the connection needs."""

    redis_url: str


class _Retry(Retry):
    """Retry connection errors, but not a wrong password: that is a ConnectionError subclass in
    redis-py, and retrying it only delays the operator's error message by half a minute."""

    async def call_with_retry(
        self,
        do: Callable[[], Awaitable[T]],
        fail: Callable[[Exception], Any] | Callable[[Exception, int], Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        def retryable(error: Exception) -> bool:
            if isinstance(error, AuthenticationError | AuthenticationWrongNumberOfArgsError):
                return False
            return is_retryable(error) if is_retryable is not None else True

        return await super().call_with_retry(do, fail, retryable, with_failure_count)


def _retry() -> Retry:
    return _Retry(
        ExponentialWithJitterBackoff(cap=RETRY_CAP_SECONDS, base=RETRY_BASE_SECONDS),
        RETRY_ATTEMPTS,
        supported_errors=(RedisConnectionError, RedisTimeoutError),
    )


def client_from_url(url: str, **overrides: Any) -> Redis:
    """A client with retries, health checks and ``decode_responses=True`` (the store needs str)."""
    options: dict[str, Any] = {
        "decode_responses": True,
        "retry": _retry(),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        "health_check_interval": HEALTH_CHECK_INTERVAL_SECONDS,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_keepalive": True,
        "client_name": "matchbot",
    }
    options.update(overrides)
    # A blocking pool: a burst of concurrent requests waits for a free connection instead of failing
    # with "Too many connections".
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=POOL_TIMEOUT_SECONDS, **options
    )
    return Redis.from_pool(pool)


def embedded_client() -> Redis:
    """In-process Redis (fakeredis with Lua) for the demo and local runs; logs a loud warning."""
    log.warning("*" * 20 + " " + EMBEDDED_WARNING + " " + "*" * 20)
    client: Redis = FakeAsyncRedis(decode_responses=True)
    return client


async def connect(settings: RedisSettings, *, check: bool = True) -> Redis:
    """Connect as configured, ping, and warn about settings that could lose or evict data."""
    if not settings.redis_url:
        return embedded_client()
    client = client_from_url(settings.redis_url)
    await client.ping()
    if check:
        await check_durability(client)
    return client


async def check_durability(client: Redis) -> list[str]:
    """Log one warning per setting that could lose or evict data (call once at start-up)."""
    warnings = await durability_warnings(client)
    for warning in warnings:
        log.warning("redis durability: %s", warning, extra={"redis_setting_warning": warning})
    return warnings


async def durability_warnings(client: Redis) -> list[str]:
    """Why this Redis could lose acknowledged data or evict keys; empty when it is set up right.

    Production needs ``appendonly yes`` (every write logged), ``appendfsync everysec`` or ``always``
    (at most a second lost on a crash) and ``maxmemory-policy noeviction`` (a full Redis refuses
    writes instead of silently dropping follow-ups). Managed services may forbid CONFIG: then we say so.
    """
    try:
        values: dict[str, str] = {}
        for name in ("appendonly", "appendfsync", "maxmemory-policy"):
            reply: dict[Any, Any] = await client.config_get(name)
            values.update({str(k): str(v) for k, v in reply.items()})
    except ResponseError as exc:
        return [f"cannot read CONFIG ({exc}); verify appendonly/appendfsync/maxmemory-policy by hand"]
    warnings = []
    if values.get("appendonly", "no") != "yes":
        warnings.append("appendonly is 'no': a restart loses everything since the last snapshot")
    if values.get("appendfsync", "") not in ("everysec", "always"):
        warnings.append(f"appendfsync is '{values.get('appendfsync')}': use everysec (or always)")
    policy = values.get("maxmemory-policy", "")
    if policy != "noeviction":
        warnings.append(f"maxmemory-policy is '{policy}': Redis may evict follow-ups when memory is full")
    return warnings
