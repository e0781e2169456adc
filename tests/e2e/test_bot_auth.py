"""With an app id set, Bot Framework authentication fails closed (401), fast, and never stalls the bot.

The signing keys come from a stand-in for login.botframework.com (OpenID configuration + JWKS) on
loopback, pointed at by ``BOT_OPENID_METADATA_URL``; tokens are minted with our own RSA keys. The
stand-in runs in its own thread (stdlib HTTP server) so that it answers even while the bot's event
loop is blocked: that is how the old code (a synchronous fetch on the loop) failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.store import keys
from bot.teams import auth
from bot.ui import texts
from tests import fake_connector as fc
from tests.auth_support import APP_ID, OTHER_KEY, MetadataServer, token, unsigned
from tests.harness import RunningBot, running_bot, wait_until
from tests.intake_support import LEAD


@pytest.fixture
def metadata() -> Iterator[MetadataServer]:
    with MetadataServer() as server:
        yield server


@asynccontextmanager
async def authenticated_bot(redis_url: str, prefix: str, metadata_url: str) -> AsyncIterator[RunningBot]:
    async with running_bot(
        redis_url,
        prefix,
        install=False,
        warm_pool=False,
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="secret",
        MicrosoftAppType="SingleTenant",
        MicrosoftAppTenantId=fc.TENANT,
        BOT_OPENID_METADATA_URL=metadata_url,
        INTAKE_WORKER=False,
    ) as bot:
        yield bot


def typing(bot: RunningBot) -> dict[str, Any]:
    """An activity whose turn sends nothing back (the outgoing token would need Entra ID), but stores
    the sender's conversation reference: proof the turn ran."""
    conversation, data = fc.TEAMS.conversation(f"a:personal-{LEAD['id']}")
    return fc.TEAMS.activity(bot.service_url, "typing", LEAD, conversation, data)


async def post(bot: RunningBot, activity: dict[str, Any], bearer: str) -> tuple[int, Any]:
    r = await bot.client.post("/api/messages", json=activity, headers={"Authorization": f"Bearer {bearer}"})
    return r.status, await r.json() if r.content_type == "application/json" else None


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert "Traceback" not in caplog.text


async def stored_references(bot: RunningBot, prefix: str) -> list[str]:
    return [k async for k in bot.redis.scan_iter(match=f"{prefix}:{keys.CONV_TAG}*")]


async def test_every_forged_token_is_401_and_a_valid_one_passes(
    redis_url: str, key_prefix: str, metadata: MetadataServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with authenticated_bot(redis_url, key_prefix, metadata.url) as bot:
        url = bot.service_url
        forged = {
            "HS256 with the app id as secret": token(url, key=APP_ID, algorithm="HS256"),
            "alg=none": unsigned(url),
            "RS256 signed by another key": token(url, key=OTHER_KEY),
            "wrong issuer": token(url, iss="https://evil.example"),
            "wrong audience": token(url, aud="another-app"),
            "expired": token(url, exp=int(time.time()) - 3600),
            "unknown key id": token(url, kid="not-published"),
            "another service url": token(url, serviceurl="https://evil.example/"),
            "no key id": token(url, kid=""),
            "garbage": "a.b.c",
        }
        with caplog.at_level(logging.INFO):
            for name, bearer in forged.items():
                status, body = await post(bot, typing(bot), bearer)
                assert status == 401, name
                assert body == {"error": texts.UNAUTHORIZED}, name
        no_traceback(caplog)
        assert await stored_references(bot, key_prefix) == []
        assert bot.connector.requests == 0

        status, _ = await post(bot, typing(bot), token(url))
        assert status == 201
        assert await stored_references(bot, key_prefix)  # the turn ran: the sender is remembered
        assert metadata.requests == 2  # OpenID configuration + key set, once, then cached
        await post(bot, typing(bot), token(url))
        assert metadata.requests == 2


async def test_unreachable_metadata_is_503_for_a_valid_looking_token_and_401_for_a_forged_one(
    redis_url: str, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    with MetadataServer(mode="fail") as metadata:
        async with authenticated_bot(redis_url, key_prefix, metadata.url) as bot:
            with caplog.at_level(logging.INFO):
                status, body = await post(bot, typing(bot), token(bot.service_url))
                assert status == 503 and body == {"error": texts.AUTH_UNAVAILABLE}
                seen = metadata.requests
                # Cooling down: the next ones are answered without asking the metadata again.
                status, _ = await post(bot, typing(bot), token(bot.service_url))
                assert status == 503 and metadata.requests == seen
                forged = token(bot.service_url, key=APP_ID, algorithm="HS256")
                status, _ = await post(bot, typing(bot), forged)
                assert status == 401 and metadata.requests == seen
            no_traceback(caplog)
            assert await stored_references(bot, key_prefix) == []


async def test_a_hanging_metadata_endpoint_stalls_neither_healthz_nor_other_requests(
    redis_url: str, key_prefix: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(auth, "METADATA_TIMEOUT_SECONDS", 2.0)
    with MetadataServer(mode="hang") as metadata:
        async with authenticated_bot(redis_url, key_prefix, metadata.url) as bot:
            with caplog.at_level(logging.INFO):
                forged = [
                    asyncio.create_task(post(bot, typing(bot), token(bot.service_url, key=OTHER_KEY)))
                    for _ in range(5)
                ]
                await wait_until(lambda: metadata.requests >= 1)
                health = await bot.client.get("/healthz")
                assert health.status == 200
                # /healthz answered while every forged request still waits for the hanging metadata.
                assert not any(task.done() for task in forged)
                answers = await asyncio.gather(*forged)
                assert [status for status, _ in answers] == [503] * 5
                assert metadata.requests == 1  # one fetch shared by all five, not five
            no_traceback(caplog)
