"""Connecting to Redis: real server from ``REDIS_URL``, or an embedded one for demos.

Why retries here: Redis restarts (failover, upgrade) must not turn into errors for caseworkers. The
client retries connection errors with exponential back-off and checks idle connections before use; the
store's writes are idempotent, so a retried command is never applied twice.

Why a time budget (``REDIS_RETRY_SECONDS``, 2 s) and not a number of tries: a caller waits for the
answer. With 12 tries of up to 2 s each (and a 5 s connect timeout) a job order got its 503 after
14–16 s and a Teams message its error after 11–14 s, near the Bot Framework's 15 s limit; a client
with a shorter timeout saw a timeout instead of the answer. Within the budget a restart of a second or
so is ridden out; beyond it the caller gets the Danish "try again" at once, and whatever was not
acknowledged is retried by its sender (the API client, Teams, the intake worker's stream).

``REDIS_URL`` forms: ``redis://host:6379/0``, ``rediss://host:6380/0`` (TLS, certificate verified),
``redis://user:password@host:6379/0`` (ACL user). The password never reaches a log line.
"""

from __future__ import annotations

import asyncio
import logging
import time
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

# Back-off 0.05, 0.1, 0.2 … capped at 0.5 s, until ``REDIS_RETRY_SECONDS`` have passed.
DEFAULT_RETRY_SECONDS = 2.0
RETRY_BASE_SECONDS = 0.05
RETRY_CAP_SECONDS = 0.5
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
    redis_retry_seconds: float


class _Retry(Retry):
    """Retry connection errors until the time budget is spent, but not a wrong password: that is a
    ConnectionError subclass in redis-py, and retrying it only delays the operator's error message."""

    def __init__(self, budget_seconds: float) -> None:
        super().__init__(
            ExponentialWithJitterBackoff(cap=RETRY_CAP_SECONDS, base=RETRY_BASE_SECONDS),
            -1,  # no count: the budget decides
            supported_errors=(RedisConnectionError, RedisTimeoutError),
        )
        self.budget_seconds = budget_seconds

    async def call_with_retry(
        self,
        do: Callable[[], Awaitable[T]],
        fail: Callable[[Exception], Any] | Callable[[Exception, int], Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        deadline = time.monotonic() + self.budget_seconds
        failures = 0
        self._backoff.reset()  # type: ignore[no-untyped-call]
        while True:
            try:
                return await do()
            except (RedisConnectionError, RedisTimeoutError) as error:
                failures += 1
                await (fail(error, failures) if with_failure_count else fail(error))  # type: ignore[call-arg]
                if isinstance(error, AuthenticationError | AuthenticationWrongNumberOfArgsError):
                    raise
                if is_retryable is not None and not is_retryable(error):
                    raise
                pause = self._backoff.compute(failures)
                if time.monotonic() + pause > deadline:
                    raise
                await asyncio.sleep(pause)


def client_from_url(url: str, *, retry_seconds: float = DEFAULT_RETRY_SECONDS, **overrides: Any) -> Redis:
    """A client with retries (for ``retry_seconds``), health checks and ``decode_responses=True``."""
    options: dict[str, Any] = {
        "decode_responses": True,
        "retry": _Retry(retry_seconds),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        "health_check_interval": HEALTH_CHECK_INTERVAL_SECONDS,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        # A host that does not answer at all (no refusal) must not outlast the budget by much.
        "socket_connect_timeout": min(SOCKET_TIMEOUT_SECONDS, max(retry_seconds, 0.5)),
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
    client = client_from_url(settings.redis_url, retry_seconds=settings.redis_retry_seconds)
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
