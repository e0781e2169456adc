"""Typed errors the rules (``bot.domain``) and the store (``bot.store``) raise: facts, not sentences.

Why typed: the layers below the bot know what went wrong (which state, which date, which id), not how
to say it to a caseworker. Each error carries its facts as fields; :func:`bot.ui.texts.error_text`
turns one into the Danish sentence where it reaches a person (the router, a feature, the CLI).

Why state fields are plain codes (``str``): ``bot.domain.states`` raises these errors, so this module
cannot import the state enum back; a ``FollowUpState`` is a ``str`` and passes as one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date


@dataclass(eq=False)
class DomainError(ValueError):
    """A refused request; nothing was changed. ``str()`` is for logs, ``error_text`` for people."""

    def __str__(self) -> str:
        values = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{type(self).__name__}({values})"


# --- input --------------------------------------------------------------------------------------


@dataclass(eq=False)
class CprRefused(DomainError):
    """A note, a reason or an id looks like a CPR number; it is neither stored nor echoed."""


@dataclass(eq=False)
class ContactDataRefused(DomainError):
    """A note or a reason names a person (after "kontakt", "hr.", "fru" …) or holds an e-mail address or
    a phone number; it is not stored (``matching.privacy.contact_data_kinds``)."""


@dataclass(eq=False)
class TextTooLong(DomainError):
    """A note or a reason over ``max_chars`` characters."""

    max_chars: int


@dataclass(eq=False)
class EmptyNote(DomainError):
    """A note with nothing in it."""


@dataclass(eq=False)
class BadId(DomainError):
    """Not a pseudonymous id (letters, digits, '.', '-'; at most 64 characters)."""

    value: str


@dataclass(eq=False)
class BadActor(DomainError):
    """Not a user (UPN) the audit trail can record."""

    actor: str


@dataclass(eq=False)
class UnknownState(DomainError):
    """Neither a state code nor a state's label."""

    value: str


# --- the state machine ------------------------------------------------------------------------------


@dataclass(eq=False)
class TransitionError(DomainError):
    """A status change the rules refuse."""


@dataclass(eq=False)
class AlreadyInState(TransitionError):
    """The record is in ``state`` already."""

    state: str


@dataclass(eq=False)
class FollowUpClosed(TransitionError):
    """The record is closed (``state`` has no next step)."""

    state: str


@dataclass(eq=False)
class NotAllowed(TransitionError):
    """``to_state`` is not a next step of ``from_state``."""

    from_state: str
    to_state: str


@dataclass(eq=False)
class WrongKindOfStart(TransitionError):
    """``to_state`` is the start of the other kind of job order: "ansat" on a forløb, or "startet i
    forløb" on a job; ``fits`` is the step that fits."""

    to_state: str
    fits: str


@dataclass(eq=False)
class DetailRequired(TransitionError):
    """``to_state`` needs a detail that is missing: a reason (afvist), an interview date (samtale) or a
    start date (ansat)."""

    to_state: str


@dataclass(eq=False)
class StartTooFarAhead(TransitionError):
    """A hire's ``start`` is after ``limit`` (a year from today): most likely a typo."""

    start: date
    limit: date


@dataclass(eq=False)
class CheckTooEarly(TransitionError):
    """The 3-month check before ``earliest``; ``counted_from`` is the start, or a forløb's end when
    ``after_forloeb``."""

    earliest: date
    counted_from: date
    after_forloeb: bool = False


@dataclass(eq=False)
class Conflict(TransitionError):
    """Someone else changed the record since the caller read it; it is now in ``current``."""

    current: str


# --- what is not there, who may not -------------------------------------------------------------------


@dataclass(eq=False)
class FollowUpNotFound(DomainError):
    """There is no follow-up for this job order and candidate."""

    job_order_id: str
    candidate_id: str


@dataclass(eq=False)
class JobOrderNotFound(DomainError):
    """There is no job order with this id."""

    job_order_id: str


@dataclass(eq=False)
class LeadsOnly(DomainError):
    """Only the match unit's leads (``leads``, by UPN) may approve or reject candidates."""

    leads: tuple[str, ...]


# --- job order lifecycle (issue 11, bot.domain.job_order_states) -----------------------------------


@dataclass(eq=False)
class JobOrderChanged(DomainError):
    """Someone changed the job order since the card was drawn; ``status`` is where it stands now."""

    status: str


@dataclass(eq=False)
class UnknownRejectionReason(DomainError):
    """An *Afslag* reason not on the list."""

    value: str


@dataclass(eq=False)
class JobOrderClosed(DomainError):
    """The job order is already besat, annulleret or udløbet: nothing more can change it."""

    status: str


@dataclass(eq=False)
class BadFillCount(DomainError):
    """A reported number of filled positions outside hires-so-far … positions."""

    given: int
    least: int
    most: int


# --- cover and transfer (absence, stand-in, overdrag) and who may change a status ---------------------


@dataclass(eq=False)
class BadUpn(DomainError):
    """Not an e-mail/UPN (``name@domain``, no spaces)."""

    value: str


@dataclass(eq=False)
class BadAbsence(DomainError):
    """An absence whose last day ``ends`` is before its first day ``starts``, or already over on ``today``."""

    starts: date
    ends: date
    today: date


@dataclass(eq=False)
class AbsenceTooLong(DomainError):
    """An absence longer than ``max_days`` days (most likely a typo in the year)."""

    max_days: int


@dataclass(eq=False)
class SameConsultant(DomainError):
    """A stand-in or a transfer to the consultant themselves (``upn``)."""

    upn: str


@dataclass(eq=False)
class NotYourCase(DomainError):
    """Only the record's consultant (``consultant``), their stand-in (``stand_in``) and the unit's leads
    (``leads``) may do this."""

    consultant: str
    stand_in: str | None
    leads: tuple[str, ...]


@dataclass(eq=False)
class NotForOthers(DomainError):
    """Only the unit's leads (``leads``) may do this for another consultant."""

    leads: tuple[str, ...]


@dataclass(eq=False)
class KehOnly(DomainError):
    """Only the job order's KEH virksomhedskonsulent (``keh``, by UPN) or a lead may report for it."""

    keh: str
