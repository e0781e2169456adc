"""Operations: structured JSON logs with a request id, Prometheus metrics, health and readiness.

Why one module: operators need the same three things from every part of the bot (what happened,
how much, is it healthy), and the log privacy guard must sit in exactly one place.

Use::

    from bot.observability import Metrics, Readiness, add_ops_routes, request_id_middleware, setup_logging

    setup_logging(settings.log_level)                 # once, at start-up (idempotent)
    metrics = Metrics()                               # own CollectorRegistry: several apps per process
    readiness = Readiness()
    readiness.add_check("redis", store_ping)          # async () -> bool; every check must pass
    app = web.Application(middlewares=[request_id_middleware])
    add_ops_routes(app, metrics, readiness)           # GET /healthz, /readyz, /metrics
    metrics.shortlists_posted.inc()
    with metrics.match_latency.time(): ...

    log = logging.getLogger(__name__)
    log.info("shortlist posted", extra={"job_order_id": job.id, "candidates": 7})

Every log line is one JSON object: ``ts``, ``level``, ``logger``, ``msg``, ``request_id`` and the
``extra`` fields. Log ids and counts, never names or free text. As a last line of defence a
filter on the handler replaces CPR-like strings (``matching.privacy.redact_cpr``) in the message,
the extra fields and tracebacks before anything is written. aiohttp's own server loggers quote the
raw request (body bytes of a request it could not parse, the client's address, headers) in their
messages, arguments and exception texts; the filter keeps only their exception type.

The request id comes from the ``X-Request-Id`` header (when it is a short safe token) or is
generated; it is echoed in the response and set in a context variable, so log lines written
while handling the request (and tasks started from it) carry it. Background workers set their
own with :func:`bind_request_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from matching.privacy import contains_cpr, random_id, redact_cpr

__all__ = [
    "METRICS_KEY",
    "READINESS_KEY",
    "JsonFormatter",
    "Metrics",
    "Readiness",
    "RedactCprFilter",
    "add_ops_routes",
    "bind_request_id",
    "current_request_id",
    "request_id_middleware",
    "setup_logging",
]

_request_id: ContextVar[str] = ContextVar("matchbot_request_id", default="-")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

# LogRecord attributes that are not "extra" fields.
_RECORD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
    | {"message", "asctime", "taskName", "request_id"}
)


def current_request_id() -> str:
    return _request_id.get()


@contextlib.contextmanager
def bind_request_id(request_id: str | None = None) -> Iterator[str]:
    """Set the request id for the block (workers: one id per stream entry)."""
    rid = request_id or random_id()
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)


# --- logging ---------------------------------------------------------------------------------


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_cpr(value)
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _redact(v) for k, v in value.items()}
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact_cpr(str(value))


# aiohttp's HTTP server loggers ("aiohttp.web_protocol" is the module that writes to "aiohttp.server").
_SERVER_LOGGERS = ("aiohttp.server", "aiohttp.access", "aiohttp.web_protocol")
SERVER_ERROR_MESSAGE = "aiohttp could not handle a request"
SERVER_EVENT_MESSAGE = "aiohttp server event"


def _from_server_logger(name: str) -> bool:
    return any(name == logger or name.startswith(f"{logger}.") for logger in _SERVER_LOGGERS)


def _strip_server_record(record: logging.LogRecord) -> None:
    """Reduce an aiohttp server record to a fixed message and the exception type.

    Why everything goes: "Error handling request" carries the unparsed request bytes in the
    exception's text, the access log the request line and headers (also as extras); none of it is
    safe to write, and redacting CPR numbers would still leave names and e-mails.
    """
    error = record.exc_info[0] if record.exc_info else None
    for key in list(vars(record)):
        if key not in _RECORD_ATTRS:
            delattr(record, key)
    record.msg = SERVER_ERROR_MESSAGE if error is not None else SERVER_EVENT_MESSAGE
    record.args = None
    record.exc_info = record.exc_text = record.stack_info = None
    if error is not None:
        vars(record)["error"] = error.__name__  # an extra field, like extra={"error": …}


class RedactCprFilter(logging.Filter):
    """Replace CPR-like strings in message, extras and traceback: the log never holds one.

    Records of aiohttp's server loggers keep only a fixed message and their exception type.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if _from_server_logger(record.name):
            _strip_server_record(record)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string or a failing __str__ must not lose the line
            message = str(record.msg)
        record.msg = redact_cpr(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _RECORD_ATTRS:
                setattr(record, key, _redact(value))
        if record.exc_info:
            record.exc_text = redact_cpr(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_cpr(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields are copied as they are (already redacted)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": redact_cpr(getattr(record, "request_id", None) or current_request_id()),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = redact_cpr(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


_HANDLER_MARK = "_matchbot_json_handler"


def setup_logging(level: str | int = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Route all logging to one JSON handler on ``stream`` (stderr); safe to call again.

    Calling it again replaces our handler (tests pass their own stream), never adds a second.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RedactCprFilter())
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    # aiohttp's access log repeats the path (which can hold ids) at INFO for every request.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    return handler


# --- metrics ---------------------------------------------------------------------------------


class Metrics:
    """The bot's Prometheus metrics in their own registry (so tests can build several apps)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.job_orders_received = Counter(
            "matchbot_job_orders_received_total",
            "Job orders received, by source (api, teams, import) and outcome (created, unchanged, revised, "
            "rejected)",
            ["source", "outcome"],
            registry=r,
        )
        self.shortlists_posted = Counter(
            "matchbot_shortlists_posted_total", "Shortlist cards posted to the match channel", registry=r
        )
        self.shortlists_doubled = Counter(
            "matchbot_shortlists_doubled_total",
            "Shortlist cards Teams accepted after another card for the same content was recorded",
            registry=r,
        )
        self.handovers = Counter(
            "matchbot_handovers_total",
            "Approved candidates handed over to their consultant",
            ["result"],
            registry=r,
        )
        self.reminders_sent = Counter("matchbot_reminders_sent_total", "Reminders delivered", registry=r)
        self.reminders_failed = Counter(
            "matchbot_reminders_failed_total", "Reminders that could not be delivered", registry=r
        )
        self.reminder_acks_lost = Counter(
            "matchbot_reminder_acks_lost_total",
            "Reminders delivered after their claim's lease had been lost (removed from the new holder)",
            registry=r,
        )
        self.reminder_claims_lost = Counter(
            "matchbot_reminder_claims_lost_total",
            "Reminders not sent because their claim's lease was lost before sending (the new holder sends)",
            registry=r,
        )
        self.reminder_ack_failures = Counter(
            "matchbot_reminder_ack_failures_total",
            "Reminder acknowledgements Redis refused after every retry (may be sent again after the lease)",
            registry=r,
        )
        self.match_latency = Histogram(
            "matchbot_match_seconds",
            "Time to match one job order against the pool",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=r,
        )
        self.queue_lag = Gauge(
            "matchbot_intake_queue_lag_seconds",
            "Age of the oldest job order waiting in the intake stream (0 when empty)",
            registry=r,
        )
        self.pending_entries = Gauge(
            "matchbot_intake_pending_entries",
            "Intake stream entries delivered to a worker but not yet acknowledged",
            registry=r,
        )
        self.dead_letters = Counter(
            "matchbot_intake_dead_letters_total", "Job orders moved to the dead-letter stream", registry=r
        )
        self.pool_size = Gauge("matchbot_pool_candidates", "Active candidates in the loaded pool", registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)


# --- readiness -------------------------------------------------------------------------------

Check = Callable[[], Awaitable[bool]]


class Readiness:
    """Named async checks; ready when every one answers True within the timeout."""

    def __init__(self, timeout: float = 2.0) -> None:
        self.timeout = timeout
        self._checks: dict[str, Check] = {}

    def add_check(self, name: str, check: Check) -> None:
        self._checks[name] = check

    @property
    def names(self) -> list[str]:
        return list(self._checks)

    async def run(self) -> dict[str, bool]:
        results: dict[str, bool] = {}
        for name, check in self._checks.items():
            try:
                results[name] = bool(await asyncio.wait_for(check(), self.timeout))
            except Exception:  # noqa: BLE001 - any failing dependency means "not ready", never a 500
                results[name] = False
        return results


METRICS_KEY = web.AppKey("matchbot_metrics", Metrics)
READINESS_KEY = web.AppKey("matchbot_readiness", Readiness)


@web.middleware
async def request_id_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Take a safe ``X-Request-Id`` or make one; log lines and the response carry it."""
    incoming = request.headers.get("X-Request-Id", "")
    safe = _SAFE_REQUEST_ID.match(incoming) and not contains_cpr(incoming)
    rid = incoming if safe else random_id()
    token = _request_id.set(rid)
    started = time.perf_counter()
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers["X-Request-Id"] = rid
        raise
    finally:
        logging.getLogger("matchbot.http").debug(
            "request",
            extra={
                "method": request.method,
                "route": _route_name(request),
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        _request_id.reset(token)
    response.headers["X-Request-Id"] = rid
    return response


def _route_name(request: web.Request) -> str:
    """The route pattern, not the path: paths carry ids we do not want in every log line."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "?"


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    results = await request.app[READINESS_KEY].run()
    ready = all(results.values())
    return web.json_response(
        {"status": "ready" if ready else "not_ready", "checks": results}, status=200 if ready else 503
    )


async def _metrics(request: web.Request) -> web.Response:
    body = request.app[METRICS_KEY].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def add_ops_routes(app: web.Application, metrics: Metrics, readiness: Readiness) -> None:
    """Register ``GET /healthz``, ``/readyz`` and ``/metrics`` and store both objects on the app."""
    app[METRICS_KEY] = metrics
    app[READINESS_KEY] = readiness
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
