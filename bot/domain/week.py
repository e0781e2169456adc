"""The lead's week (``uge``): every open job order by deadline and where each one is stuck. Pure rules.

Why pure: which step a job order waits on is read from its records' states, its lifecycle status
(``bot.domain.job_order_states``) and the consultants' answers to "Er kandidaten interesseret?"
(interest before review, ``bot.features.interest``); the store only reads them, the card only shows
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.escalation import Interest, InterestStatus
from bot.domain.job_order_states import JobOrderState, JobOrderStatus
from bot.domain.states import FollowUpState

S = FollowUpState

# Records the consultant works on after the lead approved (contact, apply, refer).
_WITH_CONSULTANT = (S.GODKENDT, S.KONTAKTET, S.ANSOEGT, S.HENVIST)


class Stuck(StrEnum):
    """Where a job order waits, in the order it is looked for (the step closest to a hire wins)."""

    INTERVIEW = "samtale"  # candidates at a job interview: waiting for the company
    CONSULTANT = "konsulent"  # approved candidates with their consultants (contact, application)
    INTEREST = "interesse"  # proposed candidates whose consultants have not said if they are interested
    DECISION = "beslutning"  # proposed candidates waiting for a lead's Godkend/Afvis
    NOTHING = "intet"  # nobody on the way (no shortlist yet, or everyone out)


# Answers that leave the question open: asked and not answered, or "Ved ikke endnu".
_OPEN_ANSWERS = (Interest.ASKED, Interest.NOT_YET)


@dataclass(frozen=True, slots=True)
class InterestWait:
    """A candidate on a shortlist whose consultant has not answered "interesseret?" (Ja/Nej) yet."""

    candidate_id: str
    consultant: str  # the record's consultant (UPN): whom the lead can chase; no names
    asked_at: datetime


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
    awaiting_interest: tuple[InterestWait, ...] = ()  # oldest question first


def awaiting_interest(
    records: Mapping[str, tuple[FollowUpState, str]], interest: Mapping[str, InterestStatus]
) -> tuple[InterestWait, ...]:
    """Candidates still awaiting the lead's decision whose consultant has not answered Ja or Nej.

    ``records``: candidate id -> (state, consultant) of the job order's follow-ups; ``interest``: the
    answers of those who were asked. A candidate the lead has decided on is no longer waiting (the
    lead may decide regardless), nor is one whose consultant could not be reached (never asked).
    """
    waits = [
        InterestWait(cid, records[cid][1], status.asked_at)
        for cid, status in interest.items()
        if status.answer in _OPEN_ANSWERS and cid in records and records[cid][0] is S.FORESLAAET
    ]
    return tuple(sorted(waits, key=lambda w: (w.asked_at, w.candidate_id)))


def stuck_at(counts: dict[FollowUpState, int], awaiting: int = 0) -> tuple[Stuck, int]:
    """The step a job order waits on and how many candidates stand there.

    ``awaiting``: proposed candidates whose consultants have not answered about interest; when that
    is every proposed candidate, the list waits on the consultants, not (yet) on the lead.
    """
    if counts.get(S.SAMTALE, 0):
        return Stuck.INTERVIEW, counts[S.SAMTALE]
    with_consultant = sum(counts.get(s, 0) for s in _WITH_CONSULTANT)
    if with_consultant:
        return Stuck.CONSULTANT, with_consultant
    proposed = counts.get(S.FORESLAAET, 0)
    if proposed and awaiting >= proposed:
        return Stuck.INTEREST, proposed
    if proposed:
        return Stuck.DECISION, proposed
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
    awaiting: tuple[InterestWait, ...] = (),
) -> WeekLine:
    stuck, waiting = stuck_at(counts, len(awaiting))
    hired = sum(counts.get(s, 0) for s in (S.ANSAT, S.I_JOB_3_MDR, S.OPHOERT))
    filled = max(state.filled, hired) if state is not None else hired
    overdue = deadline is not None and deadline < today
    return WeekLine(job_order_id, title, deadline, overdue, stuck, waiting, filled, positions, awaiting)


def week_order(lines: list[WeekLine]) -> list[WeekLine]:
    """Overdue first (oldest deadline first), then by deadline; no deadline last; then by id."""
    return sorted(
        lines,
        key=lambda w: (not w.overdue, w.deadline is None, w.deadline or date.max, w.job_order_id),
    )
