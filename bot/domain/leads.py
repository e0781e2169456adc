"""Who may decide on a shortlist (Godkend/Afvis): the match unit's leads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Leads:
    """Who may Godkend/Afvis: the match unit's leads by UPN (``MATCH_LEADS``); empty = everyone.

    Why by UPN: it is what the edge resolves for every user (``Turn.actor``) and what the audit trail
    records, so the check and the "Godkendt af …" line name the same person.
    """

    upns: frozenset[str] = frozenset()

    @classmethod
    def of(cls, upns: Sequence[str]) -> Leads:
        return cls(frozenset(u.strip().lower() for u in upns if u.strip()))

    @property
    def listed(self) -> tuple[str, ...]:
        return tuple(sorted(self.upns))

    def allows(self, actor: str) -> bool:
        return not self.upns or actor.strip().lower() in self.upns
