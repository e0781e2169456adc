"""What every follow-up store module shares: how a record is a Redis hash, the op builder for the Lua
scripts, and the checks on ids and actors before they become part of a key or the audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

from pydantic import TypeAdapter, ValidationError

from bot.domain.errors import BadActor, BadId, CprRefused
from bot.domain.models import FollowUp, HistoryItem
from bot.domain.states import FollowUpState
from bot.store import keys
from bot.store.client import Arg
from matching.models import Identifier
from matching.privacy import contains_cpr

SYSTEM_ACTOR = "system"
# How often an optimistic write is tried again after someone else wrote the record meanwhile.
MAX_CAS_ATTEMPTS = 50
MAX_ACTOR_CHARS = 254

_ID = TypeAdapter(Identifier)

Op = list[str | int]  # [command, key index (1-based KEYS), args...]


def iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


def parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def epoch(value: datetime) -> str:
    """A zset score / script argument: epoch seconds, millisecond precision."""
    return f"{value.timestamp():.3f}"


def fingerprint(candidate_id: str) -> str:
    """One-way reference for logs of erasures: lets an auditor who has the id confirm it was erased."""
    return hashlib.sha256(candidate_id.encode()).hexdigest()[:16]


def check_id(value: str) -> str:
    """A validated pseudonymous id (also keeps ':' and braces out of key names); :class:`BadId` if not."""
    try:
        return str(_ID.validate_python(value))
    except ValidationError as exc:
        if contains_cpr(str(value)):
            raise CprRefused() from exc
        raise BadId(value) from exc


def check_actor(actor: str) -> str:
    """A UPN as the audit trail records it (lower-case); :class:`BadActor` for anything else."""
    actor = actor.strip().lower()
    if not actor or len(actor) > MAX_ACTOR_CHARS or contains_cpr(actor) or any(c.isspace() for c in actor):
        raise BadActor(actor[:40])
    return actor


def split_members(members: Iterable[str]) -> list[tuple[str, str]]:
    """(job order id, candidate id) of index members (``keys.record_member``)."""
    pairs = [m.split(":", 1) for m in members]
    return [(jo, cid) for jo, cid in pairs]


def reminder_ids(raw: dict[str, str] | str | None) -> list[str]:
    """The reminder ids a record lists (its hash, or just its ``reminders`` field)."""
    field = raw.get("reminders") if isinstance(raw, dict) else raw
    ids: list[str] = json.loads(field or "[]")
    return ids


def decode_record(raw: dict[str, str]) -> FollowUp:
    """A record from its hash (``keys.followup``)."""
    history = tuple(
        HistoryItem(
            FollowUpState(h[0]) if h[0] else None,
            FollowUpState(h[1]),
            h[2],
            datetime.fromisoformat(h[3]),
            h[4] or None,
        )
        for h in json.loads(raw.get("history") or "[]")
    )
    next_due = raw.get("next_due")
    return FollowUp(
        job_order_id=raw["job_order_id"],
        candidate_id=raw["candidate_id"],
        consultant=raw.get("consultant", ""),
        state=FollowUpState(raw["state"]),
        version=int(raw["version"]),
        created_at=datetime.fromisoformat(raw["created_at"]),
        updated_at=datetime.fromisoformat(raw["updated_at"]),
        interview_at=parse_dt(raw.get("interview_at")),
        start_date=parse_date(raw.get("start_date")),
        ends_on=parse_date(raw.get("ends_on")),
        deadline=parse_date(raw.get("deadline")),
        reason=raw.get("reason") or None,
        note=raw.get("note") or None,
        next_due_at=datetime.fromtimestamp(float(next_due), UTC) if next_due else None,
        closed_at=parse_dt(raw.get("closed_at")),
        anonymised=raw.get("anonymised") == "1",
        history=history,
    )


def encode_record(r: FollowUp, reminder_ids: list[str]) -> dict[str, str]:
    """The hash of a record; ``reminder_ids`` are its scheduled reminders (voided on the next step)."""
    return {
        "job_order_id": r.job_order_id,
        "candidate_id": r.candidate_id,
        "consultant": r.consultant,
        "state": r.state.value,
        "version": str(r.version),
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
        "interview_at": iso(r.interview_at),
        "start_date": iso(r.start_date),
        "ends_on": iso(r.ends_on),
        "deadline": iso(r.deadline),
        "reason": r.reason or "",
        "note": r.note or "",
        "next_due": epoch(r.next_due_at) if r.next_due_at else "",
        "closed_at": iso(r.closed_at),
        "anonymised": "1" if r.anonymised else "0",
        "history": json.dumps(
            [
                [
                    h.from_state.value if h.from_state else "",
                    h.to_state.value,
                    h.actor,
                    iso(h.at),
                    h.note or "",
                ]
                for h in r.history
            ],
            ensure_ascii=False,
        ),
        "reminders": json.dumps(reminder_ids),
    }


class Ops:
    """Collects the ops for one script call and the keys they touch (1-based KEYS indexes for Lua)."""

    def __init__(self, *initial_keys: str) -> None:
        self.keys: list[str] = []
        self._index: dict[str, int] = {}
        self.ops: list[Op] = []
        for key in initial_keys:
            self.index(key)

    def index(self, key: str) -> int:
        at = self._index.get(key)
        if at is None:
            self.keys.append(key)
            at = self._index[key] = len(self.keys)
        return at

    def add(self, command: str, key: str, *args: Arg) -> None:
        self.ops.append([command, self.index(key), *map(str, args)])

    def take(self) -> list[Op]:
        """The ops collected so far (one record's group in a batch); starts a new group."""
        ops, self.ops = self.ops, []
        return ops

    def hset(self, key: str, mapping: dict[str, str]) -> None:
        self.add("HSET", key, *[x for kv in mapping.items() for x in kv])

    def audit(
        self,
        prefix: str,
        job_order_id: str,
        candidate_id: str,
        *,
        at: datetime,
        actor: str,
        action: str,
        from_state: str,
        to_state: str,
        version: int,
        consultant: str = "",
    ) -> None:
        """One line in the job order's audit stream (capped at ``keys.AUDIT_MAXLEN``): who did what, by id;
        ``consultant``: the consultant a case was handed over to (``overdrag``), else not written."""
        fields: dict[str, Arg] = {
            "at": iso(at),
            "actor": actor,
            "action": action,
            "job_order_id": job_order_id,
            "candidate_id": candidate_id,
            "from": from_state,
            "to": to_state,
            "version": version,
        }
        if consultant:
            fields["consultant"] = consultant
        flat = [x for kv in fields.items() for x in kv]
        self.add("XADD", keys.audit(prefix, job_order_id), "MAXLEN", "~", keys.AUDIT_MAXLEN, "*", *flat)
