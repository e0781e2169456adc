"""Which status steps are asked twice: the irreversible ones (issue 14.4). Pure rule, no I/O.

Why: *Ansat* and *Startet i forløb* cannot be undone (only the 3-month outcome follows), and the
outcomes (a job's *I job efter 3 mdr.* / *Ophørt*, a forløb's *I job* / *I uddannelse* / *Hverken job
eller uddannelse* / *Afbrudt*) close the record and feed the administration's key figure; a slip of the
finger on a card must not set them.
The card offers a confirm step ("Bekræft") that carries the same record version, so a confirmation
on a card that has gone stale is refused like any other old button.
"""

from __future__ import annotations

from bot.domain.states import CLOSED_STATES, STARTED_STATES, FollowUpState, consultant_next

# A start, and every step that closes a started record (its outcomes): derived from the state machine,
# so a new outcome is asked twice without a change here.
IRREVERSIBLE: frozenset[FollowUpState] = STARTED_STATES | frozenset(
    step for start in STARTED_STATES for step in consultant_next(start) if step in CLOSED_STATES
)


def needs_confirmation(target: FollowUpState, confirmed: bool) -> bool:
    """True when ``target`` is irreversible and the user has not confirmed it yet."""
    return target in IRREVERSIBLE and not confirmed
