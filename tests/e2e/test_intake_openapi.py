"""Schemathesis against the running job order API: every answer to generated requests (valid and
invalid payloads, odd ids, unsupported methods) is one the served OpenAPI description promises, with
the promised content type and schema, and never a 5xx. (Auth cases: tests/e2e/test_intake_api.py.)

The app runs in its own thread and event loop (schemathesis calls it synchronously over HTTP).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.features.intake import openapi_spec
from config.settings import Settings
from tests.harness import app_in_thread
from tests.redis_server import RedisServer

API_KEY = "schemathesis-" + "k" * 20
MAX_BODY = 64 * 1024


@pytest.fixture(scope="module")
def live_api(redis_server: RedisServer | None) -> Iterator[str]:
    redis_url = redis_server.url if redis_server else os.environ["REDIS_URL"]
    config = Settings.model_validate(
        {
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": f"st-{uuid.uuid4().hex[:8]}",
            "JOBORDRE_API_KEYS": [API_KEY],
            "MAX_REQUEST_BYTES": MAX_BODY,
            "INTAKE_WORKER": False,
        }
    )
    with app_in_thread(config) as url:
        yield url


schema = schemathesis.openapi.from_dict(openapi_spec(MAX_BODY))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_answer_is_one_the_openapi_description_promises(
    case: schemathesis.Case[Any], live_api: str  # the operation type is schemathesis-internal
) -> None:
    case.call_and_validate(base_url=live_api, headers={"Authorization": f"Bearer {API_KEY}"}, checks=CHECKS)
