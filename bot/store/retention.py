"""Retention and erasure: personal fields leave a record after the retention period, and a candidate
is erased everywhere on request (GDPR)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.followup import anonymised
from bot.domain.models import FollowUp, PurgeReport
from bot.store import keys
from bot.store.client import Pipeline
from bot.store.codec import (
    MAX_CAS_ATTEMPTS,
    SYSTEM_ACTOR,
    Ops,
    check_actor,
    check_id,
    encode_record,
    fingerprint,
    iso,
    reminder_ids,
    split_members,
)
from bot.store.pool import PoolReads
from bot.store.records import RecordWriter
from matching.models import JobOrder

DEFAULT_PURGE_BATCH = 500

# KEYS[1] job order hash, KEYS[2] its audit stream. ARGV[1] the updated_at the caller read (a revision
# since then brings a new description: left alone until it too is old), ARGV[2] the job order JSON
# without its description, ARGV[3] now, ARGV[4] actor, ARGV[5] audit maxlen, ARGV[6] job order id.
STRIP_JOB_ORDER_LUA = """
if redis.call('HGET', KEYS[1], 'updated_at') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'stripped_at', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'at', ARGV[3], 'actor', ARGV[4],
  'action', 'job_order_anonymised', 'job_order_id', ARGV[6])
return 1
"""


class Retention(RecordWriter, PoolReads):
    """Strip expired records; erase a candidate."""

    async def purge_expired(self, now: datetime, batch: int = DEFAULT_PURGE_BATCH) -> int:
        """Strip personal fields from records closed, or left untouched, longer than the retention period,
        and the description from job orders not revised for that long (``_strip_job_orders``).

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
        for jo, cid in split_members(dict.fromkeys([*closed, *stale])):
            done += await self._purge_one(jo, cid, now)
        await self._strip_job_orders(now, cutoff)
        return done  # records stripped (job orders have their own audit line)

    async def _strip_job_orders(self, now: datetime, cutoff: float) -> int:
        """Empty the description of every job order not revised for the retention period.

        Why: a description comes from another system and may name a contact person in a way the
        redaction at intake did not recognise; the match unit needs it while the job order is worked
        on, not after. The rest of the job order (title, company, dates) stays for the statistics.
        """
        p = self.prefix
        ids = await self.r.zrangebyscore(keys.job_orders(p), "-inf", cutoff)
        if not ids:
            return 0
        async with self.r.pipeline(transaction=False) as pipe:
            for jo in ids:
                pipe.hmget(keys.job_order(p, jo), ["updated_at", "stripped_at", "json"])
            rows: list[list[str | None]] = await pipe.execute()
        stripped = 0
        for jo, (updated_at, stripped_at, raw) in zip(ids, rows, strict=True):
            if not raw or not updated_at or (stripped_at and stripped_at >= updated_at):
                continue
            if datetime.fromisoformat(updated_at).timestamp() > cutoff:
                continue
            job = JobOrder.model_validate_json(raw)
            if not job.description:
                continue
            stripped += await self._eval_int(
                STRIP_JOB_ORDER_LUA,
                [keys.job_order(p, jo), keys.audit(p, jo)],
                [
                    updated_at,
                    job.model_copy(update={"description": ""}).model_dump_json(),
                    iso(now),
                    SYSTEM_ACTOR,
                    keys.AUDIT_MAXLEN,
                    jo,
                ],
            )
        return stripped

    async def _purge_one(self, job_order_id: str, candidate_id: str, now: datetime) -> int:
        """1 when the record was stripped now; a gone or already stripped record leaves the indexes."""
        for _ in range(MAX_CAS_ATTEMPTS):
            current, ids = await self._snapshot_or_none(job_order_id, candidate_id)
            if current is None or current.anonymised:
                member = keys.record_member(job_order_id, candidate_id)
                await self.r.zrem(keys.closed(self.prefix), member)
                await self.r.zrem(keys.by_updated(self.prefix), member)
                return 0
            if await self._anonymise(current, ids, now) != "conflict":
                return 1
        return 0

    async def _anonymise(self, current: FollowUp, ids: list[str], now: datetime) -> str:
        p, jo, cid = self.prefix, current.job_order_id, current.candidate_id
        member = keys.record_member(jo, cid)
        stripped = anonymised(current, now)
        ops = Ops(keys.followup(p, jo, cid), keys.idempotency(p, "-"))
        ops.hset(keys.followup(p, jo, cid), encode_record(stripped, []))
        if current.consultant:
            ops.add("SREM", keys.by_consultant(p, current.consultant), member)
        ops.add("ZREM", keys.closed(p), member)
        ops.add("ZREM", keys.by_updated(p), member)
        ops.add("ZREM", keys.due(p), member)
        for rid in ids:
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
        return await self._apply(ops, current.version)

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
            erased = await self._erase_on(jo, candidate_id, actor, now)
            records += erased[0]
            shortlists += erased[1]
            reminders += erased[2]
            audit_entries += erased[3]
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
                "at": iso(now),
                "actor": actor,
                "action": "purged",
                "subject": fingerprint(candidate_id),
                "records": str(records),
                "shortlists": str(shortlists),
                "reminders": str(reminders),
                "pool": "1" if in_pool else "0",
            },
            maxlen=keys.PURGE_LOG_MAXLEN,
            approximate=True,
        )
        return report

    async def _erase_on(
        self, job_order_id: str, candidate_id: str, actor: str, now: datetime
    ) -> tuple[int, int, int, int]:
        """Erase the candidate from one job order in one transaction; (records, shortlist entries,
        reminders, audit entries) removed."""
        p, jo = self.prefix, job_order_id
        rec_key = keys.followup(p, jo, candidate_id)
        raw = await self.r.hgetall(rec_key)
        rids = reminder_ids(raw) if raw else []
        trail = await self.r.xrange(keys.audit(p, jo))
        naming = [eid for eid, f in trail if f.get("candidate_id") == candidate_id]
        async with self.r.pipeline(transaction=True) as pipe:
            pipe.delete(rec_key)
            self._drop_indexes(pipe, jo, candidate_id, raw, rids)
            pipe.hdel(keys.shortlist(p, jo), candidate_id)
            if naming:
                pipe.xdel(keys.audit(p, jo), *naming)
            pipe.xadd(
                keys.audit(p, jo),
                {
                    "at": iso(now),
                    "actor": actor,
                    "action": "purged",
                    "job_order_id": jo,
                    "candidate_id": "",
                    "subject": fingerprint(candidate_id),
                },
                maxlen=keys.AUDIT_MAXLEN,
                approximate=True,
            )
            results = await pipe.execute()
        shortlist_at = -3 if naming else -2  # the HDEL's reply: before the XDEL (if any) and the XADD
        return int(results[0]), int(results[shortlist_at]), len(rids), len(naming)

    def _drop_indexes(
        self, pipe: Pipeline, job_order_id: str, candidate_id: str, raw: dict[str, str], rids: list[str]
    ) -> None:
        p = self.prefix
        member = keys.record_member(job_order_id, candidate_id)
        pipe.srem(keys.by_job_order(p, job_order_id), candidate_id)
        pipe.srem(keys.job_order_hires(p, job_order_id), candidate_id)  # the job order's filled count stays
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
