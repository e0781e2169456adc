"""The one base every follow-up store capability builds on: the client, the key prefix, the clock
and the reminder rules, and the Lua scripts (registered once per store, run by SHA).

Why capability classes on one base: job orders, shortlists, records, the reminder queue, retention
and the pool are separate concerns a reader looks up one at a time, but they share one client and
one prefix, and several of them write the same record through the same checked apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from redis.asyncio import Redis

from bot.domain.clock import Clock, utc_now
from bot.domain.reminders import ReminderRules, load_reminder_rules
from bot.store import keys
from bot.store.client import Arg, Script, StrRedis, typed
from matching.models import JobOrder

DEFAULT_RETENTION_DAYS = 180


class StoreBase:
    """Redis, the key prefix, the clock and the rules; ``decode_responses=True`` is required."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        clock: Clock = utc_now,
        *,
        rules: ReminderRules | None = None,
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> None:
        self.redis = redis
        self.r: StrRedis = typed(redis)
        self.prefix = prefix
        self.clock = clock
        self.rules = rules or load_reminder_rules()
        self.retention = timedelta(days=retention_days)
        self._scripts: dict[str, Script] = {}

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
