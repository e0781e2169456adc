"""Benchmark of the Teams bot through its real HTTP endpoint on loopback.

Run: ``python3 bench/bench_bot.py [--pool 100000] [--messages 1000] [--concurrency 16] [--matches 40]``

Everything real except Teams: the aiohttp app from ``create_app`` (CloudAdapter, local mode), a
redis-server (``REDIS_URL`` or one started for the run), and the fake Bot Connector from the tests
(a real HTTP server the SDK's outgoing calls hit). In one process:

1. Throughput: message activities (``hjælp`` and ``overblik <jobordre>`` alternately, from several
   personal chats) POSTed to ``/api/messages`` with N in flight; each one's reply reaches the
   connector before the bot answers the POST. Baseline: the same number of POSTs straight to the fake
   connector (the loopback HTTP floor), so the ratio is the bot's cost per activity.
2. Latency: ``match <jobordre>`` typed in the channel → the shortlist card arriving at the connector
   (a new channel post), with a pool of ``--pool`` candidates (``data/candidates.jsonl`` resampled).
   Baseline: ``MatchIndex.match`` alone for the same job orders, so the ratio is what the bot adds.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from bench_matching import job_orders, resample, synthesise  # noqa: E402
from tenacity import wait_none  # noqa: E402

from bot.app import SERVICES_KEY, create_app  # noqa: E402
from bot.store.connection import client_from_url  # noqa: E402
from config.settings import Settings  # noqa: E402
from matching.io import load_candidates  # noqa: E402
from matching.taxonomy import default_taxonomy  # noqa: E402
from tests import fake_connector as fc  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def fire(
    session: aiohttp.ClientSession, url: str, bodies: list[dict[str, Any]], concurrency: int
) -> float:
    """POST every body with ``concurrency`` in flight; returns the wall time in seconds."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def worker() -> None:
        while not queue.empty():
            body = queue.get_nowait()
            async with session.post(url, json=body) as response:
                await response.read()
                assert response.status in (200, 201), response.status

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> None:
    server = None
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        server = RedisServer()
        server.start()
        redis_url = server.url
    connector = fc.FakeConnector()
    await connector.start()
    users = [fc.user_account(f"29:bench-{i}", f"aad-bench-{i}") for i in range(8)]
    for i, user in enumerate(users):
        connector.add_member(user["id"], user["aadObjectId"], f"bench{i}@kk.dk")
    settings = Settings(
        MicrosoftAppId="",
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=f"bench-{os.getpid()}",
        MATCH_CHANNEL_ID=fc.CHANNEL_ID,
        INTAKE_WORKER=False,
        LOG_LEVEL="WARNING",
    )
    redis = client_from_url(redis_url)
    app = create_app(settings, redis=redis, retry_wait=wait_none(), run_scheduler=False, warm_pool=False)
    logging.getLogger().setLevel(logging.WARNING)
    services = app[SERVICES_KEY]
    tax = default_taxonomy()
    sample = ROOT / "data" / "candidates.jsonl"
    base = load_candidates(sample) if sample.exists() else synthesise(2000, tax)
    pool = resample(base, args.pool, tax)
    jobs = job_orders(tax)[: args.jobs]
    t0 = time.perf_counter()
    await services.store.put_candidates(pool)
    for job in jobs:
        await services.store.save_job_order(job)
    index = await services.pool.get()
    load_s = time.perf_counter() - t0
    print(f"pool of {len(index)} candidates stored and indexed in {load_s:.1f} s", file=sys.stderr)

    bot = TestServer(app, host="127.0.0.1")
    await bot.start_server()
    url = str(bot.make_url("/api/messages"))
    svc = connector.url
    try:
        async with aiohttp.ClientSession() as session:
            await fire(session, url, [fc.install_in_team(svc, users[0])], 1)
            for user in users:  # learn each user once (roster lookup), as in a running bot
                await fire(session, url, [fc.message(svc, user, "hjælp")], 1)

            # 1. throughput
            bodies = [
                fc.message(svc, users[i % len(users)], "hjælp" if i % 2 else f"overblik {jobs[0].id}")
                for i in range(args.messages)
            ]
            before = len(connector.sent)
            await fire(session, url, bodies[: args.concurrency * 2], args.concurrency)  # warm-up
            rates, floors = [], []
            for _ in range(args.rounds):
                before = len(connector.sent)
                wall = await fire(session, url, bodies, args.concurrency)
                assert len(connector.sent) - before == len(bodies), "every activity got its reply"
                rates.append(len(bodies) / wall)
                direct = [{"type": "message", "text": "x"} for _ in bodies]
                floor_wall = await fire(
                    session, f"{svc}v3/conversations/a:floor/activities", direct, args.concurrency
                )
                floors.append(len(bodies) / floor_wall)

            # 2. latency match -> card at the connector
            latencies, engine = [], []
            for i in range(args.matches):
                job = jobs[i % len(jobs)]
                posted = len(connector.of_kind("create"))
                started = time.perf_counter()
                body = fc.message(svc, users[0], f"match {job.id}", channel=True, thread="1")
                async with session.post(url, json=body) as response:
                    assert response.status == 201
                await connector.wait_for(lambda n=posted: len(connector.of_kind("create")) > n)  # type: ignore[misc]
                latencies.append((time.perf_counter() - started) * 1000)
                t = time.perf_counter()
                index.match(job, top=settings.shortlist_size)
                engine.append((time.perf_counter() - t) * 1000)
    finally:
        await bot.close()
        await connector.close()
        await redis.aclose()
        if server is not None:
            server.cleanup()

    rate, floor = statistics.median(rates), statistics.median(floors)
    p50, p95 = pct(latencies, 0.5), pct(latencies, 0.95)
    e50 = statistics.median(engine)
    print(f"""
| measure | value | target |
|---|---|---|
| message activities/s through /api/messages (median of {args.rounds} × {args.messages}, {args.concurrency} in flight) | {rate:.0f} | ≥ 200 |
| baseline: POSTs/s straight to the fake connector (loopback floor) | {floor:.0f} | |
| ratio bot / floor | {rate / floor:.2f} | |
| `match` → shortlist card at the connector, p50 ({len(index)} candidates, {args.matches} matches) | {p50:.1f} ms | |
| same, p95 | {p95:.1f} ms | ≤ 150 ms |
| baseline: `MatchIndex.match` alone, median | {e50:.1f} ms | |
| ratio bot p50 / engine median | {p50 / e50:.2f} | |
| pool stored in Redis and indexed (once, at start-up) | {load_s:.1f} s | |
""")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", type=int, default=100_000)
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--matches", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=10)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
