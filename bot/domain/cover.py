"""Cover during an absence and who may act on a consultant's cases: pure rules, no I/O.

Why here: a consultant's absence (first and last day, an optional stand-in) decides who receives
reminders and hand-overs meanwhile, and who may change a candidate's status; those are rules a
reader should find, and a test can check, without Redis or Teams. Days are Copenhagen days.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.domain.errors import AbsenceTooLong, BadAbsence, BadUpn, NotForOthers, NotYourCase, SameConsultant
from bot.domain.leads import Leads
from bot.domain.models import FollowUp

# An absence longer than this is refused as a typo (2062 for 2026); a long leave is entered again.
MAX_ABSENCE_DAYS = 366
MAX_UPN_CHARS = 254


@dataclass(frozen=True, slots=True)
class Absence:
    """A consultant away from ``starts`` to ``ends`` (both included), covered by ``stand_in`` if set."""

    consultant: str
    starts: date
    ends: date
    stand_in: str | None
    set_by: str
    set_at: datetime

    def covers(self, today: date) -> bool:
        return self.starts <= today <= self.ends


def check_upn(value: str) -> str:
    """An e-mail/UPN as the bot compares them (lower-case); :class:`BadUpn` for anything else."""
    upn = value.strip().lower()
    local, _, domain = upn.partition("@")
    if not local or "." not in domain or len(upn) > MAX_UPN_CHARS or any(c.isspace() for c in upn):
        raise BadUpn(value[:60])
    return upn


def check_absence(consultant: str, starts: date, ends: date, stand_in: str | None, today: date) -> None:
    """Refuse an absence that ends before it starts, is over already, is too long, or is covered by the
    consultant themselves."""
    if ends < starts or ends < today:
        raise BadAbsence(starts, ends, today)
    if (ends - starts).days + 1 > MAX_ABSENCE_DAYS:
        raise AbsenceTooLong(MAX_ABSENCE_DAYS)
    if stand_in is not None and stand_in == consultant:
        raise SameConsultant(stand_in)


def stand_in_on(absence: Absence | None, today: date) -> str | None:
    """Who covers the consultant ``today``: the stand-in of an absence that covers the day, else None."""
    if absence is None or not absence.covers(today):
        return None
    return absence.stand_in


def recipient(consultant: str, stand_in: str | None) -> str:
    """Whom a reminder or a hand-over for ``consultant``'s case goes to: the stand-in while one covers."""
    return stand_in or consultant


def check_may_act_for(actor: str, consultant: str, leads: Leads) -> None:
    """A consultant sets their own absence and hands over their own cases; a lead may do it for anyone."""
    if actor.strip().lower() != consultant and not leads.allows(actor):
        raise NotForOthers(leads.listed)


def check_may_change(actor: str, consultant: str, stand_in: str | None, leads: Leads) -> None:
    """A candidate's status is changed by their consultant, the consultant's stand-in while one covers,
    or the unit's leads (``MATCH_LEADS``; empty = everyone counts as a lead, as for decisions)."""
    who = actor.strip().lower()
    if who == consultant.lower() or (stand_in is not None and who == stand_in) or leads.allows(actor):
        return
    raise NotYourCase(consultant, stand_in, leads.listed)


def transferred(current: FollowUp, to: str, *, now: datetime) -> FollowUp:
    """``current`` handed over to the consultant ``to`` (a new version: cards drawn before are stale)."""
    return replace(current, consultant=to, version=current.version + 1, updated_at=now)
