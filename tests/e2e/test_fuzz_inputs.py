"""Property: no input to ``/api/messages`` or ``POST /api/jobordrer`` gets a 5xx or logs a traceback.

Hypothesis varies what a sender controls: the activity's shape (types, invoke names, text with lone
surrogates, channelData and members of any kind, nested junk in ``value``), the job order's fields,
and the headers (Content-Type with odd charsets, Content-Encoding that does or does not match the
body). Bounded (``max_examples``) and derandomised, so a run is the same every time. Schemathesis
against the OpenAPI description is ``test_intake_openapi.py``.

The app (local mode, real Redis, the fake Teams connector) runs in its own thread and event loop;
the examples are sent over real HTTP with ``requests``.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.observability import setup_logging
from config.settings import Settings
from tests import fake_connector as fc
from tests.harness import app_in_thread
from tests.intake_support import API_KEY, LEAD, job_order_json
from tests.redis_server import RedisServer

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


class ProductionLog:
    """The bot's real log (``setup_logging``: JSON lines, CPR redaction, aiohttp's server records
    reduced to their exception type) written as a UTF-8 stream would take it; ``tracebacks`` are the
    lines that carry one, and the lines the stream could not take (a lone surrogate, say)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.unwritable: list[str] = []

    def write(self, text: str) -> int:
        text.encode("utf-8")  # what stderr does; a failure goes to the handler's handleError
        self.lines.extend(line for line in text.splitlines() if line)
        return len(text)

    def flush(self) -> None:
        return None

    def tracebacks(self, since: int) -> list[str]:
        found = [line for line in self.lines[since:] if '"exc"' in line or "Traceback" in line]
        return found + self.unwritable


@dataclass
class LiveBot:
    url: str
    service_url: str
    log: ProductionLog


@pytest.fixture(scope="module")
def live(redis_server: RedisServer | None) -> Iterator[LiveBot]:
    redis_url = redis_server.url if redis_server else os.environ["REDIS_URL"]
    connector = fc.FakeConnector()
    log = ProductionLog()
    root_level = logging.getLogger().level
    handler = setup_logging("INFO", stream=log)  # type: ignore[arg-type]

    def unwritable(record: logging.LogRecord) -> None:
        log.unwritable.append(f"{record.name}: {record.msg}")

    handler.handleError = unwritable  # type: ignore[method-assign]
    config = Settings.model_validate(
        {
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": f"fuzz-{uuid.uuid4().hex[:8]}",
            "JOBORDRE_API_KEYS": [API_KEY],
            "MAX_REQUEST_BYTES": 64 * 1024,
            "INTAKE_WORKER": False,
            "MATCH_CHANNEL_ID": fc.CHANNEL_ID,
        }
    )
    try:
        with app_in_thread(config, connector=connector) as url:
            yield LiveBot(url, connector.url, log)
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(root_level)


# --- what a sender controls ---------------------------------------------------------------------

SURROGATE = "\ud800"
junk_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=20)
)
junk = st.recursive(
    junk_scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
texts_with_surrogates = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["hjælp", "match JO-1", "status JO-1 K-1 ansat", "mine", "rapport 2026-13", "jobordre"]),
    st.text(max_size=10).map(lambda t: t + SURROGATE),
)
activity_types = st.sampled_from(
    [
        "message",
        "invoke",
        "conversationUpdate",
        "installationUpdate",
        "messageReaction",
        "typing",
        "event",
        "x",
    ]
)
invoke_names = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "adaptiveCard/action",
            "task/fetch",
            "task/submit",
            "composeExtension/query",
            "config/fetch",
            "healthCheck",
        ]
    ),
    st.text(max_size=20),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=foo",
        "application/json;charset=latin-1",
        "application/json; boundary=x",
        "text/plain",
        "",
    ]
)
encodings = st.sampled_from([None, "gzip", "deflate", "identity", "br", "x-junk"])


@st.composite
def activities(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(activity_types)
    conversation, data = fc.TEAMS.conversation(
        draw(st.sampled_from([fc.CHANNEL_ID, f"a:personal-{LEAD['id']}"]))
    )
    activity: dict[str, Any] = {
        "type": kind,
        "id": "fuzz-1",
        "serviceUrl": "SERVICE_URL",
        "channelId": draw(st.sampled_from(["msteams", "emulator", "x"])),
        "from": dict(LEAD),
        "conversation": conversation,
        "recipient": {"id": fc.BOT_ID},
        "channelData": {**data, "tenant": {"id": fc.TENANT}},
    }
    if draw(st.booleans()):
        activity["text"] = draw(texts_with_surrogates)
    if kind == "invoke" or draw(st.booleans()):
        name = draw(invoke_names)
        if name is not None:
            activity["name"] = name
    if draw(st.booleans()):
        activity["value"] = draw(
            st.one_of(junk, st.fixed_dictionaries({"action": junk}), st.just({"verb": "afvis"}))
        )
    if draw(st.booleans()):
        activity["channelData"] = draw(st.one_of(st.none(), junk, st.just({})))
    if draw(st.booleans()):
        activity["membersAdded"] = draw(st.lists(st.one_of(junk, st.just({"id": fc.BOT_ID})), max_size=3))
    if draw(st.booleans()):
        activity["from"]["name"] = draw(texts_with_surrogates)
    return activity


def encode(body: bytes, encoding: str | None, honest: bool) -> bytes:
    """The body as a sender would put it on the wire: compressed as declared, or (``honest`` false) not."""
    if not honest or encoding in (None, "identity", "br", "x-junk"):
        return body
    return gzip.compress(body) if encoding == "gzip" else zlib.compress(body)


def send(url: str, body: bytes, content_type: str, encoding: str | None, extra: dict[str, bytes]) -> int:
    headers: dict[str, str | bytes] = {"Content-Type": content_type, **extra}
    if encoding is not None:
        headers["Content-Encoding"] = encoding
    return requests.post(url, data=body, headers=headers, timeout=30).status_code


@FUZZ
@given(activity=activities(), content_type=content_types, encoding=encodings, honest=st.booleans())
def test_no_activity_gets_a_5xx_or_a_traceback(
    live: LiveBot, activity: dict[str, Any], content_type: str, encoding: str | None, honest: bool
) -> None:
    seen = len(live.log.lines)
    raw = json.dumps(activity).replace("SERVICE_URL", live.service_url).encode()  # \ud800 stays an escape
    status = send(f"{live.url}/api/messages", encode(raw, encoding, honest), content_type, encoding, {})
    assert status < 500
    assert live.log.tracebacks(seen) == []


job_changes = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "title",
            "hours_per_week",
            "postcode",
            "positions",
            "start_date",
            "deadline",
            "description",
            "required_certificates",
            "employment_type",
            "duration_weeks",
            "cvr",
            "extra",
        ]
    ),
    st.one_of(junk, texts_with_surrogates),
    max_size=4,
)


@FUZZ
@given(
    changes=job_changes,
    as_list=st.booleans(),
    content_type=content_types,
    encoding=encodings,
    honest=st.booleans(),
)
def test_no_job_order_request_gets_a_5xx_or_a_traceback(
    live: LiveBot,
    changes: dict[str, Any],
    as_list: bool,
    content_type: str,
    encoding: str | None,
    honest: bool,
) -> None:
    seen = len(live.log.lines)
    job = job_order_json(f"JO-FUZZ-{uuid.uuid4().hex[:6]}", **changes)
    raw = json.dumps([job] if as_list else job).encode()
    auth = {"Authorization": f"Bearer {API_KEY}".encode()}  # UTF-8 on the wire (requests: Latin-1)
    status = send(f"{live.url}/api/jobordrer", encode(raw, encoding, honest), content_type, encoding, auth)
    assert status < 500
    assert live.log.tracebacks(seen) == []
