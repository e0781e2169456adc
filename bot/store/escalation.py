"""Escalation: what is due when (one index), where an ignored reminder's record stands on the ladder,
and each step taken once across replicas (a claim with a lease, then done), with its audit line.

Why a lease and not a plain SET NX: a process that claims a step and dies before sending must not
lose it (the lease runs out and another replica takes it), and a step is marked done together with
its audit line and the next step's schedule in one script, so a replica that finds it done only moves
the schedule on. As with reminders, the one window left is a process killed after Teams accepted the
message and before the done mark: the step is sent again after the lease (at-least-once there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store import keys
from bot.store.base import StoreBase
from bot.store.codec import check_id, epoch, iso

CLAIMED = 1
ALREADY_DONE = 0
HELD_ELSEWHERE = -1

# KEYS[1] steps hash. ARGV[1] step, ARGV[2] token, ARGV[3] now epoch, ARGV[4] lease expiry epoch.
CLAIM_LUA = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  if string.sub(cur, 1, 5) == 'done|' then return 0 end
  local expiry = tonumber(string.match(cur, '|([^|]*)$'))
  if expiry and expiry > tonumber(ARGV[3]) then return -1 end
end
redis.call('HSET', KEYS[1], ARGV[1], 'lease|' .. ARGV[2] .. '|' .. ARGV[4])
return 1
"""

# The schedule moves on: KEYS[3] due zset, KEYS[4] ladders hash; ARGV[4] member, ARGV[5] next due
# epoch ('' = off the schedule), ARGV[6] ladder field ('' = none), ARGV[7] its value ('' = removed).
_ADVANCE = """
if ARGV[5] == '' then redis.call('ZREM', KEYS[3], ARGV[4])
else redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4]) end
if ARGV[6] ~= '' then
  if ARGV[7] == '' then redis.call('HDEL', KEYS[4], ARGV[6])
  else redis.call('HSET', KEYS[4], ARGV[6], ARGV[7]) end
end
"""

# KEYS[1] steps hash, KEYS[2] audit stream, KEYS[3], KEYS[4] as _ADVANCE. ARGV[1] step, ARGV[2] token,
# ARGV[3] done value, ARGV[4..7] as _ADVANCE, ARGV[8] audit maxlen, ARGV[9..] audit fields. Only the
# holder of the lease marks the step done (1); else nothing happens (0).
FINISH_LUA = (
    """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur or string.find(cur, 'lease|' .. ARGV[2] .. '|', 1, true) ~= 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
"""
    + _ADVANCE
    + """
local fields = {}
for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '*', unpack(fields))
return 1
"""
)

ADVANCE_LUA = _ADVANCE + "return 1\n"

# KEYS[1] steps hash; ARGV[1] step, ARGV[2] token: the holder gives the step back (a failed send).
RELEASE_LUA = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and string.find(cur, 'lease|' .. ARGV[2] .. '|', 1, true) == 1 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
"""

# KEYS[1] ladders hash, KEYS[2] due zset. ARGV[1] field, ARGV[2] "<version>|0", ARGV[3] version,
# ARGV[4] member, ARGV[5] due epoch. A delivered reminder puts its record on the ladder's first rung,
# unless the record is on the ladder at this version already (a second reminder for the same status
# does not start it again).
TRACK_LUA = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and string.match(cur, '^([^|]*)') == ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
return 1
"""

# KEYS[1] due zset; ARGV[1] due epoch, ARGV[2] member, ARGV[3] '1' = keep an earlier entry's time.
SCHEDULE_LUA = """
if ARGV[3] == '1' then return redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2]) end
return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
"""

KIND_INTEREST = "interest"  # member interest|<jo>: the answer window of the job order's questions
KIND_UNDECIDED = "undecided"  # member undecided|<jo>: the shortlist may still be undecided
KIND_REMINDER = "reminder"  # member reminder|<jo>|<cand>: a delivered reminder on the ladder


@dataclass(frozen=True, slots=True)
class Due:
    """One member of the due index, taken apart."""

    member: str
    kind: str
    job_order_id: str
    candidate_id: str = ""


def member(kind: str, job_order_id: str, candidate_id: str = "") -> str:
    return "|".join(p for p in (kind, job_order_id, candidate_id) if p)


def ladder_field(job_order_id: str, candidate_id: str) -> str:
    return f"{job_order_id}|{candidate_id}"


@dataclass(frozen=True, slots=True)
class Next:
    """How the schedule moves on after a step: the member's next due time (None: off the schedule)
    and, for a ladder, the record's new position ("<version>|<rung>"; '' removes it)."""

    due_at: datetime | None
    ladder: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class AuditLine:
    """The step's line in the job order's audit stream (ids only)."""

    action: str
    actor: str = "system"
    candidate_id: str = ""
    to: str = ""


class EscalationStore(StoreBase):
    """Schedule, claim, finish and release escalation steps; track delivered reminders."""

    def _due_key(self) -> str:
        return keys.escalations_due(self.prefix)

    async def schedule(
        self, kind: str, job_order_id: str, due_at: datetime, *, first_only: bool = True
    ) -> None:
        """Put a job order's step on the schedule; ``first_only``: an earlier entry keeps its time
        (a re-ranked or revised card does not restart the clock)."""
        check_id(job_order_id)
        args = [epoch(due_at), member(kind, job_order_id), "1" if first_only else ""]
        await self._eval_int(SCHEDULE_LUA, [self._due_key()], args)

    async def due(self, now: datetime, limit: int = 100) -> list[Due]:
        """Members whose step is due at ``now``, earliest first."""
        found = await self.r.zrangebyscore(self._due_key(), "-inf", epoch(now), start=0, num=limit)
        out = []
        for m in found:
            parts = m.split("|")
            out.append(Due(m, parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
        return out

    async def reminder_delivered(
        self, job_order_id: str, candidate_id: str, version: int, first_rung_due: datetime
    ) -> bool:
        """A reminder reached the consultant: the record climbs the ladder from the first rung unless
        it already does at this version. True when it was put on."""
        field = ladder_field(job_order_id, candidate_id)
        args = [field, f"{version}|0", str(version), member(KIND_REMINDER, job_order_id, candidate_id)]
        args.append(epoch(first_rung_due))
        ladder_keys = [keys.escalation_ladders(self.prefix), self._due_key()]
        return await self._eval_int(TRACK_LUA, ladder_keys, args) == 1

    async def ladder_position(self, job_order_id: str, candidate_id: str) -> tuple[int, int] | None:
        """(record version, next rung) of a record on the ladder."""
        raw = await self.r.hget(
            keys.escalation_ladders(self.prefix), ladder_field(job_order_id, candidate_id)
        )
        if not raw:
            return None
        version, rung = raw.split("|")
        return int(version), int(rung)

    async def claim(self, job_order_id: str, step: str, token: str, now: datetime) -> int:
        """CLAIMED for this caller, ALREADY_DONE, or HELD_ELSEWHERE (another replica is taking it)."""
        lease = now + timedelta(seconds=keys.ESCALATION_LEASE_SECONDS)
        args = [step, token, epoch(now), epoch(lease)]
        return await self._eval_int(CLAIM_LUA, [keys.escalation_steps(self.prefix, job_order_id)], args)

    def _advance_args(self, due: Due, then: Next) -> list[str]:
        field, value = then.ladder or ("", "")
        return [due.member, epoch(then.due_at) if then.due_at else "", field, value]

    def _advance_keys(self) -> list[str]:
        return [self._due_key(), keys.escalation_ladders(self.prefix)]

    async def finish(
        self, due: Due, step: str, token: str, at: datetime, audit: AuditLine, then: Next
    ) -> bool:
        """Mark the step done (only under this caller's lease), add its audit line and move the
        schedule on, in one script. False when the lease was lost meanwhile."""
        jo = due.job_order_id
        fields = {
            "at": iso(at),
            "actor": audit.actor,
            "action": audit.action,
            "job_order_id": jo,
            "candidate_id": audit.candidate_id,
            "from": "",
            "to": "",
            "version": "",
            "step": step,
            "recipients": audit.to,
        }
        flat = [x for kv in fields.items() for x in kv]
        script_keys = [
            keys.escalation_steps(self.prefix, jo),
            keys.audit(self.prefix, jo),
            *self._advance_keys(),
        ]
        args = [step, token, f"done|{iso(at)}", *self._advance_args(due, then), str(keys.AUDIT_MAXLEN), *flat]
        return await self._eval_int(FINISH_LUA, script_keys, args) == 1

    async def advance(self, due: Due, then: Next) -> None:
        """Move the schedule on without a step (done already elsewhere, or nothing to do)."""
        # ADVANCE_LUA reads KEYS[3..4] and ARGV[4..7], as FINISH_LUA does: the same keys, padded args.
        jo = due.job_order_id
        script_keys = [
            keys.escalation_steps(self.prefix, jo),
            keys.audit(self.prefix, jo),
            *self._advance_keys(),
        ]
        await self._eval_int(ADVANCE_LUA, script_keys, ["", "", "", *self._advance_args(due, then)])

    async def release(self, job_order_id: str, step: str, token: str) -> None:
        await self._eval_int(RELEASE_LUA, [keys.escalation_steps(self.prefix, job_order_id)], [step, token])

    async def steps(self, job_order_id: str) -> dict[str, str]:
        """Step key -> "done|<iso>" (or a lease) of a job order: what was escalated, for tests and ops."""
        return await self.r.hgetall(keys.escalation_steps(self.prefix, job_order_id))
