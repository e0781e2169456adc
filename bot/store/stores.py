"""``Stores``: the follow-up store capabilities built once over one shared context.

Why a holder and not one class: callers depend on the capability they use (the reminder scheduler on
the reminder queue, the job order API on job orders …) and get just that through their constructor;
this frozen record only lets the composition roots (``create_worker``, ``create_app``, the CLI, tests)
build them together, over one client, prefix, clock, rules and script registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from bot.domain.clock import Clock, utc_now
from bot.domain.reminders import ReminderRules, load_reminder_rules
from bot.store.base import DEFAULT_RETENTION_DAYS, StoreContext
from bot.store.cover import CoverStore
from bot.store.followups import FollowUpRecords
from bot.store.job_order_states import JobOrderLifecycle
from bot.store.job_orders import JobOrderStore
from bot.store.pool import PoolReads
from bot.store.reminder_queue import ReminderQueue
from bot.store.reports import ReportReads
from bot.store.retention import Retention
from bot.store.shortlists import ShortlistStore
from bot.store.webhook_outbox import WebhookOutbox
from bot.store.week import WeekReads


@dataclass(frozen=True)
class Stores:
    """One instance of each capability, all on ``context``."""

    context: StoreContext
    job_orders: JobOrderStore
    shortlists: ShortlistStore
    followups: FollowUpRecords
    reminders: ReminderQueue
    retention: Retention
    pool: PoolReads
    lifecycle: JobOrderLifecycle  # job order status, filled count, expiry, change feed
    webhooks: WebhookOutbox
    reports: ReportReads
    cover: CoverStore  # absences, stand-ins and handing cases over (issue 11.6)
    week: WeekReads  # the lead's week (issue 11.7)

    @classmethod
    def on(cls, context: StoreContext) -> Stores:
        return cls(
            context,
            JobOrderStore(context),
            ShortlistStore(context),
            FollowUpRecords(context),
            ReminderQueue(context),
            Retention(context),
            PoolReads(context),
            JobOrderLifecycle(context),
            WebhookOutbox(context),
            ReportReads(context),
            CoverStore(context),
            WeekReads(context),
        )

    @classmethod
    def open(
        cls,
        redis: Redis,
        prefix: str,
        clock: Clock = utc_now,
        *,
        rules: ReminderRules | None = None,
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> Stores:
        """All capabilities on ``redis`` under ``prefix`` (``decode_responses=True`` required)."""
        context = StoreContext(redis, prefix, clock, rules or load_reminder_rules(), retention_days)
        return cls.on(context)
