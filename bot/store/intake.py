"""Intake queue: accepted job orders on a Redis Stream read by a consumer group.

Why a stream and not a list: a consumer group remembers which worker holds which entry (the
pending entries list), so an entry a dead worker held is claimed by another (``XAUTOCLAIM``)
instead of being lost, and an entry leaves the stream only when a worker has finished it
(``XACK`` + ``XDEL`` in one transaction). The API writes the entry before it answers 202.

Exactly one card per job order: a per-job-order marker hash records which content digest has been
posted; a worker that gets an entry whose digest is already posted acknowledges it without posting.
A worker still working on an entry keeps it: it renews its claim (:meth:`IntakeQueue.renew`,
``XCLAIM … JUSTID`` while the entry is still its own) well within the claim idle time, so a slow
Teams call is never mistaken for a dead worker.

All intake keys share the hash tag ``{intake}`` so the transactions here (stream + marker +
attempts) stay on one Redis Cluster slot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.store import keys
from bot.store.client import Fields, Script, StrRedis, typed

INTAKE_GROUP = "matchbot-intake"
# The marker must outlive the job order (retention is 180 days by default) so a late resubmission
# of the same content is still recognised as a no-op.
JOB_MARKER_TTL_SECONDS = 400 * 24 * 3600
# An entry whose worker has been silent this long is claimed by another worker.
DEFAULT_CLAIM_IDLE_MS = 30_000
# A released entry looks this idle, so any worker (whatever its claim timeout) takes it at once.
RELEASED_IDLE_MS = 24 * 3600 * 1000
# KEYS[1] stream; ARGV[1] group, ARGV[2] consumer, then entry ids. Resets the idle time of those
# entries still pending for this consumer (JUSTID: the delivery count stays); answers the ids renewed.
RENEW_LUA = """
local out = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p > 0 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    out[#out + 1] = p[1][1]
  end
end
return out
"""
# Dead-letter stream keeps at most this many entries (approximate trim; they are also reported).
DEAD_LETTER_MAXLEN = 10_000


@dataclass(frozen=True, slots=True)
class IntakeEntry:
    entry_id: str
    job_order_id: str
    digest: str
    revised: bool
    enqueued_ms: int
    request_id: str
    deliveries: int = 1


@dataclass(frozen=True, slots=True)
class DeadLetter:
    entry_id: str
    job_order_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class QueueStats:
    pending: int  # delivered to a worker, not yet acknowledged
    waiting: int  # everything not yet finished (pending + unread)
    lag_seconds: float  # age of the oldest unfinished entry


def _entry(entry_id: str, f: Fields, deliveries: int = 1) -> IntakeEntry:
    return IntakeEntry(
        entry_id=entry_id,
        job_order_id=f.get("job_order_id", ""),
        digest=f.get("digest", ""),
        revised=f.get("revised") == "1",
        enqueued_ms=int(f.get("enqueued_ms", "0") or 0),
        request_id=f.get("request_id", "-"),
        deliveries=deliveries,
    )


class IntakeQueue:
    """Named operations on the intake stream; every one is safe to repeat. The client must decode
    (``decode_responses=True``, as ``connect`` builds it): replies are typed as ``str``."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        *,
        group: str = INTAKE_GROUP,
        claim_idle_ms: int = DEFAULT_CLAIM_IDLE_MS,
    ) -> None:
        self.redis: StrRedis = typed(redis)
        self.prefix = prefix
        self.group = group
        self.claim_idle_ms = claim_idle_ms
        self.stream = keys.intake_stream(prefix)
        self.dead = keys.intake_dead_letters(prefix)
        self.attempts = keys.intake_attempts(prefix)
        self._renew: Script | None = None

    async def ensure_group(self) -> None:
        """Create the stream and group if missing (idempotent; also after a Redis without AOF lost them)."""
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    # --- producer side -----------------------------------------------------------------------

    async def needs_enqueue(self, job_order_id: str, digest: str) -> bool:
        """False when this exact content is already queued or posted (a resubmission is a no-op)."""
        m = await self.redis.hgetall(keys.intake_job(self.prefix, job_order_id))
        if not m:
            return True
        if m.get("status") == "dead":
            return True
        return m.get("digest") != digest and m.get("posted_digest") != digest

    async def enqueue(self, job_order_id: str, digest: str, *, revised: bool, request_id: str = "-") -> str:
        """Append the job order to the stream and mark it queued, in one transaction."""
        now_ms = int(time.time() * 1000)
        marker = keys.intake_job(self.prefix, job_order_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.stream,
                {
                    "job_order_id": job_order_id,
                    "digest": digest,
                    "revised": "1" if revised else "0",
                    "enqueued_ms": str(now_ms),
                    "request_id": request_id,
                },
            )
            fields: dict[str, str] = {"status": "queued", "digest": digest, "queued_ms": str(now_ms)}
            if revised:
                fields["revised"] = "1"  # sticky: the job order has changed since it was first received
            pipe.hset(marker, mapping=fields)
            pipe.expire(marker, JOB_MARKER_TTL_SECONDS)
            entry_id, _, _ = await pipe.execute()
        return str(entry_id)

    async def status(self, job_order_id: str) -> dict[str, str]:
        """The marker: status (queued|shortlisted|dead), digest, posted_digest, revised, reason."""
        return await self.redis.hgetall(keys.intake_job(self.prefix, job_order_id))

    # --- consumer side -----------------------------------------------------------------------

    async def claim(self, consumer: str, count: int = 10, block_ms: int = 1000) -> list[IntakeEntry]:
        """Entries for ``consumer``: first ones a silent worker left behind, then new ones."""
        claimed = await self.redis.xautoclaim(
            self.stream, self.group, consumer, self.claim_idle_ms, "0-0", count=count
        )
        stale = [(eid, fields) for eid, fields in claimed[1] if fields]
        if stale:
            deliveries = await self._deliveries([eid for eid, _ in stale])
            return [_entry(eid, fields, deliveries.get(eid, 2)) for eid, fields in stale]
        response = await self.redis.xreadgroup(
            self.group, consumer, {self.stream: ">"}, count=count, block=block_ms or None
        )
        entries: list[IntakeEntry] = []
        for _stream, messages in response or []:
            entries.extend(_entry(eid, fields) for eid, fields in messages if fields)
        return entries

    async def _deliveries(self, entry_ids: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for eid in entry_ids:
            rows = await self.redis.xpending_range(self.stream, self.group, eid, eid, 1)
            if rows:
                out[eid] = int(rows[0]["times_delivered"])
        return out

    async def renew(self, entry_ids: list[str], consumer: str) -> set[str]:
        """Keep entries ``consumer`` is still working on (their idle time starts again); answers the
        ids renewed. An id missing from the answer was taken over (or finished) meanwhile."""
        if not entry_ids:
            return set()
        if self._renew is None:
            self._renew = self.redis.register_script(RENEW_LUA)
        renewed = await self._renew(keys=[self.stream], args=[self.group, consumer, *entry_ids])
        return {str(eid) for eid in renewed}

    async def is_posted(self, job_order_id: str, digest: str) -> bool:
        posted = await self.redis.hget(keys.intake_job(self.prefix, job_order_id), "posted_digest")
        return posted is not None and posted == digest

    async def complete(self, entry: IntakeEntry, *, posted: bool) -> None:
        """Acknowledge and delete the entry; with ``posted`` record the digest as posted (one step)."""
        marker = keys.intake_job(self.prefix, entry.job_order_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream, self.group, entry.entry_id)
            pipe.xdel(self.stream, entry.entry_id)
            pipe.hdel(self.attempts, entry.entry_id)
            if posted:
                pipe.hset(marker, mapping={"status": "shortlisted", "posted_digest": entry.digest})
                pipe.expire(marker, JOB_MARKER_TTL_SECONDS)
            await pipe.execute()

    async def record_failure(self, entry: IntakeEntry) -> int:
        """Count a failed attempt at this entry; returns the count so far."""
        return int(await self.redis.hincrby(self.attempts, entry.entry_id, 1))

    async def release(self, entries: list[IntakeEntry], consumer: str, *, retry_in_ms: int = 0) -> None:
        """Hand entries back (graceful shutdown, retry after failure): claimable after ``retry_in_ms``.

        XCLAIM with a back-dated idle time makes the entry look abandoned to ``XAUTOCLAIM``; the
        retry count is set back by one so the next claim does not count a release as a crash.
        """
        idle = RELEASED_IDLE_MS if retry_in_ms <= 0 else max(self.claim_idle_ms - retry_in_ms, 0)
        by_count: dict[int, list[str]] = {}
        for e in entries:
            by_count.setdefault(max(e.deliveries - 1, 0), []).append(e.entry_id)
        for retrycount, ids in by_count.items():
            await self.redis.xclaim(
                self.stream, self.group, consumer, 0, ids, idle=idle, retrycount=retrycount, justid=True
            )

    async def dead_letter(self, entry: IntakeEntry, reason: str) -> None:
        """Move a poison entry to the dead-letter stream and acknowledge it, in one transaction."""
        marker = keys.intake_job(self.prefix, entry.job_order_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.dead,
                {
                    "job_order_id": entry.job_order_id,
                    "digest": entry.digest,
                    "entry_id": entry.entry_id,
                    "reason": reason,
                    "deliveries": str(entry.deliveries),
                },
                maxlen=DEAD_LETTER_MAXLEN,
                approximate=True,
            )
            pipe.xack(self.stream, self.group, entry.entry_id)
            pipe.xdel(self.stream, entry.entry_id)
            pipe.hdel(self.attempts, entry.entry_id)
            pipe.hset(marker, mapping={"status": "dead", "reason": reason})
            pipe.expire(marker, JOB_MARKER_TTL_SECONDS)
            await pipe.execute()

    async def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        rows = await self.redis.xrevrange(self.dead, count=count)
        return [DeadLetter(eid, f.get("job_order_id", ""), f.get("reason", "")) for eid, f in rows]

    async def stats(self, now_ms: int | None = None) -> QueueStats:
        """Pending count and lag; finished entries are deleted, so the oldest entry is the lag."""
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        # One round trip, not three: the worker refreshes these gauges on every claim.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xpending(self.stream, self.group)
            pipe.xlen(self.stream)
            pipe.xrange(self.stream, count=1)
            summary, waiting, oldest = await pipe.execute(raise_on_error=False)
        if isinstance(summary, ResponseError):  # group not created yet
            return QueueStats(0, 0, 0.0)
        lag = 0.0
        if oldest:
            lag = max(0.0, (now_ms - int(str(oldest[0][0]).split("-")[0])) / 1000)
        return QueueStats(pending=int(summary["pending"]), waiting=int(waiting), lag_seconds=lag)
