"""What matching hands back: shortlists, scored results with named parts, exclusions, explanations.

Plain frozen values with no behaviour beyond ordering reasons, so the bot, the CLI and the tests can
hold them without importing the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The hard filters, in the order their reason is reported (the first failing one wins).
FILTERS = (
    "inaktiv",
    # the scheme rules (config/schemes.toml): benefit, target group, visitation, age, length of
    # unemployment, already skilled
    "ydelse",
    "maalgruppe",
    "visitation",
    "alder",
    "ledighed",
    "uddannet",
    "certifikat",
    "timer",
    "afstand",
    "tilgaengelig",
)


@dataclass(frozen=True, slots=True)
class Contribution:
    """One named part of a score; the points of a result's contributions add up to its score."""

    name: str
    points: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    candidate_id: str
    score: float
    contributions: tuple[Contribution, ...]
    distance_km: float
    reasons_on_card: int = 3

    @property
    def reasons(self) -> list[str]:
        """The strongest Danish reasons, for cards."""
        ranked = sorted((c for c in self.contributions if c.points > 0), key=lambda c: -c.points)
        return [c.reason for c in ranked[: self.reasons_on_card]]


@dataclass(frozen=True, slots=True)
class Exclusion:
    candidate_id: str
    filter: str
    reason: str


@dataclass(frozen=True)
class Shortlist:
    job_order_id: str
    results: list[MatchResult]
    excluded: dict[str, int]  # filter -> count, among the candidates relevant by title
    considered: int  # candidates in the pool
    relevant: int = 0  # candidates whose job wishes or experience resemble the job order


@dataclass(frozen=True)
class Explanation:
    candidate_id: str
    status: Literal["on_list", "below_cutoff", "excluded", "unknown"]
    rank: int | None
    result: MatchResult | None
    exclusion: Exclusion | None
    message: str
