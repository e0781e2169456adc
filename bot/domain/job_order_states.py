"""The job order lifecycle: pure rules, no I/O (the store applies them, ``bot.store.job_order_states``).

Why its own machine beside the follow-ups': a job order is KEH's and the company's unit of work
("your 4 positions are filled"), not a candidate's. Its life::

    aaben ─┬─> delvist_besat ─┬─> besat
           │                  └─> annulleret
           ├─> besat
           ├─> annulleret
           └─> udloebet   (automatically, after the deadline with nothing filled)

Positions filled count from hires (a follow-up reaching ``ansat``) and from what KEH reports
(*Besat*, how many); the status follows from the count and the number of positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import BadFillCount, JobOrderClosed
from bot.domain.reminders import WorkingCalendar


class JobOrderStatus(StrEnum):
    """Values are codes (ASCII, stable in webhooks and the feed); ``label`` is the Danish name."""

    AABEN = "aaben"
    DELVIST_BESAT = "delvist_besat"
    BESAT = "besat"
    ANNULLERET = "annulleret"
    UDLOEBET = "udloebet"

    @property
    def label(self) -> str:
        return JOB_STATUS_LABELS[self.value]

    @property
    def is_final(self) -> bool:
        return not JOB_TRANSITIONS[self]


J = JobOrderStatus

JOB_STATUS_LABELS: dict[str, str] = {
    "aaben": "Åben",
    "delvist_besat": "Delvist besat",
    "besat": "Besat",
    "annulleret": "Annulleret",
    "udloebet": "Udløbet",
}

JOB_TRANSITIONS: dict[JobOrderStatus, tuple[JobOrderStatus, ...]] = {
    J.AABEN: (J.DELVIST_BESAT, J.BESAT, J.ANNULLERET, J.UDLOEBET),
    J.DELVIST_BESAT: (J.DELVIST_BESAT, J.BESAT, J.ANNULLERET),  # a new count moves within it
    J.BESAT: (),
    J.ANNULLERET: (),
    J.UDLOEBET: (),
}

# Why KEH's virksomhedskonsulent reported a company's "Afslag" for a referred candidate (the list
# KEH picks from: codes stored and sent on, labels in ``bot.ui.texts``).
REJECTION_REASONS: tuple[str, ...] = (
    "kvalifikationer",
    "sprog",
    "erfaring",
    "kemi",
    "stillingen_besat",
    "andet",
)


@dataclass(frozen=True)
class JobOrderState:
    """Where a job order stands: status, positions filled, hires counted, the version (card buttons
    carry it, so a second press on an old card is recognised)."""

    status: JobOrderStatus
    filled: int
    positions: int
    hires: int
    version: int


def status_for(filled: int, positions: int) -> JobOrderStatus:
    """The status a count of filled positions means (a job order with none filled is open)."""
    if filled <= 0:
        return J.AABEN
    return J.BESAT if filled >= positions else J.DELVIST_BESAT


def after_fill(current: JobOrderState, filled: int) -> JobOrderState:
    """KEH reports ``filled`` positions filled in total; raises unless the job order can take it."""
    if current.status.is_final:
        raise JobOrderClosed(current.status.value)
    least = max(current.hires, current.filled, 1)
    if not least <= filled <= current.positions:
        raise BadFillCount(filled, least, current.positions)
    return JobOrderState(
        status_for(filled, current.positions), filled, current.positions, current.hires, current.version + 1
    )


def after_hire(current: JobOrderState) -> JobOrderState:
    """One more hire counted; a closed job order keeps its status (the hire is still counted)."""
    hires = current.hires + 1
    if current.status.is_final:
        return JobOrderState(current.status, current.filled, current.positions, hires, current.version + 1)
    filled = min(max(current.filled, hires), current.positions)
    return JobOrderState(
        status_for(filled, current.positions), filled, current.positions, hires, current.version + 1
    )


def after_cancel(current: JobOrderState) -> JobOrderState:
    if current.status.is_final:
        raise JobOrderClosed(current.status.value)
    return JobOrderState(J.ANNULLERET, current.filled, current.positions, current.hires, current.version + 1)


def can_expire(current: JobOrderState) -> bool:
    """Only an open job order with nothing filled expires (a partly filled one stays for KEH to close)."""
    return current.status is J.AABEN and current.filled == 0


def after_expiry(current: JobOrderState) -> JobOrderState:
    return JobOrderState(J.UDLOEBET, 0, current.positions, current.hires, current.version + 1)


def expires_at(deadline: date, calendar: WorkingCalendar, zone: ZoneInfo) -> datetime:
    """When a job order with this application deadline expires: the start of the first Danish working
    day after the deadline (a deadline on a Friday is still open over the weekend; KEH may call Monday)."""
    day = calendar.add_working_days(deadline, 1)
    return datetime.combine(day, time(0), zone)
