"""Inputs a sender can produce that used to be a 5xx or a traceback: each gets a clean answer now.

Found by fuzzing the running bot (issue 9): a charset parameter, a body that is not what its
Content-Encoding says, invokes the bot does not implement (message extensions, dialogs), a
conversationUpdate without channelData, a lone surrogate in JSON. And the job order API's OpenAPI
description now refuses what the validator refuses (it let ``hours_per_week: 0`` and ``postcode: ""``
through).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import jsonschema
import pytest

from bot.ui import cards, texts
from tests import fake_connector as fc
from tests.harness import RunningBot, running_bot
from tests.intake_support import API_KEY, LEAD, candidates, job_order_json


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with running_bot(redis_url, key_prefix, pool=candidates(), INTAKE_WORKER=False) as running:
        yield running


NOT_SUPPORTED = cards.plain_text(texts.INVOKE_NOT_SUPPORTED)  # shown as it is: no Markdown
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    failed = [r.getMessage() for r in caplog.records if r.exc_info]
    assert not failed, failed
    assert "Traceback" not in caplog.text


def personal(bot: RunningBot, kind: str) -> dict[str, Any]:
    conversation, data = fc.TEAMS.conversation(f"a:personal-{LEAD['id']}")
    return fc.TEAMS.activity(bot.service_url, kind, LEAD, conversation, data)


async def test_a_charset_parameter_is_not_looked_up(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    activity = fc.message(bot.service_url, LEAD, "hjælp")
    with caplog.at_level(logging.INFO):
        r = await bot.client.post(
            "/api/messages",
            data=json.dumps(activity).encode(),
            headers={"Content-Type": "application/json; charset=foo"},
        )
    assert r.status == 201
    assert "jobordre" in bot.connector.texts()[-1]  # the command list came
    no_traceback(caplog)


@pytest.mark.parametrize("path", ["/api/messages", "/api/jobordrer"])
async def test_a_body_that_is_not_what_content_encoding_says_is_a_danish_400(
    bot: RunningBot, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Authorization": f"Bearer {API_KEY}",
        "Connection": "close",
    }
    with caplog.at_level(logging.INFO):
        r = await bot.client.post(path, data=b'{"not": "gzip"}', headers=headers)
        assert r.status == 400
        message = (await r.json())["error" if path == "/api/messages" else "fejl"]
        assert message in (texts.BAD_REQUEST_ENCODING, texts.INTAKE_BAD_ENCODING)
        # The bot goes on serving (a new connection: this one was closed).
        assert (await bot.client.get("/healthz")).status == 200
    no_traceback(caplog)


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("task/fetch", {"task": {"type": "message", "value": NOT_SUPPORTED}}),
        ("task/submit", {"task": {"type": "message", "value": NOT_SUPPORTED}}),
        ("composeExtension/fetchTask", {"task": {"type": "message", "value": NOT_SUPPORTED}}),
        ("composeExtension/query", {"composeExtension": {"type": "message", "text": NOT_SUPPORTED}}),
        ("config/fetch", {"responseType": "config", "config": {"type": "message", "value": NOT_SUPPORTED}}),
        ("application/search", {"statusCode": 200, "type": MESSAGE_TYPE, "value": NOT_SUPPORTED}),
    ],
)
async def test_an_invoke_the_bot_does_not_offer_gets_a_danish_answer_in_the_shape_teams_expects(
    bot: RunningBot, name: str, shape: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    activity = personal(bot, "invoke")
    activity["name"] = name
    activity["value"] = {"commandId": "x", "parameters": []}
    with caplog.at_level(logging.INFO):
        assert await bot.post(activity, status=200) == shape
    no_traceback(caplog)


async def test_a_conversation_update_without_channel_data_is_taken_quietly(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    activity = fc.install_in_team(bot.service_url, LEAD)
    del activity["channelData"]
    with caplog.at_level(logging.INFO):
        await bot.post(activity, status=201)
    no_traceback(caplog)


@pytest.mark.parametrize("field", ["text", "from.name", "value.reason"])
async def test_a_lone_surrogate_anywhere_in_an_activity_is_taken_without_a_traceback(
    bot: RunningBot, field: str, caplog: pytest.LogCaptureFixture
) -> None:
    activity = fc.message(bot.service_url, LEAD, "hjælp")
    if field == "from.name":
        activity["from"]["name"] = "SURROGATE"
    elif field == "value.reason":
        activity["value"] = {"verb": "afvis", "job": "JO-X", "cand": "K-X", "reason_K-X": "SURROGATE"}
    else:
        activity["text"] = "hjælp SURROGATE"
    raw = json.dumps(activity).replace("SURROGATE", "\\ud800x")  # valid JSON, no character
    with caplog.at_level(logging.INFO):
        r = await bot.client.post("/api/messages", data=raw, headers={"Content-Type": "application/json"})
    assert r.status == 201
    assert bot.connector.texts()  # the sender got an answer
    no_traceback(caplog)


@pytest.mark.parametrize(
    "change",
    [
        {"hours_per_week": 0},
        {"hours_per_week": 49},
        {"positions": 0},
        {"duration_weeks": 0},
        {"postcode": ""},
        {"postcode": "0000"},  # four digits, but no such postcode
        {"title": "   "},
        {"required_certificates": ["flyvecertifikat"]},
        {"start_date": "1900-01-01"},
    ],
)
async def test_what_the_api_refuses_the_openapi_description_refuses(
    bot: RunningBot, change: dict[str, Any]
) -> None:
    spec = await (await bot.http.get(bot.url("/api/openapi.json"))).json()  # as served
    schema = {**spec["components"]["schemas"]["JobOrder"], "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    job = job_order_json("JO-SCHEMA-1", **change)
    assert validator.is_valid(job_order_json("JO-SCHEMA-1"))  # the unchanged one is valid
    assert not validator.is_valid(job), change
    r = await bot.post_jobs(job)
    assert r.status == 422, change
