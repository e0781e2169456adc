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

Topologies, as URL schemes so every entry point (``serve``, ``worker``, imports, purge) gets them from
the one setting:

- ``redis+sentinel://[user:password@]host:26379,host:26379,host:26379/<master name>[/db]``: the
  sentinels are asked for the primary; after a failover a connection that meets the demoted primary
  (``READONLY``) or a primary that lost its replica (``NOREPLICAS``, with ``min-replicas-to-write``)
  is dropped and the retry asks the sentinels again (redis-py's ``SentinelConnectionPool``).
- ``redis+cluster://[user:password@]host:7000,host:7001,…``: redis-py's ``RedisCluster`` (slots
  discovered from any node given). Keys that one script or transaction touches share a hash tag
  (``bot.store.keys``), so each such step runs on one slot.

``rediss+sentinel://`` and ``rediss+cluster://`` use TLS to the Redis servers (and the sentinels).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import unquote, urlsplit

from fakeredis import FakeAsyncRedis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import (
    Sentinel,
    SentinelConnectionPool,
    SentinelManagedConnection,
    SentinelManagedSSLConnection,
)
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import AuthenticationError, AuthenticationWrongNumberOfArgsError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = [
    "CLUSTER_SCHEMES",
    "SENTINEL_SCHEMES",
    "Redis",
    "TopologyURLError",
    "check_durability",
    "client_from_url",
    "connect",
    "durability_warnings",
    "embedded_client",
    "is_unavailable",
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


SENTINEL_SCHEMES = ("redis+sentinel", "rediss+sentinel")
CLUSTER_SCHEMES = ("redis+cluster", "rediss+cluster")
DEFAULT_SENTINEL_PORT = 26379
DEFAULT_REDIS_PORT = 6379
# A primary that lost its replicas refuses writes with this error (``min-replicas-to-write``): after a
# failover it is the demoted primary that sentinel has not yet reconfigured.
NOREPLICAS_PREFIX = "NOREPLICAS"
DEMOTED_MESSAGE = "The previous master is now a slave"  # redis.asyncio.sentinel's wording


class TopologyURLError(ValueError):
    """A ``redis+sentinel://`` or ``redis+cluster://`` URL that names no server (or no master)."""


class _PrimaryConnection(SentinelManagedConnection):
    """Sentinel connection that asks the sentinels on every reconnect, and that also leaves a primary
    refusing writes for want of replicas.

    redis-py drops the connection on ``READONLY`` (the old primary already demoted), but its
    reconnect (``connect_check_health``, called straight from ``send_packed_command``) goes back to
    the old address without asking the sentinels (redis/redis-py#3874, open): the retries then all hit
    the demoted primary. Resolving the address here fixes that. Between the promotion and the
    demotion the old primary still answers; with ``min-replicas-to-write 1`` it refuses writes with
    ``NOREPLICAS``, and that means the same: drop the connection, ask again.
    """

    async def connect_check_health(
        self, check_health: bool = True, retry_socket_connect: bool = True
    ) -> None:
        if not self.is_connected:
            self.host, self.port = await self.connection_pool.get_master_address()
        await super().connect_check_health(check_health, retry_socket_connect)

    async def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().read_response(*args, **kwargs)
        except ResponseError as exc:
            if str(exc).startswith(NOREPLICAS_PREFIX):
                await self.disconnect()
                await self._primary_moved()
                raise RedisConnectionError("the primary has no replica: asking the sentinels again") from exc
            raise
        except RedisConnectionError as exc:
            if str(exc) == DEMOTED_MESSAGE:  # redis-py's translation of READONLY on a primary connection
                await self._primary_moved()
            raise

    async def _primary_moved(self) -> None:
        """Drop the pool's idle connections and forget the primary: an idle connection to the old
        primary would still answer reads, with data the new primary has moved past (a card recorded
        there would look unposted: a second card). The next connection asks the sentinels, and the
        first one that finds the new primary drops whatever was opened to the old one meanwhile."""
        pool = self.connection_pool
        pool.master_address = None
        await pool.disconnect(inuse_connections=False)


class _PrimarySSLConnection(_PrimaryConnection, SentinelManagedSSLConnection):
    pass


def _hosts(netloc: str, default_port: int) -> tuple[str | None, str | None, list[tuple[str, int]]]:
    """(username, password, [(host, port), …]) of ``user:password@h1:p1,h2:p2``."""
    userinfo, _, hostlist = netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    hosts = []
    for part in filter(None, hostlist.split(",")):
        host, sep, port = part.rpartition(":")
        if not sep:
            host, port = part, ""
        hosts.append((host, int(port) if port else default_port))
    return (unquote(user) or None), (unquote(password) or None), hosts


def _base_options(overrides: dict[str, Any], retry_seconds: float) -> dict[str, Any]:
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
    return options


def client_from_url(url: str, *, retry_seconds: float = DEFAULT_RETRY_SECONDS, **overrides: Any) -> Redis:
    """A client with retries (for ``retry_seconds``), health checks and ``decode_responses=True``.

    ``redis+sentinel://`` and ``redis+cluster://`` URLs give a Sentinel-managed or a cluster client
    (module docstring); every other URL a client of one server.
    """
    options = _base_options(overrides, retry_seconds)
    scheme = urlsplit(url).scheme.lower()
    if scheme in SENTINEL_SCHEMES:
        return _sentinel_client(url, options)
    if scheme in CLUSTER_SCHEMES:
        return _cluster_client(url, {**options, "retry": _cluster_retry(retry_seconds)})
    # A blocking pool: a burst of concurrent requests waits for a free connection instead of failing
    # with "Too many connections".
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=POOL_TIMEOUT_SECONDS, **options
    )
    return Redis.from_pool(pool)


def _sentinel_client(url: str, options: dict[str, Any]) -> Redis:
    parts = urlsplit(url)
    user, password, sentinels = _hosts(parts.netloc, DEFAULT_SENTINEL_PORT)
    path = [p for p in parts.path.split("/") if p]
    if not sentinels or not path:
        raise TopologyURLError(
            "redis+sentinel:// needs the sentinels and the master name: "
            "redis+sentinel://host:26379,host:26379/mymaster[/db]"
        )
    tls = parts.scheme.lower().startswith("rediss")
    sentinel_options = {
        key: options[key] for key in ("socket_timeout", "socket_connect_timeout", "socket_keepalive")
    }
    sentinel = Sentinel(sentinels, sentinel_kwargs={**sentinel_options, "ssl": tls}, **sentinel_options)
    primary: Redis = sentinel.master_for(
        unquote(path[0]),
        redis_class=Redis,
        connection_pool_class=SentinelConnectionPool,
        connection_class=_PrimarySSLConnection if tls else _PrimaryConnection,
        db=int(path[1]) if len(path) > 1 else 0,
        username=user,
        password=password,
        max_connections=MAX_CONNECTIONS,
        **options,
    )
    return primary


def _cluster_retry(retry_seconds: float) -> Retry:
    """A counted retry for ``RedisCluster``: it runs ``get_retries() + 1`` attempts itself (a budget
    retry has no count, -1, and the cluster would make no attempt at all and answer None). About as
    many tries as fit in the budget at the capped back-off."""
    return Retry(
        ExponentialWithJitterBackoff(cap=RETRY_CAP_SECONDS, base=RETRY_BASE_SECONDS),
        max(1, round(retry_seconds / RETRY_CAP_SECONDS)),
        supported_errors=(RedisConnectionError, RedisTimeoutError),
    )


def _cluster_client(url: str, options: dict[str, Any]) -> Redis:
    parts = urlsplit(url)
    user, password, nodes = _hosts(parts.netloc, DEFAULT_REDIS_PORT)
    if not nodes:
        raise TopologyURLError("redis+cluster:// needs at least one node: redis+cluster://host:7000,host:7001")
    cluster = RedisCluster(
        startup_nodes=[ClusterNode(host, port) for host, port in nodes],
        username=user,
        password=password,
        ssl=parts.scheme.lower().startswith("rediss"),
        max_connections=MAX_CONNECTIONS,
        **options,
    )
    # RedisCluster answers the commands the stores use as Redis does (same command mixins), but is
    # not its subclass; the stores are typed against Redis, so it is handed out as one.
    return cast(Redis, cluster)


def is_unavailable(exc: BaseException) -> bool:
    """Redis could not be reached, or refused writes for now (a failover in progress): the operation
    may succeed later, and says nothing about the data it was given."""
    return isinstance(exc, RedisConnectionError | RedisTimeoutError)


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
