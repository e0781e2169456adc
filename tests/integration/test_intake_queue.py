"""The intake stream against a real redis-server: nothing acknowledged is lost, nothing done twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.store.intake import IntakeQueue
from tests.redis_server import RedisServer


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)  # as connect() builds it
    yield client
    await client.aclose()


@pytest.fixture
async def queue(redis: aioredis.Redis, key_prefix: str) -> IntakeQueue:
    q = IntakeQueue(redis, key_prefix, claim_idle_ms=200)
    await q.ensure_group()
    await q.ensure_group()  # idempotent
    return q


async def test_entry_is_delivered_to_one_worker_and_gone_when_completed(queue: IntakeQueue) -> None:
    await queue.enqueue("JO-1", "d1", revised=False)
    first = await queue.claim("w1", block_ms=10)
    second = await queue.claim("w2", block_ms=10)
    assert [e.job_order_id for e in first] == ["JO-1"]
    assert second == []
    await queue.complete(first[0], posted=True)
    stats = await queue.stats()
    assert (stats.pending, stats.waiting) == (0, 0)
    assert await queue.is_posted("JO-1", "d1")
    assert not await queue.needs_enqueue("JO-1", "d1")
    assert await queue.needs_enqueue("JO-1", "d2")  # changed content goes through again


async def test_queue_gauges_before_any_worker_created_the_group(
    redis: aioredis.Redis, key_prefix: str
) -> None:
    fresh = IntakeQueue(redis, key_prefix)
    stats = await fresh.stats()  # readiness and metrics ask before the worker started: zeros, no error
    assert (stats.pending, stats.waiting, stats.lag_seconds) == (0, 0, 0.0)
    await fresh.ensure_group()
    await fresh.enqueue("JO-9", "d", revised=False)
    stats = await fresh.stats()
    assert (stats.pending, stats.waiting) == (0, 1)


async def test_entry_of_a_silent_worker_is_claimed_by_another(queue: IntakeQueue) -> None:
    await queue.enqueue("JO-2", "d", revised=False)
    [held] = await queue.claim("dead-worker", block_ms=10)
    assert await queue.claim("w2", block_ms=10) == []  # not yet idle long enough
    await asyncio.sleep(0.25)
    [again] = await queue.claim("w2", block_ms=10)
    assert again.entry_id == held.entry_id
    assert again.deliveries == 2


async def test_released_entry_is_claimable_at_once(queue: IntakeQueue) -> None:
    await queue.enqueue("JO-3", "d", revised=True)
    [held] = await queue.claim("w1", block_ms=10)
    await queue.release([held], "w1")
    [again] = await queue.claim("w2", block_ms=10)
    assert again.entry_id == held.entry_id and again.revised
    assert again.deliveries == 1  # a release is not a crash


async def test_dead_letter_leaves_the_stream_and_is_listed(queue: IntakeQueue) -> None:
    await queue.enqueue("JO-4", "d", revised=False)
    [entry] = await queue.claim("w1", block_ms=10)
    await queue.dead_letter(entry, "fejlede 3 gange")
    assert (await queue.stats()).waiting == 0
    [dead] = await queue.dead_letters()
    assert (dead.job_order_id, dead.reason) == ("JO-4", "fejlede 3 gange")
    assert (await queue.status("JO-4"))["status"] == "dead"
    assert await queue.needs_enqueue("JO-4", "d")  # resubmitting a dead job order tries again


async def test_lag_is_the_age_of_the_oldest_unfinished_entry(queue: IntakeQueue) -> None:
    entry_id = await queue.enqueue("JO-5", "d", revised=False)
    ms = int(entry_id.split("-")[0])
    stats = await queue.stats(now_ms=ms + 5000)
    assert stats.lag_seconds == pytest.approx(5.0)
    assert stats.waiting == 1


async def test_acknowledged_and_queued_entries_survive_a_redis_crash(
    restartable_redis: RedisServer, key_prefix: str
) -> None:
    client = aioredis.Redis.from_url(restartable_redis.url, decode_responses=True)
    queue = IntakeQueue(client, key_prefix, claim_idle_ms=0)
    await queue.ensure_group()
    for i in range(20):
        await queue.enqueue(f"JO-{i}", "d", revised=False)
    claimed = await queue.claim("w1", count=5, block_ms=10)
    for entry in claimed[:3]:
        await queue.complete(entry, posted=True)
    await client.aclose()
    restartable_redis.kill()  # crash: only the AOF survives
    restartable_redis.start()
    client = aioredis.Redis.from_url(restartable_redis.url, decode_responses=True)
    queue = IntakeQueue(client, key_prefix, claim_idle_ms=0)
    seen: set[str] = set()
    while batch := await queue.claim("w2", count=50, block_ms=10):
        for entry in batch:
            seen.add(entry.job_order_id)
            await queue.complete(entry, posted=True)
    done_before = {e.job_order_id for e in claimed[:3]}
    assert seen == {f"JO-{i}" for i in range(20)} - done_before
    for job_order_id in done_before:
        assert await queue.is_posted(job_order_id, "d")
    await client.aclose()
