"""Forged Bot Framework tokens against the bot: time to the 401, and whether ``/healthz`` waits behind them.

Run: ``python3 bench/bench_auth.py [--forged 3] [--hang 5]``

The real app with an app id (``create_app``, real redis-server) and a stand-in for
login.botframework.com (``tests/auth_support.py``) whose key endpoint hangs for ``--hang`` seconds,
as an unreachable or slow endpoint does. Two set-ups in the same process: the SDK's own token
validation (the baseline: ``JwtTokenExtractor`` fetching the keys with synchronous ``requests`` on the
event loop) and ``bot.teams.auth`` (screen first, keys fetched with aiohttp under a timeout).

Measured per set-up, nothing cached at first (start-up, or a token naming a new key id): ``--forged``
RS256 tokens signed by a stranger's key sent at once while the key endpoint hangs: their statuses
and the time until the last answer, and the latency of a ``/healthz`` sent while they wait; then,
with the keys reachable, an HS256 token's time to its answer (median of 5).
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
import requests  # noqa: E402
from _common import print_table, redis_for_run  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from botframework.connector.auth import JwtTokenExtractor  # noqa: E402

from bot.app import SERVICES_KEY, create_app  # noqa: E402
from config.settings import Settings  # noqa: E402
from tests import fake_connector as fc  # noqa: E402
from tests.auth_support import APP_ID, OTHER_KEY, MetadataServer, token  # noqa: E402
from tests.intake_support import LEAD  # noqa: E402

SDK_METADATA = JwtTokenExtractor.__dict__["get_open_id_metadata"]  # before any app installs ours


def probe_health(url: str, metadata: MetadataServer) -> float:
    """Seconds a ``/healthz`` takes when sent as soon as the key endpoint got its first request."""
    deadline = time.monotonic() + 10
    while metadata.requests == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    started = time.perf_counter()
    assert requests.get(url, timeout=30).status_code == 200
    return time.perf_counter() - started


async def measure(redis_url: str, metadata: MetadataServer, forged: int, *, stock: bool) -> dict[str, Any]:
    settings = Settings.model_validate(
        {
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "secret",
            "MicrosoftAppTenantId": fc.TENANT,
            "REDIS_URL": redis_url,
            "BOT_OPENID_METADATA_URL": metadata.url,
            "INTAKE_WORKER": False,
        }
    )
    app = create_app(settings, run_scheduler=False, warm_pool=False, configure_logging=False)
    if stock:  # the SDK as it is: no screen, its own metadata fetch (pointed at the stand-in)
        app[SERVICES_KEY].messenger._auth._gate = None
        JwtTokenExtractor.get_open_id_metadata = staticmethod(lambda url: SDK_METADATA.__func__(metadata.url))
        JwtTokenExtractor.metadataCache.clear()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    service_url = "https://smba.trafficmanager.net/emea/"
    activity = fc.message(service_url, LEAD, "hjælp")
    url = str(server.make_url("/api/messages"))
    try:
        async with aiohttp.ClientSession() as http:

            async def post(bearer: str) -> tuple[int, float]:
                started = time.perf_counter()
                async with http.post(url, json=activity, headers={"Authorization": f"Bearer {bearer}"}) as r:
                    return r.status, time.perf_counter() - started

            metadata.mode = "hang"  # first, with nothing cached: as at start-up or on a new key id
            started = time.perf_counter()
            tasks = [asyncio.create_task(post(token(service_url, key=OTHER_KEY))) for _ in range(forged)]
            # /healthz from another thread (a load balancer's probe), sent once the key fetch began:
            # an event loop blocked by the fetch cannot answer it, whatever this loop does meanwhile.
            probe = asyncio.create_task(
                asyncio.to_thread(probe_health, str(server.make_url("/healthz")), metadata)
            )
            answers = await asyncio.gather(*tasks)
            health = await probe
            last = time.perf_counter() - started
            metadata.mode = "ok"
            hs256 = [await post(token(service_url, key=APP_ID, algorithm="HS256")) for _ in range(5)]
    finally:
        await server.close()
        JwtTokenExtractor.get_open_id_metadata = SDK_METADATA
    return {
        "hs256": (sorted({s for s, _ in hs256}), statistics.median(t for _, t in hs256)),
        "forged": (sorted({s for s, _ in answers}), last),
        "health": health,
    }


async def main(forged: int, hang: float) -> None:
    logging.disable(logging.CRITICAL)
    with redis_for_run() as redis_url:
        results = {}
        for name, stock in (("SDK as it is", True), ("bot.teams.auth", False)):
            with MetadataServer(hang_seconds=hang) as metadata:
                results[name] = await measure(redis_url, metadata, forged, stock=stock)
    rows = []
    for name, r in results.items():
        statuses, seconds = r["hs256"]
        hs256 = f"{statuses} in {seconds * 1000:.1f} ms"
        rows.append((f"{name}: HS256 token → answer (median)", hs256, "401"))
        statuses, seconds = r["forged"]
        forged_measure = f"{name}: {forged} forged RS256, keys hanging {hang:g} s → last answer"
        rows.append((forged_measure, f"{statuses} after {seconds:.2f} s", "401/503, ≤ 3 s"))
        rows.append((f"{name}: /healthz while they wait", f"{r['health'] * 1000:.1f} ms", "ms"))
    print_table(rows, "measured")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--forged", type=int, default=3)
    parser.add_argument("--hang", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(main(args.forged, args.hang))
