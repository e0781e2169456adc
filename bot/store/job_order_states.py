"""The job order lifecycle in the store: status changes version-checked, idempotent and audited, each
written in one script together with its feed entry and its webhook outbox entry.

Why the same shape as the follow-ups' checked apply: two people (a lead's hire, KEH's *Besat*) or two
replicas (the expiry check) may move one job order at once; the rules run in Python
(``bot.domain.job_order_states``), the script refuses a write unless the job order still has the
version the rule was computed from, and a repeated idempotency key returns the first result.
Why the outbox in the same script: a status change that is stored is always delivered, and one
that is not stored is never announced (``bot.features.webhooks`` delivers from it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.errors import JobOrderChanged, JobOrderNotFound
from bot.domain.job_order_states import (
    JobOrderState,
    JobOrderStatus,
    after_cancel,
    after_expiry,
    after_fill,
    after_hire,
    can_expire,
)
from bot.store import keys
from bot.store.base import StoreBase
from bot.store.codec import MAX_CAS_ATTEMPTS, check_actor, iso
from matching.models import JobOrder

# KEYS: 1 job order hash, 2 audit stream, 3 change feed stream, 4 outbox due zset, 5 outbox events hash,
# 6 idempotency key, 7 hires set, 8 expiry zset.
# ARGV: 1 expected status version, 2 status, 3 filled, 4 actor, 5 now iso, 6 now epoch, 7 event JSON,
# 8 idempotency TTL, 9 hired candidate ('' none), 10 action, 11 job order id, 12 event id, 13 feed maxlen,
# 14 audit maxlen, 15 use idempotency ('1'/'').
# Returns {'ok'|'dup'|'conflict'|'missing'|'counted', version}.
STATUS_LUA = """
if ARGV[15] == '1' then
  local seen = redis.call('GET', KEYS[6])
  if seen then return {'dup', seen} end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', ''} end
local have = tonumber(redis.call('HGET', KEYS[1], 'status_version') or '0')
if have ~= tonumber(ARGV[1]) then return {'conflict', tostring(have)} end
if ARGV[9] ~= '' and redis.call('SADD', KEYS[7], ARGV[9]) == 0 then return {'counted', tostring(have)} end
local before = redis.call('HGET', KEYS[1], 'status') or 'aaben'
local version = have + 1
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'filled', ARGV[3], 'status_version', version,
  'status_at', ARGV[5])
if ARGV[2] ~= 'aaben' then redis.call('ZREM', KEYS[8], ARGV[11]) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[14], '*', 'at', ARGV[5], 'actor', ARGV[4],
  'action', ARGV[10], 'job_order_id', ARGV[11], 'jo_from', before, 'jo_to', ARGV[2],
  'filled', ARGV[3], 'jo_version', version)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[13], '*', 'event', ARGV[7])
redis.call('HSET', KEYS[5], ARGV[12], ARGV[7])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[12])
if ARGV[15] == '1' then redis.call('SET', KEYS[6], tostring(version), 'EX', tonumber(ARGV[8])) end
return {'ok', tostring(version)}
"""

# What a status change was caused by (audit action and the webhook's "aarsag").
CAUSE_HIRE = "ansat"
CAUSE_KEH_FILLED = "besat_meldt"
CAUSE_CANCELLED = "annulleret"
CAUSE_EXPIRED = "udloebet"


@dataclass(frozen=True)
class FeedPage:
    """Status changes after a cursor, oldest first, and the cursor to ask from next time."""

    events: list[dict[str, Any]]
    cursor: str


class JobOrderLifecycle(StoreBase):
    """Status, filled count, expiry and the change feed of job orders."""

    async def state(self, job_order_id: str) -> JobOrderState | None:
        key = keys.job_order(self.prefix, job_order_id)
        async with self.r.pipeline(transaction=False) as pipe:
            pipe.hmget(key, ["json", "status", "filled", "status_version"])
            pipe.scard(keys.job_order_hires(self.prefix, job_order_id))
            (raw, status, filled, version), hires = await pipe.execute()
        if not raw:
            return None
        positions = JobOrder.model_validate_json(raw).positions
        return JobOrderState(
            JobOrderStatus(status or JobOrderStatus.AABEN),
            int(filled or 0),
            positions,
            int(hires),
            int(version or 0),
        )

    async def report_filled(
        self,
        job_order_id: str,
        filled: int,
        actor: str,
        *,
        expected_version: int | None = None,
        key: str | None = None,
    ) -> JobOrderState:
        """KEH: ``filled`` positions are filled in all."""
        return await self._change(
            job_order_id, lambda s: after_fill(s, filled), actor, CAUSE_KEH_FILLED, expected_version, key
        )

    async def cancel(
        self, job_order_id: str, actor: str, *, expected_version: int | None = None, key: str | None = None
    ) -> JobOrderState:
        return await self._change(job_order_id, after_cancel, actor, CAUSE_CANCELLED, expected_version, key)

    async def count_hire(self, job_order_id: str, candidate_id: str, actor: str) -> JobOrderState | None:
        """A candidate on the job order was hired: count it once (a repeat changes nothing)."""
        for _ in range(MAX_CAS_ATTEMPTS):
            current = await self.state(job_order_id)
            if current is None:
                return None
            outcome, _ = await self._write(
                job_order_id, current, after_hire(current), actor, CAUSE_HIRE, hired=candidate_id
            )
            if outcome in ("ok", "counted"):
                return await self.state(job_order_id)
        raise JobOrderChanged(current.status.value if current else "")

    async def track_deadline(self, job_order_id: str, expires: datetime | None) -> None:
        """Schedule (or move) the expiry check of an open job order; idempotent."""
        key = keys.job_order_deadlines(self.prefix)
        if expires is None:
            await self.r.zrem(key, job_order_id)
            return
        current = await self.state(job_order_id)
        if current is not None and current.status is JobOrderStatus.AABEN:
            await self.r.zadd(key, {job_order_id: expires.timestamp()})

    async def expire_due(self, now: datetime) -> list[str]:
        """Expire the open job orders whose deadline passed with nothing filled; exactly once across
        replicas (the write is version-checked and keyed per job order). Returns the ones expired here."""
        key = keys.job_order_deadlines(self.prefix)
        expired: list[str] = []
        for job_order_id in await self.r.zrangebyscore(key, "-inf", now.timestamp()):
            current = await self.state(job_order_id)
            if current is None or not can_expire(current):
                await self.r.zrem(key, job_order_id)
                continue
            outcome, _ = await self._write(
                job_order_id,
                current,
                after_expiry(current),
                "system",
                CAUSE_EXPIRED,
                key=f"expire:{job_order_id}",
            )
            if outcome == "ok":
                expired.append(job_order_id)
        return expired

    async def feed(self, cursor: str, limit: int) -> FeedPage:
        """Status changes after ``cursor`` ('' or '0': from the oldest kept), oldest first."""
        start = f"({cursor}" if cursor and cursor != "0" else "-"
        rows = await self.r.xrange(keys.job_order_changes(self.prefix), min=start, count=limit)
        events = [json.loads(fields["event"]) for _, fields in rows]
        return FeedPage(events, rows[-1][0] if rows else (cursor or "0"))

    async def _change(
        self,
        job_order_id: str,
        rule: Any,
        actor: str,
        cause: str,
        expected_version: int | None,
        key: str | None,
    ) -> JobOrderState:
        for _ in range(MAX_CAS_ATTEMPTS):
            current = await self.state(job_order_id)
            if current is None:
                raise JobOrderNotFound(job_order_id)
            if expected_version is not None and current.version != expected_version:
                if key is not None and await self.r.exists(self._idem(job_order_id, key)):
                    return current  # the same press again: already applied
                raise JobOrderChanged(current.status.value)
            updated: JobOrderState = rule(current)
            outcome, _ = await self._write(job_order_id, current, updated, actor, cause, key=key)
            if outcome == "ok":
                return updated
            if outcome == "dup":
                return await self.state(job_order_id) or updated
            if expected_version is not None:
                latest = await self.state(job_order_id)
                raise JobOrderChanged(latest.status.value if latest else current.status.value)
        raise JobOrderChanged("")

    def _idem(self, job_order_id: str, key: str) -> str:
        digest = hashlib.sha256(f"jo\x1f{job_order_id}\x1f{key}".encode()).hexdigest()[:32]
        return keys.idempotency(self.prefix, digest)

    async def _write(
        self,
        job_order_id: str,
        current: JobOrderState,
        updated: JobOrderState,
        actor: str,
        cause: str,
        *,
        key: str | None = None,
        hired: str = "",
    ) -> tuple[str, str]:
        now = self.clock()
        event_id = f"{job_order_id}:{updated.version}"
        event = {
            "id": event_id,
            "type": "jobordre.status",
            "jobordre_id": job_order_id,
            "status": updated.status.value,
            "status_tekst": updated.status.label,
            "forrige_status": current.status.value,
            "besatte": updated.filled,
            "stillinger": updated.positions,
            "ansatte": updated.hires,
            "aarsag": cause,
            "version": updated.version,
            "tidspunkt": iso(now),
        }
        p = self.prefix
        result = await self._eval_list(
            STATUS_LUA,
            [
                keys.job_order(p, job_order_id),
                keys.audit(p, job_order_id),
                keys.job_order_changes(p),
                keys.webhook_due(p),
                keys.webhook_events(p),
                self._idem(job_order_id, key or "-"),
                keys.job_order_hires(p, job_order_id),
                keys.job_order_deadlines(p),
            ],
            [
                current.version,
                updated.status.value,
                updated.filled,
                check_actor(actor),
                iso(now),
                now.timestamp(),
                json.dumps(event, ensure_ascii=False, separators=(",", ":")),
                keys.IDEMPOTENCY_TTL_SECONDS,
                hired,
                f"job_order_{cause}",
                job_order_id,
                event_id,
                keys.JOB_CHANGES_MAXLEN,
                keys.AUDIT_MAXLEN,
                "1" if key else "",
            ],
        )
        return result[0], result[1]
