"""``create_app(settings)``: the one place that builds Matchbot's web application.

Why one factory and no module-level objects: every dependency (Redis client, stores, matcher,
adapter, services, scheduler) is created here and handed on through constructors, so a test can
build several independent apps in one process (own Redis prefix, own clock, own fake connector)
and nothing happens at import time.

Routes: ``POST /api/messages`` (Bot Framework, through ``bot.teams.edge``), the job order API
(``bot.features.intake``), ``/healthz``, ``/readyz``, ``/metrics`` (``bot.observability``). The reminder
scheduler and the intake worker run as background tasks started and stopped with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.domain.models import utc_now
from bot.domain.reminders import ReminderScheduler, load_reminder_rules
from bot.features.intake import add_intake_routes
from bot.observability import Metrics, Readiness, add_ops_routes, request_id_middleware, setup_logging
from bot.router import Router
from bot.services import (
    BotNotifier,
    FollowUpService,
    HandoverService,
    Leads,
    PoolIndex,
    ShortlistService,
)
from bot.store.connection import Redis, check_durability, client_from_url, embedded_client
from bot.store.conversations import ConversationStore
from bot.store.followup import FollowUpStore
from bot.store.intake import IntakeQueue
from bot.teams.edge import TeamsEdge
from config.settings import Settings

log = logging.getLogger("matchbot.app")

# How often the in-process reminder scheduler looks for due reminders.
REMINDER_INTERVAL_SECONDS = 30.0
# The start-up durability check (CONFIG GET) must not hold the bot back when Redis is slow or down.
DURABILITY_CHECK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Services:
    """Everything create_app built, reachable from the app (tests, the CLI, the benchmark)."""

    settings: Settings
    redis: Redis  # the type comes through bot.store.connection: only bot/store imports redis
    store: FollowUpStore
    conversations: ConversationStore
    edge: TeamsEdge
    pool: PoolIndex
    shortlists: ShortlistService
    handovers: HandoverService
    followups: FollowUpService
    logic: Router
    scheduler: ReminderScheduler
    metrics: Metrics


SERVICES_KEY = web.AppKey("matchbot_services", Services)


def create_app(
    settings: Settings,
    *,
    redis: Redis | None = None,
    clock: Callable[[], datetime] | None = None,
    retry_wait: Any = None,
    stock_transport: bool = False,
    run_scheduler: bool = True,
    reminder_interval: float = REMINDER_INTERVAL_SECONDS,
    warm_pool: bool = True,
    configure_logging: bool = True,
) -> web.Application:
    """Build the whole bot. ``redis`` and ``clock`` are injected by tests; the rest comes from settings."""
    if configure_logging:
        setup_logging(settings.log_level)
    now = clock or utc_now
    owns_redis = redis is None
    if redis is None:
        redis = client_from_url(settings.redis_url) if settings.redis_url else embedded_client()
    prefix = settings.redis_key_prefix
    metrics = Metrics()
    readiness = Readiness()
    rules = load_reminder_rules()
    store = FollowUpStore(redis, prefix, now, rules=rules, retention_days=settings.retention_days)
    conversations = ConversationStore(redis, prefix)
    edge = TeamsEdge(settings, conversations, retry_wait=retry_wait, stock_transport=stock_transport)
    pool = PoolIndex(store)
    leads = Leads.of(settings.match_leads)
    shortlists = ShortlistService(
        store,
        conversations,
        edge,
        pool,
        channel_id=settings.match_channel_id,
        top=settings.shortlist_size,
        metrics=metrics,
        clock=now,
        leads=leads,
    )
    handovers = HandoverService(store, conversations, edge, shortlists, metrics, now)
    followups = FollowUpService(store, pool, now, top=settings.shortlist_size, leads=leads)
    logic = Router(store, shortlists, handovers, followups)
    edge.logic = logic
    scheduler = ReminderScheduler(
        store,
        BotNotifier(conversations, edge, metrics, rules),
        rules,
        interval_seconds=reminder_interval,
        clock=now,
    )
    services = Services(
        settings,
        redis,
        store,
        conversations,
        edge,
        pool,
        shortlists,
        handovers,
        followups,
        logic,
        scheduler,
        metrics,
    )

    app = web.Application(middlewares=[request_id_middleware], client_max_size=settings.max_request_bytes)
    app[SERVICES_KEY] = services
    app.router.add_post("/api/messages", edge.handle)

    async def redis_ok() -> bool:
        return bool(await redis.ping())

    readiness.add_check("redis", redis_ok)

    async def pool_loaded() -> bool:
        return pool.loaded is not None

    readiness.add_check("pool", pool_loaded)
    metrics.pool_size.set_function(lambda: float(len(pool.loaded)) if pool.loaded is not None else 0.0)
    add_ops_routes(app, metrics, readiness)
    add_intake_routes(
        app,
        store=store,
        queue=IntakeQueue(redis, prefix, claim_idle_ms=settings.intake_claim_idle_ms),
        publisher=shortlists,
        metrics=metrics,
        readiness=readiness,
        api_keys=[k.get_secret_value() for k in settings.jobordre_api_keys],
        max_body_bytes=settings.max_request_bytes,
        max_batch=settings.intake_max_batch,
        run_worker=settings.intake_worker,
        worker_options={"max_failures": settings.intake_max_failures},
    )

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        if settings.local_mode:
            log.warning(
                "LOCAL MODE: MicrosoftAppId is empty, Bot Framework authentication is OFF "
                "(Bot Framework Emulator and tests only)"
            )
        else:
            log.info("bot framework authentication on", extra={"app_type": settings.app_type})
        if not settings.match_channel_id:
            log.warning("MATCH_CHANNEL_ID is empty: job orders from the API cannot be posted anywhere")
        if not settings.match_leads:
            log.warning(
                "MATCH_LEADS is empty: everyone in the match channel may approve and reject candidates"
            )
        if settings.redis_url:  # the embedded demo store has warned already and has no CONFIG
            await _check_redis(redis)
        stop = asyncio.Event()
        tasks = []
        if run_scheduler:
            tasks.append(asyncio.create_task(scheduler.run_forever(stop), name="reminder-scheduler"))
        if warm_pool:
            tasks.append(asyncio.create_task(_warm(pool), name="pool-warm-up"))
        yield
        stop.set()
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await edge.close()
        if owns_redis:
            await redis.aclose()

    app.cleanup_ctx.append(lifecycle)
    return app


async def _check_redis(redis: Redis) -> None:
    """Warn the operator at start-up when Redis could evict or drop data (see README, Redis in production)."""
    try:
        await asyncio.wait_for(check_durability(redis), timeout=DURABILITY_CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # Redis down at start-up: readiness reports it; the bot still starts
        log.warning("redis durability could not be checked", extra={"error": type(exc).__name__})


async def _warm(pool: PoolIndex) -> None:
    """Load the pool before the first ``match`` so that one is fast too; failures are retried lazily."""
    try:
        await pool.get()
    except Exception as exc:
        log.warning("pool warm-up failed", extra={"error": type(exc).__name__})
