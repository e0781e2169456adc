"""Københavns Erhvervshus (KEH) on the job order: the lifecycle's scheduled expiry, and (with its card)
what KEH's virksomhedskonsulent reports back.

Why a feature of its own: KEH is the match unit's counterpart for the company; what they see and
press (the job order's status, positions filled, the company's answers) is neither the leads'
shortlist nor a consultant's follow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.domain.clock import Clock, utc_now
from bot.store.job_order_states import JobOrderLifecycle

log = logging.getLogger("matchbot.keh")


class KehService:
    """The job order lifecycle as KEH meets it."""

    def __init__(self, lifecycle: JobOrderLifecycle, clock: Clock = utc_now) -> None:
        self.lifecycle = lifecycle
        self.clock = clock

    async def expire_due(self) -> list[str]:
        """Expire the open job orders whose deadline passed with nothing filled (once across replicas)."""
        expired = await self.lifecycle.expire_due(self.clock())
        for job_order_id in expired:
            log.info("job order expired", extra={"job_order_id": job_order_id})
        return expired

    async def run_forever(self, stop: asyncio.Event, interval_seconds: float) -> None:
        """The scheduled expiry check every ``interval_seconds`` until ``stop``."""
        while not stop.is_set():
            try:
                await self.expire_due()
            except Exception as exc:  # noqa: BLE001 - Redis away: the next round checks again
                log.warning("job order expiry round failed", extra={"error": type(exc).__name__})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
