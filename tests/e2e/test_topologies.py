"""The bot on the production topologies the README promises: a Redis Sentinel set with a failover
forced mid-run, and a three-primary Redis Cluster. Real servers on loopback (``tests.redis_server``),
the real app, the fake Teams connector.

What a user would notice: a job order accepted during a failover that never becomes a card (lost), or
becomes two (doubled); a lead's decision gone after the failover; on a cluster, any step of the day
failing (a script or transaction whose keys span two slots is refused with CROSSSLOT, and the worker
or the button would fail). Each run prints its figures (``bench/RESULTS.md`` records them).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from tenacity import wait_none

from bot.domain.states import FollowUpState
from bot.store import keys
from bot.store.connection import client_from_url
from bot.store.intake import IntakeQueue
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import KONS_A, KONS_B, LEAD, MEMBERS, START, UPN, candidates, job_order
from tests.fake_connector import card_text, find_action
from tests.harness import CallCounter, Clock, RunningBot, running_bot, wait_until
from tests.intake_support import candidates as intake_pool
from tests.intake_support import job_order_json
from tests.redis_server import ClusterSet, SentinelSet

S = FollowUpState
JOB_ORDERS = 40  # at least, per Sentinel run: half before the failover, the rest until it is over
PACE_SECONDS = 0.2  # between job orders during the failover (it takes ~10 s: sentinel's own timers)
RETRY_STATUSES = (503,)  # "Redis unreachable, nothing taken: retry" (README); anything else must be final


@pytest.fixture
def sentinel_set() -> Iterator[SentinelSet]:
    topology = SentinelSet()
    topology.start()
    try:
        yield topology
    finally:
        topology.cleanup()


@pytest.fixture(scope="module")
def cluster() -> Iterator[ClusterSet]:
    topology = ClusterSet()
    topology.start()
    try:
        yield topology
    finally:
        topology.cleanup()


def _job_of(card: dict[str, object]) -> str:
    return str(find_action(card, "godkend")["job"])


async def _submit(bot: RunningBot, job_id: str, statuses: Counter[int]) -> None:
    """POST one job order as a client would: again after a 503 (the API's "retry"), never after 202."""
    for _ in range(60):
        resp = await bot.post_jobs(job_order_json(job_id, company=f"Firma {job_id}"))
        statuses[resp.status] += 1
        if resp.status not in RETRY_STATUSES:
            assert resp.status in (200, 202), await resp.text()
            return
        await asyncio.sleep(0.1)  # the client's own back-off
    raise AssertionError(f"{job_id} never accepted")


async def test_sentinel_failover_mid_run_loses_and_doubles_no_job_order_and_keeps_the_follow_ups(
    sentinel_set: SentinelSet, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    ids: list[str] = []
    statuses: Counter[int] = Counter()
    async with running_bot(
        sentinel_set.url, key_prefix, pool=intake_pool(), INTAKE_CLAIM_IDLE_MS=1000
    ) as bot:
        stores = bot.services.stores

        async def submit_next() -> None:
            ids.append(f"JO-S{len(ids):03d}")
            await _submit(bot, ids[-1], statuses)

        for _ in range(JOB_ORDERS // 2):
            await submit_next()
        await wait_until(lambda: len(bot.shortlist_cards()) >= 1, timeout=30)
        # A lead's decision and a consultant's step before the failover.
        first = bot.shortlist_cards()[0]
        job, cand = _job_of(first), str(find_action(first, "godkend")["cand"])
        await stores.followups.transition(job, cand, S.GODKENDT, "lead1@kk.dk")
        before = await stores.followups.transition(job, cand, S.KONTAKTET, "kons.a@kk.dk", note="Ringet op")

        old_primary = sentinel_set.primary_port()
        failover = asyncio.create_task(asyncio.to_thread(sentinel_set.failover))
        while not failover.done() or len(ids) < JOB_ORDERS:  # job orders keep coming during the failover
            await submit_next()
            await asyncio.sleep(PACE_SECONDS)
        new_primary = await failover
        assert new_primary != old_primary

        await wait_until(lambda: {_job_of(c) for c in bot.shortlist_cards()} >= set(ids), timeout=120)
        queue = IntakeQueue(bot.redis, key_prefix)

        async def settled() -> bool:
            stats = await queue.stats()
            return (stats.pending, stats.waiting) == (0, 0)

        await wait_until(settled, timeout=60)  # nothing left that could post another card
        cards = Counter(_job_of(c) for c in bot.shortlist_cards())
        lost = [j for j in ids if cards[j] == 0]
        doubled = {j: n for j, n in cards.items() if n > 1}
        print(
            f"\nsentinel: {len(ids)} job orders, {sentinel_set.failovers} failover "
            f"({old_primary} -> {new_primary}), lost {len(lost)}, doubled {len(doubled)}, "
            f"API answers {dict(statuses)}"
        )
        assert (lost, doubled) == ([], {})

        # The follow-up is as it was, and the new primary takes the next step.
        after = await stores.followups.get_followup(job, cand)
        assert after == before
        moved = await stores.followups.transition(job, cand, S.ANSOEGT, "kons.a@kk.dk")
        assert moved.state is S.ANSOEGT and moved.version == before.version + 1
        assert [h.to_state for h in moved.history][-3:] == [S.GODKENDT, S.KONTAKTET, S.ANSOEGT]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and "Traceback" in r.getMessage()]


@pytest.fixture
async def cluster_bot(cluster: ClusterSet, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with running_bot(
        cluster.url,
        key_prefix,
        pool=candidates(),
        members=MEMBERS,
        install=False,
        clock=Clock(START),
        retry_wait=wait_none(),
        run_scheduler=True,
        reminder_interval=0.05,
        JOBORDRE_API_KEYS="test-key",
        INTAKE_CLAIM_IDLE_MS=200,
    ) as bot:
        yield bot


async def test_the_whole_day_runs_on_a_redis_cluster(
    cluster_bot: RunningBot, cluster: ClusterSet, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Job order → shortlist → decisions → hand-over → status steps → reminder → retention → erasure,
    on three primaries. Every script and MULTI of the store runs here: keys in two slots would fail."""
    bot = cluster_bot
    client, connector, clock, stores = bot.client, bot.connector, bot.clock, bot.services.stores
    rounds = CallCounter(bot.services.scheduler, "run_once")
    await bot.post(fc.install_in_team(connector.url, LEAD), status=201)
    for user in (KONS_A, KONS_B):
        await bot.post(fc.install_personal(connector.url, user), status=201)
    job = job_order().model_dump(mode="json")
    r = await client.post("/api/jobordrer", json=job, headers={"Authorization": "Bearer test-key"})
    assert r.status == 202, await r.text()
    r = await client.post("/api/jobordrer", json=job, headers={"Authorization": "Bearer test-key"})
    assert r.status == 200  # the same content again: nothing happens
    await connector.wait_for(lambda: bool(connector.of_kind("create")), timeout=30)
    post = connector.of_kind("create")[0]
    card = post.card or {}
    assert "Shortlist: Lagermedarbejder hos Nordlager ApS" in card_text(card)

    approve = find_action(card, "godkend")
    cand = approve["cand"]
    answer = await bot.post(
        fc.invoke_action(connector.url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    assert "Godkendt af lead1@kk.dk" in card_text(answer["value"])
    reject = find_action(connector.of_kind("update", post.conversation_id)[-1].card or {}, "afvis")
    other = reject["cand"]
    data = {**reject, f"reason_{other}": "timer", f"note_{other}": "kun aftenvagter"}
    await bot.post(fc.submit(connector.url, LEAD, post.conversation_id, post.activity_id, data), status=201)
    rejected = await stores.followups.get_followup("JO-2026-0101", other)
    assert rejected is not None and rejected.state is S.AFVIST

    send = bot.sign({"verb": "send_godkendte", "job": "JO-2026-0101"})
    await bot.post(
        fc.invoke_action(connector.url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    handover = [s for s in connector.sent if s.card and "Ny kandidat til dig" in card_text(s.card)]
    assert len(handover) == 1
    record = await stores.followups.get_followup("JO-2026-0101", cand)
    assert record is not None
    consultant = KONS_A if record.consultant == UPN["29:kons-a"] else KONS_B
    kontaktet = find_action(handover[0].card or {}, "status", to="kontaktet")
    press = fc.invoke_action(
        connector.url, consultant, handover[0].conversation_id, handover[0].activity_id, kontaktet
    )
    answer = await bot.post(press, status=200)
    assert "Status nu: **Kontaktet**" in card_text(answer["value"])

    # No progress for a month (the application deadline passed): the scheduler sends the reminder once.
    clock.now += timedelta(days=30)

    def reminders() -> list[fc.Sent]:
        return [s for s in connector.sent if "Påmindelse" in card_text(s.card or {})]

    await connector.wait_for(lambda: bool(reminders()), timeout=30)
    await rounds.more(5)
    assert len(reminders()) == 1

    # Retention strips what identifies people; erasure removes the candidate everywhere.
    await stores.followups.transition("JO-2026-0101", cand, S.IKKE_INTERESSERET, record.consultant)
    assert await stores.retention.purge_expired(clock.now + timedelta(days=400)) >= 2
    stripped = await stores.followups.get_followup("JO-2026-0101", other)
    assert stripped is not None and stripped.anonymised and stripped.reason is None
    report = await stores.retention.purge_candidate(cand, "admin@kk.dk")
    assert report.records == 1 and await stores.followups.get_followup("JO-2026-0101", cand) is None
    funnel = await stores.followups.funnel("JO-2026-0101")
    assert funnel[S.AFVIST] == 1

    # The keys really are spread over the cluster's primaries by their hash tags.
    redis = client_from_url(cluster.url)
    try:
        tags = [keys.FU_TAG, keys.POOL_TAG, keys.INTAKE_TAG, keys.CONV_TAG]
        slots = {tag: await redis.cluster_keyslot(tag) for tag in tags}  # type: ignore[attr-defined]
        assert len(set(slots.values())) == len(tags)
    finally:
        await redis.aclose()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [
        json.dumps(r.getMessage()) for r in caplog.records if r.levelno >= logging.ERROR
    ]
