"""What the reports read (``rapport måltal|resultater|tid|klausuler``), the monthly post's claim, and
chart images behind a signed URL.

Reads: the job order index (its score is when each job order was received), each job order's JSON,
its records (anonymised ones too: retention keeps states and step dates) and the candidates' profile
facts for the breakdowns. Pipelined: a handful of round trips whatever the number of job orders.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.reports import UNKNOWN, CandidateFacts, ReportData
from bot.store import keys
from bot.store.codec import decode_record
from bot.store.pool import PoolReads
from bot.store.records import RecordWriter
from matching.models import CandidateProfile, JobOrder

READ_CHUNK = 2_000  # commands per pipeline round trip

# KEYS[1] the month's claim. ARGV[1] token, ARGV[2] lease ms. Returns 1 when claimed, 0 when another
# replica holds it or it is done.
CLAIM_MONTHLY_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
# KEYS[1] the month's claim. ARGV[1] token, ARGV[2] seconds to remember. 1 when this claim finished it.
FINISH_MONTHLY_LUA = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'done', 'EX', ARGV[2])
return 1
"""
# KEYS[1] the month's claim. ARGV[1] token: give the claim back (the post failed; try again later).
RELEASE_MONTHLY_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def profile_facts(profile: CandidateProfile) -> CandidateFacts:
    """Target group and centre from a profile; a profile without them (or an older one) says ukendt.
    The centre falls back to the profile's jobcentre."""
    group = getattr(profile, "target_group", None)
    centre = getattr(profile, "centre", None) or profile.jobcenter
    label = getattr(group, "label", None) or getattr(group, "value", None) or group
    return CandidateFacts(str(label or UNKNOWN), str(centre or UNKNOWN))


class ReportReads(RecordWriter, PoolReads):
    """The reports' reads, the monthly post's claim and the chart images."""

    async def report_data(self, until: datetime | None = None) -> ReportData:
        """Job orders received before ``until`` (all when None), their records, the candidates' facts."""
        p = self.prefix
        top = float("inf") if until is None else until.timestamp()
        scored = [
            (jo, at) for jo, at in await self.r.zrange(keys.job_orders(p), 0, -1, withscores=True) if at < top
        ]
        ids = [jo for jo, _ in scored]
        received = {jo: datetime.fromtimestamp(score, UTC) for jo, score in scored}
        jobs: dict[str, JobOrder] = {}
        members: dict[str, set[str]] = {}
        for start in range(0, len(ids), READ_CHUNK):
            part = ids[start : start + READ_CHUNK]
            async with self.r.pipeline(transaction=False) as pipe:
                for jo in part:
                    pipe.hget(keys.job_order(p, jo), "json")
                    pipe.smembers(keys.by_job_order(p, jo))
                replies = await pipe.execute()
            for jo, raw, cids in zip(part, replies[::2], replies[1::2], strict=True):
                if raw:
                    jobs[jo] = JobOrder.model_validate_json(raw)
                    members[jo] = cids
        pairs = [(jo, cid) for jo in jobs for cid in sorted(members[jo])]
        records = []
        for start in range(0, len(pairs), READ_CHUNK):
            chunk = pairs[start : start + READ_CHUNK]
            async with self.r.pipeline(transaction=False) as pipe:
                for jo, cid in chunk:
                    pipe.hgetall(keys.followup(p, jo, cid))
                raws: list[dict[str, str]] = await pipe.execute()
            records += [decode_record(raw) for raw in raws if raw]
        candidates = await self._facts(sorted({r.candidate_id for r in records}))
        received = {jo: at for jo, at in received.items() if jo in jobs}
        return ReportData(records, jobs, received, candidates)

    async def _facts(self, candidate_ids: list[str]) -> dict[str, CandidateFacts]:
        if not candidate_ids:
            return {}
        pool = keys.pool_generation(self.prefix, await self._generation())
        out: dict[str, CandidateFacts] = {}
        for start in range(0, len(candidate_ids), READ_CHUNK):
            part = candidate_ids[start : start + READ_CHUNK]
            raws = await self.r.hmget(pool, part)
            for cid, raw in zip(part, raws, strict=True):
                if raw:
                    out[cid] = profile_facts(CandidateProfile.model_validate_json(raw))
        return out

    # --- the monthly status: once across replicas -------------------------------------------------------

    async def claim_monthly(self, month: str, token: str, lease_ms: int = keys.MONTHLY_POST_LEASE_MS) -> bool:
        """Claim posting ``month``'s status: False when another replica holds it or it is done."""
        return bool(
            await self._eval_int(
                CLAIM_MONTHLY_LUA, [keys.monthly_post(self.prefix, month)], [token, lease_ms]
            )
        )

    async def finish_monthly(self, month: str, token: str) -> bool:
        """Mark ``month`` posted; False when the claim was lost meanwhile (logged by the caller)."""
        return bool(
            await self._eval_int(
                FINISH_MONTHLY_LUA,
                [keys.monthly_post(self.prefix, month)],
                [token, keys.MONTHLY_POST_DONE_SECONDS],
            )
        )

    async def release_monthly(self, month: str, token: str) -> None:
        """Give the claim back after a failed post, so the next round (or replica) tries again."""
        await self._eval_int(RELEASE_MONTHLY_LUA, [keys.monthly_post(self.prefix, month)], [token])

    async def monthly_done(self, month: str) -> bool:
        return await self.r.get(keys.monthly_post(self.prefix, month)) == "done"

    # --- chart images behind a signed URL ------------------------------------------------------------------

    async def put_chart(self, chart_id: str, png: bytes) -> None:
        await self.r.set(
            keys.report_chart(self.prefix, chart_id), png.hex(), ex=keys.REPORT_CHART_TTL_SECONDS
        )

    async def get_chart(self, chart_id: str) -> bytes | None:
        raw = await self.r.get(keys.report_chart(self.prefix, chart_id))
        return bytes.fromhex(raw) if raw else None
