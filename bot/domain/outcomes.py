"""Results per scheme: hires, and the share still in job in the 3rd month (``rapport``).

Why: the administration counts a placement's outcome as the share *in job or education in the 3rd
month after* it, per scheme (virksomhedspraktik, løntilskud, nytteindsats …), and the match unit's
leads report that figure monthly. The follow-up records already hold it: a hire (``ansat``) is
closed by the 3-month check as ``i_job_3_mdr`` or ``ophoert``; a forløb (``startet_forloeb``) as
``i_job`` or ``i_uddannelse`` (both count) or ``hverken``, or it is ``afbrudt`` before its end. A share
from fewer than ``min_count_for_share`` checked records is flagged, not shown as a bare percentage.
Pure: records in, rows out; the store reads, the card renders. The administration's own figures to
compare with are data in ``config/outcomes.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.clock import local_date
from bot.domain.models import FollowUp
from bot.domain.reminders import add_months
from bot.domain.states import (
    HIRED_STATES,
    IN_JOB_OR_EDUCATION,
    NOT_IN_JOB_OR_EDUCATION,
    STARTED_STATES,
    FollowUpState,
)
from config import config_path, validate_file
from matching.models import EmploymentType, JobOrder

OUTCOMES_FILE = "outcomes.toml"
_PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")

Percent = Annotated[float, Field(ge=0, le=100)]
PERIOD_YEARS = range(2000, 2101)  # "rapport 0000" or "rapport 9999" is a typing error


class OutcomeConfig(BaseModel):
    """``config/outcomes.toml``: the administration's own shares to compare with, per scheme."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference_label: str = Field(min_length=1, max_length=40)
    reference_source: str = Field(min_length=1)
    reference: dict[EmploymentType, Percent] = {}
    # Below this many checked records a share is not a percentage but a count with a marker.
    min_count_for_share: Annotated[int, Field(ge=1, le=100)] = 5
    min_count_source: str = ""


def load_outcome_config(path: Path | None = None) -> OutcomeConfig:
    return validate_file(OutcomeConfig, path or config_path(OUTCOMES_FILE))


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month or year of hires ("rapport 2026-11"); the end is exclusive."""

    start: date
    end: date

    @property
    def is_year(self) -> bool:
        return self.end == add_months(self.start, 12)


def parse_period(text: str) -> Period | None:
    """``ÅÅÅÅ`` or ``ÅÅÅÅ-MM``; None when it is neither (the handler answers in Danish)."""
    found = _PERIOD_RE.match(text.strip())
    if found is None:
        return None
    year = int(found.group(1))
    if year not in PERIOD_YEARS:
        return None
    if found.group(2) is None:
        return Period(date(year, 1, 1), date(year + 1, 1, 1))
    start = date(year, int(found.group(2)), 1)
    return Period(start, add_months(start, 1))


class CheckedShare:
    """The 3-month share of a row of counts, one definition for ``rapport`` and ``rapport resultater``:
    in job or education among the hires whose check is done (None before the first check)."""

    __slots__ = ()
    in_job: int
    stopped: int

    @property
    def checked(self) -> int:
        return self.in_job + self.stopped

    @property
    def share(self) -> float | None:
        return 100.0 * self.in_job / self.checked if self.checked else None


@dataclass(frozen=True, slots=True)
class OutcomeRow(CheckedShare):
    """One scheme's hires and their 3-month outcome; ``employment_type`` None is the total."""

    employment_type: EmploymentType | None
    hired: int = 0
    in_job: int = 0  # i_job_3_mdr, i_job, i_uddannelse: in job or education at the 3-month check
    stopped: int = 0  # ophoert, hverken, afbrudt: not in job or education (or left before the check)
    pending: int = 0  # still ansat / startet i forløb: the check is not due yet
    check_overdue: int = 0  # still ansat / startet i forløb although the check date has passed
    reference: float | None = None


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    period: Period | None
    rows: tuple[OutcomeRow, ...]  # schemes with at least one hire, in the enum's order
    total: OutcomeRow
    reference_label: str
    reference_source: str
    # Hires on job orders with a beskæftigelsesklausul: the administration has no count of its own.
    clause_hired: int = 0
    clause_in_job: int = 0
    min_count_for_share: int = 5
    few_source: str = ""

    def too_few(self, row: OutcomeRow) -> bool:
        """The share rests on so few checked records that a percentage would mislead ("100 %" for one)."""
        return 0 < row.checked < self.min_count_for_share


def hire_date(record: FollowUp) -> date | None:
    """The start date the consultant gave; after retention (start date purged) the day ``ansat`` (or
    ``startet_forloeb``) was set."""
    if record.start_date is not None:
        return record.start_date
    for step in record.history:
        if step.to_state in STARTED_STATES:
            return local_date(step.at)
    return None


def outcome_report(
    records: Iterable[FollowUp],
    job_orders: Mapping[str, JobOrder],
    *,
    today: date,
    config: OutcomeConfig,
    period: Period | None = None,
    months_to_check: int = 3,
) -> OutcomeReport:
    """Count hires per scheme (hire date in ``period``, or all) and their 3-month outcomes."""
    counts: dict[EmploymentType, dict[str, int]] = {}
    clause_hired = clause_in_job = 0
    for record in records:
        job = job_orders.get(record.job_order_id)
        hired_on = hire_date(record)
        if record.state not in HIRED_STATES or job is None or hired_on is None:
            continue
        if period is not None and not period.start <= hired_on < period.end:
            continue
        kind = job.employment_type
        row = counts.setdefault(kind, dict.fromkeys(("hired", "in_job", "stopped", "pending", "overdue"), 0))
        row["hired"] += 1
        if job.employment_clause:
            clause_hired += 1
            clause_in_job += record.state in IN_JOB_OR_EDUCATION
        if record.state in IN_JOB_OR_EDUCATION:
            row["in_job"] += 1
        elif record.state in NOT_IN_JOB_OR_EDUCATION or record.state is FollowUpState.AFBRUDT:
            row["stopped"] += 1
        elif add_months(record.check_base or hired_on, months_to_check) < today:  # a forløb: from its end
            row["overdue"] += 1
        else:
            row["pending"] += 1
    rows = tuple(
        OutcomeRow(
            kind,
            hired=c["hired"],
            in_job=c["in_job"],
            stopped=c["stopped"],
            pending=c["pending"],
            check_overdue=c["overdue"],
            reference=config.reference.get(kind),
        )
        for kind in EmploymentType
        if (c := counts.get(kind))
    )
    total = OutcomeRow(
        None,
        hired=sum(r.hired for r in rows),
        in_job=sum(r.in_job for r in rows),
        stopped=sum(r.stopped for r in rows),
        pending=sum(r.pending for r in rows),
        check_overdue=sum(r.check_overdue for r in rows),
    )
    return OutcomeReport(
        period,
        rows,
        total,
        config.reference_label,
        config.reference_source,
        clause_hired,
        clause_in_job,
        config.min_count_for_share,
        config.min_count_source,
    )
