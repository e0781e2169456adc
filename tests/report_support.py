"""Generated histories for the report tests and the report benchmark: job orders with employer sectors
and contracts, and follow-up records whose steps happened on known days (seeded, deterministic)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.clock import ZONE
from bot.domain.models import FollowUp, HistoryItem
from bot.domain.reports import CandidateFacts, ReportData
from bot.domain.states import FollowUpState as S
from matching.models import FORVALTNINGER, EmployerSector, EmploymentType, JobOrder

SCHEMES = (
    EmploymentType.LOENTILSKUD_OFFENTLIG,
    EmploymentType.LOENTILSKUD_PRIVAT,
    EmploymentType.VIRKSOMHEDSPRAKTIK,
    EmploymentType.NYTTEINDSATS,
    EmploymentType.FLEKSJOB,
    EmploymentType.ORDINAERT_JOB,
)
TARGET_GROUPS = ("jobparat", "aktivitetsparat", "ukendt")
CENTRES = ("Karrierecentret", "Ungecentret", "Jobcenter Nord")


def at(day: date, hour: int = 10) -> datetime:
    """A moment on ``day`` in Copenhagen, as UTC (as the store keeps it)."""
    return datetime.combine(day, time(hour), ZONE).astimezone(UTC)


def job_order(
    job_id: str,
    kind: EmploymentType,
    *,
    sector: EmployerSector | None = None,
    duration_weeks: int | None = None,
    positions: int = 1,
    contract: tuple[str, EmployerSector, int] | None = None,
) -> JobOrder:
    data: dict[str, object] = {
        "id": job_id,
        "title": "Lagermedarbejder",
        "company": "Firma A/S",
        "employment_type": kind.value,
        "hours_per_week": 30,
        "postcode": "2100",
        "positions": positions,
        "employer_sector": sector.value if sector else None,
        "duration_weeks": duration_weeks,
    }
    if contract:
        data["contract"] = {
            "id": contract[0],
            "forvaltning": contract[1].value,
            "required_positions": contract[2],
        }
    return JobOrder.model_validate(data)


def record(
    job_id: str,
    cand: str,
    steps: list[tuple[S, datetime]],
    *,
    created: datetime,
    start_date: date | None = None,
    ends_on: date | None = None,
    anonymised: bool = False,
) -> FollowUp:
    """A record that went through ``steps`` (state, when) after being shortlisted at ``created``."""
    history = [HistoryItem(None, S.FORESLAAET, "system", created)]
    state = S.FORESLAAET
    for to, when in steps:
        history.append(HistoryItem(state, to, "" if anonymised else "lead@kk.dk", when))
        state = to
    return FollowUp(
        job_order_id=job_id,
        candidate_id=cand,
        consultant="" if anonymised else "kons@kk.dk",
        state=state,
        version=len(history),
        created_at=created,
        updated_at=history[-1].at,
        start_date=None if anonymised else start_date,
        ends_on=None if anonymised else ends_on,
        anonymised=anonymised,
        history=tuple(history),
    )


def generated_history(seed: int, jobs: int, per_job: int, year: int = 2026) -> ReportData:
    """``jobs`` job orders received in ``year`` with ``per_job`` shortlisted candidates each; some are
    decided, referred, hired, checked at 3 months; some anonymised by retention."""
    rnd = random.Random(seed)
    sectors: list[EmployerSector | None] = [*EmployerSector, None]
    contracts = [(f"KON-{i}", rnd.choice(FORVALTNINGER), rnd.randint(2, 8)) for i in range(6)]
    job_orders: dict[str, JobOrder] = {}
    received: dict[str, datetime] = {}
    records: list[FollowUp] = []
    candidates: dict[str, CandidateFacts] = {}
    for j in range(jobs):
        kind = rnd.choice(SCHEMES)
        forloeb = kind not in (EmploymentType.FLEKSJOB, EmploymentType.ORDINAERT_JOB)
        duration = rnd.choice([4, 8, 13, 26, None]) if forloeb else None
        contract = rnd.choice(contracts) if rnd.random() < 0.15 else None
        job_id = f"JO-{j}"
        job_orders[job_id] = job_order(
            job_id,
            kind,
            sector=rnd.choice(sectors),
            duration_weeks=duration,
            positions=rnd.randint(1, 3),
            contract=contract,
        )
        got = date(year, 1, 1) + timedelta(days=rnd.randrange(330))
        received[job_id] = at(got, rnd.randint(7, 15))
        for _ in range(per_job):
            cand = f"K-{rnd.randrange(jobs * per_job)}"
            candidates.setdefault(cand, CandidateFacts(rnd.choice(TARGET_GROUPS), rnd.choice(CENTRES)))
            created = received[job_id] + timedelta(hours=rnd.randint(1, 72))
            steps: list[tuple[S, datetime]] = []
            moment = created
            start = ends = None
            roll = rnd.random()
            if roll > 0.2:
                moment += timedelta(hours=rnd.randint(1, 100))
                if roll < 0.35:
                    steps.append((S.AFVIST, moment))
                else:
                    steps.append((S.GODKENDT, moment))
                    moment += timedelta(days=rnd.randint(1, 10))
                    steps.append((S.KONTAKTET, moment))
                    if roll > 0.5:
                        moment += timedelta(days=rnd.randint(1, 10))
                        steps.append((rnd.choice([S.HENVIST, S.ANSOEGT]), moment))
                        moment += timedelta(days=rnd.randint(1, 10))
                        steps.append((S.SAMTALE, moment))
                        if roll > 0.6:
                            moment += timedelta(days=rnd.randint(1, 20))
                            steps.append((S.ANSAT, moment))
                            start = moment.astimezone(ZONE).date()
                            if duration:
                                ends = start + timedelta(weeks=duration, days=-1)
                            if roll > 0.75:
                                moment += timedelta(days=rnd.randint(95, 200))
                                steps.append((rnd.choice([S.I_JOB_3_MDR, S.OPHOERT]), moment))
            anonymised = rnd.random() < 0.1
            records.append(
                record(
                    job_id,
                    cand,
                    steps,
                    created=created,
                    start_date=start,
                    ends_on=ends,
                    anonymised=anonymised,
                )
            )
    # A candidate can be drawn twice for one job order: keep the last record (the store has one per pair).
    unique = {(r.job_order_id, r.candidate_id): r for r in records}
    return ReportData(list(unique.values()), job_orders, received, candidates)
