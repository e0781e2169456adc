"""The reminder queue: scheduled reminders are claimed with a lease, then acknowledged or re-queued.

Why a lease: a scheduler that dies between claim and acknowledgement must not lose the reminder;
when the lease runs out the next claim puts it back first. Only the holder of a claim (it is still
in flight) may settle it. Used by ``bot.features.reminders.ReminderScheduler``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.models import Reminder
from bot.store import keys
from bot.store.base import StoreBase
from bot.store.codec import epoch, reminder_ids

DEFAULT_CLAIM_BATCH = 100

# KEYS[1] scheduled zset, KEYS[2] in-flight zset, KEYS[3] attempts hash.
# ARGV[1] now, ARGV[2] limit, ARGV[3] lease expiry. Expired leases go back first (crashed claimer).
CLAIM_LUA = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], ARGV[1], id)
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  redis.call('ZREM', KEYS[1], due[i])
  redis.call('ZADD', KEYS[2], ARGV[3], due[i])
  out[#out + 1] = due[i]
  out[#out + 1] = due[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[3], due[i]) or '0'
end
return out
"""

# KEYS[1] in-flight, KEYS[2] attempts, KEYS[3] scheduled; ARGV[1] id, ARGV[2] retry at ('' = ack).
# Only the holder of the claim (still in flight) may ack or re-queue; a transition that voided the
# reminder meanwhile has removed it, and then nothing is re-queued.
SETTLE_LUA = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
end
return 1
"""


def _reminder(reminder_id: str, due: str, attempts: str) -> Reminder:
    rule, jo, cid, version = reminder_id.split("|")
    return Reminder(
        reminder_id=reminder_id,
        rule=rule,
        job_order_id=jo,
        candidate_id=cid,
        version=int(version),
        due_at=datetime.fromtimestamp(float(due), UTC),
        attempt=int(attempts),
    )


class ReminderQueue(StoreBase):
    """Claim, acknowledge and re-queue due reminders."""

    async def claim_due_reminders(
        self,
        now: datetime,
        limit: int = DEFAULT_CLAIM_BATCH,
        lease: timedelta = timedelta(seconds=keys.REMINDER_LEASE_SECONDS),
    ) -> list[Reminder]:
        """Atomically take up to ``limit`` due reminders for this process (nobody else gets them)."""
        p = self.prefix
        flat = await self._eval_list(
            CLAIM_LUA,
            [keys.reminders(p), keys.reminders_inflight(p), keys.reminder_attempts(p)],
            [epoch(now), limit, epoch(now + lease)],
        )
        return [_reminder(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)]

    async def reminder_is_current(self, reminder: Reminder) -> bool:
        """Whether the record still lists this reminder. A change of state replaces the list; a note
        keeps it but bumps the version, so the version alone would void a reminder that still applies."""
        rec_key = keys.followup(self.prefix, reminder.job_order_id, reminder.candidate_id)
        return reminder.reminder_id in reminder_ids(await self.r.hget(rec_key, "reminders"))

    async def ack_reminder(self, reminder: Reminder) -> bool:
        """Delivered (or void): forget it. False when this process no longer held the claim."""
        return bool(await self._eval_int(SETTLE_LUA, self._settle_keys(), [reminder.reminder_id, ""]))

    async def retry_reminder(self, reminder: Reminder, at: datetime) -> bool:
        """Delivery failed: schedule it again at ``at`` (attempt count +1). Never dropped."""
        return bool(await self._eval_int(SETTLE_LUA, self._settle_keys(), [reminder.reminder_id, epoch(at)]))

    def _settle_keys(self) -> list[str]:
        p = self.prefix
        return [keys.reminders_inflight(p), keys.reminder_attempts(p), keys.reminders(p)]

    async def scheduled_reminders(self) -> list[tuple[str, datetime]]:
        """(reminder id, due) of everything scheduled and not yet claimed; for tests and the CLI."""
        rows = await self.r.zrange(keys.reminders(self.prefix), 0, -1, withscores=True)
        return [(rid, datetime.fromtimestamp(score, UTC)) for rid, score in rows]
