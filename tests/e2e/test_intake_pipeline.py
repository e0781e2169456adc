"""From 202 to the card, through crashes: a killed worker, a restarted Redis, a poison job order."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.store.intake import IntakeQueue
from bot.ui import texts
from tests.fake_connector import card_text, install_in_team, message
from tests.harness import CallCounter, running_bot, wait_until
from tests.intake_support import LEAD, candidates, job_order_json
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]


def _cards_for(bot_cards: list[dict[str, object]], job_id: str) -> int:
    return sum(1 for card in bot_cards if f"Jobordre {job_id}" in card_text(card))


def _settled(queue: IntakeQueue) -> Callable[[], Awaitable[bool]]:
    """Nothing left in the stream: no worker can post another card after this."""

    async def check() -> bool:
        stats = await queue.stats()
        return (stats.pending, stats.waiting) == (0, 0)

    return check


async def test_worker_killed_between_claim_and_post_still_gives_exactly_one_shortlist(
    redis_url: str, key_prefix: str
) -> None:
    async with running_bot(redis_url, key_prefix, pool=candidates(), INTAKE_WORKER=False) as bot:
        # Teams is flaky: every post fails, so the separate worker process hangs in its retries.
        bot.connector.fail_next(1000, 503)
        env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": key_prefix,
            "MATCH_CHANNEL_ID": bot.services.settings.match_channel_id,
            # one deployment, one setting: the killed worker's posting lease lasts its claim idle time
            "INTAKE_CLAIM_IDLE_MS": str(bot.services.settings.intake_claim_idle_ms),
            "LOG_LEVEL": "WARNING",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            resp = await bot.post_jobs(job_order_json("JO-KILL"))
            assert resp.status == 202
            before = bot.connector.requests
            await wait_until(lambda: bot.connector.requests > before, timeout=30)  # it claimed and tries
        finally:
            proc.send_signal(signal.SIGKILL)  # no clean-up, no release: the entry stays pending
            proc.wait(timeout=10)
        queue = IntakeQueue(bot.redis, key_prefix)
        assert (await queue.stats()).pending == 1
        assert bot.shortlist_cards() == []

        bot.connector.failures.clear()  # Teams is back; another worker takes over the entry
        worker = bot.services.intake
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        try:
            await wait_until(lambda: len(bot.shortlist_cards()) == 1, timeout=15)
            await wait_until(_settled(queue), timeout=15)  # nothing else can come
        finally:
            stop.set()
            await task
        assert _cards_for(bot.shortlist_cards(), "JO-KILL") == 1
        stats = await queue.stats()
        assert (stats.pending, stats.waiting) == (0, 0)


async def test_redis_restart_during_a_batch_loses_nothing_acknowledged(
    restartable_redis: RedisServer, key_prefix: str
) -> None:
    ids = [f"JO-R{i:02d}" for i in range(24)]
    async with running_bot(restartable_redis.url, key_prefix, pool=candidates()) as bot:
        resp = await bot.post_jobs([job_order_json(i) for i in ids])
        assert resp.status == 202  # acknowledged: every one of these must become a card
        await wait_until(lambda: len(bot.shortlist_cards()) >= 3, timeout=20)
        restartable_redis.restart()  # mid-batch
        await wait_until(lambda: len(bot.shortlist_cards()) >= len(ids), timeout=60)
        await wait_until(_settled(IntakeQueue(bot.redis, key_prefix)), timeout=30)
        cards = bot.shortlist_cards()
        assert {job_id: _cards_for(cards, job_id) for job_id in ids} == {job_id: 1 for job_id in ids}


async def test_poison_job_order_goes_to_dead_letters_and_is_reported(redis_url: str, key_prefix: str) -> None:
    async with running_bot(redis_url, key_prefix, pool=candidates(), INTAKE_MAX_FAILURES=3) as bot:
        # the connector refuses this job order's card every time (400: not transient)
        bot.connector.fail_next(3, 400)
        resp = await bot.post_jobs(job_order_json("JO-POISON"))
        assert resp.status == 202
        await wait_until(lambda: any("JO-POISON" in t for t in bot.channel_texts()), timeout=20)
        [report] = [t for t in bot.channel_texts() if "JO-POISON" in t]
        assert "lagt til side" in report and "3 gange" in report
        queue = IntakeQueue(bot.redis, key_prefix)
        [dead] = await queue.dead_letters()
        assert dead.job_order_id == "JO-POISON"
        assert (await queue.stats()).waiting == 0
        state = await bot.http.get(
            bot.url("/api/jobordrer/JO-POISON"),
            headers={"X-API-Key": bot.services.settings.jobordre_api_keys[0].get_secret_value()},
        )
        assert (await state.json())["status_tekst"] == texts.INTAKE_STATUS["dead"]
        # the next job order is not held up by the poison one
        await bot.post_jobs(job_order_json("JO-NEXT"))
        await wait_until(lambda: _cards_for(bot.shortlist_cards(), "JO-NEXT") == 1, timeout=20)
        assert bot.shortlist_cards() and _cards_for(bot.shortlist_cards(), "JO-POISON") == 0


async def test_graceful_shutdown_releases_what_it_holds(redis_url: str, key_prefix: str) -> None:
    async with running_bot(redis_url, key_prefix, pool=candidates(), INTAKE_WORKER=False) as bot:
        queue = IntakeQueue(bot.redis, key_prefix, claim_idle_ms=60_000)
        await queue.ensure_group()
        resp = await bot.post_jobs([job_order_json(f"JO-G{i}") for i in range(3)])
        assert resp.status == 202
        worker = bot.services.intake
        stop = asyncio.Event()
        entries = await queue.claim(worker.consumer, count=3, block_ms=10)
        for entry in entries:
            worker._in_flight[entry.entry_id] = entry
        stop.set()
        await worker.run(stop)  # stops at once and hands back what it held
        other = await queue.claim("another-worker", count=10, block_ms=10)
        assert sorted(e.job_order_id for e in other) == ["JO-G0", "JO-G1", "JO-G2"]


async def test_a_job_order_sent_before_the_bot_is_in_the_channel_waits_and_is_posted_after_install(
    redis_url: str, key_prefix: str
) -> None:
    """KEH may send job orders before the match unit has installed the bot: they must not be
    dead-lettered where nobody is told, but wait and become one card once the bot is installed."""
    options = {"pool": candidates(), "install": False, "INTAKE_MAX_FAILURES": 2}
    async with running_bot(redis_url, key_prefix, **options) as bot:  # type: ignore[arg-type]
        attempts = CallCounter(bot.services.intake, "process")
        resp = await bot.post_jobs(job_order_json("JO-EARLY"))
        assert resp.status == 202
        await attempts.more(3)  # more claim rounds with no channel than INTAKE_MAX_FAILURES
        queue = IntakeQueue(bot.redis, key_prefix)
        assert await queue.dead_letters() == []
        headers = {"X-API-Key": bot.services.settings.jobordre_api_keys[0].get_secret_value()}
        state = await (await bot.http.get(bot.url("/api/jobordrer/JO-EARLY"), headers=headers)).json()
        assert state["status"] == "queued"

        bot.connector.add_member(LEAD["id"], LEAD["aadObjectId"], "leder@kk.dk")
        install = await bot.http.post(bot.url("/api/messages"), json=install_in_team(bot.connector.url, LEAD))
        assert install.status in (200, 201)
        await wait_until(lambda: _cards_for(bot.shortlist_cards(), "JO-EARLY") == 1, timeout=20)
        await wait_until(_settled(queue), timeout=15)
        assert _cards_for(bot.shortlist_cards(), "JO-EARLY") == 1  # exactly one
        assert await queue.dead_letters() == []


async def test_a_waiting_job_order_matched_by_hand_after_the_install_is_still_one_card(
    redis_url: str, key_prefix: str
) -> None:
    """After installing the bot, a lead types 'match' for the job order that waited;
    the waiting queue entry must then re-rank that card, not post a second one."""
    options = {"pool": candidates(), "install": False}
    async with running_bot(redis_url, key_prefix, **options) as bot:  # type: ignore[arg-type]
        attempts = CallCounter(bot.services.intake, "process")
        assert (await bot.post_jobs(job_order_json("JO-BYHAND"))).status == 202
        await attempts.more(1)  # the worker found no channel: the entry waits
        bot.connector.add_member(LEAD["id"], LEAD["aadObjectId"], "leder@kk.dk")
        await bot.http.post(bot.url("/api/messages"), json=install_in_team(bot.connector.url, LEAD))
        typed = message(bot.connector.url, LEAD, "match JO-BYHAND", channel=True)
        assert (await bot.http.post(bot.url("/api/messages"), json=typed)).status == 201
        await wait_until(lambda: _cards_for(bot.shortlist_cards(), "JO-BYHAND") == 1, timeout=10)
        queue = IntakeQueue(bot.redis, key_prefix)
        # the waiting entry is claimed again within the claim interval (300 ms)
        await wait_until(_settled(queue), timeout=15)
        assert (await queue.stats()).pending == 0
        assert _cards_for(bot.shortlist_cards(), "JO-BYHAND") == 1
