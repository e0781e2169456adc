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

DEFAULT_PURGE_BATCH = 500


class Retention(RecordWriter, PoolReads):
    """Strip expired records; erase a candidate."""

    async def purge_expired(self, now: datetime, batch: int = DEFAULT_PURGE_BATCH) -> int:
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
        for jo, cid in split_members(dict.fromkeys([*closed, *stale])):
            done += await self._purge_one(jo, cid, now)
        return done

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
