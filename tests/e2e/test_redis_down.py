"""Redis down: the job order API and Teams say so in Danish within the retry budget, then recover.

Why a client timeout in these tests: the budget exists so that a caller with an ordinary timeout (the
Bot Framework gives a bot 15 s; API clients often less) gets the Danish answer instead of a timeout.
The old policy (12 tries of up to 2 s) answered after 11–16 s, past these clients' patience.
"""

from __future__ import annotations

import aiohttp

from bot.ui import texts
from tests import fake_connector as fc
from tests.harness import running_bot, wait_until
from tests.intake_support import API_KEY, LEAD, candidates, job_order_json
from tests.redis_server import RedisServer

# A client that gives up well before the old 11–16 s, and well after the 2 s budget (2-core CI).
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=8)


async def test_with_redis_down_the_api_and_teams_answer_in_danish_before_the_client_gives_up(
    restartable_redis: RedisServer, key_prefix: str
) -> None:
    async with running_bot(restartable_redis.url, key_prefix, pool=candidates(), INTAKE_WORKER=False) as bot:
        chat = f"a:personal-{LEAD['id']}"
        restartable_redis.stop()
        try:
            async with aiohttp.ClientSession(timeout=CLIENT_TIMEOUT) as client:
                job = await client.post(
                    bot.url("/api/jobordrer"),
                    json=job_order_json("JO-DOWN-1"),
                    headers={"Authorization": f"Bearer {API_KEY}"},
                )
                assert job.status == 503
                assert (await job.json())["fejl"] == texts.INTAKE_UNAVAILABLE
                read = await client.get(
                    bot.url("/api/jobordrer/JO-DOWN-1"), headers={"Authorization": f"Bearer {API_KEY}"}
                )
                assert read.status == 503
                activity = fc.message(bot.service_url, LEAD, "mine")
                teams = await client.post(bot.url("/api/messages"), json=activity)
                assert teams.status < 500
            assert bot.connector.texts(chat)[-1] == texts.ERROR_GENERIC  # the caseworker is told
        finally:
            restartable_redis.start()
        # Back without a restart of the bot: the same client takes the job order.
        await wait_until(lambda: _accepted(bot.http, bot.url("/api/jobordrer")), timeout=20)


async def _accepted(http: aiohttp.ClientSession, url: str) -> bool:
    response = await http.post(
        url, json=job_order_json("JO-DOWN-1"), headers={"Authorization": f"Bearer {API_KEY}"}
    )
    return response.status == 202
