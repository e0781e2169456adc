"""What a change does to a follow-up record, given the time: pure rules, no I/O.

Why here and not in the store: the store only loads a record, calls one of these functions and
writes the result with its checked apply; whether a step is legal, when the 3-month check may be
registered, how long a forløb lasts and what retention strips are rules a reader should find (and a
test can check) without Redis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.clock import local_date
from bot.domain.errors import CheckTooEarly, StartTooFarAhead
from bot.domain.models import FollowUp, HistoryItem
from bot.domain.reminders import add_months
from bot.domain.states import (
    CHECK_OUTCOMES,
    CLOSED_STATES,
    STARTED_STATES,
    FollowUpState,
    check_transition,
    consultant_next,
)
from matching.models import FORLOEB_TYPES, JobOrder

S = FollowUpState

# A hire's start date at most this far ahead of its registration: ``ansat`` cannot be corrected (only
# the 3-month outcome follows), so a typo like 2062 for 2026 would block the check for decades.
MAX_START_AHEAD = timedelta(days=366)


def forloeb_end(job: JobOrder, start_date: date | None) -> date | None:
    """The last day of a forløb (start + the job order's duration); None for a job or without one."""
    if start_date is None or job.duration_weeks is None or job.employment_type not in FORLOEB_TYPES:
        return None
    return start_date + timedelta(weeks=job.duration_weeks, days=-1)


def check_from(record: FollowUp, months: int) -> date | None:
    """The first day 'I job efter 3 måneder' can be registered: ``months`` after the start, or after
    the end of a forløb (the administration counts from there)."""
    base = record.check_base
    return add_months(base, months) if base else None


def offered_now(
    steps: tuple[FollowUpState, ...], check_from: date | None, today: date | None
) -> tuple[FollowUpState, ...]:
    """Of ``steps`` (the state machine's next steps), those the rules would accept ``today``: 'I job
    efter 3 måneder' (a forløb's 'I job', 'I uddannelse', 'Hverken …') only from ``check_from`` on, so
    a card never offers a button that is then refused for three months. ``today`` None: all of them
    (the caller does not know the day)."""
    if today is None or check_from is None or today >= check_from:
        return steps
    return tuple(s for s in steps if s not in CHECK_OUTCOMES)  # a job's and a forløb's 3-month outcomes


def is_forloeb(job: JobOrder | None) -> bool | None:
    """Whether ``job`` is a forløb (virksomhedspraktik, løntilskud, nytteindsats …): it starts with
    "Startet i forløb", a job with "Ansat". None when the job order is unknown (deleted)."""
    return None if job is None else job.employment_type in FORLOEB_TYPES


def offered_steps(
    state: FollowUpState, forloeb: bool | None, check_from: date | None, today: date | None
) -> tuple[FollowUpState, ...]:
    """The status buttons a consultant's card offers now, the one rule every card with status buttons
    (hand-over, reminder, escalation) goes by: the state machine's next steps that fit the kind of job
    order (``forloeb``, from :func:`is_forloeb`: on a forløb "Startet i forløb", never "Ansat"; on a
    job the reverse; None, the job order unknown: both), and the 3-month outcomes only from
    ``check_from`` on (:func:`offered_now`)."""
    return offered_now(consultant_next(state, forloeb), check_from, today)


def tally_states(states: Iterable[str | None]) -> dict[FollowUpState, int]:
    """How many records are in each state (every state, zeros included); missing records skipped."""
    counts = dict.fromkeys(FollowUpState, 0)
    for state in states:
        if state:
            counts[FollowUpState(state)] += 1
    return counts


def proposed(
    job_order_id: str, candidate_id: str, *, consultant: str, actor: str, now: datetime, deadline: date | None
) -> FollowUp:
    """The ``foreslaaet`` record a new candidate on a shortlist starts with (version 1)."""
    return FollowUp(
        job_order_id=job_order_id,
        candidate_id=candidate_id,
        consultant=consultant.lower(),
        state=S.FORESLAAET,
        version=1,
        created_at=now,
        updated_at=now,
        deadline=deadline,
        history=(HistoryItem(None, S.FORESLAAET, actor, now),),
    )


def _check_start(start_date: date, today: date) -> None:
    limit = today + MAX_START_AHEAD
    if start_date > limit:
        raise StartTooFarAhead(start_date, limit)


def _check_not_too_early(current: FollowUp, today: date, months: int) -> None:
    """The administration's key figure (in job after 3 months) is not filled in early."""
    earliest = check_from(current, months)
    if earliest is None or today >= earliest:
        return
    base = current.check_base or earliest  # set whenever earliest is
    raise CheckTooEarly(earliest, base, after_forloeb=current.ends_on is not None)


def transitioned(
    current: FollowUp,
    to: FollowUpState,
    *,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
    months_to_check: int,
    job: JobOrder | None = None,
    note: str | None = None,
    reason: str | None = None,
    interview_at: datetime | None = None,
    start_date: date | None = None,
) -> FollowUp:
    """``current`` moved to ``to`` at ``now``; raises a ``TransitionError`` unless legal.

    ``job`` is the job order the record is on, needed for ``ansat`` (a forløb's end date); ``note``
    and ``reason`` are already cleaned (``check_text``). A naive ``interview_at`` is local time.
    """
    if interview_at is not None and interview_at.tzinfo is None:
        interview_at = interview_at.replace(tzinfo=zone)
    forloeb = None if job is None else job.employment_type in FORLOEB_TYPES
    check_transition(
        current.state, to, reason=reason, interview_at=interview_at, start_date=start_date, forloeb=forloeb
    )
    today = local_date(now, zone)
    if to in STARTED_STATES and start_date is not None:
        _check_start(start_date, today)
    if to in CHECK_OUTCOMES:  # a job's or a forløb's "in job/education after 3 months"
        _check_not_too_early(current, today, months_to_check)
    ends_on = current.ends_on
    if to in STARTED_STATES:
        ends_on = forloeb_end(job, start_date) if job is not None else None
    return replace(
        current,
        state=to,
        version=current.version + 1,
        updated_at=now,
        note=note or current.note,
        interview_at=interview_at or current.interview_at,
        start_date=start_date or current.start_date,
        ends_on=ends_on,
        # The lead's reason for afvist, and the company's for afslag (reported by KEH, issue 11).
        reason=reason if to in (S.AFVIST, S.AFSLAG) and reason else current.reason,
        closed_at=now if to in CLOSED_STATES else None,
        history=(*current.history, HistoryItem(current.state, to, actor, now, note)),
    )


def noted(current: FollowUp, note: str, *, actor: str, now: datetime) -> FollowUp:
    """``current`` with a note appended; the state (and so the reminders) stays as it is."""
    return replace(
        current,
        version=current.version + 1,
        updated_at=now,
        note=note,
        history=(*current.history, HistoryItem(current.state, current.state, actor, now, note)),
    )


def rescheduled(current: FollowUp, job: JobOrder) -> FollowUp:
    """``current`` after its job order was revised: the new deadline, and a hire's forløb end anew."""
    hired = current.state in STARTED_STATES
    ends_on = forloeb_end(job, current.start_date) if hired else None
    return replace(current, deadline=job.deadline, ends_on=ends_on, version=current.version + 1)


def anonymised(current: FollowUp, now: datetime) -> FollowUp:
    """``current`` after retention: ids, state and the dates of the steps stay (funnel, statistics on
    who is in job after 3 months); notes, reasons, dates given, the consultant and who did each step go."""
    return replace(
        current,
        version=current.version + 1,
        consultant="",
        note=None,
        reason=None,
        interview_at=None,
        start_date=None,
        ends_on=None,
        anonymised=True,
        updated_at=now,
        next_due_at=None,
        history=tuple(replace(h, note=None, actor="") for h in current.history),
    )


def retention_from(record: FollowUp, months_to_check: int) -> datetime:
    """The moment retention counts from: an open record's last change; a hire waits for its 3-month
    check, so it counts from the check date (a 26-week løntilskud is not "untouched" after 180 days)."""
    touched = record.updated_at
    check = check_from(record, months_to_check) if record.state in STARTED_STATES else None
    if check is not None:
        touched = max(touched, datetime.combine(check, datetime.min.time(), UTC))
    return touched
