"""The webhook outbox: status change events waiting to be delivered to KEH's system.

Why a zset of due times plus a leased in-flight zset (the reminder queue's shape) and not a consumer
group: a failed delivery must come back later (exponential back-off), not at once, and a dispatcher
that dies mid-delivery must not lose the event; the claim moves an event to in-flight with a lease,
an expired lease puts it back. Events are written by the status change script itself
(``bot.store.job_order_states``), so nothing stored is ever left unannounced. At-least-once: the
receiver de-duplicates on the event id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store import keys
from bot.store.base import StoreBase

# KEYS: 1 due, 2 inflight, 3 events. ARGV: 1 now, 2 lease until, 3 limit.
CLAIM_LUA = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], ARGV[1], id)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], ARGV[2], id)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[3], id) or ''
end
return out
"""

# KEYS: 1 inflight, 2 events, 3 attempts. ARGV: 1 event id.
ACK_LUA = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""

# KEYS: 1 inflight, 2 due, 3 attempts. ARGV: 1 event id, 2 now, 3 base delay s, 4 max delay s.
# Only an event still in flight goes back (a lease that ran out may have handed it to another).
FAIL_LUA = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return -1 end
local n = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
local delay = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * (2 ^ (n - 1)))
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + delay, ARGV[1])
return n
"""


@dataclass(frozen=True)
class Delivery:
    """One claimed event: its id (the idempotency id the receiver sees) and the body to send."""

    event_id: str
    body: str


class WebhookOutbox(StoreBase):
    """Claim, acknowledge and back off webhook deliveries."""

    async def claim(
        self, now: datetime, limit: int, lease_seconds: int = keys.WEBHOOK_LEASE_SECONDS
    ) -> list[Delivery]:
        p = self.prefix
        flat = await self._eval_list(
            CLAIM_LUA,
            [keys.webhook_due(p), keys.webhook_inflight(p), keys.webhook_events(p)],
            [now.timestamp(), now.timestamp() + lease_seconds, limit],
        )
        return [Delivery(i, b) for i, b in zip(flat[::2], flat[1::2], strict=True) if b]

    async def delivered(self, event_id: str) -> None:
        p = self.prefix
        await self._eval_int(
            ACK_LUA, [keys.webhook_inflight(p), keys.webhook_events(p), keys.webhook_attempts(p)], [event_id]
        )

    async def failed(self, event_id: str, now: datetime, base_seconds: float, max_seconds: float) -> int:
        """Back off: the n-th failure waits base × 2^(n-1) seconds, at most ``max_seconds``."""
        p = self.prefix
        return await self._eval_int(
            FAIL_LUA,
            [keys.webhook_inflight(p), keys.webhook_due(p), keys.webhook_attempts(p)],
            [event_id, now.timestamp(), base_seconds, max_seconds],
        )

    async def pending(self) -> int:
        """Events not yet delivered (due or in flight)."""
        p = self.prefix
        async with self.r.pipeline(transaction=False) as pipe:
            pipe.zcard(keys.webhook_due(p))
            pipe.zcard(keys.webhook_inflight(p))
            due, inflight = await pipe.execute()
        return int(due) + int(inflight)
