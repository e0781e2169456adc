"""The follow-up state machine: pure rules, no I/O.

Why pure: the store, the bot and the CLI must agree on what a legal step is, and the rules must be
testable without Redis. ``bot.domain.followup`` calls :func:`check_transition` before any change
is written.

Life of a follow-up (per job order × candidate)::

    foreslaaet ─┬─> godkendt ─> kontaktet ─┬─> ansoegt ─┬─> samtale ─┬─> ansat ─┬─> i_job_3_mdr
                └─> afvist                  └─> henvist ─┘            ├─> afslag  └─> ophoert
                                                                      └─> udeblevet
                                                (ansoegt/henvist ─> afslag, henvist ─> udeblevet also allowed)
    from every open state before ansat: ─> ikke_interesseret | trukket

``udeblevet``: the candidate did not turn up for the job interview. After a henvisning med mødepligt
that is a matter for the consultant (rådighed), so it is an outcome of its own, not an "afslag".
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from bot.domain.errors import (
    AlreadyInState,
    ContactDataRefused,
    CprRefused,
    DetailRequired,
    FollowUpClosed,
    NotAllowed,
    TextTooLong,
    UnknownState,
)
from matching.privacy import contact_data_kinds, contains_cpr

MAX_NOTE_CHARS = 500


class FollowUpState(StrEnum):
    """Values are the Danish codes users know and type (``status K-1 JO-1 kontaktet``)."""

    FORESLAAET = "foreslaaet"
    GODKENDT = "godkendt"
    AFVIST = "afvist"
    KONTAKTET = "kontaktet"
    ANSOEGT = "ansoegt"
    HENVIST = "henvist"
    SAMTALE = "samtale"
    ANSAT = "ansat"
    AFSLAG = "afslag"
    IKKE_INTERESSERET = "ikke_interesseret"
    TRUKKET = "trukket"
    I_JOB_3_MDR = "i_job_3_mdr"
    OPHOERT = "ophoert"
    UDEBLEVET = "udeblevet"

    @property
    def label(self) -> str:
        """Danish label for cards and messages."""
        return STATE_LABELS[self.value]

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATES

    @property
    def allowed_next(self) -> tuple[FollowUpState, ...]:
        return TRANSITIONS[self]


S = FollowUpState

# The Danish name of each state: what cards and messages say, and what ``parse_state`` accepts besides
# the code. Part of the state vocabulary (users type it), so it lives with the states.
STATE_LABELS: dict[str, str] = {
    "foreslaaet": "Foreslået",
    "godkendt": "Godkendt",
    "afvist": "Afvist",
    "kontaktet": "Kontaktet",
    "ansoegt": "Ansøgt",
    "henvist": "Henvist med mødepligt",
    "samtale": "Til jobsamtale",
    "ansat": "Ansat",
    "afslag": "Afslag fra virksomheden",
    "ikke_interesseret": "Ikke interesseret",
    "trukket": "Trukket tilbage",
    "i_job_3_mdr": "I job efter 3 måneder",
    "ophoert": "Ophørt inden 3 måneder",
    "udeblevet": "Udeblevet fra jobsamtale",
}

# Withdrawal is possible from every open state before the hire; after `ansat` only the
# 3-month check can close the record (a hire is an outcome, not something to withdraw).
_WITHDRAW = (S.IKKE_INTERESSERET, S.TRUKKET)

TRANSITIONS: dict[FollowUpState, tuple[FollowUpState, ...]] = {
    S.FORESLAAET: (S.GODKENDT, S.AFVIST, *_WITHDRAW),
    S.GODKENDT: (S.KONTAKTET, *_WITHDRAW),
    S.KONTAKTET: (S.ANSOEGT, S.HENVIST, *_WITHDRAW),
    S.ANSOEGT: (S.SAMTALE, S.AFSLAG, *_WITHDRAW),
    S.HENVIST: (S.SAMTALE, S.AFSLAG, S.UDEBLEVET, *_WITHDRAW),
    S.SAMTALE: (S.ANSAT, S.AFSLAG, S.UDEBLEVET, *_WITHDRAW),
    S.ANSAT: (S.I_JOB_3_MDR, S.OPHOERT),
    S.AFVIST: (),
    S.AFSLAG: (),
    S.IKKE_INTERESSERET: (),
    S.TRUKKET: (),
    S.I_JOB_3_MDR: (),
    S.OPHOERT: (),
    S.UDEBLEVET: (),
}

CLOSED_STATES: frozenset[FollowUpState] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
# Steps that need a date (interview date, start date): the consultant card shows the date input only
# when one of these is a possible next step, and check_transition refuses them without it.
NEEDS_DATE: frozenset[FollowUpState] = frozenset({S.SAMTALE, S.ANSAT})
# The lead's decisions on the shortlist card (a reason is required for afvist): never a consultant button.
LEAD_DECISIONS: frozenset[FollowUpState] = frozenset({S.GODKENDT, S.AFVIST})


def consultant_next(state: FollowUpState) -> tuple[FollowUpState, ...]:
    """The steps a consultant may take from ``state``, in workflow order (the status buttons)."""
    return tuple(s for s in TRANSITIONS[state] if s not in LEAD_DECISIONS)


# The funnel ("overblik"): the way to a job in workflow order, and the ways out of it.
FUNNEL_PATH: tuple[FollowUpState, ...] = (
    S.FORESLAAET, S.GODKENDT, S.KONTAKTET, S.ANSOEGT, S.HENVIST, S.SAMTALE, S.ANSAT, S.I_JOB_3_MDR
)  # fmt: skip
FUNNEL_EXITS: tuple[FollowUpState, ...] = (
    S.AFVIST, S.AFSLAG, S.UDEBLEVET, S.IKKE_INTERESSERET, S.TRUKKET, S.OPHOERT
)  # fmt: skip

# A hire and the two outcomes of its 3-month check: "rapport" counts these, "jobordrer" shows them.
HIRED_STATES: tuple[FollowUpState, ...] = (S.ANSAT, S.I_JOB_3_MDR, S.OPHOERT)

OPEN_STATES: frozenset[FollowUpState] = frozenset(S) - CLOSED_STATES

# Where the consultant (or the lead) has to do something next; used to order "mine opfølgninger".
ACTION_PRIORITY: dict[FollowUpState, int] = {
    S.SAMTALE: 0,  # interview passed? record the outcome
    S.GODKENDT: 1,  # contact the candidate
    S.KONTAKTET: 2,  # get the application in
    S.ANSAT: 3,  # 3-month check later
    S.ANSOEGT: 4,
    S.HENVIST: 4,
    S.FORESLAAET: 5,  # waits for the lead, not the consultant
}


def parse_state(value: str) -> FollowUpState:
    """Accept the code or the Danish label in any case; :class:`UnknownState` otherwise."""
    folded = value.strip().casefold()
    for state in FollowUpState:
        if folded in (state.value, state.label.casefold()):
            return state
    raise UnknownState(value)


def check_text(text: str | None, *, max_chars: int = MAX_NOTE_CHARS) -> str | None:
    """Normalise a note/reason; refuse CPR-like content, contact data and overlong text."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    if contains_cpr(cleaned):
        raise CprRefused()
    if contact_data_kinds(cleaned):  # a name, an e-mail or a phone number: kept nowhere, not even briefly
        raise ContactDataRefused()
    if len(cleaned) > max_chars:
        raise TextTooLong(max_chars)
    return cleaned


def check_transition(
    current: FollowUpState,
    target: FollowUpState,
    *,
    reason: str | None = None,
    interview_at: datetime | None = None,
    start_date: date | None = None,
) -> None:
    """Raise a :class:`bot.domain.errors.TransitionError` (which one says why) unless legal."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        if current == target:
            raise AlreadyInState(current)
        if not allowed:
            raise FollowUpClosed(current)
        raise NotAllowed(current, target)
    if target is S.AFVIST and not (reason and reason.strip()):
        raise DetailRequired(target)
    if target is S.SAMTALE and interview_at is None:
        raise DetailRequired(target)
    if target is S.ANSAT and start_date is None:
        raise DetailRequired(target)
