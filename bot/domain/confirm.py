"""Which status steps are asked twice: the irreversible ones (issue 14.4). Pure rule, no I/O.

Why: *Ansat* cannot be undone (only the 3-month outcome follows), and the 3-month outcomes close the
record and feed the administration's key figure; a slip of the finger on a card must not set them.
The card offers a confirm step ("Bekræft") that carries the same record version, so a confirmation
on a card that has gone stale is refused like any other old button.
"""

from __future__ import annotations

from bot.domain.states import FollowUpState

IRREVERSIBLE = frozenset({FollowUpState.ANSAT, FollowUpState.I_JOB_3_MDR, FollowUpState.OPHOERT})


def needs_confirmation(target: FollowUpState, confirmed: bool) -> bool:
    """True when ``target`` is irreversible and the user has not confirmed it yet."""
    return target in IRREVERSIBLE and not confirmed
