"""Schemathesis against the running job order API: every answer to generated requests (valid and
invalid payloads, odd ids, unsupported methods) is one the served OpenAPI description promises, with
the promised content type and schema, and never a 5xx. (Auth cases: tests/e2e/test_intake_api.py.)

The app runs in its own thread and event loop (schemathesis calls it synchronously over HTTP).
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.app import create_app
from bot.features.intake import openapi_spec
from config.settings import Settings
from tests.redis_server import RedisServer, free_port

API_KEY = "schemathesis-" + "k" * 20
MAX_BODY = 64 * 1024


@pytest.fixture(scope="module")
def live_api(redis_server: RedisServer | None) -> Iterator[str]:
    redis_url = redis_server.url if redis_server else os.environ["REDIS_URL"]
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop: asyncio.Event | None = None

    def serve() -> None:
        nonlocal stop
        asyncio.set_event_loop(loop)

        async def main() -> None:
            nonlocal stop
            stop = asyncio.Event()
            config = Settings.model_validate(
                {
                    "REDIS_URL": redis_url,
                    "REDIS_KEY_PREFIX": f"st-{uuid.uuid4().hex[:8]}",
                    "JOBORDRE_API_KEYS": [API_KEY],
                    "MAX_REQUEST_BYTES": MAX_BODY,
                    "INTAKE_WORKER": False,
                }
            )
            app = create_app(config, run_scheduler=False, warm_pool=False, configure_logging=False)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            started.set()
            await stop.wait()
            await runner.cleanup()

        loop.run_until_complete(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30)
    yield f"http://127.0.0.1:{port}"
    assert stop is not None
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)


schema = schemathesis.openapi.from_dict(openapi_spec(MAX_BODY))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_one_the_openapi_description_promises(
    case: schemathesis.Case[Any], live_api: str  # the operation type is schemathesis-internal
) -> None:
    case.call_and_validate(base_url=live_api, headers={"Authorization": f"Bearer {API_KEY}"}, checks=CHECKS)
