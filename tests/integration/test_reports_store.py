"""The reports' reads on the real redis-server: job orders with sector and contract, their records
through their life and after retention, the candidates' centres; and the monthly post's claim, which
only one of several replicas wins, and which comes back when the winner dies before finishing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.outcomes import parse_period
from bot.domain.reports import clause_report, results_report, target_report, time_report
from bot.domain.states import FollowUpState as S
from bot.domain.targets import load_targets
from bot.store import Stores, keys
from matching.models import FORLOEB_TYPES, EmployerSector
from tests.followup_support import Clock, Ranked, StoreFactory, candidate, job_order
from tests.harness import wait_until

pytest_plugins = ["tests.followup_fixtures"]


async def _hire(store: Stores, jo: str, cid: str, start: date) -> None:
    for step in (S.GODKENDT, S.KONTAKTET, S.HENVIST):
        await store.followups.transition(jo, cid, step, "leder@kk.dk")
    await store.followups.transition(
        jo, cid, S.SAMTALE, "jk@kk.dk", interview_at=store.context.clock() + timedelta(days=1)
    )
    job = await store.job_orders.get_job_order(jo)
    started = S.STARTET_FORLOEB if job is not None and job.employment_type in FORLOEB_TYPES else S.ANSAT
    await store.followups.transition(jo, cid, started, "jk@kk.dk", start_date=start)


async def test_reports_read_sector_contract_and_anonymised_records(store: Stores, clock: Clock) -> None:
    contract = {"id": "KON-7", "forvaltning": "tmf", "required_positions": 4}
    praktik = job_order(
        "JO-P",
        employment_type="virksomhedspraktik",
        duration_weeks=13,
        employer_sector="sof",
        contract=contract,
    )
    private = job_order(
        "JO-X", employment_type="loentilskud_privat", duration_weeks=26, employer_sector="privat"
    )
    for job in (praktik, private):
        await store.job_orders.save_job_order(job)
    await store.pool.put_candidates([candidate("K-1"), candidate("K-2"), candidate("K-3")])
    await store.shortlists.save_shortlist("JO-P", [Ranked("K-1", 90), Ranked("K-2", 80)], consultants={})
    await store.shortlists.save_shortlist("JO-X", [Ranked("K-3", 90)], consultants={})
    # Started the day ansat is registered (18.12.2026): after retention the start is read from that day.
    await _hire(store, "JO-P", "K-1", date(2026, 12, 18))
    await _hire(store, "JO-X", "K-3", date(2026, 12, 18))

    data = await store.reports.report_data()
    assert set(data.jobs) == {"JO-P", "JO-X"} and len(data.records) == 3
    assert data.jobs["JO-P"].contract is not None and data.jobs["JO-P"].employer_sector is EmployerSector.SOF
    assert data.candidates["K-1"].centre == "Jobcenter København Nord"  # the profile's jobcentre

    targets = load_targets()
    december = parse_period("2026-12")
    assert december is not None
    report = target_report(data, month=december, config=targets)
    sof = {r.group: r for r in report.rows if r.forvaltning is EmployerSector.SOF}
    praktik_row = next(s for s in sof["virksomhedsplaceringer"].schemes if s.scheme == "virksomhedspraktik")
    assert praktik_row.people == 1 and praktik_row.status == pytest.approx(14 / 365)  # 18-31 December
    assert report.exclusions.other_employer == 1

    clauses = clause_report(data)
    row = next(r for r in clauses.rows if r.contract_id == "KON-7")
    assert (row.forvaltning, row.required, row.filled, row.missing) == (EmployerSector.TMF, 4, 1, 3)
    timing = time_report(data)
    assert {s.step: s.reached for s in timing.steps} == {
        "shortlist": 2,
        "decision": 2,
        "referral": 2,
        "hire": 2,
    }

    # Retention strips the record's dates and consultant; the report still counts it, from its history.
    clock.now += timedelta(days=400)
    await store.pool.remove("K-1")
    assert await store.retention.purge_expired(clock.now) >= 1
    after = await store.reports.report_data()
    assert any(r.anonymised for r in after.records)
    results = results_report(after)
    assert sum(r.hired for r in results.rows) == 2 and results.exclusions.anonymised >= 1
    assert {r.centre for r in results.rows} == {"ukendt", "Jobcenter København Nord"}  # K-1's profile is gone
    again = target_report(after, month=december, config=targets)
    assert [r.status for r in again.rows] == [r.status for r in report.rows]


async def test_the_monthly_post_is_claimed_once_and_taken_over_after_a_crash(stores: StoreFactory) -> None:
    a, b = stores.new(), stores.new()  # two replicas
    assert await a.reports.claim_monthly("2026-11", "tok-a", lease_ms=60_000)
    assert not await b.reports.claim_monthly("2026-11", "tok-b", lease_ms=60_000)
    # a dies before finishing: once its lease is out, b takes over; a's late finish changes nothing
    await a.context.redis.pexpire(keys.monthly_post(a.context.prefix, "2026-11"), 1)
    won: list[bool] = []

    async def b_claims() -> bool:
        won.append(await b.reports.claim_monthly("2026-11", "tok-b", lease_ms=60_000))
        return won[-1]

    await wait_until(b_claims)
    assert not await a.reports.finish_monthly("2026-11", "tok-a")
    assert await b.reports.finish_monthly("2026-11", "tok-b")
    assert await a.reports.monthly_done("2026-11")
    assert not await a.reports.claim_monthly("2026-11", "tok-c")
