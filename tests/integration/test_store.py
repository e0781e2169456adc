"""The follow-up store against a real redis-server: life of a follow-up, concurrency, audit, queries,
the pool, connections and a Redis restart in the middle of a run."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from redis.exceptions import AuthenticationError, NoPermissionError, RedisError

from bot.domain.errors import (
    AlreadyInState,
    BadId,
    Conflict,
    CprRefused,
    FollowUpNotFound,
    NotAllowed,
    StartTooFarAhead,
)
from bot.domain.models import ShortlistCounts
from bot.domain.states import FollowUpState
from bot.store import Stores, keys
from bot.store.connection import EMBEDDED_WARNING, client_from_url, connect, durability_warnings
from bot.ui.texts import error_text
from matching.texts import CPR_REFUSAL
from tests.followup_support import Clock, Ranked, StoreFactory, candidate, cph, job_order
from tests.redis_server import RedisServer

pytest_plugins = ("tests.followup_fixtures",)

S = FollowUpState
JO = "JO-2026-0001"
LEAD = "leder@kk.dk"
JK = "jk@kk.dk"


async def _setup(store: Stores, *cids: str, consultant: str = JK, deadline: date | None = None) -> None:
    await store.pool.put_candidates(candidate(c, consultant) for c in cids)
    await store.job_orders.save_job_order(job_order(JO, deadline=deadline))
    await store.shortlists.save_shortlist(JO, [Ranked(c, 90 - i) for i, c in enumerate(cids)])


# --- job orders and shortlists -------------------------------------------------------------------


async def test_job_order_created_unchanged_revised(store: Stores) -> None:
    job = job_order(JO, deadline=date(2027, 1, 15))
    assert await store.job_orders.save_job_order(job) == "created"
    assert await store.job_orders.save_job_order(job) == "unchanged"  # resubmission: nothing happens
    assert await store.job_orders.save_job_order(job.model_copy(update={"hours_per_week": 30})) == "revised"
    saved = await store.job_orders.get_job_order(JO)
    assert saved is not None and saved.hours_per_week == 30
    assert await store.job_orders.get_job_order("JO-UKENDT") is None
    assert [a.action for a in await store.followups.audit(JO)] == ["job_order_created", "job_order_revised"]


async def test_shortlist_creates_proposals_with_the_pool_consultant_and_keeps_decisions(
    store: Stores,
) -> None:
    await store.pool.put_candidates([candidate("K-1", "Anna@KK.dk"), candidate("K-2", "bo@kk.dk")])
    await store.job_orders.save_job_order(job_order(JO))
    await store.shortlists.save_shortlist(
        JO, [Ranked("K-1", 91.26), Ranked("K-2", 80.0), Ranked("K-3", 70.0)]
    )
    entries = await store.shortlists.get_shortlist(JO)
    assert [(e.rank, e.candidate_id, e.score, e.consultant) for e in entries] == [
        (1, "K-1", 91.3, "anna@kk.dk"),
        (2, "K-2", 80.0, "bo@kk.dk"),
        (3, "K-3", 70.0, ""),
    ]
    assert all(e.decision is None and e.state is S.FORESLAAET for e in entries)
    assert entries[0].reasons == ("Jobønske 'Lagermedarbejder' ≈ 'Lagerarbejder' (96)",)

    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    await store.followups.transition(JO, "K-2", S.AFVIST, LEAD, reason="For lang transport")
    # a re-match re-ranks, but the leads' decisions stay
    await store.shortlists.save_shortlist(JO, [Ranked("K-2", 85.0), Ranked("K-1", 84.0)])
    entries = await store.shortlists.get_shortlist(JO)
    assert [(e.candidate_id, e.decision, e.decided_by) for e in entries] == [
        ("K-2", S.AFVIST, LEAD),
        ("K-1", S.GODKENDT, LEAD),
    ]
    record = await store.followups.get_followup(JO, "K-2")
    assert record is not None and record.reason == "For lang transport" and not record.is_open


async def test_ids_that_look_like_cpr_are_refused(store: Stores) -> None:
    await store.job_orders.save_job_order(job_order(JO))
    with pytest.raises(CprRefused) as err:
        await store.shortlists.save_shortlist(JO, [Ranked("0101901234", 80.0)])
    assert error_text(err.value) == CPR_REFUSAL
    with pytest.raises(BadId) as bad:
        await store.shortlists.save_shortlist(JO, [Ranked("K:1", 80.0)])
    assert bad.value.value == "K:1" and "ikke et gyldigt id" in error_text(bad.value)
    assert await store.shortlists.get_shortlist(JO) == []


async def test_saving_the_same_shortlist_again_changes_nothing(store: Stores) -> None:
    await store.pool.put_candidates(candidate(f"K-{i}") for i in range(1, 11))
    await store.job_orders.save_job_order(job_order(JO, deadline=date(2027, 1, 15)))
    ranked = [Ranked(f"K-{i}", 90 - i) for i in range(1, 11)]
    assert await store.shortlists.save_shortlist(JO, ranked) == 10
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)  # schedules its reminders
    before = (
        await store.shortlists.get_shortlist(JO),
        await store.reminders.scheduled_reminders(),
        await store.followups.audit(JO),
    )
    assert [e.version for e in before[0]] == [2] + [1] * 9 and len(before[1]) == 2
    # the intake retries after a crash, or a lead types "match" twice: nothing is created or reset
    assert await store.shortlists.save_shortlist(JO, ranked) == 0
    after = (
        await store.shortlists.get_shortlist(JO),
        await store.reminders.scheduled_reminders(),
        await store.followups.audit(JO),
    )
    assert after == before
    assert await store.followups.funnel(JO) == {**dict.fromkeys(S, 0), S.FORESLAAET: 9, S.GODKENDT: 1}
    assert len(await store.followups.for_consultant(JK)) == 10


async def test_the_cards_counts_are_kept_with_the_shortlist_for_any_store(stores: StoreFactory) -> None:
    writer, reader = stores.new(), stores.new()  # e.g. another replica, or after a restart
    await _setup(writer, "K-1")
    assert await reader.shortlists.shortlist_counts(JO) is None  # saved without counts
    counts = ShortlistCounts(considered=1200, excluded={"Arbejdstid": 14, "Afstand": 3})
    assert (
        await writer.shortlists.save_shortlist(JO, [Ranked("K-1", 90), Ranked("K-2", 80)], counts=counts) == 1
    )
    assert await reader.shortlists.shortlist_counts(JO) == counts
    assert [e.candidate_id for e in await reader.shortlists.get_shortlist(JO)] == ["K-1", "K-2"]  # not a row
    newer = ShortlistCounts(considered=1201, excluded={})
    assert await writer.shortlists.save_shortlist(JO, [Ranked("K-2", 85)], counts=newer) == 0
    assert await reader.shortlists.shortlist_counts(JO) == newer
    await writer.shortlists.save_shortlist(
        JO, [Ranked("K-2", 85)]
    )  # a list without counts: none are left over
    assert await reader.shortlists.shortlist_counts(JO) is None
    assert await reader.shortlists.shortlist_counts("JO-UNKNOWN") is None


async def test_a_decision_made_between_two_saves_survives_and_the_rows_carry_version_and_reason(
    store: Stores,
) -> None:
    await _setup(store, "K-1", "K-2", "K-3")
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    await store.followups.transition(JO, "K-2", S.AFVIST, LEAD, reason="Mangler truckcertifikat")
    # a re-match: K-1 and K-2 again, K-3 dropped out, K-4 new
    await store.pool.put_candidates([candidate("K-4")])
    again = [Ranked("K-2", 88.0), Ranked("K-4", 87.0), Ranked("K-1", 86.0)]
    assert await store.shortlists.save_shortlist(JO, again) == 1
    entries = await store.shortlists.get_shortlist(JO)
    rows = [(e.candidate_id, e.state, e.version, e.reason, e.decided_by) for e in entries]
    assert rows == [
        ("K-2", S.AFVIST, 2, "Mangler truckcertifikat", LEAD),
        ("K-4", S.FORESLAAET, 1, None, None),
        ("K-1", S.GODKENDT, 2, None, LEAD),
    ]
    # the version on the row is the one a card button sends back: it applies, a stale one conflicts
    await store.followups.transition(JO, "K-1", S.KONTAKTET, JK, expected_version=rows[2][2])
    with pytest.raises(Conflict):
        await store.followups.transition(JO, "K-4", S.GODKENDT, LEAD, expected_version=rows[1][2] + 1)


async def test_decisions_racing_with_re_saves_of_the_shortlist_are_never_lost(stores: StoreFactory) -> None:
    first = stores.new()
    cids = [f"K-{i}" for i in range(1, 21)]
    await _setup(first, *cids)
    ranked = [Ranked(c, 90 - i) for i, c in enumerate(cids)]
    savers, leads = [stores.new() for _ in range(5)], [stores.new() for _ in range(5)]
    await asyncio.gather(
        *(s.shortlists.save_shortlist(JO, ranked) for s in savers for _ in range(4)),
        *(leads[i % 5].followups.transition(JO, c, S.GODKENDT, LEAD) for i, c in enumerate(cids)),
    )
    entries = await first.shortlists.get_shortlist(JO)
    assert [(e.candidate_id, e.state, e.version) for e in entries] == [(c, S.GODKENDT, 2) for c in cids]
    assert [a.action for a in await first.followups.audit(JO) if a.candidate_id == "K-7"] == [
        "created",
        "transition",
    ]


# --- the life of a follow-up -----------------------------------------------------------------------


async def test_a_follow_up_driven_through_its_whole_life(store: Stores, clock: Clock) -> None:
    await _setup(store, "K-1")
    steps = [
        (S.GODKENDT, LEAD, {}),
        (S.KONTAKTET, JK, {"note": "Kandidaten er interesseret"}),
        (S.ANSOEGT, JK, {}),
        (S.SAMTALE, JK, {"interview_at": cph(2027, 1, 6, 13)}),
        (S.ANSAT, JK, {"start_date": date(2027, 2, 1)}),
        (S.I_JOB_3_MDR, JK, {}),
    ]
    for i, (to, actor, extra) in enumerate(steps, start=2):
        clock.advance(hours=3)
        if to is S.I_JOB_3_MDR:
            clock.set(cph(2027, 5, 3, 9))  # the 3-month check: three months after the start on 1 February
        record = await store.followups.transition(JO, "K-1", to, actor, **extra)  # type: ignore[arg-type]
        assert (record.state, record.version, record.updated_at) == (to, i, clock.now)
    final = await store.followups.get_followup(JO, "K-1")
    assert final == record
    assert final.closed_at == clock.now and not final.is_open
    assert final.interview_at == cph(2027, 1, 6, 13) and final.start_date == date(2027, 2, 1)
    assert final.note == "Kandidaten er interesseret"
    assert [h.to_state for h in final.history] == [S.FORESLAAET] + [s for s, _, _ in steps]
    assert [h.actor for h in final.history][1:3] == [LEAD, JK]
    funnel = await store.followups.funnel(JO)
    assert funnel[S.I_JOB_3_MDR] == 1 and sum(funnel.values()) == 1
    assert await store.followups.for_consultant(JK) == []  # closed: nothing left to do
    assert await store.reminders.scheduled_reminders() == []  # closed: no reminders


async def test_illegal_transition_changes_nothing(store: Stores) -> None:
    await _setup(store, "K-1")
    before = await store.followups.get_followup(JO, "K-1")
    with pytest.raises(NotAllowed) as err:
        await store.followups.transition(JO, "K-1", S.ANSAT, JK, start_date=date(2027, 2, 1))
    assert (err.value.from_state, err.value.to_state) == (S.FORESLAAET, S.ANSAT)
    assert "Mulige næste trin: Godkendt (godkendt), Afvist (afvist)" in error_text(err.value)
    with pytest.raises(CprRefused) as cpr:
        await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD, note="cpr 010190-1234")
    assert "CPR" in error_text(cpr.value)
    assert await store.followups.get_followup(JO, "K-1") == before
    assert [a.action for a in await store.followups.audit(JO, "K-1")] == ["created"]
    with pytest.raises(FollowUpNotFound) as missing:
        await store.followups.transition(JO, "K-9", S.GODKENDT, LEAD)
    assert (missing.value.job_order_id, missing.value.candidate_id) == (JO, "K-9")
    assert error_text(missing.value).startswith("Der er ingen opfølgning for K-9")


# --- no lost updates, no double apply ----------------------------------------------------------------


async def test_twenty_leads_approving_at_once_apply_once(stores: StoreFactory) -> None:
    first = stores.new()
    await _setup(first, "K-1")
    clients = [stores.new() for _ in range(20)]
    results = await asyncio.gather(
        *(c.followups.transition(JO, "K-1", S.GODKENDT, f"leder{i}@kk.dk") for i, c in enumerate(clients)),
        return_exceptions=True,
    )
    wins = [r for r in results if not isinstance(r, BaseException)]
    refusals = [r for r in results if isinstance(r, AlreadyInState)]
    assert len(wins) == 1 and len(refusals) == 19
    assert all(r.state == S.GODKENDT and "allerede" in error_text(r) for r in refusals)
    record = await first.followups.get_followup(JO, "K-1")
    assert record is not None and record.version == 2 and record.state is S.GODKENDT
    assert [a.action for a in await first.followups.audit(JO, "K-1")] == ["created", "transition"]


async def test_many_writers_on_separate_connections_lose_no_update(stores: StoreFactory) -> None:
    first = stores.new()
    await _setup(first, "K-1")
    clients = [stores.new() for _ in range(10)]

    async def writer(i: int, s: Stores) -> None:
        for j in range(5):
            await s.followups.add_note(JO, "K-1", f"note {i}-{j}", f"jk{i}@kk.dk")

    await asyncio.gather(*(writer(i, c) for i, c in enumerate(clients)))
    record = await first.followups.get_followup(JO, "K-1")
    assert record is not None and record.version == 1 + 50
    notes = [h.note for h in record.history if h.note]
    assert sorted(notes) == sorted(f"note {i}-{j}" for i in range(10) for j in range(5))  # all, once


async def test_competing_different_changes_both_land_in_order(stores: StoreFactory) -> None:
    a, b = stores.new(), stores.new()
    await _setup(a, "K-1")
    await a.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    # kontaktet and ikke_interesseret race; whichever lands first, the other is re-validated on top
    results = await asyncio.gather(
        a.followups.transition(JO, "K-1", S.KONTAKTET, JK),
        b.followups.transition(JO, "K-1", S.IKKE_INTERESSERET, "jk2@kk.dk"),
        return_exceptions=True,
    )
    record = await a.followups.get_followup(JO, "K-1")
    assert record is not None
    applied = [r for r in results if not isinstance(r, BaseException)]
    assert record.version == 3 + len(applied) - 1
    in_order = sorted(applied, key=lambda r: r.version)
    assert [h.to_state for h in record.history][2:] == [r.state for r in in_order]


async def test_a_repeated_action_with_the_same_idempotency_key_is_applied_once(stores: StoreFactory) -> None:
    first = stores.new()
    await _setup(first, "K-1")
    clients = [stores.new() for _ in range(8)]
    results = await asyncio.gather(
        *(c.followups.transition(JO, "K-1", S.GODKENDT, LEAD, idempotency_key="activity-42") for c in clients)
    )
    assert {r.version for r in results} == {2}  # every caller gets the record, none an error
    # a Teams retry long after, when the record has moved on: still not applied again
    await first.followups.transition(JO, "K-1", S.KONTAKTET, JK)
    again = await first.followups.transition(JO, "K-1", S.GODKENDT, LEAD, idempotency_key="activity-42")
    assert again.state is S.KONTAKTET and again.version == 3
    assert [a.to_state for a in await first.followups.audit(JO, "K-1")] == [
        S.FORESLAAET,
        S.GODKENDT,
        S.KONTAKTET,
    ]


async def test_stale_card_gets_a_conflict_not_an_overwrite(stores: StoreFactory) -> None:
    a, b = stores.new(), stores.new()
    await _setup(a, "K-1")
    await a.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    seen = await b.followups.get_followup(JO, "K-1")
    assert seen is not None
    await a.followups.transition(JO, "K-1", S.KONTAKTET, JK, expected_version=seen.version)
    with pytest.raises(Conflict) as err:
        await b.followups.transition(JO, "K-1", S.TRUKKET, "jk2@kk.dk", expected_version=seen.version)
    assert err.value.current == S.KONTAKTET
    assert "ændret af en anden" in error_text(err.value) and "Kontaktet" in error_text(err.value)
    record = await a.followups.get_followup(JO, "K-1")
    assert record is not None and record.state is S.KONTAKTET


# --- audit trail --------------------------------------------------------------------------------------


async def test_audit_trail_per_record_and_job_order_without_personal_data(
    store: Stores, clock: Clock
) -> None:
    await _setup(store, "K-1", "K-2")
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD, note="Passer godt, har bil")
    clock.advance(minutes=5)
    await store.followups.transition(JO, "K-2", S.AFVIST, LEAD, reason="Mangler truckcertifikat")
    trail = await store.followups.audit(JO)
    assert [(a.action, a.candidate_id) for a in trail] == [
        ("job_order_created", None),
        ("created", "K-1"),
        ("created", "K-2"),
        ("transition", "K-1"),
        ("transition", "K-2"),
    ] or [(a.action, a.candidate_id) for a in trail][3:] == [("transition", "K-1"), ("transition", "K-2")]
    mine = await store.followups.audit(JO, "K-2")
    assert [(a.from_state, a.to_state, a.actor, a.version) for a in mine] == [
        (None, S.FORESLAAET, "system", 1),
        (S.FORESLAAET, S.AFVIST, LEAD, 2),
    ]
    assert mine[-1].at == clock.now
    raw = await store.followups.r.xrange(keys.audit(store.context.prefix, JO))
    flat = " ".join(v for _, fields in raw for v in fields.values())
    assert "har bil" not in flat and "truckcertifikat" not in flat  # notes and reasons stay out


# --- queries ------------------------------------------------------------------------------------------


async def test_funnel_by_state_mine_and_overdue(store: Stores, clock: Clock) -> None:
    await store.pool.put_candidates(
        [candidate(f"K-{i}") for i in range(1, 6)] + [candidate("K-9", "andre@kk.dk")]
    )
    await store.job_orders.save_job_order(job_order(JO))
    await store.shortlists.save_shortlist(JO, [Ranked(f"K-{i}", 90 - i) for i in (1, 2, 3, 4, 5, 9)])
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)  # Friday 18 Dec: reminder Tue 22 Dec
    clock.advance(days=3)  # Monday 21 Dec
    await store.followups.transition(JO, "K-2", S.GODKENDT, LEAD)  # reminder Wed 23 Dec
    await store.followups.transition(JO, "K-3", S.AFVIST, LEAD, reason="Timetal passer ikke")
    await store.followups.transition(JO, "K-9", S.GODKENDT, LEAD)

    funnel = await store.followups.funnel(JO)
    assert (funnel[S.FORESLAAET], funnel[S.GODKENDT], funnel[S.AFVIST], funnel[S.ANSAT]) == (2, 3, 1, 0)
    shown = await store.followups.known_funnel(JO)  # what "overblik" shows
    assert shown is not None and shown.current == funnel
    assert await store.followups.known_funnel("JO-UKENDT") is None  # unknown job order: not a funnel of zeros
    await store.job_orders.save_job_order(job_order("JO-2026-0002"))
    empty = await store.followups.known_funnel("JO-2026-0002")  # known, nobody shortlisted
    assert empty is not None and empty.current == empty.reached == dict.fromkeys(S, 0)
    assert {r.candidate_id for r in await store.followups.by_state(S.GODKENDT)} == {"K-1", "K-2", "K-9"}

    now = cph(2026, 12, 22, 12)  # Tuesday noon: K-1 is overdue, K-2 due tomorrow, K-4/K-5 wait for the lead
    mine = await store.followups.for_consultant("JK@kk.dk", now=now)
    assert [r.candidate_id for r in mine] == ["K-1", "K-2", "K-4", "K-5"]  # K-3 closed, K-9 someone else's
    assert mine[0].is_overdue(now) and not mine[1].is_overdue(now)
    assert [r.candidate_id for r in await store.followups.overdue(now)] == ["K-1"]
    assert {r.candidate_id for r in await store.followups.overdue(cph(2026, 12, 23, 12))} == {
        "K-1",
        "K-2",
        "K-9",
    }
    await store.followups.transition(JO, "K-1", S.KONTAKTET, JK)  # acting clears it
    assert [r.candidate_id for r in await store.followups.overdue(now)] == []


# --- candidate pool ---------------------------------------------------------------------------------------


async def test_pool_put_all_version_remove(store: Stores) -> None:
    assert await store.pool.pool_version() == 0 and await store.pool.all_candidates() == []
    assert await store.pool.put_candidates(candidate(f"K-{i}") for i in range(1200)) == 1200
    v1 = await store.pool.pool_version()
    assert v1 >= 1
    everyone = await store.pool.all_candidates()
    assert len(everyone) == 1200 and everyone[0] == candidate("K-0")
    await store.pool.put_candidates([candidate("K-0", "ny@kk.dk")])  # upsert
    got = await store.pool.get_candidate("K-0")
    assert got is not None and got.consultant == "ny@kk.dk"
    assert await store.pool.pool_version() > v1
    assert await store.pool.remove("K-0") is True and await store.pool.remove("K-0") is False
    assert len(await store.pool.all_candidates()) == 1199


# --- connections ---------------------------------------------------------------------------------------


@dataclass
class _Settings:
    redis_url: str
    redis_retry_seconds: float = 2.0


async def test_connect_uses_the_url_and_checks_durability(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = await connect(_Settings(redis_url))
    try:
        assert await durability_warnings(client) == []  # the test server runs with AOF + noeviction
        old = await client.config_get("maxmemory-policy")
        await client.config_set("maxmemory-policy", "allkeys-lru")
        await client.config_set("appendfsync", "no")
        try:
            warnings = await durability_warnings(client)
            assert any("maxmemory-policy is 'allkeys-lru'" in w for w in warnings)
            assert any("appendfsync is 'no'" in w for w in warnings)
            with caplog.at_level(logging.WARNING):
                other = await connect(_Settings(redis_url))
                await other.aclose()
            assert "evict" in caplog.text
        finally:
            await client.config_set("maxmemory-policy", str(old["maxmemory-policy"]))
            await client.config_set("appendfsync", "always")
    finally:
        await client.aclose()


async def test_acl_user_with_the_documented_grant_and_tls_urls(
    redis_url: str, redis_server: RedisServer | None, key_prefix: str, clock: Clock
) -> None:
    if redis_server is None:
        pytest.skip("kræver testens egen redis-server")
    admin = client_from_url(redis_url)
    # exactly the grant docs/redis-keys.md tells operators to give the bot's ACL user
    await admin.acl_setuser(
        "matchbot-test",
        enabled=True,
        reset=True,
        passwords=["+s3cret"],
        keys=[f"{key_prefix}:*"],
        commands=[
            "+@read",
            "+@write",
            "+@scripting",
            "+@stream",
            "+@connection",
            "+@transaction",
            "+config|get",
        ],
    )
    try:
        port = redis_server.port
        good = client_from_url(f"redis://matchbot-test:s3cret@127.0.0.1:{port}/0")
        assert await durability_warnings(good) == []
        acl_store = Stores.open(good, key_prefix, clock)
        await _setup(acl_store, "K-1")
        assert (await acl_store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)).version == 2
        with pytest.raises(NoPermissionError):  # and nothing outside the prefix
            await good.set("someone-else:key", "x")
        await good.aclose()
        bad = client_from_url(f"redis://matchbot-test:wrong@127.0.0.1:{port}/0")
        with pytest.raises(AuthenticationError):  # at once: a wrong password is not retried
            await bad.ping()
        await bad.aclose()
    finally:
        await admin.acl_deluser("matchbot-test")
        await admin.aclose()
    tls = client_from_url("rediss://cache.example.net:6380/0")
    assert tls.connection_pool.connection_kwargs.get("ssl_cert_reqs") in (None, "required")
    assert tls.connection_pool.connection_class.__name__ == "SSLConnection"
    await tls.aclose()


async def test_without_redis_url_an_embedded_redis_warns_loudly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        client = await connect(_Settings(""))
    assert EMBEDDED_WARNING in caplog.text and "NOTHING PERSISTS" in caplog.text
    embedded = Stores.open(client, "demo")
    await _setup(embedded, "K-1")  # the Lua scripts run in the embedded Redis too
    record = await embedded.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    assert record.version == 2


# --- Redis restarted mid-run ------------------------------------------------------------------------------


async def test_redis_restart_mid_run_loses_nothing_acknowledged(
    restartable_redis: RedisServer, stores: StoreFactory
) -> None:
    store = stores.new()
    await _setup(store, "K-1")
    acknowledged: list[str] = []
    failed = 0
    down = asyncio.Event()
    during_outage: list[str] = []

    async def writer() -> None:
        nonlocal failed
        for i in range(60):
            if i == 20:
                await down.wait()  # the next writes are sent while Redis is down and coming back
            try:
                await store.followups.add_note(JO, "K-1", f"note {i}", JK)
                acknowledged.append(f"note {i}")
            except (RedisError, OSError):  # the client gave up retrying while Redis was down
                failed += 1
            await asyncio.sleep(0)

    async def restarter() -> None:
        while len(acknowledged) < 20:
            await asyncio.sleep(0.001)
        old_pid = restartable_redis.proc.pid if restartable_redis.proc else None
        await asyncio.to_thread(restartable_redis.stop)
        down.set()
        await asyncio.sleep(0.05)  # let the writer hit the closed port and start retrying
        during_outage.extend(acknowledged[20:])
        await asyncio.to_thread(restartable_redis.start)
        assert restartable_redis.proc is not None and restartable_redis.proc.pid != old_pid

    await asyncio.gather(writer(), restarter())
    assert during_outage == []  # nothing could be acknowledged while Redis was down …
    record = await store.followups.get_followup(JO, "K-1")  # the same store object, reconnected
    assert record is not None
    notes = [h.note for h in record.history if h.note]
    assert set(acknowledged) <= set(notes)  # nothing acknowledged is lost
    assert len(notes) == len(set(notes))  # and nothing retried is applied twice
    assert len(acknowledged) == 60 and failed == 0  # … and the retries carried every write through
    after = await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    assert after.version == record.version + 1
    assert timedelta(0) <= after.updated_at - record.updated_at


async def test_redis_crash_keeps_every_acknowledged_transition(
    restartable_redis: RedisServer, stores: StoreFactory
) -> None:
    """kill -9, not shutdown: what was acknowledged is in the AOF (the test server fsyncs always)."""
    store = stores.new()
    cids = [f"K-{i}" for i in range(30)]
    await _setup(store, *cids)
    for cid in cids:
        await store.followups.transition(JO, cid, S.GODKENDT, LEAD)
    await asyncio.to_thread(restartable_redis.kill)
    await asyncio.to_thread(restartable_redis.start)
    assert (await store.followups.funnel(JO))[S.GODKENDT] == 30  # same client, reconnected
    assert len(await store.reminders.scheduled_reminders()) == 30
    assert [a.to_state for a in await store.followups.audit(JO, "K-7")] == [S.FORESLAAET, S.GODKENDT]


async def test_the_funnel_counts_steps_reached_not_only_where_records_stand(
    store: Stores, clock: Clock
) -> None:
    await store.job_orders.save_job_order(job_order(JO))
    await store.shortlists.save_shortlist(JO, [Ranked(f"K-{i}", 90 - i) for i in range(1, 5)], consultants={})
    for step in (S.GODKENDT, S.KONTAKTET, S.ANSOEGT):
        await store.followups.transition(JO, "K-1", step, LEAD)
    await store.followups.transition(JO, "K-1", S.SAMTALE, LEAD, interview_at=clock.now + timedelta(days=2))
    await store.followups.transition(JO, "K-1", S.ANSAT, LEAD, start_date=date(2027, 1, 4))
    await store.followups.transition(JO, "K-2", S.GODKENDT, LEAD)
    await store.followups.transition(JO, "K-2", S.KONTAKTET, LEAD)
    await store.followups.transition(JO, "K-2", S.IKKE_INTERESSERET, LEAD)
    await store.followups.transition(JO, "K-3", S.AFVIST, LEAD, reason="andet")

    funnel = await store.followups.known_funnel(JO)
    assert funnel is not None
    assert funnel.current[S.GODKENDT] == 0 and funnel.current[S.ANSAT] == 1
    reached = {s: funnel.reached[s] for s in (S.FORESLAAET, S.GODKENDT, S.KONTAKTET, S.ANSOEGT, S.ANSAT)}
    assert reached == {S.FORESLAAET: 4, S.GODKENDT: 2, S.KONTAKTET: 2, S.ANSOEGT: 1, S.ANSAT: 1}
    exits = (funnel.reached[S.HENVIST], funnel.reached[S.IKKE_INTERESSERET], funnel.reached[S.AFVIST])
    assert exits == (0, 1, 1)
    # Retention strips notes and actors, not the steps: the funnel reads the same afterwards.
    assert await store.retention.purge_expired(clock.now + timedelta(days=400)) == 4
    assert await store.followups.known_funnel(JO) == funnel


async def test_recent_job_orders_newest_first_with_where_their_candidates_stand(
    store: Stores, clock: Clock
) -> None:
    for n in (1, 2, 3):
        await store.job_orders.save_job_order(job_order(f"JO-{n}"))
        clock.advance(hours=1)
    await store.shortlists.save_shortlist(
        "JO-2", [Ranked(f"K-{i}", 90 - i) for i in range(1, 4)], consultants={}
    )
    await store.followups.transition("JO-2", "K-1", S.GODKENDT, LEAD)
    # A revision is not a new job order: JO-1 keeps its place among the oldest.
    await store.job_orders.save_job_order(job_order("JO-1", description="Nu med nattevagter."))

    listed = await store.job_orders.recent_job_orders()
    assert [job.id for job, _ in listed] == ["JO-3", "JO-2", "JO-1"]
    assert listed[2][0].description == "Nu med nattevagter."  # the current content
    counts = listed[1][1]
    assert (counts[S.FORESLAAET], counts[S.GODKENDT]) == (2, 1)
    assert sum(listed[0][1].values()) == 0  # JO-3: nobody shortlisted yet
    assert [job.id for job, _ in await store.job_orders.recent_job_orders(limit=2)] == ["JO-3", "JO-2"]


async def test_a_start_date_more_than_a_year_ahead_is_refused(store: Stores, clock: Clock) -> None:
    """'ansat' cannot be undone, so a typo (2062 for 2026) would block the 3-month check for decades."""
    await _setup(store, "K-1")
    for to in (S.GODKENDT, S.KONTAKTET, S.ANSOEGT):
        await store.followups.transition(JO, "K-1", to, LEAD)
    await store.followups.transition(JO, "K-1", S.SAMTALE, LEAD, interview_at=clock.now + timedelta(days=2))
    with pytest.raises(StartTooFarAhead) as err:
        await store.followups.transition(JO, "K-1", S.ANSAT, LEAD, start_date=date(2062, 1, 4))
    assert err.value.start == date(2062, 1, 4) and "mere end et år ude i fremtiden" in error_text(err.value)
    fu = await store.followups.get_followup(JO, "K-1")
    assert fu is not None and fu.state is S.SAMTALE
    assert (
        await store.followups.transition(JO, "K-1", S.ANSAT, LEAD, start_date=date(2027, 1, 4))
    ).state is S.ANSAT
