"""Job order intake: the authenticated HTTP API and the stream worker that turns it into shortlists.

Why this shape: Københavns Erhvervshus's systems post job orders; a job order accepted (202) must
become exactly one shortlist card even if the bot restarts. So the handler validates, saves the job
order, writes a stream entry (``bot.store.intake``) and only then answers; a consumer-group worker
(inside ``matchbot serve`` and/or ``matchbot worker``) matches and posts, and acknowledges only after
the card is out. The posting is keyed by job order + content digest, so a retry never posts twice.

``add_intake_routes(app, ...)`` is what ``create_app`` calls; the OpenAPI description at
``/api/openapi.json`` is built from the same pydantic model the handler validates with.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import re
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web
from pydantic import ValidationError

from bot.observability import (
    METRICS_KEY,
    READINESS_KEY,
    Metrics,
    Readiness,
    add_ops_routes,
    bind_request_id,
    current_request_id,
    request_id_middleware,
)
from bot.store.intake import IntakeEntry, IntakeQueue
from bot.ui import texts
from matching.models import JobOrder, field_errors, job_digest
from matching.privacy import redact_cpr

log = logging.getLogger("matchbot.intake")

MAX_BATCH = 500
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class JobOrderStore(Protocol):
    """The part of the follow-up store (engineer F) intake needs."""

    async def save_job_order(self, job: JobOrder) -> str: ...
    async def get_job_order(self, job_order_id: str) -> JobOrder | None: ...
    async def funnel(self, job_order_id: str) -> Any: ...
    async def job_order_revised_at(self, job_order_id: str) -> Any: ...


class NotYet(Exception):
    """Not a failure of the job order, a reason to try again later: the worker keeps it queued
    (retried every ``claim_idle_ms``) without counting an attempt."""


class ChannelNotInstalled(NotYet):
    """The bot is not (yet) installed in the match unit's channel: nowhere to post, nobody to tell,
    so waiting beats dead-lettering the job order where nobody is told."""


class PostingInProgress(NotYet):
    """Someone else is posting this job order's card right now (a typed 'match', another worker)."""


class ShortlistPublisher(Protocol):
    """Matches a job order and posts its card (engineer B's MatchService), and reports dead letters.
    Both raise :class:`ChannelNotInstalled` when there is no channel to post in."""

    async def publish_shortlist(self, job: JobOrder, *, revised: bool) -> None: ...
    async def report_to_channel(self, text: str) -> None: ...


async def accept_job_order(
    store: JobOrderStore, queue: IntakeQueue, metrics: Metrics, job: JobOrder, *, source: str
) -> tuple[str, bool]:
    """Save the job order and put it on the intake stream unless this content is already handled.

    Returns (created|unchanged|revised, queued). Used by the API and by ``matchbot import job-orders``.
    Saving first and enqueueing second is safe to repeat: a crash in between leaves the job order
    saved but not queued, and the retry (same content → "unchanged") sees no marker and enqueues.
    """
    outcome = str(await store.save_job_order(job))
    digest = job_digest(job)
    queued = outcome != "unchanged" or await queue.needs_enqueue(job.id, digest)
    if queued:
        await queue.enqueue(job.id, digest, revised=outcome == "revised", request_id=current_request_id())
    metrics.job_orders_received.labels(source, outcome).inc()
    log.info(
        "job order accepted",
        extra={"job_order_id": job.id, "outcome": outcome, "queued": queued, "source": source},
    )
    return outcome, queued


# --- HTTP API --------------------------------------------------------------------------------------


@dataclass
class IntakeApi:
    store: JobOrderStore
    queue: IntakeQueue
    metrics: Metrics
    api_keys: list[str]
    max_body_bytes: int
    max_batch: int = MAX_BATCH

    # auth -------------------------------------------------------------------------------------
    def _credential(self, request: web.Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer " and auth[7:].strip():
            return auth[7:].strip()
        return request.headers.get("X-API-Key") or None

    def _authorize(self, request: web.Request) -> web.Response | None:
        if not self.api_keys:
            return _error(503, texts.INTAKE_DISABLED)
        given = self._credential(request)
        if given is None:
            return _error(
                401, texts.INTAKE_UNAUTHORIZED, headers={"WWW-Authenticate": 'Bearer realm="jobordrer"'}
            )
        # Header bytes that are not UTF-8 arrive as surrogates: compare them as the bytes they were.
        given_b = given.encode("utf-8", "surrogateescape")
        ok = False
        for key in self.api_keys:  # compare against every key: timing says nothing about which matched
            ok |= hmac.compare_digest(given_b, key.encode())
        return None if ok else _error(403, texts.INTAKE_FORBIDDEN)

    async def _read_body(self, request: web.Request) -> bytes | web.Response:
        limit = self.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            return _error(413, texts.INTAKE_TOO_LARGE.format(limit=limit))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await request.content.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                return _error(413, texts.INTAKE_TOO_LARGE.format(limit=limit))
            chunks.append(chunk)
        return b"".join(chunks)

    # handlers ---------------------------------------------------------------------------------
    async def post_job_orders(self, request: web.Request) -> web.Response:
        denied = self._authorize(request)
        if denied is not None:
            return denied
        if request.headers.get("Content-Type") and request.content_type != "application/json":
            return _error(415, texts.INTAKE_BAD_CONTENT_TYPE)
        body = await self._read_body(request)
        if isinstance(body, web.Response):
            return body
        try:
            payload = json.loads(body.decode("utf-8-sig"))  # a BOM (Windows tools) is not an error
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _error(400, texts.INTAKE_BAD_JSON)
        if isinstance(payload, dict):
            items: list[Any] = [payload]
        elif isinstance(payload, list):
            items = payload
        else:
            return _error(400, texts.INTAKE_BAD_SHAPE)
        if not items:
            return _error(422, texts.INTAKE_EMPTY_BATCH)
        if len(items) > self.max_batch:
            return _error(413, texts.INTAKE_BATCH_TOO_LARGE.format(limit=self.max_batch))

        jobs, problems = _validate(items)
        if problems:
            self.metrics.job_orders_received.labels("api", "rejected").inc(len(items))
            log.info("job orders rejected", extra={"count": len(items), "invalid": len(problems)})
            return web.json_response({"fejl": texts.INTAKE_INVALID, "jobordrer": problems}, status=422)
        async with _store_unavailable() as unavailable:
            results = [await self._accept(job) for job in jobs]
        if unavailable:
            return _error(503, texts.INTAKE_UNAVAILABLE)
        queued = any(r["i_koe"] for r in results)
        return web.json_response(
            {"besked": texts.INTAKE_ACCEPTED if queued else texts.INTAKE_NOTHING_NEW, "jobordrer": results},
            status=202 if queued else 200,
        )

    async def _accept(self, job: JobOrder) -> dict[str, Any]:
        outcome, queued = await accept_job_order(self.store, self.queue, self.metrics, job, source="api")
        return {
            "id": job.id,
            "resultat": outcome,
            "resultat_tekst": texts.INTAKE_OUTCOME.get(outcome, outcome),
            "i_koe": queued,
        }

    async def get_job_order(self, request: web.Request) -> web.Response:
        denied = self._authorize(request)
        if denied is not None:
            return denied
        job_order_id = request.match_info["job_order_id"]
        if not _ID_RE.match(job_order_id):
            return _error(404, texts.INTAKE_NOT_FOUND)
        response: web.Response | None = None
        async with _store_unavailable() as unavailable:
            response = await self._job_order_state(job_order_id)
        if unavailable or response is None:
            return _error(503, texts.INTAKE_UNAVAILABLE_READ)
        return response

    async def _job_order_state(self, job_order_id: str) -> web.Response:
        job = await self.store.get_job_order(job_order_id)
        if job is None:
            return _error(404, texts.INTAKE_NOT_FOUND)
        marker = await self.queue.status(job_order_id)
        status = marker.get("status", "unknown")
        funnel = await self.store.funnel(job_order_id)
        # Revised through any path (API, import, the Teams form): the same stored fact the card shows.
        revised_at = await self.store.job_order_revised_at(job_order_id)
        revised = marker.get("revised") == "1" or revised_at is not None
        return web.json_response(
            {
                "id": job.id,
                "titel": job.title,
                "virksomhed": job.company,
                "status": status,
                "status_tekst": texts.INTAKE_STATUS.get(status, status),
                "revideret": revised,
                "tragt": {str(k): int(v) for k, v in dict(funnel).items()},
            }
        )

    async def openapi(self, request: web.Request) -> web.Response:
        return web.json_response(openapi_spec(self.max_body_bytes, self.max_batch))


class _Unavailable:
    """Set by :func:`_store_unavailable` when Redis could not be reached (the caller answers 503)."""

    def __init__(self) -> None:
        self.hit = False

    def __bool__(self) -> bool:
        return self.hit


@contextlib.asynccontextmanager
async def _store_unavailable() -> AsyncIterator[_Unavailable]:
    """Swallow Redis and connection errors into a flag: the API answers 503 (retry), never a 500."""
    flag = _Unavailable()
    try:
        yield flag
    except OSError:
        flag.hit = True
    except Exception as exc:
        if not type(exc).__module__.startswith("redis"):
            raise
        flag.hit = True


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"fejl": message}, status=status, headers=headers)


def _validate(items: list[Any]) -> tuple[list[JobOrder], list[dict[str, Any]]]:
    """All or nothing: either every job order is valid, or a field-level report per index."""
    jobs: list[JobOrder] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            job = JobOrder.model_validate(item)
        except ValidationError as exc:
            errors = [{"felt": f, "besked": redact_cpr(m)} for f, m in field_errors(exc)]
            problems.append({"index": index, "felter": errors})
            continue
        except (ValueError, TypeError, RecursionError):
            problems.append(
                {"index": index, "felter": [{"felt": "(hele objektet)", "besked": texts.INTAKE_BAD_SHAPE}]}
            )
            continue
        if job.id in seen:
            problems.append({"index": index, "felter": [{"felt": "id", "besked": texts.INTAKE_DUPLICATE_ID}]})
            continue
        seen.add(job.id)
        jobs.append(job)
    return jobs, problems


# --- OpenAPI ---------------------------------------------------------------------------------------


def openapi_spec(max_body_bytes: int = 1_048_576, max_batch: int = MAX_BATCH) -> dict[str, Any]:
    """OpenAPI 3.1 for the job order API; the JobOrder schema comes from the pydantic model itself."""
    job_schema = JobOrder.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
    defs = job_schema.pop("$defs", {})
    error = {"type": "object", "required": ["fejl"], "properties": {"fejl": {"type": "string"}}}
    field_error = {
        "type": "object",
        "required": ["felt", "besked"],
        "properties": {"felt": {"type": "string"}, "besked": {"type": "string"}},
    }
    accepted = {
        "type": "object",
        "required": ["besked", "jobordrer"],
        "properties": {
            "besked": {"type": "string"},
            "jobordrer": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "resultat", "resultat_tekst", "i_koe"],
                    "properties": {
                        "id": {"type": "string"},
                        "resultat": {"type": "string", "enum": ["created", "unchanged", "revised"]},
                        "resultat_tekst": {"type": "string"},
                        "i_koe": {"type": "boolean", "description": "true: en shortlist postes (igen)"},
                    },
                },
            },
        },
    }
    invalid = {
        "type": "object",
        "required": ["fejl"],
        "properties": {
            "fejl": {"type": "string"},
            "jobordrer": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["index", "felter"],
                    "properties": {
                        "index": {"type": "integer"},
                        "felter": {"type": "array", "items": field_error},
                    },
                },
            },
        },
    }
    state = {
        "type": "object",
        "required": ["id", "titel", "virksomhed", "status", "status_tekst", "revideret", "tragt"],
        "properties": {
            "id": {"type": "string"},
            "titel": {"type": "string"},
            "virksomhed": {"type": "string"},
            "status": {"type": "string", "enum": ["queued", "shortlisted", "dead", "unknown"]},
            "status_tekst": {"type": "string"},
            "revideret": {"type": "boolean", "description": "ændret siden den først blev modtaget"},
            "tragt": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
                "description": "antal kandidater i hver opfølgningsstatus",
            },
        },
    }

    def body(description: str, schema: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }

    def err(description: str) -> dict[str, Any]:
        return body(description, "Error")

    auth_errors = {
        "401": err("Mangler API-nøgle"),
        "403": err("Forkert API-nøgle"),
        "503": err("API'et er slået fra, eller databasen kan ikke nås"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Matchbot jobordre-API",
            "version": "1.0.0",
            "description": (
                "Jobordrer fra Københavns Erhvervshus. En modtaget jobordre (202) bliver til præcis én "
                "shortlist i matchenhedens kanal. Samme indhold igen er en no-op (200); ændret indhold "
                "opdaterer jobordren, og shortlisten markeres som revideret."
            ),
        },
        "security": [{"bearer": []}, {"apiKey": []}],
        "paths": {
            "/api/jobordrer": {
                "post": {
                    "operationId": "postJobOrders",
                    "summary": "Modtag én jobordre eller en liste",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/JobOrder"},
                                        {
                                            "type": "array",
                                            "minItems": 1,
                                            "maxItems": max_batch,
                                            "items": {"$ref": "#/components/schemas/JobOrder"},
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": body("Modtaget og sat i kø", "Accepted"),
                        "200": body("Uændret: allerede modtaget med samme indhold", "Accepted"),
                        "400": err("Ikke gyldig JSON eller forkert form"),
                        "413": err(f"For stor: højst {max_body_bytes} bytes / {max_batch} jobordrer"),
                        "415": err("Content-Type er ikke application/json"),
                        "422": body("Valideringsfejl pr. felt; intet er modtaget", "Invalid"),
                        **auth_errors,
                    },
                }
            },
            "/api/jobordrer/{job_order_id}": {
                "get": {
                    "operationId": "getJobOrder",
                    "summary": "Jobordrens status og tragt",
                    "parameters": [
                        {"name": "job_order_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": body("Status og tragt", "JobOrderState"),
                        "404": err("Jobordren findes ikke"),
                        **auth_errors,
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
            "schemas": {
                **defs,
                "JobOrder": job_schema,
                "Error": error,
                "FieldError": field_error,
                "Accepted": accepted,
                "Invalid": invalid,
                "JobOrderState": state,
            },
        },
    }


# --- worker ---------------------------------------------------------------------------------------


@dataclass
class IntakeWorker:
    """Reads the intake stream in a consumer group, matches and posts; acknowledges only when done."""

    queue: IntakeQueue
    store: JobOrderStore
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
                except Exception as exc:  # Redis restarting: wait and try again, never die
                    log.warning("intake claim failed", extra={"error": type(exc).__name__})
                    await _sleep_or_stop(stop, 0.5)
                    continue
                for entry in entries:
                    self._in_flight[entry.entry_id] = entry
                await self._process_all(entries, stop)
                await self._release_in_flight()
        finally:
            with contextlib.suppress(Exception):
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
            except Exception as exc:
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
        if isinstance(exc, NotYet):  # waiting (for the install, for another post), not failing
            log.info(
                "intake entry waits", extra={"job_order_id": entry.job_order_id, "reason": type(exc).__name__}
            )
            try:
                await self.queue.release([entry], self.consumer, retry_in_ms=self.queue.claim_idle_ms)
            except Exception as inner:  # Redis down: the entry stays pending and is claimed later
                log.warning("intake wait not recorded", extra={"error": type(inner).__name__})
            return "waiting"
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
        except Exception as inner:  # Redis down: the entry stays pending and is claimed later
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
        except Exception as exc:  # the dead letter itself is safe in Redis; reporting is best effort
            log.warning("dead letter not reported", extra={"error": type(exc).__name__})


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


# --- wiring ---------------------------------------------------------------------------------------

INTAKE_API_KEY = web.AppKey("matchbot_intake_api", IntakeApi)
INTAKE_WORKER_KEY = web.AppKey("matchbot_intake_worker", IntakeWorker)


def add_intake_routes(
    app: web.Application,
    *,
    store: JobOrderStore,
    queue: IntakeQueue,
    publisher: ShortlistPublisher,
    metrics: Metrics,
    readiness: Readiness | None,
    api_keys: list[str],
    max_body_bytes: int,
    max_batch: int = MAX_BATCH,
    run_worker: bool = True,
    worker_options: dict[str, Any] | None = None,
) -> IntakeApi:
    """Register the job order API (and, with ``run_worker``, the stream worker's lifecycle) on ``app``."""
    api = IntakeApi(
        store=store,
        queue=queue,
        metrics=metrics,
        api_keys=api_keys,
        max_body_bytes=max_body_bytes,
        max_batch=max_batch,
    )
    app[INTAKE_API_KEY] = api
    app.router.add_post("/api/jobordrer", api.post_job_orders)
    app.router.add_get("/api/jobordrer/{job_order_id}", api.get_job_order)
    app.router.add_get("/api/openapi.json", api.openapi)
    worker = IntakeWorker(
        queue=queue, store=store, publisher=publisher, metrics=metrics, **(worker_options or {})
    )
    app[INTAKE_WORKER_KEY] = worker

    if readiness is not None:

        async def consumer_running() -> bool:
            return worker.running or not run_worker

        readiness.add_check("stream_consumer", consumer_running)

    if run_worker:
        lifecycle = _WorkerLifecycle(worker)
        app.cleanup_ctx.append(lifecycle.ctx)
        app.on_shutdown.append(lifecycle.shutdown)
    return api


@dataclass
class _WorkerLifecycle:
    """Start the worker with the app; stop it on shutdown, before other cleanups close Redis."""

    worker: IntakeWorker
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

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


# --- `matchbot worker` -----------------------------------------------------------------------------


async def run_worker_process(settings: Any) -> int:
    """The same worker as inside `matchbot serve`, alone; SIGTERM/SIGINT stop it gracefully.

    It listens on ``WORKER_PORT`` for ``/healthz``, ``/readyz`` and ``/metrics`` only: a small app over
    the bot app's own Metrics and Readiness, so an orchestrator can see the worker alive, ready and how
    far behind the stream is, without the worker also answering Teams or the job order API.
    """
    import signal

    from bot.app import SERVICES_KEY, create_app

    if not settings.redis_url:  # an embedded store shares nothing with `serve`: there is no queue to work
        print(texts.NEEDS_REDIS_URL, file=sys.stderr)
        return 2
    app = create_app(
        settings.model_copy(update={"intake_worker": False}), run_scheduler=False, warm_pool=False
    )
    worker = app[INTAKE_WORKER_KEY]
    readiness = app[READINESS_KEY]

    async def consumer_running() -> bool:
        # The app was built without its own worker (its check would always pass): this one counts.
        return worker.running

    readiness.add_check("stream_consumer", consumer_running)
    ops = web.Application(middlewares=[request_id_middleware])
    add_ops_routes(ops, app[METRICS_KEY], readiness)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(app)  # runs the app's start-up/clean-up (Redis close), no socket
    await runner.setup()
    ops_runner = web.AppRunner(ops, access_log=None)
    try:
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
        await app[SERVICES_KEY].pool.get()
        print(texts.WORKER_STARTED.format(consumer=worker.consumer), flush=True)
        await worker.run(stop)
    finally:
        await ops_runner.cleanup()
        await runner.cleanup()
    return 0
