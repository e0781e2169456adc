"""The lead's week (``uge``): every open job order by deadline and where each one is stuck. Pure rules.

Why pure: which step a job order waits on is read from its records' states and its lifecycle status
(``bot.domain.job_order_states``); the store only reads them, the card only shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.job_order_states import JobOrderState, JobOrderStatus
from bot.domain.states import FollowUpState

S = FollowUpState

# Records the consultant works on after the lead approved (contact, apply, refer).
_WITH_CONSULTANT = (S.GODKENDT, S.KONTAKTET, S.ANSOEGT, S.HENVIST)


class Stuck(StrEnum):
    """Where a job order waits, in the order it is looked for (the step closest to a hire wins)."""

    INTERVIEW = "samtale"  # candidates at a job interview: waiting for the company
    CONSULTANT = "konsulent"  # approved candidates with their consultants (contact, application)
    DECISION = "beslutning"  # proposed candidates waiting for a lead's Godkend/Afvis
    NOTHING = "intet"  # nobody on the way (no shortlist yet, or everyone out)


@dataclass(frozen=True, slots=True)
class WeekLine:
    """One open job order in the week's view."""

    job_order_id: str
    title: str
    deadline: date | None
    overdue: bool
    stuck: Stuck
    waiting: int  # how many candidates stand at the step it is stuck on
    filled: int
    positions: int


def stuck_at(counts: dict[FollowUpState, int]) -> tuple[Stuck, int]:
    """The step a job order waits on and how many candidates stand there."""
    if counts.get(S.SAMTALE, 0):
        return Stuck.INTERVIEW, counts[S.SAMTALE]
    with_consultant = sum(counts.get(s, 0) for s in _WITH_CONSULTANT)
    if with_consultant:
        return Stuck.CONSULTANT, with_consultant
    if counts.get(S.FORESLAAET, 0):
        return Stuck.DECISION, counts[S.FORESLAAET]
    return Stuck.NOTHING, 0


def is_open(state: JobOrderState | None) -> bool:
    """Open (``åben`` or ``delvist besat``); a job order from before the lifecycle counts as open."""
    return state is None or state.status in (JobOrderStatus.AABEN, JobOrderStatus.DELVIST_BESAT)


def week_line(
    job_order_id: str,
    title: str,
    deadline: date | None,
    positions: int,
    state: JobOrderState | None,
    counts: dict[FollowUpState, int],
    today: date,
) -> WeekLine:
    stuck, waiting = stuck_at(counts)
    hired = sum(counts.get(s, 0) for s in (S.ANSAT, S.I_JOB_3_MDR, S.OPHOERT))
    filled = max(state.filled, hired) if state is not None else hired
    overdue = deadline is not None and deadline < today
    return WeekLine(job_order_id, title, deadline, overdue, stuck, waiting, filled, positions)


def week_order(lines: list[WeekLine]) -> list[WeekLine]:
    """Overdue first (oldest deadline first), then by deadline; no deadline last; then by id."""
    return sorted(
        lines,
        key=lambda w: (not w.overdue, w.deadline is None, w.deadline or date.max, w.job_order_id),
    )
