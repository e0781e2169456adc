"""``create_worker(settings)``: the intake worker and what it runs on, without the Teams activity handler.

Why its own composition: ``matchbot worker`` scales job order intake out next to ``matchbot serve``;
it needs the stores, the pool, the shortlist publisher and a way to post cards (``TeamsMessenger``),
but neither the router nor the edge that answers Teams. ``create_app`` (``bot.app``) builds the same
core through this function and adds the rest on top, so both run the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import dataclass

from aiohttp import web
from tenacity.wait import WaitBaseT

from bot.domain.clock import Clock, utc_now
from bot.domain.escalation import WorkingHours, load_escalation_rules
from bot.domain.leads import Leads
from bot.domain.reminders import load_reminder_rules
from bot.domain.signing import KEY_RANDOM, CardSigner, signing_keys
from bot.features.intake import IntakeWorker
from bot.features.interest import ShortlistFollowUp
from bot.features.keh import KehCards, KehService
from bot.features.pool import PoolIndex
from bot.features.shortlist import ShortlistService
from bot.features.standins import StandIns
from bot.features.webhooks import WebhookDispatcher
from bot.observability import Metrics, Readiness, add_ops_routes, request_id_middleware, setup_logging
from bot.store import Stores
from bot.store.connection import Redis, check_durability, client_from_url, embedded_client
from bot.store.conversations import ConversationStore
from bot.store.escalation import EscalationStore
from bot.store.intake import IntakeQueue
from bot.store.interest import InterestStore
from bot.store.keh_cards import KehCardStore
from bot.teams.messenger import TeamsMessenger
from bot.ui import texts
from config.settings import Settings
from matching.centres import centre_catalog
from matching.schemes import default_schemes

log = logging.getLogger("matchbot.app")

# The start-up durability check (CONFIG GET) must not hold the bot back when Redis is slow or down.
DURABILITY_CHECK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Worker:
    """Everything the intake worker runs on; ``bot.app.Services`` is this plus what only the app has."""

    settings: Settings
    redis: Redis  # the type comes through bot.store.connection: only bot/store imports redis
    owns_redis: bool
    clock: Clock
    metrics: Metrics
    readiness: Readiness
    stores: Stores
    conversations: ConversationStore
    messenger: TeamsMessenger
    pool: PoolIndex
    leads: Leads
    shortlists: ShortlistService
    intake: IntakeWorker
    follow: ShortlistFollowUp  # interest before review and the escalation schedule (issue 11)
    keh_cards: KehCards  # KEH's 1:1 card per job order (issue 11): the shortlist publisher updates it
    keh: KehService  # KEH's buttons (in the app's router) and the job order expiry loop
    webhooks: WebhookDispatcher  # signed status changes to KEH's system, from the outbox
    signer: CardSigner  # signs every button's data the messenger sends; the router checks it (issue 14.4)

    def background(self, stop: asyncio.Event) -> list[asyncio.Task[None]]:
        """Start the loops every process runs, ``serve`` and ``worker`` alike, until ``stop``: job order
        expiry and KEH's webhooks.

        Why in both: an operator who runs the worker apart from the web process (or the web process
        with ``INTAKE_WORKER=false``) must still get expiry and deliveries. Safe on any number of
        replicas: an expiry is a version-checked write with an idempotency key per job order
        (``JobOrderLifecycle.expire_due``), and a webhook event is claimed by one Lua script with a
        lease (``WebhookOutbox.claim``), so each change is expired and sent by one process.
        """
        every = self.settings.keh_webhook_interval_seconds
        return [
            asyncio.create_task(self.keh.run_forever(stop, every), name="job-order-expiry"),
            asyncio.create_task(self.webhooks.run_forever(stop, every), name="keh-webhooks"),
        ]

    async def start(self) -> None:
        """Tell the operator at start-up what is not set up for production."""
        settings = self.settings
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
        if self.signer.source == KEY_RANDOM:
            log.warning(
                "CARD_SIGNING_KEYS and REPORT_URL_SECRET are empty: card buttons are signed with a key of "
                "this process only; buttons on cards sent before a restart, or by another replica or "
                "`matchbot worker`, are refused until the card is opened again (set CARD_SIGNING_KEYS)"
            )
        else:
            log.info("card buttons signed", extra={"key_source": self.signer.source})
        if settings.redis_url:  # the embedded demo store has warned already and has no CONFIG
            await _check_redis(self.redis)

    async def close(self) -> None:
        await self.messenger.close()
        if self.owns_redis:
            await self.redis.aclose()


def create_worker(
    settings: Settings,
    *,
    redis: Redis | None = None,
    clock: Clock | None = None,
    retry_wait: WaitBaseT | None = None,
    stock_transport: bool = False,
) -> Worker:
    """Build the stores, the pool, the messenger, the shortlist publisher and the intake worker.

    ``redis`` and ``clock`` are injected by tests; the rest comes from settings.
    """
    now = clock or utc_now
    # Scheme rules and Copenhagen's centres are read before anything else: a typo stops start-up
    # with the file and the field, not the first match or import (config/schemes.toml, centres.toml).
    default_schemes()
    centre_catalog()
    owns_redis = redis is None
    if redis is None:
        redis = (
            client_from_url(settings.redis_url, retry_seconds=settings.redis_retry_seconds)
            if settings.redis_url
            else embedded_client()
        )
    prefix = settings.redis_key_prefix
    metrics = Metrics()
    readiness = Readiness()
    stores = Stores.open(
        redis, prefix, now, rules=load_reminder_rules(), retention_days=settings.retention_days
    )
    conversations = ConversationStore(redis, prefix)
    signer = card_signer(settings)
    messenger = TeamsMessenger(
        settings, conversations, signer=signer, retry_wait=retry_wait, stock_transport=stock_transport
    )
    pool = PoolIndex(stores.pool)
    leads = Leads.of(settings.match_leads)
    escalation_rules = load_escalation_rules()
    follow = ShortlistFollowUp(
        InterestStore(stores.context),
        EscalationStore(stores.context),
        stores.shortlists,
        conversations,
        messenger,
        escalation_rules,
        WorkingHours(escalation_rules, stores.context.rules),
        ask=settings.interest_before_review,
        stand_ins=StandIns(stores.cover, now),
        clock=now,
    )
    keh_cards = KehCards(
        stores.job_orders,
        stores.followups,
        stores.lifecycle,
        KehCardStore(redis, prefix),
        conversations,
        messenger,
    )
    shortlists = ShortlistService(
        stores.shortlists,
        stores.job_orders,
        stores.followups,
        conversations,
        messenger,
        pool,
        channel_id=settings.match_channel_id,
        top=settings.shortlist_size,
        metrics=metrics,
        clock=now,
        leads=leads,
        posting_lease_ms=settings.intake_claim_idle_ms,
        companion=follow,
        on_change=keh_cards.refresh,
    )
    keh = KehService(stores.lifecycle, keh_cards, stores.followups, shortlists, now, leads=leads)
    webhooks = WebhookDispatcher(
        stores.webhooks,
        settings.keh_webhook_url,
        settings.keh_webhook_signing_keys,
        clock=now,
        timeout_seconds=settings.keh_webhook_timeout_seconds,
        max_backoff_seconds=settings.keh_webhook_max_backoff_seconds,
    )
    intake = IntakeWorker(
        queue=IntakeQueue(redis, prefix, claim_idle_ms=settings.intake_claim_idle_ms),
        store=stores.job_orders,
        publisher=shortlists,
        metrics=metrics,
        max_failures=settings.intake_max_failures,
    )
    client = redis

    async def redis_ok() -> bool:
        return bool(await client.ping())

    async def pool_loaded() -> bool:
        return pool.loaded is not None

    async def consumer_running() -> bool:
        return intake.running

    readiness.add_check("redis", redis_ok)
    readiness.add_check("pool", pool_loaded)
    readiness.add_check("stream_consumer", consumer_running)
    metrics.pool_size.set_function(lambda: float(len(pool.loaded)) if pool.loaded is not None else 0.0)
    return Worker(
        settings,
        redis,
        owns_redis,
        now,
        metrics,
        readiness,
        stores,
        conversations,
        messenger,
        pool,
        leads,
        shortlists,
        intake,
        follow,
        keh_cards,
        keh,
        webhooks,
        signer,
    )


def card_signer(settings: Settings) -> CardSigner:
    """The key(s) for button data: ``CARD_SIGNING_KEYS``, else derived from ``REPORT_URL_SECRET`` (which
    replicas share already), else one random key for this process (``Worker.start`` warns)."""
    configured = [k.get_secret_value() for k in settings.card_signing_keys]
    keys, source = signing_keys(configured, settings.report_url_secret.get_secret_value())
    return CardSigner(keys, source)


async def _check_redis(redis: Redis) -> None:
    """Warn the operator at start-up when Redis could evict or drop data (see README, Redis in production)."""
    try:
        await asyncio.wait_for(check_durability(redis), timeout=DURABILITY_CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - Redis down at start-up: readiness reports it; the bot starts
        log.warning("redis durability could not be checked", extra={"error": type(exc).__name__})


# --- `matchbot worker` -----------------------------------------------------------------------------


async def run_worker(settings: Settings) -> int:
    """The same worker as inside `matchbot serve`, alone; SIGTERM/SIGINT stop it gracefully.

    It listens on ``WORKER_PORT`` for ``/healthz``, ``/readyz`` and ``/metrics`` only, so an
    orchestrator can see the worker alive, ready and how far behind the stream is, without the
    worker also answering Teams or the job order API.
    """
    if not settings.redis_url:  # an embedded store shares nothing with `serve`: there is no queue to work
        print(texts.NEEDS_REDIS_URL, file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    worker = create_worker(settings)
    ops = web.Application(middlewares=[request_id_middleware])
    add_ops_routes(ops, worker.metrics, worker.readiness)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    ops_runner = web.AppRunner(ops, access_log=None)
    try:
        await worker.start()
        await ops_runner.setup()
        host, port = settings.host, settings.worker_port
        try:
            await web.TCPSite(ops_runner, host, port).start()
        except OSError as exc:  # port taken or not allowed: say which, no traceback
            error = exc.strerror or type(exc).__name__
            print(texts.WORKER_PORT_UNAVAILABLE.format(host=host, port=port, error=error), file=sys.stderr)
            return 2
        print(texts.WORKER_OPS_LISTENING.format(host=host, port=port), flush=True)
        # Load the pool before taking work: entries claimed now would only wait for the index.
        # Liveness answers meanwhile; /readyz says 503 until the pool is loaded and the consumer runs.
        await worker.pool.get()
        print(texts.WORKER_STARTED.format(consumer=worker.intake.consumer), flush=True)
        background = worker.background(stop)  # job order expiry and KEH's webhooks, as in `serve`
        try:
            await worker.intake.run(stop)
        finally:
            stop.set()
            await _finish(background)
    finally:
        await ops_runner.cleanup()
        await worker.close()
    return 0


async def _finish(tasks: list[asyncio.Task[None]], timeout: float = 10.0) -> None:
    """Let the loops end their round after ``stop``; one that hangs is cancelled."""
    for task in tasks:
        try:
            await asyncio.wait_for(task, timeout=timeout)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:  # a loop that failed must not keep the worker from stopping
            log.warning("background loop failed", extra={"task": task.get_name()}, exc_info=True)
