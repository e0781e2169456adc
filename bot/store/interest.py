"""Interest before review: which candidates' consultants were asked "Er kandidaten interesseret?" and
what they answered, each change with its line in the job order's audit stream, in one script.

Why scripts: asking is a claim (two posts of the same card, or two replicas, must send one question
per candidate), and an answer must be idempotent (Teams retries, double clicks: the same answer again
writes nothing and adds no audit line) and final once it is *Nej* (the candidate has left the list;
a late *Ja* on an old card must not bring them back).
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.escalation import Interest, InterestStatus
from bot.store import keys
from bot.store.base import StoreBase
from bot.store.codec import SYSTEM_ACTOR, check_actor, check_id, iso, parse_dt

# KEYS[1] interest hash, KEYS[2] audit stream. ARGV[1] candidate, ARGV[2] value JSON, ARGV[3] audit
# maxlen, ARGV[4..] audit fields. Sets the candidate's entry only when there is none: 1 asked, 0 not.
ASK_LUA = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
return 1
"""

# KEYS[1] interest hash, KEYS[2] audit stream. ARGV[1] candidate, ARGV[2] the answer, ARGV[3] by,
# ARGV[4] at (iso), ARGV[5] audit maxlen, ARGV[6..] audit fields. Answers 'new', 'same' (the entry
# already says this answer: nothing written), 'final' (it says nej: nothing written) or 'unknown'
# (never asked).
ANSWER_LUA = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 'unknown' end
local entry = cjson.decode(raw)
if entry['answer'] == ARGV[2] then return 'same' end
if entry['answer'] == 'nej' then return 'final' end
entry['answer'] = ARGV[2]
entry['by'] = ARGV[3]
entry['at'] = ARGV[4]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', unpack(fields))
return 'new'
"""

# KEYS[1] interest hash, KEYS[2] audit stream. ARGV[1] candidate, ARGV[2] asked_at (iso), ARGV[3] audit
# maxlen, ARGV[4..] audit fields. Turns an unreachable question back into an asked one: 1, else 0 (it
# was answered, or asked again by another replica meanwhile).
REASK_LUA = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
if entry['answer'] ~= 'ikke_naaet' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({answer = 'spurgt', asked_at = ARGV[2]}))
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
return 1
"""

ANSWER_NEW = "new"
ANSWER_SAME = "same"
ANSWER_FINAL = "final"
ANSWER_UNKNOWN = "unknown"

AUDIT_ASKED = "interest_asked"


def audit_action(answer: Interest) -> str:
    """The audit line's action for an answer: interest_ja, interest_nej, interest_ved_ikke, ..."""
    return f"interest_{answer.value}"


def _audit(job_order_id: str, candidate_id: str, actor: str, action: str, at: datetime) -> list[str]:
    fields = {
        "at": iso(at),
        "actor": actor,
        "action": action,
        "job_order_id": job_order_id,
        "candidate_id": candidate_id,
        "from": "",
        "to": "",
        "version": "",
    }
    return [x for kv in fields.items() for x in kv]


def interest_status(candidate_id: str, raw: str) -> InterestStatus:
    """One entry of the interest hash (``keys.interest``), as the domain knows it."""
    data = json.loads(raw)
    asked_at = parse_dt(data.get("asked_at"))
    assert asked_at is not None  # written by ASK_LUA with every entry
    return InterestStatus(
        candidate_id=candidate_id,
        answer=Interest(data["answer"]),
        asked_at=asked_at,
        by=data.get("by") or None,
        at=parse_dt(data.get("at")),
    )


class InterestStore(StoreBase):
    """Ask once per candidate and job order; record answers idempotently; read them for the card."""

    def _keys(self, job_order_id: str) -> list[str]:
        return [keys.interest(self.prefix, job_order_id), keys.audit(self.prefix, job_order_id)]

    async def claim_ask(self, job_order_id: str, candidate_id: str, at: datetime) -> bool:
        """True for the one caller that may send the question (the entry is written as asked)."""
        check_id(job_order_id)
        check_id(candidate_id)
        value = json.dumps({"answer": Interest.ASKED.value, "asked_at": iso(at)})
        audit = _audit(job_order_id, candidate_id, SYSTEM_ACTOR, AUDIT_ASKED, at)
        args: list[str | int] = [candidate_id, value, keys.AUDIT_MAXLEN, *audit]
        return await self._eval_int(ASK_LUA, self._keys(job_order_id), args) == 1

    async def release_ask(self, job_order_id: str, candidate_id: str) -> None:
        """The question could not be sent for a passing reason: the next post or refresh asks again."""
        await self.r.hdel(keys.interest(self.prefix, job_order_id), candidate_id)

    async def answer(
        self, job_order_id: str, candidate_id: str, answer: Interest, actor: str, at: datetime
    ) -> str:
        """Record ``answer`` (also ``UNREACHABLE`` from the bot); ANSWER_NEW/SAME/FINAL/UNKNOWN."""
        check_id(job_order_id)
        check_id(candidate_id)
        by = check_actor(actor)
        audit = _audit(job_order_id, candidate_id, by, audit_action(answer), at)
        args = [candidate_id, answer.value, by, iso(at), keys.AUDIT_MAXLEN, *audit]
        result = await self._script(ANSWER_LUA)(keys=self._keys(job_order_id), args=args)
        return str(result)

    # --- questions that could not reach the consultant ---------------------------------------------

    async def wait_for_reach(self, upn: str, job_order_id: str, candidate_id: str) -> None:
        """Remember a question ``upn`` could not get: it is asked again when they install the bot."""
        key = keys.interest_unreached(self.prefix, upn)
        async with self.r.pipeline(transaction=True) as pipe:
            pipe.sadd(key, f"{job_order_id}|{candidate_id}")
            pipe.expire(key, keys.INTEREST_UNREACHED_SECONDS)
            await pipe.execute()

    async def unreached(self, upn: str) -> list[tuple[str, str]]:
        """(job order, candidate) of the questions waiting for ``upn``."""
        members = await self.r.smembers(keys.interest_unreached(self.prefix, upn))
        return sorted(tuple(m.split("|", 1)) for m in members if "|" in m)  # type: ignore[misc]

    async def reached(self, upn: str, job_order_id: str, candidate_id: str) -> None:
        await self.r.srem(keys.interest_unreached(self.prefix, upn), f"{job_order_id}|{candidate_id}")

    async def claim_reask(self, job_order_id: str, candidate_id: str, at: datetime) -> bool:
        """True for the one caller that may ask again a question that could not be delivered."""
        audit = _audit(job_order_id, candidate_id, SYSTEM_ACTOR, AUDIT_ASKED, at)
        args: list[str | int] = [candidate_id, iso(at), keys.AUDIT_MAXLEN, *audit]
        return await self._eval_int(REASK_LUA, self._keys(job_order_id), args) == 1

    async def statuses(self, job_order_id: str) -> dict[str, InterestStatus]:
        """Candidate id -> what is known of their interest (only candidates who were asked)."""
        raw = await self.r.hgetall(keys.interest(self.prefix, job_order_id))
        return {cid: interest_status(cid, blob) for cid, blob in raw.items()}

    async def status(self, job_order_id: str, candidate_id: str) -> InterestStatus | None:
        raw = await self.r.hget(keys.interest(self.prefix, job_order_id), candidate_id)
        return interest_status(candidate_id, raw) if raw else None
