"""Seconds until a caller gets its answer while Redis is down: the retry budget against the old policy.

Run: ``python3 bench/bench_redis_down.py [--rounds 3]``

The real app (``create_app``) on a redis-server started for the run, which is then stopped (connection
refused, as when Redis restarts or crashed). Measured per round: ``POST /api/jobordrer`` until its 503
and ``POST /api/messages`` ("mine") until its answer (the Danish error message is sent first). Two
client policies in the same process, rounds interleaved: the old one (12 tries, back-off capped at
2 s, 5 s connect timeout) as the baseline, and ``client_from_url``'s budget (``REDIS_RETRY_SECONDS``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from _common import print_table  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from redis.asyncio.retry import Retry  # noqa: E402
from redis.backoff import ExponentialWithJitterBackoff  # noqa: E402
from tenacity import wait_none  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.store.connection import Redis, client_from_url  # noqa: E402
from config.settings import Settings  # noqa: E402
from tests import fake_connector as fc  # noqa: E402
from tests.intake_support import API_KEY, LEAD, job_order_json  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402


def old_client(url: str) -> Redis:
    """The policy before the budget: 12 tries, back-off 0.05 s doubling to 2 s, 5 s connect timeout."""
    retry = Retry(ExponentialWithJitterBackoff(cap=2.0, base=0.05), 12)
    return client_from_url(url, retry=retry, socket_connect_timeout=5.0)


async def one_round(server: RedisServer, make_client: Any, settings: Settings) -> tuple[float, float]:
    server.start()
    connector = fc.FakeConnector()
    await connector.start()
    redis = make_client(server.url)
    app = create_app(settings, redis=redis, retry_wait=wait_none(), run_scheduler=False, warm_pool=False,
                     configure_logging=False)
    web = TestServer(app, host="127.0.0.1")
    await web.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            await http.get(web.make_url("/healthz"))  # warm: connections open before Redis goes
            server.stop()
            started = time.perf_counter()
            r = await http.post(web.make_url("/api/jobordrer"), json=job_order_json("JO-B-1"),
                                headers={"Authorization": f"Bearer {API_KEY}"})
            api = time.perf_counter() - started
            assert r.status == 503, r.status
            started = time.perf_counter()
            r = await http.post(web.make_url("/api/messages"), json=fc.message(connector.url, LEAD, "mine"))
            teams = time.perf_counter() - started
            assert r.status < 500, r.status
    finally:
        await web.close()
        await connector.close()
        await redis.aclose()
    return api, teams


async def main(rounds: int) -> None:
    logging.disable(logging.CRITICAL)
    server = RedisServer()
    settings = Settings.model_validate(  # local mode: no app id
        {"JOBORDRE_API_KEYS": [API_KEY], "REDIS_URL": server.url, "INTAKE_WORKER": False}
    )
    policies = {
        "old: 12 tries, cap 2 s": old_client,
        f"budget {settings.redis_retry_seconds:g} s": lambda url: client_from_url(
            url, retry_seconds=settings.redis_retry_seconds
        ),
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in policies}
    try:
        for _ in range(rounds):
            for name, make in policies.items():
                times[name].append(await one_round(server, make, settings))
    finally:
        server.cleanup()
    rows = []
    medians = {}
    for name, values in times.items():
        api = statistics.median(v[0] for v in values)
        teams = statistics.median(v[1] for v in values)
        medians[name] = (api, teams)
        rows.append((f"{name}: API 503 / Teams error answer (median s)", f"{api:.2f} / {teams:.2f}", "≤ 3 s"))
    (old_api, old_teams), (new_api, new_teams) = medians.values()
    rows.append(("ratio budget / old", f"{new_api / old_api:.2f} / {new_teams / old_teams:.2f}", ""))
    print_table(rows, "seconds")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
