"""The follow-up store: job orders, shortlists, follow-up records, reminders, candidate pool.

Why a Lua "checked apply" script instead of WATCH/MULTI: every write to a record goes through one
script that (1) returns the earlier result if the idempotency key was already used, (2) refuses
the write unless the record still has the version the caller read (optimistic concurrency), and
(3) applies all changes — record, indexes, reminders, audit stream, idempotency key — atomically.
One round trip, no lost update, no double apply, and it works on Redis Cluster because all the
keys share the ``{fu}`` hash tag. The rules (what is a legal step, when a reminder is due) stay in
Python (``bot.domain``); Lua only checks and applies.

Every transition carries an idempotency key (the caller's, or a fresh one per call), so a command
the client retries after a dropped connection (Redis restart) is recognised, not applied twice.

``decode_responses=True`` is required on the client (``connect`` sets it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from bot.domain.models import (
    AuditEntry,
    Clock,
    FollowUp,
    Funnel,
    HistoryItem,
    PurgeReport,
    RankedCandidate,
    Reminder,
    ShortlistEntry,
    utc_now,
)
from bot.domain.reminders import ReminderRules, add_months, compute_reminders, load_reminder_rules
from bot.domain.states import (
    CLOSED_STATES,
    HIRED_STATES,
    ConflictError,
    FollowUpState,
    NotFoundError,
    TransitionError,
    check_text,
    check_transition,
)
from bot.store import keys
from bot.ui import texts
from matching.models import FORLOEB_TYPES, CandidateProfile, Identifier, JobOrder
from matching.privacy import CPR_REFUSAL, contains_cpr, random_id

SYSTEM_ACTOR = "system"
MAX_CAS_ATTEMPTS = 50

# KEYS[1] record, KEYS[2] idempotency key, KEYS[3..] keys the ops refer to by index.
# ARGV[1] expected version (-1: don't check; 0: record must not exist), ARGV[2] idempotency value
# ('' = don't store), ARGV[3] idempotency TTL, ARGV[4] JSON list of ops [command, key index, args...].
_APPLY_LUA = """
local seen = redis.call('GET', KEYS[2])
if seen then return {'dup', seen} end
local expect = tonumber(ARGV[1])
if expect >= 0 then
  local have = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
  if have ~= expect then return {'conflict', tostring(have)} end
end
for _, op in ipairs(cjson.decode(ARGV[4])) do
  local args = {}
  for i = 3, #op do args[#args + 1] = op[i] end
  redis.call(op[1], KEYS[op[2]], unpack(args))
end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3])) end
return {'ok', ''}
"""

# A shortlist and the ``foreslaaet`` records of its new candidates, in one step. KEYS[1] shortlist
# hash, KEYS[2..] keys the ops refer to. ARGV[1] JSON [field, value, ...] (the whole new shortlist);
# ARGV[2] JSON list of [record key index, ops] per candidate: a group runs only when that record does
# not exist yet (the same check as the checked apply with expected version 0), so a repeat is a no-op
# and a lead's decision, even one made between two saves, is never reset. Returns how many were created.
_SAVE_SHORTLIST_LUA = """
local sl = cjson.decode(ARGV[1])
redis.call('DEL', KEYS[1])
if #sl > 0 then redis.call('HSET', KEYS[1], unpack(sl)) end
local created = 0
for _, group in ipairs(cjson.decode(ARGV[2])) do
  if tonumber(redis.call('HGET', KEYS[group[1]], 'version') or '0') == 0 then
    for _, op in ipairs(group[2]) do
      local args = {}
      for i = 3, #op do args[#args + 1] = op[i] end
      redis.call(op[1], KEYS[op[2]], unpack(args))
    end
    created = created + 1
  end
end
return created
"""

# KEYS[1] scheduled zset, KEYS[2] in-flight zset, KEYS[3] attempts hash.
# ARGV[1] now, ARGV[2] limit, ARGV[3] lease expiry. Expired leases go back first (crashed claimer).
_CLAIM_LUA = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], ARGV[1], id)
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  redis.call('ZREM', KEYS[1], due[i])
  redis.call('ZADD', KEYS[2], ARGV[3], due[i])
  out[#out + 1] = due[i]
  out[#out + 1] = due[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[3], due[i]) or '0'
end
return out
"""

# KEYS[1] in-flight, KEYS[2] attempts, KEYS[3] scheduled; ARGV[1] id, ARGV[2] retry at ('' = ack).
# Only the holder of the claim (still in flight) may ack or re-queue; a transition that voided the
# reminder meanwhile has removed it, and then nothing is re-queued.
_SETTLE_LUA = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
end
return 1
"""

# KEYS[1] job order hash, KEYS[2] audit stream. ARGV: fingerprint, json, now, actor.
# Returns {outcome, previous json ('' when none)}: the caller compares deadlines without a read first.
_SAVE_JOB_LUA = """
local cur = redis.call('HMGET', KEYS[1], 'fingerprint', 'json')
local fp = cur[1]
if fp == ARGV[1] then return {'unchanged', ''} end
local outcome = 'revised'
if not fp then
  outcome = 'created'
  redis.call('HSET', KEYS[1], 'created_at', ARGV[3])
end
redis.call('ZADD', KEYS[3], 'NX', ARGV[7], ARGV[6])
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'fingerprint', ARGV[1], 'updated_at', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'revision', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'at', ARGV[3], 'actor', ARGV[4],
  'action', 'job_order_' .. outcome, 'job_order_id', ARGV[6])
return {outcome, cur[2] or ''}
"""

# KEYS[1] pool meta, KEYS[2] generation hash. ARGV[1] expected generation, ARGV[2..] id, json pairs.
_POOL_PUT_LUA = """
if (redis.call('HGET', KEYS[1], 'generation') or '0') ~= ARGV[1] then return -1 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
return (#ARGV - 1) / 2
"""

# KEYS[1] pool meta, KEYS[2] generation hash. ARGV[1] expected generation, ARGV[2] candidate id.
_POOL_REMOVE_LUA = """
if (redis.call('HGET', KEYS[1], 'generation') or '0') ~= ARGV[1] then return -1 end
local n = redis.call('HDEL', KEYS[2], ARGV[2])
if n > 0 then redis.call('HINCRBY', KEYS[1], 'version', 1) end
return n
"""

_ID = TypeAdapter(Identifier)
MAX_START_AHEAD = timedelta(days=366)  # a hire's start date at most this far ahead of its registration
# The record fields a shortlist row shows (get_shortlist reads only these).
_CARD_FIELDS = ("state", "version", "reason", "history")


def _forloeb_end(job: JobOrder, start_date: date | None) -> date | None:
    """The last day of a forløb (start + the job order's duration); None for a job or without one."""
    if start_date is None or job.duration_weeks is None or job.employment_type not in FORLOEB_TYPES:
        return None
    return start_date + timedelta(weeks=job.duration_weeks, days=-1)


def _tally(states: Iterable[str | None]) -> dict[FollowUpState, int]:
    """How many records are in each state (every state, zeros included); missing records skipped."""
    counts = dict.fromkeys(FollowUpState, 0)
    for state in states:
        if state:
            counts[FollowUpState(state)] += 1
    return counts


def _iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _fingerprint(candidate_id: str) -> str:
    """One-way reference for logs of erasures: lets an auditor who has the id confirm it was erased."""
    return hashlib.sha256(candidate_id.encode()).hexdigest()[:16]


def check_id(value: str) -> str:
    """A validated pseudonymous id (also keeps ':' and braces out of key names); Danish error."""
    try:
        return str(_ID.validate_python(value))
    except ValidationError as exc:
        if contains_cpr(str(value)):
            raise TransitionError(CPR_REFUSAL) from exc
        raise TransitionError(texts.BAD_ID.format(value=value)) from exc


def check_actor(actor: str) -> str:
    actor = actor.strip().lower()
    if not actor or len(actor) > 254 or contains_cpr(actor) or any(c.isspace() for c in actor):
        raise TransitionError(texts.TRANSITION_BAD_ACTOR.format(actor=actor[:40]))
    return actor


class _Ops:
    """Collects the ops for one script call and the keys they touch (1-based KEYS indexes for Lua)."""

    def __init__(self, *initial_keys: str) -> None:
        self.keys: list[str] = []
        self._index: dict[str, int] = {}
        self.ops: list[list[Any]] = []
        for key in initial_keys:
            self.index(key)

    def index(self, key: str) -> int:
        at = self._index.get(key)
        if at is None:
            self.keys.append(key)
            at = self._index[key] = len(self.keys)
        return at

    def add(self, command: str, key: str, *args: Any) -> None:
        self.ops.append([command, self.index(key), *map(str, args)])

    def take(self) -> list[list[Any]]:
        """The ops collected so far (one record's group in a batch); starts a new group."""
        ops, self.ops = self.ops, []
        return ops

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
    ) -> None:
        """One line in the job order's audit stream (capped at ``keys.AUDIT_MAXLEN``): who did what, by id."""
        self.add(
            "XADD",
            keys.audit(prefix, job_order_id),
            "MAXLEN",
            "~",
            keys.AUDIT_MAXLEN,
            "*",
            "at",
            _iso(at),
            "actor",
            actor,
            "action",
            action,
            "job_order_id",
            job_order_id,
            "candidate_id",
            candidate_id,
            "from",
            from_state,
            "to",
            to_state,
            "version",
            version,
        )


class FollowUpStore:
    """Named operations on Redis for the follow-up engine (see ``docs/redis-keys.md``)."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        clock: Clock = utc_now,
        *,
        rules: ReminderRules | None = None,
        retention_days: int = 180,
    ) -> None:
        self.redis = redis
        # redis-py's stubs type replies as bytes | str | Awaitable; with decode_responses they are str.
        self.r: Any = redis
        self.prefix = prefix
        self.clock = clock
        self.rules = rules or load_reminder_rules()
        self.retention = timedelta(days=retention_days)
        self._apply = redis.register_script(_APPLY_LUA)
        self._save_sl = redis.register_script(_SAVE_SHORTLIST_LUA)
        self._claim = redis.register_script(_CLAIM_LUA)
        self._settle = redis.register_script(_SETTLE_LUA)
        self._save_job = redis.register_script(_SAVE_JOB_LUA)
        self._pool_put = redis.register_script(_POOL_PUT_LUA)
        self._pool_remove = redis.register_script(_POOL_REMOVE_LUA)

    # --- job orders -----------------------------------------------------------------------------

    async def save_job_order(
        self, job: JobOrder, actor: str = SYSTEM_ACTOR
    ) -> Literal["created", "unchanged", "revised"]:
        """Store a job order; a resubmission with the same content is a no-op ("unchanged").

        A revision that moves the application deadline reschedules the deadline reminders of the
        job order's open records.
        """
        data = job.model_dump_json()
        fingerprint = hashlib.sha256(data.encode()).hexdigest()
        now = self.clock()
        outcome, old = await self._save_job(
            keys=[
                keys.job_order(self.prefix, job.id),
                keys.audit(self.prefix, job.id),
                keys.job_orders(self.prefix),
            ],
            args=[
                fingerprint,
                data,
                _iso(now),
                check_actor(actor),
                keys.AUDIT_MAXLEN,
                job.id,
                now.timestamp(),
            ],
        )
        # The script hands back the content it replaced, so no read before the write (one round trip).
        if outcome == "revised" and old:
            before = JobOrder.model_validate_json(old)
            if (before.deadline, before.duration_weeks, before.employment_type) != (
                job.deadline,
                job.duration_weeks,
                job.employment_type,
            ):
                await self._reschedule_job_order(job)
        return str(outcome)  # type: ignore[return-value]

    async def get_job_order(self, job_order_id: str) -> JobOrder | None:
        raw = await self.r.hget(keys.job_order(self.prefix, job_order_id), "json")
        return JobOrder.model_validate_json(raw) if raw else None

    async def recent_job_orders(self, limit: int = 20) -> list[tuple[JobOrder, dict[FollowUpState, int]]]:
        """The latest received job orders, newest first, each with where its candidates stand now.

        Three pipelined round trips whatever ``limit`` is: the index, the job orders with their
        record sets, the records' states ("jobordrer": what is waiting for the leads).
        """
        ids = await self.r.zrevrange(keys.job_orders(self.prefix), 0, max(limit, 1) - 1)
        async with self.r.pipeline(transaction=False) as pipe:
            for jo in ids:
                pipe.hget(keys.job_order(self.prefix, jo), "json")
                pipe.smembers(keys.by_job_order(self.prefix, jo))
            replies = await pipe.execute()
        found = [(raw, members) for raw, members in zip(replies[::2], replies[1::2], strict=True) if raw]
        jobs = [JobOrder.model_validate_json(raw) for raw, _ in found]
        async with self.r.pipeline(transaction=False) as pipe:
            for job, (_, members) in zip(jobs, found, strict=True):
                for cid in members:
                    pipe.hget(keys.followup(self.prefix, job.id, cid), "state")
            states = iter(await pipe.execute())
        pairs = zip(jobs, (members for _, members in found), strict=True)
        return [(job, _tally([next(states) for _ in members])) for job, members in pairs]

    async def job_order_revised_at(self, job_order_id: str) -> datetime | None:
        """When the job order's content last changed after it was first received; None if never.

        Sticky by construction: ``revision`` only grows (``_SAVE_JOB_LUA``), so a card redrawn for any
        reason (a decision, "Vis flere") can still say the job order was revised.
        """
        revision, updated_at = await self.r.hmget(
            keys.job_order(self.prefix, job_order_id), ["revision", "updated_at"]
        )
        return _dt(updated_at) if revision is not None and int(revision) > 1 else None

    async def _reschedule_job_order(self, job: JobOrder) -> None:
        """A revision that moves the deadline, or changes a forløb's length or kind, reschedules the
        open records' reminders (and a hired candidate's check date)."""
        for candidate_id in await self.r.smembers(keys.by_job_order(self.prefix, job.id)):
            for _ in range(MAX_CAS_ATTEMPTS):
                current = await self.get_followup(job.id, candidate_id)
                if current is None or not current.is_open:
                    break
                hired = current.state is FollowUpState.ANSAT
                ends_on = _forloeb_end(job, current.start_date) if hired else None
                updated = replace(
                    current, deadline=job.deadline, ends_on=ends_on, version=current.version + 1
                )
                outcome, _ = await self._write(
                    current, updated, action="rescheduled", actor=SYSTEM_ACTOR, idem=None, new_reminders=True
                )
                if outcome != "conflict":
                    break

    # --- shortlists -----------------------------------------------------------------------------

    async def save_shortlist(
        self,
        job_order_id: str,
        results: Sequence[RankedCandidate],
        *,
        consultants: dict[str, str] | None = None,
        actor: str = SYSTEM_ACTOR,
        job: JobOrder | None = None,
    ) -> int:
        """Store the ranked shortlist and create a ``foreslaaet`` record per new candidate.

        The consultant of each candidate comes from ``consultants`` or else from the pool. A repeated
        call re-ranks; existing records (and the leads' decisions) are kept. ``job`` is the stored job
        order when the caller already has it (its deadline schedules reminders; saves a read).

        Why one script for everything: no reader or writer ever sees the shortlist without its records
        (a script runs in isolation), in one round trip instead of one per candidate (the intake's
        throughput was bound by those round trips). Returns how many records were created.
        """
        job_order_id = check_id(job_order_id)
        actor = check_actor(actor)
        if job is None or job.id != job_order_id:
            job = await self.get_job_order(job_order_id)
        ids = [check_id(r.candidate_id) for r in results]
        consultants = {cid: check_actor(upn) for cid, upn in (consultants or {}).items() if upn}
        missing = [cid for cid in ids if cid not in consultants]
        if missing:
            consultants.update(await self._pool_consultants(missing))
        entries: list[str] = []
        for rank, r in enumerate(results, start=1):
            entries += [
                r.candidate_id,
                json.dumps(
                    {
                        "rank": rank,
                        "score": round(float(r.score), 1),
                        "reasons": list(r.reasons)[:5],
                        "consultant": consultants.get(r.candidate_id, ""),
                    }
                ),
            ]
        now = self.clock()
        deadline = job.deadline if job else None
        ops = _Ops(keys.shortlist(self.prefix, job_order_id))
        groups: list[list[Any]] = []
        due: list[tuple[str, datetime]] | None = None
        for cid in dict.fromkeys(ids):
            blank = FollowUp(
                job_order_id=job_order_id,
                candidate_id=cid,
                consultant=consultants.get(cid, "").lower(),
                state=FollowUpState.FORESLAAET,
                version=0,
                created_at=now,
                updated_at=now,
            )
            record = replace(
                blank,
                version=1,
                deadline=deadline,
                history=(HistoryItem(None, FollowUpState.FORESLAAET, actor, now),),
            )
            if due is None:  # the same for every new record of this job order
                due = self._due(record)
            self._record_ops(
                ops,
                blank,
                record,
                action="created",
                actor=actor,
                new_reminders=True,
                creating=True,
                old_ids=[],
                due=due,
            )
            groups.append([ops.index(keys.followup(self.prefix, job_order_id, cid)), ops.take()])
        return int(
            await self._save_sl(
                keys=ops.keys, args=[json.dumps(entries, ensure_ascii=False), json.dumps(groups)]
            )
        )

    async def get_shortlist(self, job_order_id: str) -> list[ShortlistEntry]:
        """Ranked entries with score, reasons, the current decision/state, version and reason per candidate.

        Two round trips whatever the length: the shortlist, then the fields the card needs of every
        record in one pipeline (not whole records, not one read per row).
        """
        raw = await self.r.hgetall(keys.shortlist(self.prefix, job_order_id))
        if not raw:
            return []
        async with self.r.pipeline(transaction=False) as pipe:
            for cid in raw:
                pipe.hmget(keys.followup(self.prefix, job_order_id, cid), _CARD_FIELDS)
            replies = await pipe.execute()
        out = []
        for (cid, blob), (state, version, reason, history) in zip(raw.items(), replies, strict=True):
            data = json.loads(blob)
            steps = json.loads(history) if history else []  # [from, to, actor, at, note]
            decided = next((h for h in steps if h[0] == FollowUpState.FORESLAAET.value), None)
            # the step that entered the current state (a note keeps the state: not a status change)
            entered = next((h for h in reversed(steps) if h[1] == state and h[0] != h[1]), None)
            out.append(
                ShortlistEntry(
                    job_order_id=job_order_id,
                    candidate_id=cid,
                    rank=int(data["rank"]),
                    score=float(data["score"]),
                    reasons=tuple(data.get("reasons", ())),
                    consultant=data.get("consultant", ""),
                    state=FollowUpState(state) if state else FollowUpState.FORESLAAET,
                    decided_by=(decided[2] or None) if decided else None,
                    decided_at=datetime.fromisoformat(decided[3]) if decided else None,
                    decided_state=FollowUpState(decided[1]) if decided else None,
                    status_by=(entered[2] or None) if entered else None,
                    status_at=datetime.fromisoformat(entered[3]) if entered else None,
                    version=int(version) if version else 0,
                    reason=reason or None,
                )
            )
        return sorted(out, key=lambda e: e.rank)

    # --- follow-ups -----------------------------------------------------------------------------

    async def transition(
        self,
        job_order_id: str,
        candidate_id: str,
        to: FollowUpState,
        actor: str,
        note: str | None = None,
        *,
        idempotency_key: str | None = None,
        expected_version: int | None = None,
        interview_at: datetime | None = None,
        start_date: date | None = None,
        reason: str | None = None,
    ) -> FollowUp:
        """Move a record to ``to``; raises :class:`TransitionError` with a Danish message.

        ``idempotency_key`` (e.g. the Teams activity id): a repeat returns the record as it is,
        without applying anything twice. ``expected_version`` (the version the user saw): a
        mismatch raises :class:`ConflictError` instead of overwriting someone else's change.
        """
        to = FollowUpState(to)
        actor = check_actor(actor)
        note = check_text(note)
        reason = check_text(reason)
        if interview_at is not None and interview_at.tzinfo is None:
            interview_at = interview_at.replace(tzinfo=self.rules.zone)
        ends_on = await self._forloeb_end_of(job_order_id, start_date) if to is FollowUpState.ANSAT else None

        def change(current: FollowUp) -> FollowUp:
            if expected_version is not None and current.version != expected_version:
                raise ConflictError(texts.TRANSITION_CONFLICT.format(current=current.label))
            check_transition(
                current.state, to, reason=reason, interview_at=interview_at, start_date=start_date
            )
            now = self.clock()
            today = now.astimezone(self.rules.zone).date()
            if to is FollowUpState.ANSAT and start_date is not None and start_date > today + MAX_START_AHEAD:
                # ansat cannot be corrected (only the 3-month outcome follows): a typo like 2062 for
                # 2026 would block the check for decades, so a start more than a year out is refused
                too_far = texts.TRANSITION_START_TOO_FAR.format(start=start_date.strftime("%d.%m.%Y"))
                raise TransitionError(too_far)
            earliest = self.check_from(current) if to is FollowUpState.I_JOB_3_MDR else None
            if earliest is not None and now.astimezone(self.rules.zone).date() < earliest:
                base = current.check_base or earliest  # set whenever earliest is
                too_early = texts.TRANSITION_CHECK_TOO_EARLY
                if current.ends_on is not None:
                    too_early = texts.TRANSITION_FORLOEB_TOO_EARLY
                raise TransitionError(  # the administration's key figure is not filled in early
                    too_early.format(earliest=earliest.strftime("%d.%m.%Y"), start=base.strftime("%d.%m.%Y"))
                )
            return replace(
                current,
                state=to,
                version=current.version + 1,
                updated_at=now,
                note=note or current.note,
                interview_at=interview_at or current.interview_at,
                start_date=start_date or current.start_date,
                ends_on=ends_on if to is FollowUpState.ANSAT else current.ends_on,
                reason=reason if to is FollowUpState.AFVIST else current.reason,
                closed_at=now if to in CLOSED_STATES else None,
                history=(*current.history, HistoryItem(current.state, to, actor, now, note)),
            )

        return await self._change(
            job_order_id,
            candidate_id,
            change,
            action="transition",
            actor=actor,
            idempotency_key=idempotency_key,
            new_reminders=True,
            retry=expected_version is None,
        )

    async def add_note(
        self,
        job_order_id: str,
        candidate_id: str,
        note: str,
        actor: str,
        *,
        idempotency_key: str | None = None,
    ) -> FollowUp:
        """Append a note without changing state (reminders stay as they are)."""
        actor = check_actor(actor)
        clean = check_text(note)
        if clean is None:
            raise TransitionError(texts.NOTE_EMPTY)

        def change(current: FollowUp) -> FollowUp:
            now = self.clock()
            return replace(
                current,
                version=current.version + 1,
                updated_at=now,
                note=clean,
                history=(*current.history, HistoryItem(current.state, current.state, actor, now, clean)),
            )

        return await self._change(
            job_order_id,
            candidate_id,
            change,
            action="note",
            actor=actor,
            idempotency_key=idempotency_key,
            new_reminders=False,
            retry=True,
        )

    async def _change(
        self,
        job_order_id: str,
        candidate_id: str,
        change: Callable[[FollowUp], FollowUp],
        *,
        action: str,
        actor: str,
        idempotency_key: str | None,
        new_reminders: bool,
        retry: bool,
    ) -> FollowUp:
        """The optimistic write ``transition`` and ``add_note`` share: read, ``change``, write if nobody
        wrote meanwhile, else read again (``retry``) or raise the conflict with the latest state.

        A repeated ``idempotency_key`` returns the record as it is, applying nothing twice.
        """
        idem = self._idem_key(job_order_id, candidate_id, idempotency_key or random_id(16))
        for _ in range(MAX_CAS_ATTEMPTS):
            current, reminder_ids, seen = await self._snapshot(
                job_order_id, candidate_id, idem if idempotency_key is not None else None
            )
            if seen:
                return current
            outcome, written = await self._write(
                current,
                change(current),
                action=action,
                actor=actor,
                idem=idem,
                new_reminders=new_reminders,
                old_reminders=reminder_ids,
            )
            if outcome == "ok":
                return written
            if outcome == "dup":
                return await self._require(job_order_id, candidate_id)
            if not retry:
                latest = await self._require(job_order_id, candidate_id)
                raise ConflictError(texts.TRANSITION_CONFLICT.format(current=latest.label))
        raise ConflictError(texts.TRANSITION_CONFLICT.format(current=current.label))

    def check_from(self, record: FollowUp) -> date | None:
        """The first day 'I job efter 3 måneder' can be registered: the check's months after the start,
        or after the end of a forløb (the administration counts from there)."""
        base = record.check_base
        return add_months(base, self.rules.three_month_check.months_after_start) if base else None

    async def _forloeb_end_of(self, job_order_id: str, start_date: date | None) -> date | None:
        if start_date is None:
            return None
        job = await self.get_job_order(job_order_id)
        return _forloeb_end(job, start_date) if job is not None else None

    async def get_followup(self, job_order_id: str, candidate_id: str) -> FollowUp | None:
        raw = await self.r.hgetall(keys.followup(self.prefix, job_order_id, candidate_id))
        return self._parse(raw) if raw else None

    async def _snapshot(
        self, job_order_id: str, candidate_id: str, idem: str | None
    ) -> tuple[FollowUp, list[str], bool]:
        """The record, its reminder ids and whether ``idem`` was used, in one round trip.

        Record first, key second: the apply script writes both at once, so a record that already
        shows this action is always seen together with its key (a repeat, not an error).
        """
        rec_key = keys.followup(self.prefix, job_order_id, candidate_id)
        if idem is None:  # a lone command: a pipeline of one costs the client more
            replies = [await self.r.hgetall(rec_key)]
        else:
            async with self.r.pipeline(transaction=False) as pipe:
                pipe.hgetall(rec_key)
                pipe.exists(idem)
                replies = await pipe.execute()
        raw = replies[0]
        if not raw:
            raise NotFoundError(
                texts.TRANSITION_NOT_FOUND.format(candidate_id=candidate_id, job_order_id=job_order_id)
            )
        return self._parse(raw), json.loads(raw.get("reminders") or "[]"), bool(idem and replies[1])

    async def _require(self, job_order_id: str, candidate_id: str) -> FollowUp:
        found = await self.get_followup(job_order_id, candidate_id)
        if found is None:
            raise NotFoundError(
                texts.TRANSITION_NOT_FOUND.format(candidate_id=candidate_id, job_order_id=job_order_id)
            )
        return found

    def _idem_key(self, job_order_id: str, candidate_id: str, key: str) -> str:
        digest = hashlib.sha256(f"{job_order_id}\x1f{candidate_id}\x1f{key}".encode()).hexdigest()[:32]
        return keys.idempotency(self.prefix, digest)

    # --- queries --------------------------------------------------------------------------------

    async def funnel(self, job_order_id: str) -> dict[FollowUpState, int]:
        """How many of the job order's candidates are in each state (every state, zeros included)."""
        members = await self.r.smembers(keys.by_job_order(self.prefix, job_order_id))
        return await self._count_states(job_order_id, members)

    async def known_funnel(self, job_order_id: str) -> Funnel | None:
        """The funnel now and by steps reached, or None when the job order is unknown ("overblik").

        The existence check rides along with the member read, and no job order is parsed just to see
        that it exists. "Reached" comes from each record's history, which retention keeps.
        """
        async with self.r.pipeline(transaction=False) as pipe:
            pipe.exists(keys.job_order(self.prefix, job_order_id))
            pipe.smembers(keys.by_job_order(self.prefix, job_order_id))
            exists, members = await pipe.execute()
        if not exists:
            return None
        current = dict.fromkeys(FollowUpState, 0)
        reached = dict.fromkeys(FollowUpState, 0)
        async with self.r.pipeline(transaction=False) as pipe:
            for cid in members:
                pipe.hmget(keys.followup(self.prefix, job_order_id, cid), "state", "history")
            rows = await pipe.execute()
        for state, history in rows:
            if not state:
                continue
            current[FollowUpState(state)] += 1
            steps = {FollowUpState(step[1]) for step in json.loads(history or "[]")} | {FollowUpState(state)}
            for step in steps:
                reached[step] += 1
        return Funnel(current, reached)

    async def _count_states(self, job_order_id: str, members: Iterable[str]) -> dict[FollowUpState, int]:
        if not members:
            return _tally(())
        async with self.r.pipeline(transaction=False) as pipe:
            for cid in members:
                pipe.hget(keys.followup(self.prefix, job_order_id, cid), "state")
            states = await pipe.execute()
        return _tally(states)

    async def for_consultant(self, consultant_upn: str, now: datetime | None = None) -> list[FollowUp]:
        """The consultant's open follow-ups, overdue first, then by due date and urgency."""
        members = await self.r.smembers(keys.by_consultant(self.prefix, consultant_upn.lower()))
        records = await self._load_many(self._split(members))
        at = now or self.clock()
        return sorted((r for r in records if r.is_open), key=lambda r: r.action_sort_key(at))

    async def by_state(self, state: FollowUpState) -> list[FollowUp]:
        members = await self.r.smembers(keys.by_state(self.prefix, FollowUpState(state).value))
        records = await self._load_many(self._split(members))
        return sorted(records, key=lambda r: (r.job_order_id, r.candidate_id))

    async def placements(self) -> tuple[list[FollowUp], dict[str, JobOrder]]:
        """Every hire so far (ansat, i_job_3_mdr, ophoert) and the job orders they are on ("rapport").

        Reads the three permanent state indexes and only the ``json`` field of each job order;
        anonymised records count too (their history keeps the day of the hire).
        """
        async with self.r.pipeline(transaction=False) as pipe:
            for state in HIRED_STATES:
                pipe.smembers(keys.by_state(self.prefix, state.value))
            member_sets = await pipe.execute()
        records = await self._load_many(self._split(m for members in member_sets for m in members))
        job_ids = sorted({r.job_order_id for r in records})
        async with self.r.pipeline(transaction=False) as pipe:
            for jo in job_ids:
                pipe.hget(keys.job_order(self.prefix, jo), "json")
            raws = await pipe.execute()
        jobs = {jo: JobOrder.model_validate_json(raw) for jo, raw in zip(job_ids, raws, strict=True) if raw}
        return records, jobs

    async def overdue(self, now: datetime) -> list[FollowUp]:
        """Open records with a reminder due at or before ``now``, most overdue first."""
        members = await self.r.zrangebyscore(keys.due(self.prefix), "-inf", now.timestamp())
        records = await self._load_many(self._split(members))
        return sorted((r for r in records if r.is_overdue(now)), key=lambda r: r.action_sort_key(now))

    async def audit(self, job_order_id: str, candidate_id: str | None = None) -> list[AuditEntry]:
        """The job order's audit trail, oldest first; with ``candidate_id`` only that record's."""
        rows = await self.r.xrange(keys.audit(self.prefix, job_order_id))
        out = []
        for entry_id, f in rows:
            cid = f.get("candidate_id") or None
            if candidate_id is not None and cid != candidate_id:
                continue
            out.append(
                AuditEntry(
                    entry_id=entry_id,
                    at=datetime.fromisoformat(f["at"]),
                    actor=f.get("actor", ""),
                    action=f.get("action", ""),
                    job_order_id=job_order_id,
                    candidate_id=cid,
                    from_state=FollowUpState(f["from"]) if f.get("from") else None,
                    to_state=FollowUpState(f["to"]) if f.get("to") else None,
                    version=int(f["version"]) if f.get("version") else None,
                )
            )
        return out

    @staticmethod
    def _split(members: Iterable[str]) -> list[tuple[str, str]]:
        pairs = [m.split(":", 1) for m in members]
        return [(jo, cid) for jo, cid in pairs]

    async def _load_many(self, pairs: Sequence[tuple[str, str]]) -> list[FollowUp]:
        if not pairs:
            return []
        async with self.r.pipeline(transaction=False) as pipe:
            for jo, cid in pairs:
                pipe.hgetall(keys.followup(self.prefix, jo, cid))
            raws = await pipe.execute()
        return [self._parse(raw) for raw in raws if raw]

    # --- record encoding and the checked write -------------------------------------------------

    @staticmethod
    def _parse(raw: dict[str, str]) -> FollowUp:
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
            interview_at=_dt(raw.get("interview_at")),
            start_date=_date(raw.get("start_date")),
            ends_on=_date(raw.get("ends_on")),
            deadline=_date(raw.get("deadline")),
            reason=raw.get("reason") or None,
            note=raw.get("note") or None,
            next_due_at=datetime.fromtimestamp(float(next_due), UTC) if next_due else None,
            closed_at=_dt(raw.get("closed_at")),
            anonymised=raw.get("anonymised") == "1",
            history=history,
        )

    @staticmethod
    def _encode(r: FollowUp, reminder_ids: list[str]) -> dict[str, str]:
        return {
            "job_order_id": r.job_order_id,
            "candidate_id": r.candidate_id,
            "consultant": r.consultant,
            "state": r.state.value,
            "version": str(r.version),
            "created_at": _iso(r.created_at),
            "updated_at": _iso(r.updated_at),
            "interview_at": _iso(r.interview_at),
            "start_date": _iso(r.start_date),
            "ends_on": _iso(r.ends_on),
            "deadline": _iso(r.deadline),
            "reason": r.reason or "",
            "note": r.note or "",
            "next_due": f"{r.next_due_at.timestamp():.3f}" if r.next_due_at else "",
            "closed_at": _iso(r.closed_at),
            "anonymised": "1" if r.anonymised else "0",
            "history": json.dumps(
                [
                    [
                        h.from_state.value if h.from_state else "",
                        h.to_state.value,
                        h.actor,
                        _iso(h.at),
                        h.note or "",
                    ]
                    for h in r.history
                ],
                ensure_ascii=False,
            ),
            "reminders": json.dumps(reminder_ids),
        }

    async def _write(
        self,
        current: FollowUp,
        updated: FollowUp,
        *,
        action: str,
        actor: str,
        idem: str | None,
        new_reminders: bool,
        creating: bool = False,
        old_reminders: list[str] | None = None,
    ) -> tuple[Literal["ok", "dup", "conflict"], FollowUp]:
        """Apply ``current`` → ``updated`` atomically if the record still has ``current.version``."""
        rec_key = keys.followup(self.prefix, updated.job_order_id, updated.candidate_id)
        old_ids: list[str] = old_reminders or []
        if not creating and old_reminders is None:
            old_ids = json.loads(await self.r.hget(rec_key, "reminders") or "[]")
        ops = _Ops(rec_key, idem or keys.idempotency(self.prefix, "-"))
        updated = self._record_ops(
            ops,
            current,
            updated,
            action=action,
            actor=actor,
            new_reminders=new_reminders,
            creating=creating,
            old_ids=old_ids,
        )
        result = await self._apply(
            keys=ops.keys,
            args=[
                current.version,
                str(updated.version) if idem else "",
                keys.IDEMPOTENCY_TTL_SECONDS,
                json.dumps(ops.ops),
            ],
        )
        return str(result[0]), updated  # type: ignore[return-value]

    def _due(self, updated: FollowUp) -> list[tuple[str, datetime]]:
        """(rule, due) of the reminders the record should have in its new state."""
        if not updated.is_open:
            return []
        entered = next(
            (h.at for h in reversed(updated.history) if h.to_state == updated.state != h.from_state),
            updated.updated_at,
        )
        return compute_reminders(
            self.rules,
            state=updated.state,
            entered_at=entered,
            now=self.clock(),
            deadline=updated.deadline,
            interview_at=updated.interview_at,
            start_date=updated.check_base,  # a forløb's check counts from its end
        )

    def _record_ops(
        self,
        ops: _Ops,
        current: FollowUp,
        updated: FollowUp,
        *,
        action: str,
        actor: str,
        new_reminders: bool,
        creating: bool,
        old_ids: list[str],
        due: list[tuple[str, datetime]] | None = None,
    ) -> FollowUp:
        """Add every write of ``current`` → ``updated`` to ``ops``: record, indexes, reminders, audit.

        ``due`` (precomputed reminders) lets a batch of identical new records compute them once.
        Returns ``updated`` with its ``next_due_at``.
        """
        p, jo, cid = self.prefix, updated.job_order_id, updated.candidate_id
        rec_key = keys.followup(p, jo, cid)
        member = keys.record_member(jo, cid)
        if new_reminders:
            if due is None:
                due = self._due(updated)
            new_ids = [f"{rule}|{jo}|{cid}|{updated.version}" for rule, _ in due]
            updated = replace(updated, next_due_at=min((d for _, d in due), default=None))
            for rid in old_ids:
                ops.add("ZREM", keys.reminders(p), rid)
                ops.add("ZREM", keys.reminders_inflight(p), rid)
                ops.add("HDEL", keys.reminder_attempts(p), rid)
            for rid, (_, at) in zip(new_ids, due, strict=True):
                ops.add("ZADD", keys.reminders(p), f"{at.timestamp():.3f}", rid)
        else:
            new_ids = old_ids
        ops.add("HSET", rec_key, *[x for kv in self._encode(updated, new_ids).items() for x in kv])
        if creating:
            ops.add("SADD", keys.by_job_order(p, jo), cid)
            ops.add("SADD", keys.by_candidate(p, cid), jo)
        if current.state != updated.state or creating:
            if not creating:
                ops.add("SREM", keys.by_state(p, current.state.value), member)
            ops.add("SADD", keys.by_state(p, updated.state.value), member)
        if updated.consultant:
            if updated.is_open:
                ops.add("SADD", keys.by_consultant(p, updated.consultant), member)
            else:
                ops.add("SREM", keys.by_consultant(p, updated.consultant), member)
        if updated.next_due_at is not None:
            ops.add("ZADD", keys.due(p), f"{updated.next_due_at.timestamp():.3f}", member)
        else:
            ops.add("ZREM", keys.due(p), member)
        # Retention of an open record counts from its last change; a hire waits for its 3-month check,
        # so it counts from the check date (a 26-week løntilskud is not "untouched" after 180 days).
        touched = updated.updated_at
        check = self.check_from(updated) if updated.state is FollowUpState.ANSAT else None
        if check is not None:
            touched = max(touched, datetime.combine(check, datetime.min.time(), UTC))
        ops.add("ZADD", keys.by_updated(p), f"{touched.timestamp():.3f}", member)
        if updated.closed_at is not None and current.closed_at is None:
            ops.add("ZADD", keys.closed(p), f"{updated.closed_at.timestamp():.3f}", member)
        ops.audit(
            p,
            jo,
            cid,
            at=updated.updated_at,
            actor=actor,
            action=action,
            from_state="" if creating else current.state.value,
            to_state=updated.state.value,
            version=updated.version,
        )
        return updated

    # --- reminders (used by ReminderScheduler) --------------------------------------------------

    async def claim_due_reminders(
        self,
        now: datetime,
        limit: int = 100,
        lease: timedelta = timedelta(seconds=keys.REMINDER_LEASE_SECONDS),
    ) -> list[Reminder]:
        """Atomically take up to ``limit`` due reminders for this process (nobody else gets them)."""
        p = self.prefix
        flat = await self._claim(
            keys=[keys.reminders(p), keys.reminders_inflight(p), keys.reminder_attempts(p)],
            args=[f"{now.timestamp():.3f}", limit, f"{(now + lease).timestamp():.3f}"],
        )
        out = []
        for i in range(0, len(flat), 3):
            rule, jo, cid, version = flat[i].split("|")
            out.append(
                Reminder(
                    reminder_id=flat[i],
                    rule=rule,
                    job_order_id=jo,
                    candidate_id=cid,
                    version=int(version),
                    due_at=datetime.fromtimestamp(float(flat[i + 1]), UTC),
                    attempt=int(flat[i + 2]),
                )
            )
        return out

    async def reminder_is_current(self, reminder: Reminder) -> bool:
        """Whether the record still lists this reminder. A change of state replaces the list; a note
        keeps it but bumps the version, so the version alone would void a reminder that still applies."""
        rec_key = keys.followup(self.prefix, reminder.job_order_id, reminder.candidate_id)
        return reminder.reminder_id in json.loads(await self.r.hget(rec_key, "reminders") or "[]")

    async def ack_reminder(self, reminder: Reminder) -> bool:
        """Delivered (or void): forget it. False when this process no longer held the claim."""
        return bool(await self._settle(keys=self._settle_keys(), args=[reminder.reminder_id, ""]))

    async def retry_reminder(self, reminder: Reminder, at: datetime) -> bool:
        """Delivery failed: schedule it again at ``at`` (attempt count +1). Never dropped."""
        return bool(
            await self._settle(keys=self._settle_keys(), args=[reminder.reminder_id, f"{at.timestamp():.3f}"])
        )

    def _settle_keys(self) -> list[str]:
        p = self.prefix
        return [keys.reminders_inflight(p), keys.reminder_attempts(p), keys.reminders(p)]

    async def scheduled_reminders(self) -> list[tuple[str, datetime]]:
        """(reminder id, due) of everything scheduled and not yet claimed; for tests and the CLI."""
        rows = await self.r.zrange(keys.reminders(self.prefix), 0, -1, withscores=True)
        return [(rid, datetime.fromtimestamp(score, UTC)) for rid, score in rows]

    # --- retention and erasure -----------------------------------------------------------------

    async def purge_expired(self, now: datetime, batch: int = 500) -> int:
        """Strip personal fields from records closed, or left untouched, longer than the retention period.

        What stays: ids, state and dates of the steps (for the funnel and the statistics on who is in
        job after 3 months). What goes: notes, rejection reason, interview date, start date, the
        consultant link, who did each step (the audit stream keeps that, by id), pending reminders
        and the shortlist reasons (they describe the candidate's profile). An open record nobody has
        touched for the whole period (a shortlist the lead never decided on, a forgotten 3-month
        check) is stripped too: retention must not depend on someone closing the case.
        """
        p = self.prefix
        cutoff = (now - self.retention).timestamp()
        closed = await self.r.zrangebyscore(keys.closed(p), "-inf", cutoff, start=0, num=batch)
        stale = await self.r.zrangebyscore(keys.by_updated(p), "-inf", cutoff, start=0, num=batch)
        done = 0
        for jo, cid in self._split(dict.fromkeys([*closed, *stale])):
            for _ in range(MAX_CAS_ATTEMPTS):
                current, reminder_ids, _ = await self._snapshot_or_none(jo, cid)
                if current is None or current.anonymised:
                    member = keys.record_member(jo, cid)
                    await self.r.zrem(keys.closed(p), member)
                    await self.r.zrem(keys.by_updated(p), member)
                    break
                if await self._anonymise(current, reminder_ids, now) != "conflict":
                    done += 1
                    break
        return done

    async def _snapshot_or_none(
        self, job_order_id: str, candidate_id: str
    ) -> tuple[FollowUp | None, list[str], bool]:
        try:
            return await self._snapshot(job_order_id, candidate_id, None)
        except NotFoundError:
            return None, [], False

    async def _anonymise(self, current: FollowUp, reminder_ids: list[str], now: datetime) -> str:
        p, jo, cid = self.prefix, current.job_order_id, current.candidate_id
        member = keys.record_member(jo, cid)
        stripped = replace(
            current,
            version=current.version + 1,
            consultant="",
            note=None,
            reason=None,
            interview_at=None,
            start_date=None,
            ends_on=None,
            anonymised=True,
            updated_at=now,
            next_due_at=None,
            history=tuple(replace(h, note=None, actor="") for h in current.history),
        )
        ops = _Ops(keys.followup(p, jo, cid), keys.idempotency(p, "-"))
        ops.add(
            "HSET", keys.followup(p, jo, cid), *[x for kv in self._encode(stripped, []).items() for x in kv]
        )
        if current.consultant:
            ops.add("SREM", keys.by_consultant(p, current.consultant), member)
        ops.add("ZREM", keys.closed(p), member)
        ops.add("ZREM", keys.by_updated(p), member)
        ops.add("ZREM", keys.due(p), member)
        for rid in reminder_ids:
            ops.add("ZREM", keys.reminders(p), rid)
            ops.add("ZREM", keys.reminders_inflight(p), rid)
            ops.add("HDEL", keys.reminder_attempts(p), rid)
        sl_raw = await self.r.hget(keys.shortlist(p, jo), cid)
        if sl_raw:
            entry = json.loads(sl_raw)
            entry.update(reasons=[], consultant="")
            ops.add("HSET", keys.shortlist(p, jo), cid, json.dumps(entry))
        ops.audit(
            p,
            jo,
            cid,
            at=now,
            actor=SYSTEM_ACTOR,
            action="anonymised",
            from_state=current.state.value,
            to_state=current.state.value,
            version=stripped.version,
        )
        result = await self._apply(keys=ops.keys, args=[current.version, "", 0, json.dumps(ops.ops)])
        return str(result[0])

    async def purge_candidate(self, candidate_id: str, actor: str) -> PurgeReport:
        """Erase a candidate everywhere: records, shortlists, reminders, indexes, audit lines, pool.

        The audit entries that named the candidate are deleted; each affected job order's trail and the
        erasure log get one entry with the actor, the time and a one-way fingerprint of the id.
        """
        candidate_id = check_id(candidate_id)
        actor = check_actor(actor)
        p, now = self.prefix, self.clock()
        job_ids = sorted(await self.r.smembers(keys.by_candidate(p, candidate_id)))
        records = shortlists = reminders = audit_entries = 0
        for jo in job_ids:
            member = keys.record_member(jo, candidate_id)
            rec_key = keys.followup(p, jo, candidate_id)
            raw = await self.r.hgetall(rec_key)
            rids = json.loads(raw.get("reminders") or "[]") if raw else []
            trail = await self.r.xrange(keys.audit(p, jo))
            naming = [eid for eid, f in trail if f.get("candidate_id") == candidate_id]
            async with self.r.pipeline(transaction=True) as pipe:
                pipe.delete(rec_key)
                pipe.srem(keys.by_job_order(p, jo), candidate_id)
                if raw:
                    pipe.srem(keys.by_state(p, raw["state"]), member)
                    if raw.get("consultant"):
                        pipe.srem(keys.by_consultant(p, raw["consultant"]), member)
                pipe.zrem(keys.due(p), member)
                pipe.zrem(keys.closed(p), member)
                pipe.zrem(keys.by_updated(p), member)
                for rid in rids:
                    pipe.zrem(keys.reminders(p), rid)
                    pipe.zrem(keys.reminders_inflight(p), rid)
                    pipe.hdel(keys.reminder_attempts(p), rid)
                pipe.hdel(keys.shortlist(p, jo), candidate_id)
                shortlist_at = len(pipe.command_stack) - 1
                if naming:
                    pipe.xdel(keys.audit(p, jo), *naming)
                pipe.xadd(
                    keys.audit(p, jo),
                    {
                        "at": _iso(now),
                        "actor": actor,
                        "action": "purged",
                        "job_order_id": jo,
                        "candidate_id": "",
                        "subject": _fingerprint(candidate_id),
                    },
                    maxlen=keys.AUDIT_MAXLEN,
                    approximate=True,
                )
                results = await pipe.execute()
            records += int(results[0])
            shortlists += int(results[shortlist_at])
            reminders += len(rids)
            audit_entries += len(naming)
        await self.r.delete(keys.by_candidate(p, candidate_id))
        in_pool = await self.remove(candidate_id)
        report = PurgeReport(
            candidate_id=candidate_id,
            records=records,
            shortlists=shortlists,
            reminders=reminders,
            audit_entries=audit_entries,
            pool=in_pool,
            job_order_ids=tuple(job_ids),
        )
        await self.r.xadd(
            keys.purge_log(p),
            {
                "at": _iso(now),
                "actor": actor,
                "action": "purged",
                "subject": _fingerprint(candidate_id),
                "records": str(records),
                "shortlists": str(shortlists),
                "reminders": str(reminders),
                "pool": "1" if in_pool else "0",
            },
            maxlen=keys.PURGE_LOG_MAXLEN,
            approximate=True,
        )
        return report

    # --- candidate pool -------------------------------------------------------------------------

    async def _generation(self) -> int:
        return int(await self.r.hget(keys.pool_meta(self.prefix), "generation") or 0)

    async def put_candidates(self, profiles: Iterable[CandidateProfile], chunk: int = 500) -> int:
        """Upsert profiles into the live pool (each chunk bumps ``pool_version``); returns the count."""
        batch: list[str] = []
        total = 0
        for profile in profiles:
            batch += [profile.id, profile.model_dump_json()]
            if len(batch) >= 2 * chunk:
                total += await self._put_chunk(batch)
                batch = []
        if batch:
            total += await self._put_chunk(batch)
        return total

    async def _put_chunk(self, flat: list[str]) -> int:
        return await self._on_live_generation(self._pool_put, flat, "put_candidates")

    async def _on_live_generation(self, script: AsyncScript, args: list[str], what: str) -> int:
        """Run a pool script on the live generation; it answers -1 when a swap moved the generation
        between our read and its run, and then we run it again on the new one."""
        for _ in range(MAX_CAS_ATTEMPTS):
            gen = await self._generation()
            n = int(
                await script(
                    keys=[keys.pool_meta(self.prefix), keys.pool_generation(self.prefix, gen)],
                    args=[str(gen), *args],
                )
            )
            if n >= 0:
                return n
        raise RuntimeError(f"pool generation kept changing during {what}")

    async def all_candidates(self) -> list[CandidateProfile]:
        """Every profile in the live pool generation (never a mix of two generations)."""
        for _ in range(MAX_CAS_ATTEMPTS):
            gen = await self._generation()
            raw = await self.r.hgetall(keys.pool_generation(self.prefix, gen))
            if await self._generation() == gen:
                return [CandidateProfile.model_validate_json(v) for _, v in sorted(raw.items())]
        raise RuntimeError("pool generation kept changing during all_candidates")

    async def get_candidate(self, candidate_id: str) -> CandidateProfile | None:
        raw = await self.r.hget(keys.pool_generation(self.prefix, await self._generation()), candidate_id)
        return CandidateProfile.model_validate_json(raw) if raw else None

    async def pool_version(self) -> int:
        """Changes whenever the pool changes; readers reload their index when it moves."""
        return int(await self.r.hget(keys.pool_meta(self.prefix), "version") or 0)

    async def remove(self, candidate_id: str) -> bool:
        """Remove one profile from the live pool; True when it was there."""
        return await self._on_live_generation(self._pool_remove, [candidate_id], "remove") > 0

    async def _pool_consultants(self, candidate_ids: list[str]) -> dict[str, str]:
        gen_key = keys.pool_generation(self.prefix, await self._generation())
        raws = await self.r.hmget(gen_key, candidate_ids)
        return {
            cid: json.loads(raw).get("consultant", "")
            for cid, raw in zip(candidate_ids, raws, strict=True)
            if raw
        }
