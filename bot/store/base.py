"""The one base every follow-up store capability builds on, and the context they share: the client,
the key prefix, the clock, the reminder rules, the retention period and the registered Lua scripts.

Why capability classes over one shared context: job orders, shortlists, records, the reminder queue,
retention and the pool are separate concerns a reader looks up one at a time, and each caller is
given only the ones it uses; but they share one client, one prefix, one clock and one set of rules,
and several of them write the same record through the same checked apply (one script registry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import cast

from redis.asyncio import Redis

from bot.domain.clock import Clock, utc_now
from bot.domain.reminders import ReminderRules, load_reminder_rules
from bot.store import keys
from bot.store.client import Arg, Script, StrRedis, typed
from matching.models import JobOrder

DEFAULT_RETENTION_DAYS = 180


@dataclass(frozen=True)
class StoreContext:
    """What every store capability shares; ``decode_responses=True`` is required on ``redis``."""

    redis: Redis
    prefix: str
    clock: Clock = utc_now
    rules: ReminderRules = field(default_factory=load_reminder_rules)
    retention_days: int = DEFAULT_RETENTION_DAYS
    # Lua scripts by source, registered once for all the stores on this context (run by SHA).
    scripts: dict[str, Script] = field(default_factory=dict, compare=False)


class StoreBase:
    """One capability over a shared :class:`StoreContext`."""

    def __init__(self, context: StoreContext) -> None:
        self.context = context
        self.redis = context.redis
        self.r: StrRedis = typed(context.redis)
        self.prefix = context.prefix
        self.clock = context.clock
        self.rules = context.rules
        self.retention = timedelta(days=context.retention_days)
        self._scripts = context.scripts

    def _script(self, source: str) -> Script:
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.r.register_script(source)
        return script

    async def _eval_list(self, source: str, script_keys: Sequence[str], args: Sequence[Arg]) -> list[str]:
        """Run a script that answers a list of strings."""
        return cast(list[str], await self._script(source)(keys=script_keys, args=args))

    async def _eval_int(self, source: str, script_keys: Sequence[str], args: Sequence[Arg]) -> int:
        """Run a script that answers an integer."""
        return int(await self._script(source)(keys=script_keys, args=args))

    @property
    def months_to_check(self) -> int:
        """Months after a start (or a forløb's end) before the 3-month check."""
        return self.rules.three_month_check.months_after_start

    async def get_job_order(self, job_order_id: str) -> JobOrder | None:
        """The stored job order (records, shortlists and reminders all read its dates)."""
        raw = await self.r.hget(keys.job_order(self.prefix, job_order_id), "json")
        return JobOrder.model_validate_json(raw) if raw else None
