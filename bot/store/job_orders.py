"""Job orders: stored once per content (a resubmission is a no-op), listed newest first, and a
revision that moves a date reschedules the reminders of the job order's open records."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal, cast

from bot.domain.followup import rescheduled, tally_states
from bot.domain.job_order_states import expires_at
from bot.domain.states import FollowUpState
from bot.store import keys
from bot.store.codec import MAX_CAS_ATTEMPTS, SYSTEM_ACTOR, check_actor, iso, parse_dt
from bot.store.records import RecordWriter
from matching.models import JobOrder

SaveOutcome = Literal["created", "unchanged", "revised"]

# KEYS[1] job order hash, KEYS[2] audit stream, KEYS[3] job order index, KEYS[4] expiry zset.
# ARGV: fingerprint, json, now, actor, audit maxlen, job order id, epoch now, expiry epoch ('' none).
# Returns {outcome, previous json ('' when none)}: the caller compares deadlines without a read first.
SAVE_JOB_LUA = """
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
-- The expiry check (bot.store.job_order_states) watches open job orders with a deadline.
if ARGV[8] == '' then
  redis.call('ZREM', KEYS[4], ARGV[6])
elseif (redis.call('HGET', KEYS[1], 'status') or 'aaben') == 'aaben' then
  redis.call('ZADD', KEYS[4], ARGV[8], ARGV[6])
end
return {outcome, cur[2] or ''}
"""


def _dates_moved(before: JobOrder, after: JobOrder) -> bool:
    """Whether a revision changes what the records' reminders and check dates are computed from."""
    was = (before.deadline, before.duration_weeks, before.employment_type)
    return was != (after.deadline, after.duration_weeks, after.employment_type)


class JobOrderStore(RecordWriter):
    """Job orders and the list of the latest ones."""

    async def save_job_order(self, job: JobOrder, actor: str = SYSTEM_ACTOR) -> SaveOutcome:
        """Store a job order; a resubmission with the same content is a no-op ("unchanged").

        A revision that moves the application deadline reschedules the deadline reminders of the
        job order's open records.
        """
        data = job.model_dump_json()
        fingerprint = hashlib.sha256(data.encode()).hexdigest()
        now = self.clock()
        outcome, old = await self._eval_list(
            SAVE_JOB_LUA,
            [
                keys.job_order(self.prefix, job.id),
                keys.audit(self.prefix, job.id),
                keys.job_orders(self.prefix),
                keys.job_order_deadlines(self.prefix),
            ],
            [
                fingerprint, data, iso(now), check_actor(actor), keys.AUDIT_MAXLEN, job.id, now.timestamp(),
                self._expiry(job),
            ],
        )
        # The script hands back the content it replaced, so no read before the write (one round trip).
        if outcome == "revised" and old and _dates_moved(JobOrder.model_validate_json(old), job):
            await self._reschedule_job_order(job)
        return cast(SaveOutcome, outcome)

    def _expiry(self, job: JobOrder) -> str:
        """When the job order expires if nothing is filled ('' without a deadline)."""
        if job.deadline is None:
            return ""
        return str(expires_at(job.deadline, self.rules.calendar(), self.rules.zone).timestamp())

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
        found: list[tuple[str, set[str]]] = [
            (raw, members) for raw, members in zip(replies[::2], replies[1::2], strict=True) if raw
        ]
        jobs = [JobOrder.model_validate_json(raw) for raw, _ in found]
        async with self.r.pipeline(transaction=False) as pipe:
            for job, (_, members) in zip(jobs, found, strict=True):
                for cid in members:
                    pipe.hget(keys.followup(self.prefix, job.id, cid), "state")
            states = iter(await pipe.execute())
        pairs = zip(jobs, (members for _, members in found), strict=True)
        return [(job, tally_states([next(states) for _ in members])) for job, members in pairs]

    async def job_order_revised_at(self, job_order_id: str) -> datetime | None:
        """When the job order's content last changed after it was first received; None if never.

        Sticky by construction: ``revision`` only grows (``SAVE_JOB_LUA``), so a card redrawn for any
        reason (a decision, "Vis flere") can still say the job order was revised.
        """
        revision, updated_at = await self.r.hmget(
            keys.job_order(self.prefix, job_order_id), ["revision", "updated_at"]
        )
        return parse_dt(updated_at) if revision is not None and int(revision) > 1 else None

    async def _reschedule_job_order(self, job: JobOrder) -> None:
        """A revision that moves the deadline, or changes a forløb's length or kind, reschedules the
        open records' reminders (and a hired candidate's check date)."""
        for candidate_id in await self.r.smembers(keys.by_job_order(self.prefix, job.id)):
            for _ in range(MAX_CAS_ATTEMPTS):
                current = await self.get_followup(job.id, candidate_id)
                if current is None or not current.is_open:
                    break
                outcome, _ = await self._write(
                    current,
                    rescheduled(current, job),
                    action="rescheduled",
                    actor=SYSTEM_ACTOR,
                    idem=None,
                    new_reminders=True,
                )
                if outcome != "conflict":
                    break
