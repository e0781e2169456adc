"""``create_app(settings)``: the one place that builds Matchbot's web application.

Why one factory and no module-level objects: every dependency (Redis client, stores, matcher,
messenger, features, router, edge, scheduler) is created here, in that order, and handed on through
constructors; nothing is set after construction. A test can build several independent apps in one
process (own Redis prefix, own clock, own fake connector), and nothing happens at import time.

Routes: ``POST /api/messages`` (Bot Framework, through ``bot.teams.edge``), the job order API
(``bot.features.intake``), ``/healthz``, ``/readyz``, ``/metrics`` (``bot.observability``). The reminder
scheduler and the intake worker run as background tasks started and stopped with the app. The core
the app shares with ``matchbot worker`` (stores, pool, messenger, shortlist publisher, intake worker)
is built by ``bot.worker.create_worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, fields

from aiohttp import web
from tenacity.wait import WaitBaseT

from bot.domain.clock import Clock
from bot.features.cover import CoverService
from bot.features.escalation import EscalationRunner, LadderNotifier
from bot.features.followup import FollowUpService
from bot.features.handover import HandoverService
from bot.features.intake import IntakeApi, WorkerLifecycle
from bot.features.interest import InterestService
from bot.features.job_orders import JobOrderService
from bot.features.pool import PoolIndex
from bot.features.reminders import BotNotifier, ReminderScheduler
from bot.features.reports import ChartLinks, MonthlySchedule, MonthlyStatus, ReportService, chart_secret
from bot.features.reports_api import ReportsApi
from bot.features.standins import StandIns
from bot.features.week import WeekService
from bot.observability import add_ops_routes, request_id_middleware, setup_logging
from bot.router import Router
from bot.store.connection import Redis
from bot.teams.edge import TeamsEdge
from bot.worker import Worker, create_worker
from config.settings import Settings

log = logging.getLogger("matchbot.app")

# How often the in-process reminder scheduler looks for due reminders.
REMINDER_INTERVAL_SECONDS = 30.0


@dataclass(frozen=True)
class Services(Worker):
    """What ``create_worker`` built plus the Teams side and the features only the app has, reachable
    from the app (tests, the demo, the benchmarks)."""

    handovers: HandoverService
    followups: FollowUpService
    job_orders: JobOrderService
    router: Router
    edge: TeamsEdge
    scheduler: ReminderScheduler
    stand_ins: StandIns
    cover: CoverService
    reports: ReportService  # rapport …, the API's exports, the monthly status
    monthly: MonthlyStatus
    interest: InterestService
    escalation: EscalationRunner
    week: WeekService


SERVICES_KEY = web.AppKey("matchbot_services", Services)


def create_app(
    settings: Settings,
    *,
    redis: Redis | None = None,
    clock: Clock | None = None,
    retry_wait: WaitBaseT | None = None,
    stock_transport: bool = False,
    run_scheduler: bool = True,
    reminder_interval: float = REMINDER_INTERVAL_SECONDS,
    warm_pool: bool = True,
    configure_logging: bool = True,
) -> web.Application:
    """Build the whole bot. ``redis`` and ``clock`` are injected by tests; the rest comes from settings."""
    if configure_logging:
        setup_logging(settings.log_level)
    core = create_worker(
        settings, redis=redis, clock=clock, retry_wait=retry_wait, stock_transport=stock_transport
    )
    stores, conversations = core.stores, core.conversations
    messenger, shortlists = core.messenger, core.shortlists
    rules = stores.context.rules
    stand_ins = StandIns(stores.cover, core.clock)  # who covers an absent consultant (issue 11.6)
    handovers = HandoverService(
        stores.followups, conversations, messenger, shortlists, core.metrics, core.clock, stand_ins
    )
    followups = FollowUpService(
        stores.followups,
        core.pool,
        shortlists,
        core.clock,
        top=settings.shortlist_size,
        leads=core.leads,
        stand_ins=stand_ins,
    )
    cover = CoverService(stores.cover, conversations, messenger, shortlists, core.leads, core.clock)
    week = WeekService(
        stores.week,
        conversations,
        messenger,
        settings.match_channel_id,
        core.clock,
        weekday=settings.week_post_weekday,
        hour=settings.week_post_hour,
    )
    job_orders = JobOrderService(stores.job_orders, shortlists, core.clock)
    # Reports (issue 12): config/targets.toml is validated here, at start-up.
    links = ChartLinks(
        stores.reports,
        settings.public_base_url,
        chart_secret(settings.report_url_secret.get_secret_value()),
        core.clock,
    )
    reports = ReportService(stores.reports, stores.followups, links, core.clock)
    monthly = MonthlyStatus(
        reports,
        stores.reports,
        conversations,
        messenger,
        settings.match_channel_id,
        rules.calendar(),
        MonthlySchedule(settings.monthly_status, settings.monthly_status_hour),
        core.clock,
    )
    follow = core.follow
    interest = InterestService(
        follow.interest, stores.followups, shortlists, follow, leads=core.leads, clock=core.clock
    )
    escalation = EscalationRunner(
        follow.escalation,
        shortlists,
        stores.shortlists,
        stores.followups,
        follow.interest,
        follow,
        conversations,
        messenger,
        follow.rules,
        follow.hours,
        leads=core.leads,
        team_leads=settings.team_leads,
        stand_ins=stand_ins,
        clock=core.clock,
        interval_seconds=reminder_interval,
    )
    keh = core.keh  # its expiry loop runs in every process (Worker.background)
    router = Router(
        stores.job_orders,
        stores.pool,
        [job_orders, shortlists, handovers, followups, cover, reports, interest, week, keh],
        reachable=[handovers.retry_pending, interest.retry_unreached],
        signer=core.signer,
    )
    edge = TeamsEdge(settings, messenger, router)
    scheduler = ReminderScheduler(
        stores.reminders,
        stores.followups,
        stores.retention,
        LadderNotifier(
            BotNotifier(conversations, messenger, core.metrics, rules, stand_ins, stores.followups),
            follow.escalation,
            follow.rules,
            follow.hours,
            core.clock,
        ),
        rules,
        interval_seconds=reminder_interval,
        clock=core.clock,
        metrics=core.metrics,
    )
    api = IntakeApi(
        job_orders=stores.job_orders,
        followups=stores.followups,
        queue=core.intake.queue,
        metrics=core.metrics,
        api_keys=[k.get_secret_value() for k in settings.jobordre_api_keys],
        max_body_bytes=settings.max_request_bytes,
        max_batch=settings.intake_max_batch,
        changes=stores.lifecycle,
    )
    services = Services(
        **{f.name: getattr(core, f.name) for f in fields(Worker)},
        handovers=handovers,
        followups=followups,
        job_orders=job_orders,
        router=router,
        edge=edge,
        scheduler=scheduler,
        stand_ins=stand_ins,
        cover=cover,
        reports=reports,
        monthly=monthly,
        interest=interest,
        escalation=escalation,
        week=week,
    )

    app = web.Application(middlewares=[request_id_middleware], client_max_size=settings.max_request_bytes)
    app[SERVICES_KEY] = services
    app.router.add_post("/api/messages", edge.handle)
    add_ops_routes(app, core.metrics, core.readiness)
    api.add_routes(app)
    ReportsApi(reports, stores.reports, links, api.authorize).add_routes(app)
    if settings.intake_worker:
        WorkerLifecycle(core.intake).attach(app)
    else:

        async def no_consumer_here() -> bool:  # `matchbot worker` runs the stream consumer
            return True

        core.readiness.add_check("stream_consumer", no_consumer_here)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        await core.start()
        stop = asyncio.Event()
        tasks = []
        if run_scheduler:
            tasks.append(asyncio.create_task(scheduler.run_forever(stop), name="reminder-scheduler"))
            tasks += core.background(stop)  # job order expiry and KEH's webhooks, as `matchbot worker`
            tasks.append(asyncio.create_task(monthly.run_forever(stop), name="monthly-status"))
            tasks.append(asyncio.create_task(escalation.run_forever(stop), name="escalation"))
            tasks.append(asyncio.create_task(week.run_forever(stop), name="weekly-post"))
        if warm_pool:
            tasks.append(asyncio.create_task(_warm(core.pool), name="pool-warm-up"))
        yield
        stop.set()
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await core.close()

    app.cleanup_ctx.append(lifecycle)
    return app


async def _warm(pool: PoolIndex) -> None:
    """Load the pool before the first ``match`` so that one is fast too; failures are retried lazily."""
    try:
        await pool.get()
    except Exception as exc:  # noqa: BLE001 - a background warm-up must not end the app; the next match retries
        log.warning("pool warm-up failed", extra={"error": type(exc).__name__})
