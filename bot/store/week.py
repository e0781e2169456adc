"""The lead's week in Redis: every open job order with its lifecycle state and its records' states, and
the claim that makes the Monday post happen once across replicas.

Why here: the reads go through the job order index (``keys.job_orders``) and each job order's record
set (``keys.by_job_order``) in pipelines, never a scan. The weekly claim reuses the monthly status
post's scripts (``bot.store.reports``: ``SET`` only when absent with a lease, ``done`` only by the
holder, given back after a failed post) on a key of its own.
"""

from __future__ import annotations

from bot.domain.escalation import InterestStatus
from bot.domain.followup import tally_states
from bot.domain.job_order_states import JobOrderState, JobOrderStatus
from bot.domain.states import FollowUpState
from bot.store import keys
from bot.store.base import StoreBase
from bot.store.interest import interest_status
from bot.store.reports import CLAIM_MONTHLY_LUA, FINISH_MONTHLY_LUA, RELEASE_MONTHLY_LUA
from matching.models import JobOrder

READ_CHUNK = 500  # job orders per pipeline

# Per job order: candidate id -> (state, consultant) of its records, and the interest answers.
Records = dict[str, tuple[FollowUpState, str]]
Answers = dict[str, InterestStatus]
WeekItem = tuple[JobOrder, JobOrderState | None, dict[FollowUpState, int], Records, Answers]


class WeekReads(StoreBase):
    """Job orders with their state and funnel counts; the weekly post's claim."""

    async def job_orders_with_counts(self) -> list[WeekItem]:
        """Every stored job order, its lifecycle state (None before the lifecycle), its record counts,
        each record's state and consultant, and the interest answers ("Er kandidaten interesseret?")."""
        p = self.prefix
        ids = await self.r.zrevrange(keys.job_orders(p), 0, -1)
        out: list[WeekItem] = []
        for start in range(0, len(ids), READ_CHUNK):
            part = ids[start : start + READ_CHUNK]
            async with self.r.pipeline(transaction=False) as pipe:
                for jo in part:
                    pipe.hmget(keys.job_order(p, jo), ["json", "status", "filled", "status_version"])
                    pipe.scard(keys.job_order_hires(p, jo))
                    pipe.smembers(keys.by_job_order(p, jo))
                    pipe.hgetall(keys.interest(p, jo))
                replies = await pipe.execute()
            rows = list(zip(part, replies[::4], replies[1::4], replies[2::4], replies[3::4], strict=True))
            async with self.r.pipeline(transaction=False) as pipe:
                for jo, _fields, _hires, members, _asked in rows:
                    for cid in sorted(members):
                        pipe.hmget(keys.followup(p, jo, cid), ["state", "consultant"])
                fetched: list[list[str | None]] = await pipe.execute()
            at = 0
            for _jo, (raw, status, filled, version), hires, members, asked in rows:
                ids = sorted(members)
                mine, at = fetched[at : at + len(members)], at + len(members)
                if not raw:
                    continue
                records: Records = {
                    cid: (FollowUpState(state), consultant or "")
                    for cid, (state, consultant) in zip(ids, mine, strict=True)
                    if state
                }
                answers = {cid: interest_status(cid, blob) for cid, blob in asked.items()}
                job = JobOrder.model_validate_json(raw)
                state = None
                if status:
                    state = JobOrderState(
                        JobOrderStatus(status), int(filled or 0), job.positions, int(hires), int(version or 0)
                    )
                out.append((job, state, tally_states([m[0] for m in mine]), records, answers))
        return out

    # --- the Monday post: once across replicas ---------------------------------------------------------

    async def claim_week(self, week: str, token: str, lease_ms: int = keys.WEEKLY_POST_LEASE_MS) -> bool:
        """Claim posting ``week``'s overview: False when another replica holds it or it is done."""
        key = keys.weekly_post(self.prefix, week)
        return bool(await self._eval_int(CLAIM_MONTHLY_LUA, [key], [token, lease_ms]))

    async def finish_week(self, week: str, token: str) -> bool:
        """Mark ``week`` posted; False when the claim was lost meanwhile."""
        key = keys.weekly_post(self.prefix, week)
        return bool(await self._eval_int(FINISH_MONTHLY_LUA, [key], [token, keys.WEEKLY_POST_DONE_SECONDS]))

    async def release_week(self, week: str, token: str) -> None:
        """Give the claim back after a failed post, so the next round (or replica) tries again."""
        await self._eval_int(RELEASE_MONTHLY_LUA, [keys.weekly_post(self.prefix, week)], [token])
