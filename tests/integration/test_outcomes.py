"""Results per scheme ("rapport"): hires and the share in job in the 3rd month, from real records.

The counting is pure (records in, rows out); the store test drives real records on the real
redis-server through their life (including retention, which strips the start date) and reads them back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain.outcomes import (
    OutcomeConfig,
    load_outcome_config,
    outcome_report,
    parse_period,
)
from bot.domain.reminders import add_months
from bot.domain.states import FollowUpState as S
from bot.store import Stores
from bot.ui.texts import period_text
from config import ConfigError
from matching.models import FORLOEB_TYPES
from matching.models import EmploymentType as E
from tests.followup_support import Clock, Ranked, job_order

pytest_plugins = ["tests.followup_fixtures"]

CONFIG = OutcomeConfig(
    reference_label="BIF 2017", reference_source="test", reference={E.VIRKSOMHEDSPRAKTIK: 16}
)


def test_the_shipped_reference_figures_are_the_administrations() -> None:
    config = load_outcome_config()
    assert config.reference == {
        E.VIRKSOMHEDSPRAKTIK: 16,
        E.LOENTILSKUD_PRIVAT: 49,
        E.LOENTILSKUD_OFFENTLIG: 35,
        E.NYTTEINDSATS: 33,
    }


def test_a_bad_outcomes_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "outcomes.toml"
    bad.write_text('reference_label = "x"\nreference_source = "y"\n[reference]\nvirksomhedspraktik = 160\n')
    with pytest.raises(ConfigError) as err:
        load_outcome_config(bad)
    assert str(bad) in str(err.value) and "reference.virksomhedspraktik" in str(err.value)
    bad.write_text('reference_label = "x"\nreference_source = "y"\n[reference]\npraktik = 16\n')
    with pytest.raises(ConfigError, match=r"reference\.praktik"):
        load_outcome_config(bad)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1), "november 2026"),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "december 2026"),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2026"),
    ],
)
def test_periods_are_months_or_years(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert period is not None and (period.start, period.end, period_text(period)) == (start, end, label)


@pytest.mark.parametrize(
    "text", ["2026-13", "11-2026", "nov", "2026-1", "", "0000", "9999", "9999-12", "0000-05"]
)
def test_anything_else_is_not_a_period(text: str) -> None:
    assert parse_period(text) is None


async def _hire(store: Stores, jo: str, cid: str, start: date, outcome: S | None = None) -> None:
    for step in (S.GODKENDT, S.KONTAKTET, S.ANSOEGT):
        await store.followups.transition(jo, cid, step, "leder@kk.dk")
    await store.followups.transition(
        jo, cid, S.SAMTALE, "jk@kk.dk", interview_at=store.context.clock() + timedelta(days=1)
    )
    job = await store.job_orders.get_job_order(jo)
    started = S.STARTET_FORLOEB if job is not None and job.employment_type in FORLOEB_TYPES else S.ANSAT
    await store.followups.transition(jo, cid, started, "jk@kk.dk", start_date=start)
    if outcome is not None:  # registered on the day of the 3-month check (never earlier), then back
        clock, today = store.context.clock, store.context.clock()
        clock.now = max(today, datetime.combine(add_months(start, 3), time(12), UTC))  # type: ignore[attr-defined]
        await store.followups.transition(jo, cid, outcome, "jk@kk.dk")
        clock.now = today  # type: ignore[attr-defined]


async def test_report_counts_hires_and_3_month_outcomes_per_scheme(store: Stores, clock: Clock) -> None:
    praktik = job_order(
        "JO-P", employment_type="virksomhedspraktik", description="Anlægsprojekt med beskæftigelsesklausul."
    )
    ordinary = job_order("JO-O", employment_type="ordinaert_job")
    for job in (praktik, ordinary):
        await store.job_orders.save_job_order(job)
    await store.shortlists.save_shortlist(
        "JO-P", [Ranked(f"K-P{i}", 90 - i) for i in range(6)], consultants={}
    )
    await store.shortlists.save_shortlist(
        "JO-O", [Ranked(f"K-O{i}", 90 - i) for i in range(3)], consultants={}
    )
    # Virksomhedspraktik: 2 in job and 1 in education at the check (all three count), 1 in neither,
    # 1 still waiting; 1 never started.
    for i, outcome in enumerate((S.I_JOB, S.I_JOB, S.I_UDDANNELSE, S.HVERKEN)):
        await _hire(store, "JO-P", f"K-P{i}", date(2026, 9, 1), outcome)
    await _hire(store, "JO-P", "K-P4", date(2026, 11, 2))
    await store.followups.transition("JO-P", "K-P5", S.AFVIST, "leder@kk.dk", reason="andet")
    # Ordinary job: one hire in September whose check is overdue, one in December.
    await _hire(store, "JO-O", "K-O0", date(2026, 9, 1))
    await _hire(store, "JO-O", "K-O1", date(2026, 12, 1), S.I_JOB_3_MDR)

    records, jobs = await store.followups.placements()
    assert {r.candidate_id for r in records} == {"K-P0", "K-P1", "K-P2", "K-P3", "K-P4", "K-O0", "K-O1"}
    assert {jo: job.employment_type for jo, job in jobs.items()} == {
        "JO-P": E.VIRKSOMHEDSPRAKTIK,
        "JO-O": E.ORDINAERT_JOB,
    }

    today = date(2026, 12, 18)
    report = outcome_report(records, jobs, today=today, config=CONFIG)
    ordinary_row, praktik_row = report.rows  # the enum's order: ordinært job first
    assert praktik_row.employment_type is E.VIRKSOMHEDSPRAKTIK
    assert (praktik_row.hired, praktik_row.in_job, praktik_row.stopped, praktik_row.pending) == (5, 3, 1, 1)
    assert praktik_row.share == 75.0 and praktik_row.reference == 16
    assert (ordinary_row.hired, ordinary_row.in_job, ordinary_row.check_overdue) == (2, 1, 1)
    assert ordinary_row.share == 100.0 and ordinary_row.reference is None
    assert (report.total.hired, report.total.in_job, report.total.stopped) == (7, 4, 1)
    assert report.total.share == 80.0
    assert (report.clause_hired, report.clause_in_job) == (5, 3)  # the praktik job order names its clause

    september = outcome_report(records, jobs, today=today, config=CONFIG, period=parse_period("2026-09"))
    assert [(r.employment_type, r.hired) for r in september.rows] == [
        (E.ORDINAERT_JOB, 1),
        (E.VIRKSOMHEDSPRAKTIK, 4),
    ]
    assert outcome_report(records, jobs, today=today, config=CONFIG, period=parse_period("2025")).rows == ()

    # Retention strips the start date; the hire still counts, in the month ansat was registered.
    clock.now += timedelta(days=400)
    assert await store.retention.purge_expired(clock.now) >= 5
    records, jobs = await store.followups.placements()
    closed = [r for r in records if r.anonymised]
    assert closed and all(r.start_date is None for r in closed)
    december = outcome_report(records, jobs, today=today, config=CONFIG, period=parse_period("2026-12"))
    assert december.total.hired == 7  # all were registered as ansat on 18.12.2026 (the test's clock)
