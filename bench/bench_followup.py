"""Benchmark of the follow-up store against the fastest thing the same client can do: a bare SET.

Run: ``python3 bench/bench_followup.py [--records 2000] [--concurrency 32] [--repeats 3]``

Starts its own redis-server on a free port (``tests/redis_server.py``) with the production
durability settings (AOF on, ``appendfsync everysec``, ``noeviction``), then measures in one process:

* transitions/s: ``FollowUpRecords.transition`` (read record, validate, checked-apply Lua script with
  idempotency key, indexes, reminders and audit entry), ``--concurrency`` in flight, and the same
  with one at a time;
* the ceiling: a bare ``SET`` loop on the same client with the same concurrency; reported as a ratio;
* reminder claims/s: ``claim_due_reminders`` + ``ack_reminder`` (the scheduler's Redis work);
* the time to claim the due reminders (a batch of 100) among 100 000 scheduled ones.

Every figure is the median of ``--repeats`` runs, each on a fresh key prefix.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.reminders import load_reminder_rules  # noqa: E402
from bot.domain.states import FollowUpState  # noqa: E402
from bot.store import Stores, keys  # noqa: E402
from bot.store.connection import client_from_url  # noqa: E402
from matching.models import CandidateProfile, JobOrder  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

S = FollowUpState
NOW = datetime(2026, 12, 18, 9, tzinfo=UTC)
STEPS = (S.GODKENDT, S.KONTAKTET, S.ANSOEGT)


class _Ranked:
    def __init__(self, cid: str) -> None:
        self.candidate_id, self.score, self.reasons = cid, 80.0, ["Jobønske 'Lagermedarbejder' (96)"]


async def _bounded(n: int, concurrency: int, op: Callable[[int], Awaitable[object]]) -> float:
    """Run op(0..n-1) with ``concurrency`` workers; returns elapsed seconds."""
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            await op(i)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


async def _prepare(store: Stores, records: int) -> list[tuple[str, str]]:
    profiles = [
        CandidateProfile(
            id=f"K-{i}",
            jobcenter="Jobcenter København",
            consultant=f"jk{i % 40}@kk.dk",
            desired_titles=["Lagermedarbejder"],
            postcode="2400",
            hours_per_week=37,
            benefit="dagpenge",
        )
        for i in range(records)
    ]
    await store.pool.put_candidates(profiles)
    pairs = []
    for j in range(0, records, 10):  # shortlists of 10, like the bot posts
        jo = f"JO-{j // 10}"
        await store.job_orders.save_job_order(
            JobOrder(
                id=jo,
                title="Lagermedarbejder",
                company="Lager A/S",
                employment_type="ordinaert_job",
                hours_per_week=37,
                postcode="2650",
            )
        )
        cids = [p.id for p in profiles[j : j + 10]]
        await store.shortlists.save_shortlist(jo, [_Ranked(c) for c in cids])
        pairs += [(jo, c) for c in cids]
    return pairs


async def bench_transitions(url: str, records: int, concurrency: int, run: int) -> dict[str, float]:
    client = client_from_url(url)
    store = Stores.open(client, f"bench-t{run}", lambda: NOW, rules=load_reminder_rules())
    pairs = await _prepare(store, records)
    rates = []
    for step in STEPS[:2]:  # godkendt, then kontaktet, for every record, many in flight

        async def op(i: int, step: S = step) -> None:
            jo, cid = pairs[i]
            await store.followups.transition(jo, cid, step, "leder@kk.dk", idempotency_key=f"{step}-{i}")

        rates.append(len(pairs) / await _bounded(len(pairs), concurrency, op))
    n = min(len(pairs), 1000)

    async def one(i: int) -> None:  # ansoegt, one at a time
        jo, cid = pairs[i]
        await store.followups.transition(jo, cid, STEPS[2], "jk@kk.dk", idempotency_key=f"a-{i}")

    out = {
        "transitions_concurrent": statistics.mean(rates),
        "transitions_sequential": n / await _bounded(n, 1, one),
    }
    await client.aclose()
    return out


async def bench_set(url: str, n: int, concurrency: int, run: int) -> dict[str, float]:
    client = client_from_url(url)
    key = keys.idempotency(f"bench-s{run}", "ceiling")

    async def op(i: int) -> None:
        await client.set(f"{key}:{i}", "x")

    concurrent = n / await _bounded(n, concurrency, op)
    sequential = min(n, 2000) / await _bounded(min(n, 2000), 1, op)
    await client.aclose()
    return {"set_concurrent": concurrent, "set_sequential": sequential}


async def bench_reminders(url: str, scheduled: int, due: int, run: int) -> dict[str, float]:
    client = client_from_url(url)
    prefix = f"bench-r{run}"
    store = Stores.open(client, prefix, lambda: NOW, rules=load_reminder_rules())
    zset = keys.reminders(prefix)
    # scheduled reminders spread over the next 90 days; `due` of them already due
    async with client.pipeline(transaction=False) as pipe:
        for i in range(scheduled):
            at = NOW - timedelta(minutes=1) if i < due else NOW + timedelta(minutes=1 + (i * 7919) % 129_600)
            pipe.zadd(zset, {f"no_progress|JO-{i // 10}|K-{i}|2": at.timestamp()})
            if len(pipe.command_stack) >= 5000:
                await pipe.execute()
        await pipe.execute()
    assert await client.zcard(zset) == scheduled
    first_batch = []
    claimed = acked = 0
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        batch = await store.reminders.claim_due_reminders(NOW, limit=100)
        first_batch.append(time.perf_counter() - t0)
        if not batch:
            break
        claimed += len(batch)
        for reminder in batch:
            acked += await store.reminders.ack_reminder(reminder)
    elapsed = time.perf_counter() - start
    assert claimed == acked == due, (claimed, acked, due)
    await client.aclose()
    return {"claims_per_s": claimed / elapsed, "claim_batch_ms": statistics.median(first_batch[:-1]) * 1000}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--scheduled", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    server = RedisServer()
    server.start()
    try:
        admin = client_from_url(server.url)
        await admin.config_set("appendfsync", "everysec")  # production setting (tests use always)
        version = (await admin.info("server"))["redis_version"]
        await admin.aclose()
        results: dict[str, list[float]] = {}
        for run in range(args.repeats):
            for part in (
                await bench_set(server.url, args.records, args.concurrency, run),
                await bench_transitions(server.url, args.records, args.concurrency, run),
                await bench_reminders(server.url, args.scheduled, args.due, run),
            ):
                for k, v in part.items():
                    results.setdefault(k, []).append(v)
        med = {k: statistics.median(v) for k, v in results.items()}
    finally:
        server.cleanup()

    print(
        f"redis-server {version}, AOF everysec, {args.repeats} runs, medians; "
        f"{args.records} records, {args.concurrency} in flight"
    )
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| transitions/s, {args.concurrency} in flight | {med['transitions_concurrent']:,.0f} | ≥ 2,000 |")
    print(f"| transitions/s, one at a time | {med['transitions_sequential']:,.0f} | |")
    print(f"| bare SET/s, {args.concurrency} in flight (ceiling) | {med['set_concurrent']:,.0f} | |")
    print(f"| bare SET/s, one at a time (ceiling) | {med['set_sequential']:,.0f} | |")
    ratio_c = med["transitions_concurrent"] / med["set_concurrent"]
    ratio_s = med["transitions_sequential"] / med["set_sequential"]
    print(f"| transition ÷ SET, in flight | {ratio_c:.2f} | |")
    print(f"| transition ÷ SET, one at a time | {ratio_s:.2f} | |")
    print(f"| reminder claims/s (claim + ack, batches of 100) | {med['claims_per_s']:,.0f} | |")
    print(f"| claim 100 due among {args.scheduled:,} scheduled | {med['claim_batch_ms']:.2f} ms | ≤ 50 ms |")


if __name__ == "__main__":
    asyncio.run(main())
