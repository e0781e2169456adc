"""The intake stream worker: claims queued job orders, matches and posts, acknowledges when done.

Why a consumer group: a job order accepted by the API (202) must become exactly one shortlist card
even if the bot restarts. The worker runs inside ``matchbot serve`` and/or alone (``matchbot
worker``, ``bot.worker``), acknowledges an entry only after the card is out, and the posting is
keyed by job order + content digest, so a retry never posts twice. A worker keeps what it works on:
a heartbeat renews its claims every third of the claim idle time, so a slow post is not taken over;
and the post itself runs under a posting lease, so a second worker that gets the entry anyway
(the first stalled) finds the post in progress and waits instead of posting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from aiohttp import web

from bot.heartbeat import every
from bot.observability import Metrics, bind_request_id
from bot.store.connection import is_unavailable
from bot.store.intake import IntakeEntry, IntakeQueue
from bot.ui import texts
from matching.models import JobOrder, job_digest

log = logging.getLogger("matchbot.intake")


class NotYet(Exception):
    """Not a failure of the job order, a reason to try again later: the worker keeps it queued
    (retried every ``claim_idle_ms``) without counting an attempt."""


class ChannelNotInstalled(NotYet):
    """The bot is not (yet) installed in the match unit's channel: nowhere to post, nobody to tell,
    so waiting beats dead-lettering the job order where nobody is told."""


class PostingInProgress(NotYet):
    """Someone else is posting this job order's card right now (a typed 'match', another worker)."""


class ShortlistPublisher(Protocol):
    """Matches a job order and posts its card (``bot.features.shortlist``), and reports dead letters.
    Both raise :class:`ChannelNotInstalled` when there is no channel to post in."""

    async def publish_shortlist(self, job: JobOrder, *, revised: bool) -> None: ...
    async def report_to_channel(self, text: str) -> None: ...


class JobOrderReader(Protocol):
    async def get_job_order(self, job_order_id: str) -> JobOrder | None: ...


@dataclass
class IntakeWorker:
    """Reads the intake stream in a consumer group, matches and posts; acknowledges only when done."""

    queue: IntakeQueue
    store: JobOrderReader
    publisher: ShortlistPublisher
    metrics: Metrics
    consumer: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    batch: int = 32
    concurrency: int = 16
    max_failures: int = 3
    max_deliveries: int = 5
    retry_ms: int = 1000
    block_ms: int = 1000
    running: bool = False
    last_seen: float = 0.0
    _in_flight: dict[str, IntakeEntry] = field(default_factory=dict)

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and process until ``stop`` is set; then release whatever is not finished."""
        await self.queue.ensure_group()
        self.running = True
        log.info("intake worker started", extra={"consumer": self.consumer})
        try:
            while not stop.is_set():
                self.last_seen = time.monotonic()
                try:
                    entries = await self.queue.claim(self.consumer, self.batch, self.block_ms)
                    await self._update_gauges()
                except Exception as exc:  # noqa: BLE001 - the loop must outlive a Redis restart: wait, try again
                    log.warning("intake claim failed", extra={"error": type(exc).__name__})
                    await _sleep_or_stop(stop, 0.5)
                    continue
                for entry in entries:
                    self._in_flight[entry.entry_id] = entry
                async with every(self.queue.claim_idle_ms / 3000, self._keep_claims):
                    await self._process_all(entries, stop)
                await self._release_in_flight()
        finally:
            with contextlib.suppress(Exception):  # best effort: unreleased entries are re-claimed when idle
                await asyncio.shield(self._release_in_flight())
            self.running = False
            log.info("intake worker stopped", extra={"consumer": self.consumer})

    async def _process_all(self, entries: list[IntakeEntry], stop: asyncio.Event) -> None:
        """Up to ``concurrency`` entries at once: matching is CPU, but the store writes and the post to
        Teams are I/O that overlap. Once ``stop`` is set no new entry starts (the rest is released)."""
        gate = asyncio.Semaphore(self.concurrency)

        async def one(entry: IntakeEntry) -> None:
            async with gate:
                if not stop.is_set():
                    await self.process(entry)

        await asyncio.gather(*(one(e) for e in entries))

    async def _keep_claims(self) -> None:
        """Every third of the claim idle time, renew the claim on every entry still in hand, so an
        entry whose card is slow to post (Teams slow, Redis briefly away) is not taken over by
        another worker while this one still works on it."""
        held = list(self._in_flight)
        try:
            renewed = await self.queue.renew(held, self.consumer)
        except Exception as exc:  # noqa: BLE001 - Redis away: next beat; the posting lease still guards
            log.warning("intake claims not renewed", extra={"error": type(exc).__name__})
            return
        lost = [eid for eid in held if eid not in renewed and eid in self._in_flight]
        if lost:
            log.warning("intake claims lost to another worker", extra={"entries": len(lost)})

    async def _release_in_flight(self) -> None:
        if self._in_flight:
            entries = list(self._in_flight.values())
            self._in_flight.clear()
            await self.queue.release(entries, self.consumer)

    async def _update_gauges(self) -> None:
        stats = await self.queue.stats()
        self.metrics.pending_entries.set(stats.pending)
        self.metrics.queue_lag.set(stats.lag_seconds)

    async def process(self, entry: IntakeEntry) -> str:
        """Handle one entry; returns what happened (posted, duplicate, superseded, retry, dead)."""
        with bind_request_id(entry.request_id if entry.request_id != "-" else None):
            try:
                outcome = await self._process(entry)
            except Exception as exc:  # noqa: BLE001 - any failure of one entry is retried or dead-lettered
                outcome = await self._failed(entry, exc)
            self._in_flight.pop(entry.entry_id, None)
            log.info(
                "intake entry handled",
                extra={
                    "job_order_id": entry.job_order_id,
                    "outcome": outcome,
                    "deliveries": entry.deliveries,
                },
            )
            return outcome

    async def _process(self, entry: IntakeEntry) -> str:
        if entry.deliveries > self.max_deliveries:
            reason = texts.INTAKE_DEAD_CRASHES.format(deliveries=entry.deliveries - 1)
            await self._dead(entry, reason)
            return "dead"
        job = await self.store.get_job_order(entry.job_order_id)
        if job is None:
            await self._dead(entry, texts.INTAKE_DEAD_MISSING)
            return "dead"
        if job_digest(job) != entry.digest:
            await self.queue.complete(entry, posted=False)  # a newer version has its own entry
            return "superseded"
        if await self.queue.is_posted(entry.job_order_id, entry.digest):
            await self.queue.complete(entry, posted=False)
            return "duplicate"
        await self.publisher.publish_shortlist(job, revised=entry.revised)
        await self.queue.complete(entry, posted=True)
        return "posted"

    async def _failed(self, entry: IntakeEntry, exc: Exception) -> str:
        self._in_flight.pop(entry.entry_id, None)  # released below: the heartbeat must not renew it
        if isinstance(exc, NotYet):  # waiting (for the install, for another post), not failing
            log.info(
                "intake entry waits", extra={"job_order_id": entry.job_order_id, "reason": type(exc).__name__}
            )
            try:
                await self.queue.release([entry], self.consumer, retry_in_ms=self.queue.claim_idle_ms)
            except Exception as inner:  # noqa: BLE001 - Redis down: the entry stays pending, is claimed later
                log.warning("intake wait not recorded", extra={"error": type(inner).__name__})
            return "waiting"
        if is_unavailable(exc):  # Redis away (restart, failover): not the job order's fault, no poison count
            log.warning(
                "intake entry waits for redis",
                extra={"job_order_id": entry.job_order_id, "error": type(exc).__name__},
            )
            try:
                await self.queue.release([entry], self.consumer, retry_in_ms=self.retry_ms)
            except Exception as inner:  # noqa: BLE001 - still away: the entry stays pending, is claimed later
                log.warning("intake wait not recorded", extra={"error": type(inner).__name__})
            return "retry"
        log.warning(
            "intake entry failed", extra={"job_order_id": entry.job_order_id, "error": type(exc).__name__}
        )
        try:
            attempts = await self.queue.record_failure(entry)
            if attempts >= self.max_failures:
                await self._dead(
                    entry, texts.INTAKE_DEAD_ERRORS.format(attempts=attempts, error=type(exc).__name__)
                )
                return "dead"
            await self.queue.release([entry], self.consumer, retry_in_ms=self.retry_ms * attempts)
        except Exception as inner:  # noqa: BLE001 - Redis down: the entry stays pending, is claimed later
            log.warning("intake failure not recorded", extra={"error": type(inner).__name__})
        return "retry"

    async def _dead(self, entry: IntakeEntry, reason: str) -> None:
        await self.queue.dead_letter(entry, reason)
        self.metrics.dead_letters.inc()
        log.error("job order dead-lettered", extra={"job_order_id": entry.job_order_id, "reason": reason})
        try:
            await self.publisher.report_to_channel(
                texts.INTAKE_DEAD_LETTER.format(job_order_id=entry.job_order_id, reason=reason)
            )
        except Exception as exc:  # noqa: BLE001 - the dead letter is safe in Redis; reporting is best effort
            log.warning("dead letter not reported", extra={"error": type(exc).__name__})


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


@dataclass
class WorkerLifecycle:
    """Start the worker with the app; stop it on shutdown, before other cleanups close Redis."""

    worker: IntakeWorker
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def attach(self, app: web.Application) -> None:
        app.cleanup_ctx.append(self.ctx)
        app.on_shutdown.append(self.shutdown)

    async def ctx(self, app: web.Application) -> AsyncIterator[None]:
        self.task = asyncio.create_task(self.worker.run(self.stop), name="intake-worker")
        yield
        await self.shutdown(app)

    async def shutdown(self, app: web.Application) -> None:
        """Graceful: stop taking work, finish the entry in hand, release the rest; cancel after 10 s."""
        self.stop.set()
        task = self.task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=10)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
