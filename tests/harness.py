"""The one running-bot harness: the real app on a free port, real Redis, the fake Teams connector.

Why one: every end-to-end test (the match unit's day, the intake pipeline, the edge's refusals) drives
the same thing, so they start it the same way; each passes only what differs (settings, the pool,
saved job orders, members in the roster, a clock it moves, the app's background tasks).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tenacity.wait import WaitBaseT

from bot.app import SERVICES_KEY, Services, create_app
from bot.store.connection import Redis, client_from_url
from config.settings import Settings
from matching.models import CandidateProfile, JobOrder
from tests.fake_connector import CHANNEL_ID, FakeConnector, install_in_team
from tests.intake_support import API_KEY, LEAD, OLD_KEY
from tests.redis_server import free_port

LEAD_UPN = "leder@kk.dk"
# What every harnessed bot runs with unless a test says otherwise (as in the environment).
BASE_SETTINGS: dict[str, Any] = {
    "MicrosoftAppId": "",
    "MATCH_CHANNEL_ID": CHANNEL_ID,
    "JOBORDRE_API_KEYS": [API_KEY, OLD_KEY],
    "MAX_REQUEST_BYTES": 64 * 1024,
    "INTAKE_CLAIM_IDLE_MS": 300,
    # No automatic Monday post of "uge" (tests that are about it turn it on): the day's clock starts on
    # a Monday morning, and a week card among the channel's cards would confuse every other test.
    "WEEK_POST_WEEKDAY": 0,
    # Nor the monthly status: a test day on a month's first working day would see it among its cards.
    "MONTHLY_STATUS": False,
}


class Clock:
    """The bot's time in a test: the real time until the test sets ``now``, then that."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now

    @property
    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    @now.setter
    def now(self, value: datetime) -> None:
        self._now = value

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Member:
    """Someone in the fake team's roster: their activity ``from`` account and their UPN."""

    account: dict[str, Any]
    upn: str


@dataclass
class RunningBot:
    app: web.Application
    client: TestClient[Any, Any]
    connector: FakeConnector
    redis: Redis
    clock: Clock

    @property
    def services(self) -> Services:
        return self.app[SERVICES_KEY]

    @property
    def server(self) -> TestServer:
        server = self.client.server
        assert isinstance(server, TestServer)
        return server

    @property
    def http(self) -> aiohttp.ClientSession:
        return self.client.session

    @property
    def service_url(self) -> str:
        """The fake connector's URL: the ``serviceUrl`` of every activity a test posts."""
        return self.connector.url

    def sign(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` signed as if the bot had drawn it on a card: for a test that writes a button's data
        by hand because the card is not its subject (tests/e2e/test_signed_buttons.py is about that)."""
        return self.services.signer.sign(data)

    def url(self, path: str) -> str:
        """The bot's own URL for ``path``."""
        return str(self.client.make_url(path))

    async def post(self, activity: dict[str, Any], *, status: int | None = None) -> Any:
        """POST an activity to ``/api/messages``; the invoke response's JSON when the answer is 200."""
        response = await self.client.post("/api/messages", json=activity)
        if status is not None:
            assert response.status == status, await response.text()
        if response.status == 200:
            return await response.json()
        return None

    async def post_jobs(self, payload: Any, key: str | None = API_KEY, **kw: Any) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        headers.update(kw.pop("headers", {}))
        return await self.http.post(self.url("/api/jobordrer"), json=payload, headers=headers, **kw)

    def shortlist_cards(self) -> list[dict[str, Any]]:
        """Shortlist cards posted as new threads in the match channel."""
        return [
            s.card
            for s in self.connector.sent
            if s.kind == "create" and s.conversation_id.startswith(CHANNEL_ID) and s.card is not None
        ]

    def channel_texts(self) -> list[str]:
        return [s.text for s in self.connector.sent if s.conversation_id.startswith(CHANNEL_ID) and s.text]


@asynccontextmanager
async def running_bot(
    redis_url: str,
    prefix: str,
    *,
    pool: list[CandidateProfile] | None = None,
    job_orders: Sequence[JobOrder] = (),
    members: Iterable[Member] = (),
    install: bool = True,
    clock: Clock | None = None,
    retry_wait: WaitBaseT | None = None,
    stock_transport: bool = False,
    run_scheduler: bool = False,
    reminder_interval: float | None = None,
    warm_pool: bool = True,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    """The real app against real Redis, on a free port, with a fake Teams connector.

    ``install``: the lead (``intake_support.LEAD``) installs the bot in the match channel first.
    ``overrides``: settings by their environment names, over ``BASE_SETTINGS``.
    """
    connector = FakeConnector()
    await connector.start()
    for member in members:
        connector.add_member(member.account["id"], member.account["aadObjectId"], member.upn)
    settings = Settings.model_validate(
        {**BASE_SETTINGS, "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix, **overrides}
    )
    redis = client_from_url(redis_url, retry_seconds=settings.redis_retry_seconds)
    clock = clock or Clock()
    options: dict[str, Any] = {} if reminder_interval is None else {"reminder_interval": reminder_interval}
    app = create_app(
        settings,
        redis=redis,
        clock=clock,
        retry_wait=retry_wait,
        stock_transport=stock_transport,
        run_scheduler=run_scheduler,
        warm_pool=warm_pool,
        configure_logging=False,
        **options,
    )
    services = app[SERVICES_KEY]
    for job in job_orders:
        await services.stores.job_orders.save_job_order(job)
    if pool is not None:
        await services.stores.pool.put_candidates(pool)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    bot = RunningBot(app, client, connector, redis, clock)
    try:
        if install:
            connector.add_member(LEAD["id"], LEAD["aadObjectId"], LEAD_UPN)
            resp = await client.post("/api/messages", json=install_in_team(connector.url, LEAD))
            assert resp.status in (200, 201, 202), await resp.text()
        yield bot
    finally:
        await client.close()
        await connector.close()
        await redis.aclose()


@contextmanager
def app_in_thread(settings: Settings, *, connector: FakeConnector | None = None) -> Iterator[str]:
    """``create_app(settings)`` on a free port, in a thread and event loop of its own, for clients that
    call synchronously (requests, schemathesis); yields its base URL. ``connector``, when given, is
    started and closed on the same loop."""
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop: asyncio.Event | None = None

    async def main() -> None:
        nonlocal stop
        stop = asyncio.Event()
        if connector is not None:
            await connector.start()
        app = create_app(settings, run_scheduler=False, warm_pool=False, configure_logging=False)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        started.set()
        await stop.wait()
        await runner.cleanup()
        if connector is not None:
            await connector.close()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)


async def wait_until(
    predicate: Callable[[], bool | Awaitable[bool]], timeout: float = 10.0, interval: float = 0.02
) -> None:
    """Until ``predicate()`` (plain or awaitable) is true; fails the test after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = predicate()
        if await result if inspect.isawaitable(result) else result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(interval)


class CallCounter:
    """Counts the calls of one async method of an object, e.g. a background loop's rounds, so a test can
    wait for "N more rounds" instead of sleeping for a time it hopes is long enough."""

    def __init__(self, owner: object, method: str) -> None:
        self.calls = 0
        inner: Callable[..., Awaitable[Any]] = getattr(owner, method)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            try:
                return await inner(*args, **kwargs)
            finally:
                self.calls += 1

        setattr(owner, method, counted)

    async def more(self, rounds: int, timeout: float = 10.0) -> None:
        """Until ``rounds`` more calls than now have finished."""
        target = self.calls + rounds
        await wait_until(lambda: self.calls >= target, timeout)
