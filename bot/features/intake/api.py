"""The job order API: authenticated, validated, and answered only once the job order is queued.

Why this shape: Københavns Erhvervshus's systems post job orders; a job order accepted (202) must
become exactly one shortlist card even if the bot restarts. So the handler validates, saves the job
order, writes a stream entry (``bot.store.intake``) and only then answers; the stream worker
(``bot.features.intake.worker``) matches and posts. The OpenAPI description at ``/api/openapi.json``
is built from the same pydantic model the handler validates with (``bot.features.intake.openapi``).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web
from pydantic import ValidationError

from bot.domain.job_order_states import JobOrderState
from bot.domain.states import FollowUpState
from bot.features.intake.openapi import FEED_MAX_LIMIT, MAX_BATCH, openapi_spec
from bot.observability import Metrics, current_request_id
from bot.store.intake import IntakeQueue
from bot.store.job_order_states import FeedPage
from bot.ui import texts
from matching.models import JobOrder, field_errors, job_digest
from matching.privacy import redact_cpr

log = logging.getLogger("matchbot.intake")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class JobOrderWriter(Protocol):
    """What accepting a job order needs (the API and ``matchbot import job-orders``)."""

    async def save_job_order(self, job: JobOrder) -> str: ...


class JobOrderAccess(JobOrderWriter, Protocol):
    """The job orders the API writes and reads back (``bot.store.JobOrderStore``)."""

    async def get_job_order(self, job_order_id: str) -> JobOrder | None: ...
    async def job_order_revised_at(self, job_order_id: str) -> datetime | None: ...


class FunnelReader(Protocol):
    """A job order's funnel for ``GET /api/jobordrer/{id}`` (``bot.store.FollowUpRecords``)."""

    async def funnel(self, job_order_id: str) -> Mapping[FollowUpState, int]: ...


class ChangeFeed(Protocol):
    """Job order status changes after a cursor (``bot.store.JobOrderLifecycle``)."""

    async def feed(self, cursor: str, limit: int) -> FeedPage: ...
    async def state(self, job_order_id: str) -> JobOrderState | None: ...


# ``GET /api/jobordrer?since=…``: a cursor is a change feed stream id; a page holds at most FEED_MAX_LIMIT.
_CURSOR_RE = re.compile(r"^\d{1,20}-\d{1,20}$|^0$")
FEED_DEFAULT_LIMIT = 100


async def accept_job_order(
    store: JobOrderWriter, queue: IntakeQueue, metrics: Metrics, job: JobOrder, *, source: str
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
    job_orders: JobOrderAccess
    followups: FunnelReader
    queue: IntakeQueue
    metrics: Metrics
    api_keys: list[str]
    max_body_bytes: int
    max_batch: int = MAX_BATCH
    changes: ChangeFeed | None = None  # the status change feed (issue 11); None: 404 like before

    # auth -------------------------------------------------------------------------------------
    def _credential(self, request: web.Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer " and auth[7:].strip():
            return auth[7:].strip()
        return request.headers.get("X-API-Key") or None

    def authorize(self, request: web.Request) -> web.Response | None:
        """The API's credential check, shared with the report exports (``GET /api/rapporter/…``)."""
        return self._authorize(request)

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
            try:
                chunk = await request.content.read(65536)
            except web.RequestPayloadError:  # e.g. Content-Encoding: gzip on a body that is not gzip
                answer = _error(400, texts.INTAKE_BAD_ENCODING)
                answer.force_close()  # the rest of the body cannot be read: this connection is done
                request.content.feed_eof()  # nothing left to drain (aiohttp would log a traceback)
                return answer
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
        outcome, queued = await accept_job_order(self.job_orders, self.queue, self.metrics, job, source="api")
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
        job = await self.job_orders.get_job_order(job_order_id)
        if job is None:
            return _error(404, texts.INTAKE_NOT_FOUND)
        marker = await self.queue.status(job_order_id)
        status = marker.get("status", "unknown")
        funnel = await self.followups.funnel(job_order_id)
        # Revised through any path (API, import, the Teams form): the same stored fact the card shows.
        revised_at = await self.job_orders.job_order_revised_at(job_order_id)
        revised = marker.get("revised") == "1" or revised_at is not None
        answer: dict[str, Any] = {
            "id": job.id,
            "titel": job.title,
            "virksomhed": job.company,
            "status": status,
            "status_tekst": texts.INTAKE_STATUS.get(status, status),
            "revideret": revised,
            "tragt": {str(k): int(v) for k, v in dict(funnel).items()},
        }
        lifecycle = await self.changes.state(job_order_id) if self.changes is not None else None
        if lifecycle is not None:
            answer |= {
                "jobordre_status": lifecycle.status.value,
                "jobordre_status_tekst": lifecycle.status.label,
                "besatte": lifecycle.filled,
                "stillinger": lifecycle.positions,
            }
        return web.json_response(answer)

    async def get_changes(self, request: web.Request) -> web.Response:
        """``GET /api/jobordrer?since=<cursor>&limit=<n>``: status changes after the cursor, oldest first."""
        denied = self._authorize(request)
        if denied is not None:
            return denied
        if self.changes is None:
            return _error(404, texts.INTAKE_NOT_FOUND)
        cursor = request.query.get("since", "0").strip() or "0"
        if not _CURSOR_RE.match(cursor):
            return _error(400, texts.FEED_BAD_CURSOR)
        try:
            limit = int(request.query.get("limit", FEED_DEFAULT_LIMIT))
        except ValueError:
            limit = 0
        if not 1 <= limit <= FEED_MAX_LIMIT:
            return _error(400, texts.FEED_BAD_LIMIT.format(most=FEED_MAX_LIMIT))
        page: FeedPage | None = None
        async with _store_unavailable() as unavailable:
            page = await self.changes.feed(cursor, limit)
        if unavailable or page is None:
            return _error(503, texts.INTAKE_UNAVAILABLE_READ)
        return web.json_response(
            {"aendringer": page.events, "naeste": page.cursor, "flere": len(page.events) == limit}
        )

    async def openapi(self, request: web.Request) -> web.Response:
        return web.json_response(openapi_spec(self.max_body_bytes, self.max_batch))

    def add_routes(self, app: web.Application) -> None:
        """``POST /api/jobordrer``, ``GET /api/jobordrer?since=…`` (the change feed),
        ``GET /api/jobordrer/{id}`` and ``/api/openapi.json`` on ``app``."""
        app.router.add_post("/api/jobordrer", self.post_job_orders)
        app.router.add_get("/api/jobordrer", self.get_changes)
        app.router.add_get("/api/jobordrer/{job_order_id}", self.get_job_order)
        app.router.add_get("/api/openapi.json", self.openapi)


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
