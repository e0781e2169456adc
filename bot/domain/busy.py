"""Candidates busy on another job order (issue 10, item 5): the rule as data, applied without I/O.

Why: a shortlist is drawn from the whole pool, but the match unit works many job orders at once. A
candidate already contacted, referred, at an interview, hired or in a forløb through another job
order should not be sent on again without the lead knowing. ``config/cross_job_orders.toml`` says
which states make a candidate busy and whether the shortlist marks them ("I gang med JO-…") or
leaves them out when it is matched. The store reads each candidate's records
(``FollowUpRecords.engagements``); this module decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.states import FollowUpState
from config import config_path, validate_file

BUSY_FILE = "cross_job_orders.toml"
BUSY_FILTER = "optaget"  # the card's count of candidates left out ("exclude"), next to the hard filters


class BusyRule(BaseModel):
    """``config/cross_job_orders.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["mark", "exclude"] = "mark"
    mode_source: str = Field(min_length=1)
    busy_states: frozenset[FollowUpState] = frozenset(
        {
            FollowUpState.KONTAKTET,
            FollowUpState.ANSOEGT,
            FollowUpState.HENVIST,
            FollowUpState.SAMTALE,
            FollowUpState.ANSAT,
            FollowUpState.I_JOB_3_MDR,
            FollowUpState.STARTET_FORLOEB,
        }
    )

    @property
    def excludes(self) -> bool:
        return self.mode == "exclude"


def load_busy_rule(path: Path | None = None) -> BusyRule:
    return validate_file(BusyRule, path or config_path(BUSY_FILE))


@dataclass(frozen=True, slots=True)
class BusyElsewhere:
    """Where a candidate is busy: the other job order and the state there."""

    job_order_id: str
    state: FollowUpState


def busy_elsewhere(
    engagements: Mapping[str, Iterable[tuple[str, FollowUpState]]], job_order_id: str, rule: BusyRule
) -> dict[str, BusyElsewhere]:
    """Candidate id -> the other job order that keeps them busy (the first by id, for a stable card);
    the job order being matched never counts against its own candidates."""
    out: dict[str, BusyElsewhere] = {}
    for candidate_id, records in engagements.items():
        busy = sorted((jo, s) for jo, s in records if jo != job_order_id and s in rule.busy_states)
        if busy:
            out[candidate_id] = BusyElsewhere(*busy[0])
    return out
