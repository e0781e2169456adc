"""The Teams edge (``bot.teams``): the outgoing token policy, the local/authenticated set-up, and what
``POST /api/messages`` refuses (malformed or too deeply nested activities), logs (no request data from
aiohttp's own errors) and answers to an Action.Execute (a text for the presser only, never posted)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from typing import Any

import pytest

from bot.observability import setup_logging
from bot.teams.activity import MAX_JSON_DEPTH
from bot.teams.transport import BearerToken, auth_config
from bot.ui import cards, texts
from config.settings import Settings
from tests.fake_connector import (
    CHANNEL_ID,
    find_action,
    install_in_team,
    invoke_action,
    message,
    submit,
    user_account,
)
from tests.harness import running_bot, wait_until
from tests.intake_support import LEAD, candidates, job_order_json


class _Creds:
    def __init__(self, app_id: str | None) -> None:
        self.microsoft_app_id = app_id
        self.calls = 0

    def get_access_token(self) -> str:
        self.calls += 1
        return f"token-{self.calls}"


class _Http:
    def __init__(self) -> None:
        self.headers: dict[str, str] = {}


class _Request:
    def __init__(self) -> None:
        self.http_request = _Http()


class _Next:
    async def send(self, request: Any, **kwargs: Any) -> str:
        return "sent"


async def test_outgoing_calls_carry_the_bot_token_and_reuse_it() -> None:
    creds = _Creds("00000000-0000-0000-0000-000000000001")
    policy = BearerToken(creds)
    policy.next = _Next()  # type: ignore[assignment]
    first, second = _Request(), _Request()
    assert await policy.send(first) == "sent"
    await policy.send(second)
    assert first.http_request.headers["Authorization"] == "Bearer token-1"
    assert second.http_request.headers["Authorization"] == "Bearer token-1"
    assert creds.calls == 1


async def test_local_mode_sends_no_token() -> None:
    for app_id in (None, "", "AnonymousSkill"):
        creds = _Creds(app_id)
        policy = BearerToken(creds)
        policy.next = _Next()  # type: ignore[assignment]
        request = _Request()
        await policy.send(request)
        assert "Authorization" not in request.http_request.headers and creds.calls == 0


def test_auth_config_local_and_single_tenant() -> None:
    local = auth_config(Settings(MicrosoftAppId="", MicrosoftAppType="SingleTenant"))
    assert (local.APP_ID, local.APP_TYPE) == ("", "MultiTenant")  # the SDK's "auth disabled" path
    real = auth_config(Settings(MicrosoftAppId="abc", MicrosoftAppPassword="pw", MicrosoftAppTenantId="t1"))
    assert (real.APP_ID, real.APP_PASSWORD, real.APP_TYPE, real.APP_TENANTID) == (
        "abc",
        "pw",
        "SingleTenant",
        "t1",
    )


# --- POST /api/messages at the edge: the real app, real Redis, the fake Bot Connector ---------------

JSON_TYPE = {"Content-Type": "application/json"}
FIELDS = {"ts", "level", "logger", "msg", "request_id"}
COLLEAGUE = user_account("29:kollega", "aad-kollega")


def _nested(depth: int) -> Any:
    """``depth`` lists inside each other: ``[[[…]]]``."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


async def test_deeply_nested_json_is_refused_in_danish_before_the_sdk_sees_it(
    redis_url: str, key_prefix: str
) -> None:
    async with running_bot(redis_url, key_prefix, MAX_REQUEST_BYTES=1 << 20) as bot:
        before = len(bot.connector.sent)
        # ~200 KB, under the size limit: json.loads gives up with a RecursionError (was: aiohttp's 500).
        deep = '{"type":"message","value":' + "[" * 100_000 + "]" * 100_000 + "}"
        r = await bot.http.post(bot.url("/api/messages"), data=deep, headers=JSON_TYPE)
        assert r.status == 400 and (await r.json())["error"] == texts.BAD_REQUEST_JSON

        # A button payload 500 deep parses, but would crash the turn (was: "Beklager …" in the channel).
        url = bot.connector.url
        data = {"verb": "godkend", "job": "JO-1", "cand": "K-1", "v": 1, "x": _nested(500)}
        r = await bot.http.post(bot.url("/api/messages"), json=submit(url, LEAD, CHANNEL_ID, "1", data))
        too_deep = texts.BAD_REQUEST_TOO_DEEP.format(limit=MAX_JSON_DEPTH)
        assert r.status == 400 and (await r.json())["error"] == too_deep
        assert bot.connector.sent[before:] == []

        # At the limit (the activity, its value and 30 lists) it is an ordinary, if outdated, button.
        data["x"] = _nested(MAX_JSON_DEPTH - 2)
        r = await bot.http.post(bot.url("/api/messages"), json=submit(url, LEAD, CHANNEL_ID, "1", data))
        assert r.status == 201
        data["x"] = _nested(MAX_JSON_DEPTH - 1)
        r = await bot.http.post(bot.url("/api/messages"), json=submit(url, LEAD, CHANNEL_ID, "1", data))
        assert r.status == 400


def _without(activity: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in activity.items() if k != key}


async def test_malformed_activities_get_a_400_that_names_the_field(
    redis_url: str, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(redis_url, key_prefix) as bot:
        url = bot.connector.url
        msg = message(url, LEAD, "hjælp", channel=True)
        joined = {**install_in_team(url, LEAD), "membersAdded": {"id": "29:x"}}

        def field(name: str, problem: str) -> str:
            return texts.BAD_REQUEST_FIELD.format(field=name, problem=texts.BAD_REQUEST_PROBLEMS[problem])

        cases: list[tuple[Any, str]] = [
            (_without(msg, "type"), field("type", "missing")),
            ({**msg, "type": ""}, field("type", "empty")),
            (_without(msg, "conversation"), field("conversation", "missing")),
            ({**msg, "conversation": {}}, field("conversation.id", "missing")),
            ({**msg, "conversation": {"id": 7}}, field("conversation.id", "text")),
            (_without(msg, "from"), field("from", "missing")),
            ({**msg, "from": {"name": "Navn"}}, field("from.id", "missing")),
            (_without(msg, "serviceUrl"), field("serviceUrl", "missing")),
            ({**msg, "serviceUrl": "file:///etc/passwd"}, field("serviceUrl", "url")),
            (
                {**msg, "channelData": {**msg["channelData"], "team": "19:team"}},
                field("channelData.team", "object"),
            ),
            ({**msg, "channelData": "x"}, field("channelData", "object")),
            (joined, field("membersAdded", "list")),
            ([msg], texts.BAD_REQUEST_NOT_OBJECT),
        ]
        caplog.set_level(logging.INFO)
        before = len(bot.connector.sent)
        for body, expected in cases:
            r = await bot.http.post(bot.url("/api/messages"), json=body)
            assert (r.status, (await r.json())["error"]) == (400, expected), body
        assert bot.connector.sent[before:] == []
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]

        # An invoke needs its sender too; a conversationUpdate (installation) does not.
        invoke = invoke_action(url, LEAD, CHANNEL_ID, "1", {"verb": "godkend"})
        r = await bot.http.post(bot.url("/api/messages"), json=_without(invoke, "from"))
        assert (r.status, (await r.json())["error"]) == (400, field("from", "missing"))
        r = await bot.http.post(bot.url("/api/messages"), json=_without(install_in_team(url, LEAD), "from"))
        assert r.status == 201


async def test_aiohttp_protocol_errors_log_no_request_data(redis_url: str, key_prefix: str) -> None:
    """A Content-Length shorter than the body on a kept-alive connection: aiohttp fails to parse the
    request and logs "Error handling request" at ERROR with the raw bytes (names, e-mails) in the
    exception text. Only the exception type may reach the log."""
    buffer = io.StringIO()
    handler = setup_logging("DEBUG", buffer)
    secrets = ("Anna Sørensen", "anna.soerensen@example.dk", "ringer efter kl. 16")
    try:
        async with running_bot(redis_url, key_prefix) as bot:
            assert bot.server.port is not None
            reader, writer = await asyncio.open_connection(bot.server.host, bot.server.port)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.startswith(b"Content-Length")
            )
            await reader.readexactly(length)
            body = json.dumps({"type": "message", "text": " ".join(secrets)}, ensure_ascii=False).encode()
            writer.write(
                b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 5\r\n\r\n" + body
            )
            answer = await asyncio.wait_for(reader.read(), 10)  # the server closes after a bad request
            writer.close()
            assert answer.startswith(b"HTTP/1.0 400")
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(logging.WARNING)
    lines = [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    server = [e for e in lines if e["logger"].startswith("aiohttp.")]
    assert [e["level"] for e in server] == ["ERROR"], server
    assert server[0]["error"] == "BadHttpMethod" and set(server[0]) == {*FIELDS, "error"}, server
    for secret in (*secrets, "Anna", "rensen", "kl. 16"):  # also as aiohttp quotes the bytes
        assert secret not in buffer.getvalue(), secret
    assert "127.0.0.1" not in json.dumps(server)  # nor the client's address


async def test_an_execute_refusal_is_answered_only_to_the_presser(redis_url: str, key_prefix: str) -> None:
    """Action.Execute: a text for the person who pressed goes in the invoke response, never into the
    channel; the Action.Submit fallback (no invoke response) still answers with a message."""
    async with running_bot(redis_url, key_prefix, pool=candidates(), MATCH_LEADS="leder@kk.dk") as bot:
        url = bot.connector.url
        bot.connector.add_member(COLLEAGUE["id"], COLLEAGUE["aadObjectId"], "kollega@kk.dk")
        assert (await bot.post_jobs(job_order_json())).status == 202
        await wait_until(lambda: len(bot.shortlist_cards()) == 1)
        post = next(s for s in bot.connector.sent if s.kind == "create" and s.card)
        approve = find_action(post.card or {}, "godkend")
        refusal = texts.DECISION_LEADS_ONLY.format(leads="leder@kk.dk")

        before = len(bot.connector.sent)
        unknown = cards.plain_text(texts.ACTION_UNKNOWN)  # an Execute answer is shown as it is: no Markdown
        for data, text in ((approve, refusal), ({"verb": "forældet", "job": "JO-1"}, unknown)):
            activity = invoke_action(url, COLLEAGUE, post.conversation_id, post.activity_id, data)
            r = await bot.http.post(bot.url("/api/messages"), json=activity)
            answer = await r.json()
            assert r.status == 200 and answer == {
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": text,
            }
        assert bot.connector.sent[before:] == []  # nothing public, and not twice

        activity = submit(url, COLLEAGUE, post.conversation_id, post.activity_id, approve)
        assert (await bot.http.post(bot.url("/api/messages"), json=activity)).status == 201
        assert [s.text for s in bot.connector.sent[before:]] == [refusal]
