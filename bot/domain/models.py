"""The follow-up records, shortlist entries, audit lines and reminders as values: frozen dataclasses, no I/O.

Why in the domain: the rules (``bot.domain.followup``) take and return them, the store
(``bot.store``) builds them from Redis hashes and the features and cards render them, so none of
those layers has to import another to share them. Times are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from bot.domain.states import ACTION_PRIORITY, FollowUpState


class RankedCandidate(Protocol):
    """What :meth:`bot.store.ShortlistStore.save_shortlist` needs from ``matching.results.MatchResult``."""

    @property
    def candidate_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def reasons(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One step in a record's life (kept on the record; notes are personal and purged at retention)."""

    from_state: FollowUpState | None
    to_state: FollowUpState
    actor: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One candidate on one job order, from shortlist to the 3-month check."""

    job_order_id: str
    candidate_id: str
    consultant: str  # UPN of the candidate's own consultant ("" when unknown or anonymised)
    state: FollowUpState
    version: int  # +1 per change; pass as expected_version for optimistic concurrency
    created_at: datetime
    updated_at: datetime
    interview_at: datetime | None = None
    start_date: date | None = None
    ends_on: date | None = None  # a forløb's last day (start + the job's duration): the check counts from it
    deadline: date | None = None  # the job order's application deadline
    reason: str | None = None  # rejection reason (afvist)
    note: str | None = None  # latest note
    next_due_at: datetime | None = None  # earliest pending reminder: "needs action by"
    closed_at: datetime | None = None
    anonymised: bool = False
    history: tuple[HistoryItem, ...] = ()

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def check_base(self) -> date | None:
        """The day the 3-month check counts from: a forløb's end, else the start date."""
        return self.ends_on or self.start_date

    @property
    def allowed_next(self) -> tuple[FollowUpState, ...]:
        return self.state.allowed_next

    @property
    def entered_at(self) -> datetime:
        """When the record entered its current state (a note keeps the state: not a step)."""
        return next(
            (h.at for h in reversed(self.history) if h.to_state is self.state is not h.from_state),
            self.updated_at,
        )

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.next_due_at is not None and self.next_due_at <= now

    def action_sort_key(self, now: datetime) -> tuple[int, float, int, float, str, str]:
        """Overdue first (oldest due first), then by due date, state urgency, stale first, then ids."""
        far = float("inf")
        due = self.next_due_at.timestamp() if self.next_due_at else far
        urgency = ACTION_PRIORITY.get(self.state, 9)
        overdue = 0 if self.is_overdue(now) else 1
        return (overdue, due, urgency, self.updated_at.timestamp(), self.job_order_id, self.candidate_id)


@dataclass(frozen=True, slots=True)
class ShortlistEntry:
    """A ranked candidate on a job order's shortlist with the lead's decision so far."""

    job_order_id: str
    candidate_id: str
    rank: int  # 1-based
    score: float
    reasons: tuple[str, ...]
    consultant: str
    state: FollowUpState  # current follow-up state (foreslaaet until a lead decides)
    decided_by: str | None = None  # who took the record out of foreslaaet, and when
    decided_at: datetime | None = None
    decided_state: FollowUpState | None = None  # what they decided (godkendt/afvist, or a withdrawal)
    status_by: str | None = None  # who set the current state, and when (the last change of state)
    status_at: datetime | None = None
    # What the card's buttons and decision line need, read with the entry (no second read per row):
    version: int = 0  # the record's version (0: no record): the card sends it back as expected_version
    reason: str | None = None  # rejection reason (afvist)

    @property
    def decision(self) -> FollowUpState | None:
        """The lead's decision (godkendt/afvist …), not a later status; None while foreslaaet.

        Why not ``state``: after the consultant sets e.g. ansat, the card must still say who approved.
        """
        if self.state is FollowUpState.FORESLAAET:
            return None
        return self.decided_state or self.state


@dataclass(frozen=True, slots=True)
class ShortlistCounts:
    """The lines of a shortlist card that are not about one candidate: how many were considered and
    how many each filter excluded. Stored with the shortlist, so any replica can redraw the card."""

    considered: int
    excluded: dict[str, int]  # filter -> count


@dataclass(frozen=True, slots=True)
class Funnel:
    """A job order's funnel: where its candidates stand now, and how many ever reached each state.

    Why both: "Godkendt: 1" (standing there now) reads wrong when two were approved and one of them
    has since been hired; a funnel is counted by the steps reached, the current standing beside it.
    """

    current: dict[FollowUpState, int]
    reached: dict[FollowUpState, int]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit trail: ids only, never notes or names."""

    entry_id: str  # Redis stream id (time-ordered)
    at: datetime
    actor: str
    action: str  # "transition" | "created" | "anonymised" | "purged" | "job_order_created" | ...
    job_order_id: str
    candidate_id: str | None
    from_state: FollowUpState | None
    to_state: FollowUpState | None
    version: int | None
    consultant: str | None = None  # the consultant a case was handed over to ("overdraget")


@dataclass(frozen=True, slots=True)
class Reminder:
    """A due reminder as claimed by the scheduler; ``reminder_id`` is stable per (rule, record, version)."""

    reminder_id: str
    rule: str  # rule kind: no_progress | application_deadline | interview_outcome | three_month_check
    job_order_id: str
    candidate_id: str
    version: int  # the record version the reminder was scheduled for (stale when it differs)
    due_at: datetime
    attempt: int = 0
    claimed_at: datetime | None = None  # set by the scheduler: the text is written for this moment
    lease: str = ""  # the claim's fencing token (its lease expiry as claimed); "" = not claimed


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What an erasure removed; counts only (the report may be logged)."""

    candidate_id: str
    records: int = 0
    shortlists: int = 0
    reminders: int = 0
    audit_entries: int = 0
    pool: bool = False
    job_order_ids: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        return bool(self.records or self.shortlists or self.reminders or self.pool)
