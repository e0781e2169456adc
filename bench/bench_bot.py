"""Benchmark of the Teams bot through its real HTTP endpoint on loopback.

Run: ``python3 bench/bench_bot.py [--pool 100000] [--messages 1000] [--concurrency 16] [--matches 40]``

Everything real except Teams: the aiohttp app from ``create_app`` (CloudAdapter, local mode), a
redis-server (``REDIS_URL`` or one started for the run), and the fake Bot Connector from the tests
(a real HTTP server the SDK's outgoing calls hit). The fake connector and the load generator run in
their own processes (as Teams and the users' clients would), so CPU per activity is the bot's own.

1. Throughput: message activities (``hjælp`` and ``overblik <jobordre>`` alternately, from several
   personal chats) POSTed to ``/api/messages`` with N in flight; each one's reply reaches the
   connector before the bot answers the POST. Baseline in the same process: the same bot on the
   SDK's stock transport (``create_app(stock_transport=True)``), rounds interleaved; also the
   loopback floor (POSTs straight to the fake connector).
2. Latency: ``match <jobordre>`` typed in the channel → the shortlist card arriving at the connector
   (a new channel post for a job order's first match, the card updated in place for a later one),
   with a pool of ``--pool`` candidates (``data/candidates.jsonl`` resampled).
   Baseline: ``MatchIndex.match`` alone for the same job orders, so the ratio is what the bot adds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from _common import pct, print_table, redis_for_run, sample_pool  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from bench_matching import job_orders  # noqa: E402
from tenacity import wait_none  # noqa: E402

from bot.app import SERVICES_KEY, create_app  # noqa: E402
from bot.store.connection import client_from_url  # noqa: E402
from config.settings import Settings  # noqa: E402
from matching.taxonomy import default_taxonomy  # noqa: E402
from tests import fake_connector as fc  # noqa: E402
from tests.redis_server import free_port  # noqa: E402


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


async def load_generator(url: str, bodies_file: Path, concurrency: int) -> float:
    """Run ``fire`` in a child process (like wrk/ab would), so the bot's process only runs the bot."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--fire",
        url,
        "--bodies",
        str(bodies_file),
        "--concurrency",
        str(concurrency),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return float(out.decode().strip())


async def _fire_main(url: str, bodies_file: Path, concurrency: int) -> None:
    bodies = json.loads(bodies_file.read_text())
    async with aiohttp.ClientSession() as session:
        print(await fire(session, url, bodies, concurrency))


async def stats(session: aiohttp.ClientSession, service_url: str, kind: str | None = None) -> dict[str, Any]:
    async with session.get(f"{service_url}_stats", params={"kind": kind} if kind else None) as response:
        data: dict[str, Any] = await response.json()
        return data


def start_connector() -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_connector", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc, f"http://127.0.0.1:{port}/"


async def run(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    with redis_for_run() as redis_url:
        return await _run(args, redis_url)


async def _run(args: argparse.Namespace, redis_url: str) -> list[tuple[str, str, str]]:
    connector, svc = start_connector()
    users = [fc.user_account(f"29:bench-{i}", f"aad-bench-{i}") for i in range(8)]
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
    pool = sample_pool(args.pool, tax)
    jobs = job_orders(tax)[: args.jobs]
    t0 = time.perf_counter()
    await services.stores.pool.put_candidates(pool)
    for job in jobs:
        await services.stores.job_orders.save_job_order(job)
    index = await services.pool.get()
    load_s = time.perf_counter() - t0
    print(f"pool of {len(index)} candidates stored and indexed in {load_s:.1f} s", file=sys.stderr)

    bot = TestServer(app, host="127.0.0.1")
    await bot.start_server()
    url = str(bot.make_url("/api/messages"))
    # Baseline: the same bot on the SDK's stock transport (per-turn msrest clients over requests).
    stock_app = create_app(
        settings,
        redis=redis,
        retry_wait=wait_none(),
        run_scheduler=False,
        warm_pool=False,
        stock_transport=True,
    )
    logging.getLogger().setLevel(logging.WARNING)
    stock_bot = TestServer(stock_app, host="127.0.0.1")
    await stock_bot.start_server()
    stock_url = str(stock_bot.make_url("/api/messages"))
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

            bodies_file = Path(tempfile.mkstemp(suffix=".json")[1])
            bodies_file.write_text(json.dumps(bodies))

            async def measure(target: str) -> tuple[float, float]:
                """Activities/s and the bot's CPU ms per activity, the load coming from another process."""
                before = (await stats(session, svc))["count"]
                cpu0 = time.process_time()
                wall = await load_generator(target, bodies_file, args.concurrency)
                cpu_ms = (time.process_time() - cpu0) / len(bodies) * 1000
                assert (await stats(session, svc))["count"] - before == len(bodies), "every activity answered"
                return len(bodies) / wall, cpu_ms

            await fire(session, url, bodies[: args.concurrency * 2], args.concurrency)  # warm-up
            await fire(session, stock_url, bodies[: args.concurrency * 2], args.concurrency)
            rates, cpu, stock_rates, stock_cpu, floors = [], [], [], [], []
            for _ in range(args.rounds):  # interleaved, so machine noise hits all three alike
                rate, cpu_ms = await measure(url)
                rates.append(rate)
                cpu.append(cpu_ms)
                rate, cpu_ms = await measure(stock_url)
                stock_rates.append(rate)
                stock_cpu.append(cpu_ms)
                direct = [{"type": "message", "text": "x"} for _ in bodies]
                floor_url = f"{svc}v3/conversations/a:floor/activities"
                floors.append(len(bodies) / await fire(session, floor_url, direct, args.concurrency))

            # 2. latency: match typed in the channel -> the card's arrival at the connector
            latencies, engine = [], []
            card_kinds = ("create", "update")  # a first match posts the card, a later one updates it
            for i in range(args.matches):
                job = jobs[i % len(jobs)]
                before = {k: (await stats(session, svc, k))["count"] for k in card_kinds}
                sent_at = time.time()
                body = fc.message(svc, users[0], f"match {job.id}", channel=True, thread="1")
                async with session.post(url, json=body) as response:
                    assert response.status == 201
                while True:
                    now = {k: await stats(session, svc, k) for k in card_kinds}
                    arrived = [now[k]["arrivals"][-1] for k in card_kinds if now[k]["count"] > before[k]]
                    if arrived:
                        break
                    await asyncio.sleep(0.001)
                latencies.append((max(arrived) - sent_at) * 1000)
                t = time.perf_counter()
                index.match(job, top=settings.shortlist_size)
                engine.append((time.perf_counter() - t) * 1000)
    finally:
        await bot.close()
        await stock_bot.close()
        await redis.aclose()
        connector.terminate()
        connector.wait()

    rate, floor, stock = statistics.median(rates), statistics.median(floors), statistics.median(stock_rates)
    p50, p95 = pct(latencies, 0.5), pct(latencies, 0.95)
    e50 = statistics.median(engine)
    n, c = f"{args.rounds} × {args.messages}", args.concurrency
    return [
        (
            f"message activities/s through /api/messages (median of {n}, {c} in flight)",
            f"{rate:.0f}",
            "≥ 200",
        ),
        (
            "CPU per activity in the bot's process (load generator in its own), median",
            f"{statistics.median(cpu):.1f} ms",
            "",
        ),
        ("baseline: same bot on the SDK's stock transport, activities/s", f"{stock:.0f}", ""),
        ("baseline: its CPU per activity, median", f"{statistics.median(stock_cpu):.1f} ms", ""),
        ("ratio bot / stock SDK transport", f"{rate / stock:.2f}", ""),
        ("loopback floor: POSTs/s straight to the fake connector", f"{floor:.0f}", ""),
        (f"`match` → shortlist card at the connector, p50 ({len(index)} candidates)", f"{p50:.1f} ms", ""),
        (f"same, p95 ({args.matches} matches over {len(jobs)} job orders)", f"{p95:.1f} ms", "≤ 150 ms"),
        ("baseline: `MatchIndex.match` alone, median", f"{e50:.1f} ms", ""),
        ("ratio bot p50 / engine median", f"{p50 / e50:.2f}", ""),
        ("pool stored in Redis and indexed (once, at start-up)", f"{load_s:.1f} s", ""),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", type=int, default=100_000)
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--matches", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=10)
    ap.add_argument("--fire", help=argparse.SUPPRESS)  # child process: the load generator
    ap.add_argument("--bodies", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fire:
        asyncio.run(_fire_main(args.fire, args.bodies, args.concurrency))
        return
    rows = asyncio.run(run(args))
    print_table(rows)


if __name__ == "__main__":
    main()
