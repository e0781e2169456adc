"""The report family on generated histories with known answers: each expected table is computed here
independently from the records (day by day, by counters, by numpy's quantiles), not by the code under test."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.domain.clock import ZONE
from bot.domain.models import FollowUp
from bot.domain.outcomes import Period, parse_period
from bot.domain.reports import (
    SMALL_N,
    ReportData,
    clause_report,
    previous_month,
    results_report,
    target_report,
    time_report,
)
from bot.domain.states import FollowUpState as S
from bot.domain.targets import TargetConfig, load_targets
from config import ConfigError
from matching.models import FORVALTNINGER, EmployerSector, EmploymentType, JobOrder
from tests.report_support import at, generated_history, job_order, record

HISTORY = generated_history(seed=12, jobs=400, per_job=6)
TARGETS = load_targets()


def _month(text: str) -> Period:
    period = parse_period(text)
    assert period is not None
    return period


def _hire_day(r: FollowUp) -> date:
    steps = [h for h in r.history if h.to_state is S.ANSAT]
    return steps[0].at.astimezone(ZONE).date()


# --- måltal -----------------------------------------------------------------------------------------


def _expected_targets(data: ReportData, month: Period, config: TargetConfig) -> dict[tuple[str, str], float]:
    """Helårspersoner by walking every day of January..month for every forløb; fleksjob by who is
    employed on the month's last day."""
    first, last = date(month.start.year, 1, 1), month.end - timedelta(days=1)
    days_in = (last - first).days + 1
    scheme_by_type = {t: code for code, s in config.schemes.items() for t in s.employment_types}
    out: dict[tuple[str, str], float] = defaultdict(float)
    for r in data.records:
        job = data.jobs[r.job_order_id]
        if not any(h.to_state is S.ANSAT for h in r.history) or r.state not in (
            S.ANSAT,
            S.I_JOB_3_MDR,
            S.OPHOERT,
        ):
            continue
        if job.employer_sector not in FORVALTNINGER or job.employment_type not in scheme_by_type:
            continue
        scheme = scheme_by_type[job.employment_type]
        start = _hire_day(r)
        if config.schemes[scheme].unit == "ansatte":
            stopped = [h.at.astimezone(ZONE).date() for h in r.history if h.to_state is S.OPHOERT]
            if start <= last and not (stopped and stopped[0] <= last):
                out[(job.employer_sector.value, scheme)] += 1
            continue
        end = start + timedelta(weeks=job.duration_weeks) - timedelta(days=1) if job.duration_weeks else last
        day = first
        while day <= last:
            if start <= day <= end:
                out[(job.employer_sector.value, scheme)] += 1 / days_in
            day += timedelta(days=1)
    return out


@pytest.mark.parametrize("month", ["2026-03", "2026-10", "2026-12"])
def test_maaltal_matches_a_day_by_day_count(month: str) -> None:
    period = _month(month)
    report = target_report(HISTORY, month=period, config=TARGETS)
    expected = _expected_targets(HISTORY, period, TARGETS)
    got = {
        (row.forvaltning.value, s.scheme): s.status
        for row in report.rows
        if row.forvaltning is not None
        for s in row.schemes
    }
    assert set(got) == {(f.value, s) for f in FORVALTNINGER for s in TARGETS.schemes}
    for key, value in got.items():
        assert value == pytest.approx(expected.get(key, 0.0)), key
    assert any(v > 0 for v in got.values())
    # KK in total is the sum of the forvaltninger, scheme by scheme
    for row in report.rows:
        if row.forvaltning is None:
            parts = [r for r in report.rows if r.group == row.group and r.forvaltning is not None]
            assert row.status == pytest.approx(sum(p.status for p in parts))
    assert report.period == Period(date(2026, 1, 1), period.end)
    assert not report.has_targets  # no måltal for 2026 in the shipped file: status shown, no percentage
    assert all(r.fulfilment is None for r in report.rows)


def _in_period(r: FollowUp, job: JobOrder, month: Period) -> bool:
    """Whether a hire counts in January..month at all (whoever the employer): a forløb overlapping it,
    a fleksjob hire employed on its last day."""
    first, last = date(month.start.year, 1, 1), month.end - timedelta(days=1)
    start = _hire_day(r)
    if job.employment_type is EmploymentType.FLEKSJOB:
        stopped = [h.at.astimezone(ZONE).date() for h in r.history if h.to_state is S.OPHOERT]
        return start <= last and not (stopped and stopped[0] <= last)
    end = start + timedelta(weeks=job.duration_weeks, days=-1) if job.duration_weeks else last
    return start <= last and end >= first


def test_maaltal_says_what_it_left_out() -> None:
    month = _month("2026-12")
    report = target_report(HISTORY, month=month, config=TARGETS)
    scheme_types = {t for s in TARGETS.schemes.values() for t in s.employment_types}
    hires = [
        (r, HISTORY.jobs[r.job_order_id])
        for r in HISTORY.records
        if r.state in (S.ANSAT, S.I_JOB_3_MDR, S.OPHOERT)
        and HISTORY.jobs[r.job_order_id].employment_type in scheme_types
        and _in_period(r, HISTORY.jobs[r.job_order_id], month)
    ]
    no_sector = sum(1 for _, job in hires if job.employer_sector is None)
    other = sum(
        1
        for _, job in hires
        if job.employer_sector in (EmployerSector.PRIVAT, EmployerSector.OFFENTLIG_ANDEN)
    )
    counted = [r for r, job in hires if job.employer_sector in FORVALTNINGER]
    assert report.exclusions.no_sector == no_sector > 0
    assert report.exclusions.other_employer == other > 0
    assert report.exclusions.anonymised == sum(r.anonymised for r in counted) > 0  # counted, and said to be


def _bif_2017() -> ReportData:
    """BIF's status January-October 2017 (table 3): løntilskud 30, praktik 40, nytteindsats 7
    helårspersoner, 75 in fleksjob. A forløb running the whole period is one helårsperson."""
    jobs: dict[str, JobOrder] = {}
    records = []
    whole = (date(2017, 1, 1), date(2017, 12, 31))
    for kind, people in (
        (EmploymentType.LOENTILSKUD_OFFENTLIG, 30),
        (EmploymentType.VIRKSOMHEDSPRAKTIK, 40),
        (EmploymentType.NYTTEINDSATS, 7),
        (EmploymentType.FLEKSJOB, 75),
    ):
        jobs[kind.value] = job_order(kind.value, kind, sector=EmployerSector.BIF, positions=people)
        for i in range(people):
            ends = whole[1] if kind is not EmploymentType.FLEKSJOB else None
            steps = [(S.GODKENDT, at(date(2016, 12, 1))), (S.ANSAT, at(whole[0]))]
            created = at(date(2016, 11, 30))
            records.append(
                record(kind.value, f"K{i}", steps, created=created, start_date=whole[0], ends_on=ends)
            )
    return ReportData(records, jobs)


def test_maaltal_reproduces_bif_2017_in_the_2017_layout() -> None:
    report = target_report(_bif_2017(), month=_month("2017-10"), config=TARGETS)
    bif = {r.group: r for r in report.rows if r.forvaltning is EmployerSector.BIF}
    places, flex = bif["virksomhedsplaceringer"], bif["fleksjob"]
    assert [round(s.status) for s in places.schemes] == [30, 40, 7]
    assert (round(places.status), places.target, round(places.fulfilment or 0)) == (77, 74, 104)
    assert (flex.status, flex.target, round(flex.fulfilment or 0)) == (75, 36, 208)
    assert round(report.averages[EmployerSector.BIF] or 0) == 156  # the report's 157 rounds the rows first
    kk = {r.group: r for r in report.rows if r.forvaltning is None}
    assert kk["virksomhedsplaceringer"].target == 1520


# --- resultater --------------------------------------------------------------------------------------


def test_results_per_scheme_target_group_centre_sector() -> None:
    period = _month("2026")
    report = results_report(HISTORY, period=period)
    hired: Counter[tuple[object, ...]] = Counter()
    in_job: Counter[tuple[object, ...]] = Counter()
    for r in HISTORY.records:
        if r.state not in (S.ANSAT, S.I_JOB_3_MDR, S.OPHOERT):
            continue
        if not period.start <= _hire_day(r) < period.end:
            continue
        job = HISTORY.jobs[r.job_order_id]
        facts = HISTORY.candidates[r.candidate_id]
        key = (job.employment_type, facts.target_group, facts.centre, job.employer_sector)
        hired[key] += 1
        in_job[key] += r.state is S.I_JOB_3_MDR
    got = {(r.employment_type, r.target_group, r.centre, r.sector): r for r in report.rows}
    assert {k: r.hired for k, r in got.items()} == dict(hired)
    assert {k: r.in_job for k, r in got.items()} == {k: in_job[k] for k in hired}
    assert all(r.small == (r.hired < SMALL_N) for r in report.rows)
    assert any(r.small for r in report.rows)


# --- tid ---------------------------------------------------------------------------------------------


def test_time_to_shortlist_decision_referral_hire() -> None:
    period = _month("2026")
    report = time_report(HISTORY, period=period)
    waits: dict[str, list[float]] = defaultdict(list)
    positions = filled = 0
    for job_id, received in HISTORY.received.items():
        recs = [r for r in HISTORY.records if r.job_order_id == job_id]
        for name, states in (
            ("shortlist", None),
            ("decision", {S.GODKENDT, S.AFVIST}),
            ("referral", {S.HENVIST, S.ANSOEGT}),
            ("hire", {S.ANSAT}),
        ):
            if states is None:
                moments = [r.created_at for r in recs]
            else:
                moments = [h.at for r in recs for h in r.history if h.to_state in states]
            if moments:
                waits[name].append((min(moments) - received).total_seconds() / 86400)
        hires = sum(1 for r in recs if any(h.to_state is S.ANSAT for h in r.history))
        positions += HISTORY.jobs[job_id].positions
        filled += min(hires, HISTORY.jobs[job_id].positions)
    by_name = {s.step: s for s in report.steps}
    for name, values in waits.items():
        step = by_name[name]
        assert step.reached == len(values)
        assert step.median_days == pytest.approx(float(np.median(values)))
        assert step.p80_days == pytest.approx(float(np.quantile(values, 0.8, method="inverted_cdf")))
    assert report.job_orders == len(HISTORY.received)
    assert report.fill_rate == pytest.approx(100 * filled / positions)


def test_time_report_counts_only_job_orders_received_in_the_period() -> None:
    march = _month("2026-03")
    expected = [j for j, when in HISTORY.received.items() if when.astimezone(ZONE).date().month == 3]
    report = time_report(HISTORY, period=march)
    assert sorted(f.job_order_id for f in report.fills) == sorted(expected)


# --- klausuler -----------------------------------------------------------------------------------------


def test_clauses_required_vs_filled_per_contract() -> None:
    report = clause_report(HISTORY)
    required: dict[str, int] = {}
    filled: dict[str, set[str]] = defaultdict(set)
    for job in HISTORY.jobs.values():
        if job.contract:
            required[job.contract.id] = job.contract.required_positions
    for r in HISTORY.records:
        job = HISTORY.jobs[r.job_order_id]
        if job.contract and any(h.to_state is S.ANSAT for h in r.history):
            filled[job.contract.id].add(r.candidate_id)
    rows = {r.contract_id: r for r in report.rows if r.contract_id}
    assert {k: r.required for k, r in rows.items()} == required
    assert {k: r.filled for k, r in rows.items()} == {k: len(filled[k]) for k in required}
    assert report.required == sum(required.values())
    one = next(iter(required))
    only = clause_report(HISTORY, contract=one.lower())
    assert [r.contract_id for r in only.rows if r.contract_id] == [one]


# --- configuration -------------------------------------------------------------------------------------


def test_targets_file_errors_name_the_file_and_field(tmp_path: Path) -> None:
    shipped = Path("config/targets.toml").read_text(encoding="utf-8")
    bad = tmp_path / "targets.toml"
    bad.write_text(shipped.replace("bif = {", "privat = {"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"targets\.toml.*years\.2017\.targets\.privat"):
        load_targets(bad)
    bad.write_text(shipped.replace('schemes = ["fleksjob"]', 'schemes = ["flexjob"]'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"targets\.toml.*ukendt ordning 'flexjob'"):
        load_targets(bad)


def test_previous_month_is_the_last_complete_month() -> None:
    assert previous_month(date(2026, 1, 2)) == Period(date(2025, 12, 1), date(2026, 1, 1))
