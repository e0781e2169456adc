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

import re
import unicodedata
from collections.abc import Mapping
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
    WrongKindOfStart,
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
    # A forløb (virksomhedspraktik, løntilskud, nytteindsats …) is not a hire: it starts, may be broken
    # off, and its 3-month check asks "i job, i uddannelse eller hverken?" (the seeds' measure).
    STARTET_FORLOEB = "startet_forloeb"
    AFBRUDT = "afbrudt"
    I_JOB = "i_job"
    I_UDDANNELSE = "i_uddannelse"
    HVERKEN = "hverken"

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
    "startet_forloeb": "Startet i forløb",
    "afbrudt": "Afbrudt",
    "i_job": "I job",
    "i_uddannelse": "I uddannelse",
    "hverken": "Hverken job eller uddannelse",
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
    S.SAMTALE: (S.ANSAT, S.STARTET_FORLOEB, S.AFSLAG, S.UDEBLEVET, *_WITHDRAW),
    S.ANSAT: (S.I_JOB_3_MDR, S.OPHOERT),
    S.STARTET_FORLOEB: (S.I_JOB, S.I_UDDANNELSE, S.HVERKEN, S.AFBRUDT),
    S.AFVIST: (),
    S.AFSLAG: (),
    S.IKKE_INTERESSERET: (),
    S.TRUKKET: (),
    S.I_JOB_3_MDR: (),
    S.OPHOERT: (),
    S.UDEBLEVET: (),
    S.AFBRUDT: (),
    S.I_JOB: (),
    S.I_UDDANNELSE: (),
    S.HVERKEN: (),
}

CLOSED_STATES: frozenset[FollowUpState] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
# Steps that need a date (interview date, start date): the consultant card shows the date input only
# when one of these is a possible next step, and check_transition refuses them without it.
NEEDS_DATE: frozenset[FollowUpState] = frozenset({S.SAMTALE, S.ANSAT, S.STARTET_FORLOEB})
# The lead's decisions on the shortlist card (a reason is required for afvist): never a consultant button.
LEAD_DECISIONS: frozenset[FollowUpState] = frozenset({S.GODKENDT, S.AFVIST})


# Which start fits which kind of job order: a job is "ansat", a forløb "startet i forløb". Old records
# (a forløb recorded as "ansat" before forløb had states of their own) keep their job outcomes.
JOB_ONLY: frozenset[FollowUpState] = frozenset({S.ANSAT})
FORLOEB_ONLY: frozenset[FollowUpState] = frozenset({S.STARTET_FORLOEB})


def fits_kind(target: FollowUpState, forloeb: bool | None) -> bool:
    """Whether ``target`` is a step for this kind of job order (``None``: kind unknown, all fit)."""
    if forloeb is None:
        return True
    return target not in (JOB_ONLY if forloeb else FORLOEB_ONLY)


def consultant_next(state: FollowUpState, forloeb: bool | None = None) -> tuple[FollowUpState, ...]:
    """The steps a consultant may take from ``state``, in workflow order (the status buttons); with
    ``forloeb`` only the start that fits the job order ("Ansat" or "Startet i forløb")."""
    return tuple(s for s in TRANSITIONS[state] if s not in LEAD_DECISIONS and fits_kind(s, forloeb))


# The funnel ("overblik"): the way to a job in workflow order, and the ways out of it.
FUNNEL_PATH: tuple[FollowUpState, ...] = (
    S.FORESLAAET, S.GODKENDT, S.KONTAKTET, S.ANSOEGT, S.HENVIST, S.SAMTALE, S.ANSAT, S.I_JOB_3_MDR,
    S.STARTET_FORLOEB, S.I_JOB, S.I_UDDANNELSE,
)  # fmt: skip
FUNNEL_EXITS: tuple[FollowUpState, ...] = (
    S.AFVIST, S.AFSLAG, S.UDEBLEVET, S.IKKE_INTERESSERET, S.TRUKKET, S.OPHOERT, S.AFBRUDT, S.HVERKEN
)  # fmt: skip

# A hire and the two outcomes of its 3-month check, and a started forløb with its outcomes: "rapport"
# counts these, "jobordrer" shows them.
JOB_HIRED_STATES: tuple[FollowUpState, ...] = (S.ANSAT, S.I_JOB_3_MDR, S.OPHOERT)
FORLOEB_STARTED_STATES: tuple[FollowUpState, ...] = (
    S.STARTET_FORLOEB, S.I_JOB, S.I_UDDANNELSE, S.HVERKEN, S.AFBRUDT
)  # fmt: skip
HIRED_STATES: tuple[FollowUpState, ...] = JOB_HIRED_STATES + FORLOEB_STARTED_STATES
# Started (a hire or a forløb): the 3-month check is still to come.
STARTED_STATES: frozenset[FollowUpState] = frozenset({S.ANSAT, S.STARTET_FORLOEB})
# The 3-month check's outcomes that count as "i job eller uddannelse i 3. måned" (the seeds' measure),
# and those that do not; the check cannot be registered before its date.
IN_JOB_OR_EDUCATION: frozenset[FollowUpState] = frozenset({S.I_JOB_3_MDR, S.I_JOB, S.I_UDDANNELSE})
NOT_IN_JOB_OR_EDUCATION: frozenset[FollowUpState] = frozenset({S.OPHOERT, S.HVERKEN})
CHECK_OUTCOMES: frozenset[FollowUpState] = IN_JOB_OR_EDUCATION | {S.HVERKEN}

OPEN_STATES: frozenset[FollowUpState] = frozenset(S) - CLOSED_STATES

# Where the consultant (or the lead) has to do something next; used to order "mine opfølgninger".
ACTION_PRIORITY: dict[FollowUpState, int] = {
    S.SAMTALE: 0,  # interview passed? record the outcome
    S.GODKENDT: 1,  # contact the candidate
    S.KONTAKTET: 2,  # get the application in
    S.ANSAT: 3,  # 3-month check later
    S.STARTET_FORLOEB: 3,
    S.ANSOEGT: 4,
    S.HENVIST: 4,
    S.FORESLAAET: 5,  # waits for the lead, not the consultant
}


_LETTERS = str.maketrans({"ø": "o", "å": "a", "æ": "ae"})
_DIGRAPHS = (("oe", "o"), ("aa", "a"))
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold_label(value: str) -> str:
    """A state's name as people type it, folded so code, label and keyboard variants meet:
    case, diacritics ("Ophørt", "Ophort", "ophoert"), '_' or spaces between words, a final '.'."""
    text = unicodedata.normalize("NFKD", value.casefold().translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return _NOT_WORD.sub(" ", text).strip()


def parse_state(value: str, aliases: Mapping[str, str] | None = None) -> FollowUpState:
    """Accept the code, the Danish label or an alias (``aliases``: code -> another label, e.g. the
    button's shorter one "Ophørt"), in any case, with or without diacritics; :class:`UnknownState`
    otherwise."""
    folded = fold_label(value)
    if folded:
        for state in FollowUpState:
            names = (state.value, state.label, (aliases or {}).get(state.value, ""))
            if folded in {fold_label(name) for name in names if name}:
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
    forloeb: bool | None = None,
) -> None:
    """Raise a :class:`bot.domain.errors.TransitionError` (which one says why) unless legal.

    ``forloeb``: whether the job order is a forløb (None: unknown); "ansat" on a forløb and "startet i
    forløb" on a job are refused with :class:`WrongKindOfStart`, naming the step that fits."""
    allowed = TRANSITIONS[current]
    if target in allowed and not fits_kind(target, forloeb):
        raise WrongKindOfStart(target, S.STARTET_FORLOEB if forloeb else S.ANSAT)
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
    if target in STARTED_STATES and start_date is None:
        raise DetailRequired(target)
