"""Benchmark of job order intake: API → Redis Stream → worker → shortlist card, and the pool import.

Run: ``python3 bench/bench_intake.py [--pool 100000] [--jobs 1000] [--concurrency 50]``

Everything real except Teams: ``create_app`` with its in-process intake worker, a redis-server
(``REDIS_URL`` or one started for the run, AOF on as in production), and a recording Bot Connector
(``bot.demo.loopback.DemoConnector``) in its own process, as Teams would be; it prints each shortlist card's
arrival time and job order id, so every job order's time from its 202 to its card is known.

1. Intake: ``--jobs`` job orders POSTed one per request with ``--concurrency`` in flight against a
   pool of ``--pool`` candidates (``data/candidates.jsonl`` resampled). Reported: job orders
   shortlisted per second (first POST → last card) and p50/p95 from 202 to the card. Baseline in the
   same run: ``MatchIndex.match`` alone for the same job orders (the engine's floor), as a ratio.
2. Import: ``matchbot import candidates FILE --mode replace`` of the same pool as a child process:
   wall time and the child's peak RSS. Baseline: the same profiles written with a raw pipelined
   ``HSET`` (the Redis floor) and parsed with ``CandidateProfile.model_validate_json`` (the
   validation floor), as ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from _common import pct, print_table, redis_for_run, sample_pool  # noqa: E402
from aiohttp import web  # noqa: E402
from bench_matching import job_orders  # noqa: E402

from bot.app import SERVICES_KEY, create_app  # noqa: E402
from bot.demo.loopback import Delivered, DemoConnector, TeamsActivities  # noqa: E402
from bot.store.connection import client_from_url  # noqa: E402
from config.settings import Settings  # noqa: E402
from matching.models import CandidateProfile, JobOrder  # noqa: E402
from matching.taxonomy import default_taxonomy  # noqa: E402
from tests.redis_server import free_port  # noqa: E402

API_KEY = "bench-key-" + "x" * 20
CHANNEL = "19:bench-channel@thread.tacv2"
_JOB_ID = re.compile(r"Jobordre (JO-[A-Za-z0-9._-]+)")


# --- the recording connector (child process) ---------------------------------------------------------


async def _connector_main(port: int) -> None:
    def show(item: Delivered) -> None:
        if item.kind == "create" and item.card is not None:
            found = _JOB_ID.search(json.dumps(item.card, ensure_ascii=False))
            print(f"{time.time():.6f} {found.group(1) if found else '?'}", flush=True)

    connector = DemoConnector(show)
    await connector.start(port)
    print("ready", flush=True)
    await asyncio.Event().wait()


def start_connector() -> tuple[subprocess.Popen[str], str, dict[str, float], dict[str, int]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-connector", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    arrivals: dict[str, float] = {}
    cards: dict[str, int] = {}  # cards per job order: a second card for the same one is a duplicate

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            at, job_id = line.split()
            arrivals.setdefault(job_id, float(at))
            cards[job_id] = cards.get(job_id, 0) + 1

    threading.Thread(target=read, daemon=True).start()
    return proc, f"http://127.0.0.1:{port}/", arrivals, cards


# --- the load generator (child process, like wrk: the serve process runs only the bot) ---------------


async def _post_main(url: str, bodies_file: str, concurrency: int) -> None:
    """POST every job order with ``concurrency`` in flight; print {job id: time of its 202} as JSON."""
    bodies: list[str] = json.loads(Path(bodies_file).read_text())
    pending = list(reversed(bodies))
    accepted: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}

    async def client(session: aiohttp.ClientSession) -> None:
        while pending:
            body = pending.pop()
            async with session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                assert resp.status == 202, resp.status
                accepted[json.loads(body)["id"]] = time.time()

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    print(json.dumps(accepted))


async def post_all(url: str, jobs: list[JobOrder], concurrency: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([job.model_dump_json() for job in jobs], f)
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--post", url, "--bodies", f.name, "--concurrency", str(concurrency),
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        assert proc.returncode == 0, "load generator failed"
        accepted: dict[str, float] = json.loads(out)
        return accepted
    finally:
        os.unlink(f.name)


# --- helpers -----------------------------------------------------------------------------------------


def distinct_jobs(base: list[JobOrder], n: int, prefix: str = "JO-B") -> list[JobOrder]:
    return [base[i % len(base)].model_copy(update={"id": f"{prefix}{i:05d}"}) for i in range(n)]


def install_activity(service_url: str) -> dict[str, Any]:
    """The bot added to the bench channel, as Teams announces it (so the bot knows where to post)."""
    teams = TeamsActivities(tenant="t", team_id="19:team@thread.tacv2", channel_id=CHANNEL)
    return teams.install_in_team(service_url, {"id": "29:lead", "name": "Leder", "aadObjectId": "aad-lead"})


# --- 1. intake --------------------------------------------------------------------------------------


async def bench_intake(
    args: argparse.Namespace, redis_url: str, pool: list[CandidateProfile], jobs: list[JobOrder]
) -> list[tuple[str, str, str]]:
    connector, service_url, arrivals, cards = start_connector()
    prefix = f"bench-intake-{os.getpid()}"
    settings = Settings.model_validate(
        {
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "MATCH_CHANNEL_ID": CHANNEL,
            "JOBORDRE_API_KEYS": [API_KEY],
            "LOG_LEVEL": "WARNING",
            "INTAKE_MAX_BATCH": 1000,
        }
    )
    redis = client_from_url(redis_url)
    app = create_app(settings, redis=redis, run_scheduler=False, warm_pool=False)
    logging.getLogger().setLevel(logging.WARNING)
    services = app[SERVICES_KEY]
    t0 = time.perf_counter()
    await services.stores.pool.put_candidates(pool)
    index = await services.pool.get()
    load_s = time.perf_counter() - t0
    print(f"pool of {len(index)} stored and indexed in {load_s:.1f} s", file=sys.stderr)

    extra = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker"],
            cwd=ROOT,
            env={
                **os.environ,
                "REDIS_URL": redis_url,
                "REDIS_KEY_PREFIX": prefix,
                "MATCH_CHANNEL_ID": CHANNEL,
                "LOG_LEVEL": "WARNING",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(args.workers - 1)
    ]
    for proc in extra:  # each prints one line once its pool is loaded
        assert proc.stdout is not None and proc.stdout.readline()
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}/"
    accepted: dict[str, float] = {}
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(base + "api/messages", json=install_activity(service_url)) as resp:
                assert resp.status < 300, resp.status
            headers = {"Authorization": f"Bearer {API_KEY}"}
            started = time.time()
            cpu0 = time.process_time()
            accepted.update(await post_all(base + "api/jobordrer", jobs, args.concurrency))
            posted_s = max(accepted.values()) - started
            deadline = time.monotonic() + 600
            while len([j for j in jobs if j.id in arrivals]) < len(jobs):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"only {len(arrivals)} of {len(jobs)} cards arrived")
                await asyncio.sleep(0.05)
            last = max(arrivals[j.id] for j in jobs)
            cpu_per_job = (time.process_time() - cpu0) / len(jobs) * 1000
            load = os.getloadavg()[0]

            # paced: one job order every 1/rate seconds, below capacity: the service time, no backlog
            paced = distinct_jobs(jobs[: args.paced], args.paced, prefix="JO-P")
            paced_at: dict[str, float] = {}
            for job in paced:
                async with session.post(
                    base + "api/jobordrer",
                    data=job.model_dump_json(),
                    headers={**headers, "Content-Type": "application/json"},
                ) as resp:
                    assert resp.status == 202, resp.status
                    paced_at[job.id] = time.time()
                await asyncio.sleep(1 / args.paced_rate)
            deadline = time.monotonic() + 120
            while any(j.id not in arrivals for j in paced) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            duplicates = sum(n - 1 for n in cards.values())
    finally:
        for proc in extra:
            proc.terminate()
            proc.wait()
        await runner.cleanup()
        await redis.aclose()
        connector.terminate()
        connector.wait()

    latencies = [(arrivals[j.id] - accepted[j.id]) * 1000 for j in jobs]
    paced_lat = [(arrivals[j.id] - paced_at[j.id]) * 1000 for j in paced if j.id in arrivals]
    throughput = len(jobs) / (last - started)
    engine = []
    for job in jobs[:200]:
        t = time.perf_counter()
        index.match(job, top=settings.shortlist_size)
        engine.append(time.perf_counter() - t)
    engine_rate = 1 / statistics.median(engine)
    return [
        (
            f"job orders shortlisted/s end to end ({len(jobs)} POSTs, {args.concurrency} in flight, "
            f"{len(index)} candidates, {args.workers} worker process(es))",
            f"{throughput:.1f}",
            "≥ 50",
        ),
        (
            "burst: 202 → shortlist card at the connector, p50 (includes waiting in the queue)",
            f"{pct(latencies, 0.5):.0f} ms",
            "",
        ),
        ("burst: 202 → shortlist card at the connector, p95", f"{pct(latencies, 0.95):.0f} ms", "≤ 1000 ms"),
        (
            f"paced ({args.paced} job orders at {args.paced_rate:g}/s): 202 → card, p50",
            f"{pct(paced_lat, 0.5):.0f} ms",
            "",
        ),
        (
            f"paced ({args.paced} job orders at {args.paced_rate:g}/s): 202 → card, p95",
            f"{pct(paced_lat, 0.95):.0f} ms",
            "≤ 1000 ms",
        ),
        ("all 202s answered after", f"{posted_s:.2f} s", ""),
        (
            "CPU per job order in the serve process (API + its worker; load generator in its own process)",
            f"{cpu_per_job:.0f} ms",
            "",
        ),
        ("load average during the run (2 cores, shared)", f"{load:.1f}", ""),
        ("duplicate cards", f"{duplicates}", "0"),
        ("baseline: `MatchIndex.match` alone, job orders/s (median of 200)", f"{engine_rate:.0f}", ""),
        ("ratio end to end / engine alone", f"{throughput / engine_rate:.2f}", ""),
    ]


# --- 2. import --------------------------------------------------------------------------------------


async def bench_import(
    args: argparse.Namespace, redis_url: str, pool: list[CandidateProfile]
) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pulje.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for p in pool:
                fh.write(p.model_dump_json() + "\n")
        prefix = f"bench-import-{os.getpid()}"
        env = {**os.environ, "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix, "COLUMNS": "120"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "import", "candidates", str(path), "--mode", "replace"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        import_s = time.perf_counter() - t
        assert result.returncode == 0, result.stdout + result.stderr
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if rss_mb <= before / 1024:
            rss_mb = float("nan")

        lines = path.read_text(encoding="utf-8").splitlines()
        t = time.perf_counter()
        for line in lines:
            CandidateProfile.model_validate_json(line)
        parse_s = time.perf_counter() - t
        redis = client_from_url(redis_url)
        key = f"bench-floor-{os.getpid()}"
        t = time.perf_counter()
        async with redis.pipeline(transaction=False) as pipe:
            for start in range(0, len(pool), 2000):
                pipe.hset(
                    key,
                    mapping={
                        p.id: line
                        for p, line in zip(
                            pool[start : start + 2000], lines[start : start + 2000], strict=True
                        )
                    },
                )
                await pipe.execute()
        hset_s = time.perf_counter() - t
        await redis.delete(key)
        await redis.aclose()
    floor = parse_s + hset_s
    return [
        (
            f"`matchbot import candidates` of {len(pool)} (replace, whole CLI process)",
            f"{import_s:.1f} s",
            "≤ 20 s",
        ),
        ("peak RSS of the import process", f"{rss_mb:.0f} MB", ""),
        ("baseline: validate every line (`model_validate_json`)", f"{parse_s:.1f} s", ""),
        ("baseline: raw pipelined HSET of the same JSON", f"{hset_s:.1f} s", ""),
        ("ratio import / (validate + HSET) floor", f"{import_s / floor:.2f}", ""),
    ]


async def run(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    with redis_for_run() as redis_url:
        tax = default_taxonomy()
        pool = sample_pool(args.pool, tax)
        jobs = distinct_jobs(job_orders(tax), args.jobs)
        rows = await bench_import(args, redis_url, pool)
        rows += await bench_intake(args, redis_url, pool, jobs)
        return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument(
        "--workers", type=int, default=1, help="intake worker processes (serve + N-1 `matchbot worker`)"
    )
    ap.add_argument("--paced", type=int, default=100)
    ap.add_argument("--paced-rate", type=float, default=10.0)
    ap.add_argument("--serve-connector", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--post", help=argparse.SUPPRESS)  # child process: the load generator
    ap.add_argument("--bodies", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.post:
        asyncio.run(_post_main(args.post, args.bodies, args.concurrency))
        return
    if args.serve_connector:
        asyncio.run(_connector_main(args.serve_connector))
        return
    rows = asyncio.run(run(args))
    print_table(rows, "result")


if __name__ == "__main__":
    main()
