"""The reminder queue: scheduled reminders are claimed with a lease, then acknowledged or re-queued.

Why a lease: a scheduler that dies between claim and acknowledgement must not lose the reminder;
when the lease runs out the next claim puts it back first. The lease expiry a claim wrote is its
fencing token: the holder renews it while it is still sending (:meth:`renew_reminder_leases`),
checks it just before sending (:meth:`holds_reminder`), and only the holder may re-queue. An
acknowledgement always removes the reminder (it *was* delivered), wherever it went after a lost
lease, and says so, so nobody sends it again. Used by ``bot.features.reminders.ReminderScheduler``.
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

# KEYS[1] in-flight, KEYS[2] attempts, KEYS[3] scheduled; ARGV[1] id, ARGV[2] retry at ('' = ack),
# ARGV[3] the claim's token ('' = whoever holds it). Answers ACK_HELD, ACK_LATE or ACK_GONE.
# Re-queue: only the holder (a lost lease means someone else has it now). Ack: the reminder was
# delivered, so it goes wherever it is: from the holder's lease (HELD), or, after a lost lease, from
# the new holder's lease or back from the schedule (LATE: the new holder's check before sending then
# fails). A transition that voided the reminder meanwhile has removed it (GONE).
SETTLE_LUA = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local held = score and (ARGV[3] == '' or tonumber(score) == tonumber(ARGV[3]))
if ARGV[2] ~= '' then
  if not held then return 0 end
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
  return 1
end
local removed = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if held then return 1 end
if removed > 0 then return 2 end
return 0
"""

# KEYS[1] in-flight; ARGV[1] new lease expiry, then id, token pairs. Extends the leases still held
# with that token (the new expiry is the new token); answers the ids renewed.
RENEW_LUA = """
local out = {}
for i = 2, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i])
    out[#out + 1] = ARGV[i]
  end
end
return out
"""

# KEYS[1] in-flight; ARGV[1] id, ARGV[2] token: 1 while the claim with that token is still held.
HELD_LUA = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return 1 end
return 0
"""

ACK_GONE = 0  # nothing to settle: voided by a change of status meanwhile, or settled already
ACK_HELD = 1  # acknowledged under this process's own claim
ACK_LATE = 2  # the lease had been lost (re-queued or claimed by another): removed there too


def _reminder(reminder_id: str, due: str, attempts: str, lease: str = "") -> Reminder:
    rule, jo, cid, version = reminder_id.split("|")
    return Reminder(
        reminder_id=reminder_id,
        rule=rule,
        job_order_id=jo,
        candidate_id=cid,
        version=int(version),
        due_at=datetime.fromtimestamp(float(due), UTC),
        attempt=int(attempts),
        lease=lease,
    )


class ReminderQueue(StoreBase):
    """Claim, acknowledge and re-queue due reminders."""

    async def claim_due_reminders(
        self,
        now: datetime,
        limit: int = DEFAULT_CLAIM_BATCH,
        lease: timedelta = timedelta(seconds=keys.REMINDER_LEASE_SECONDS),
    ) -> list[Reminder]:
        """Atomically take up to ``limit`` due reminders for this process (nobody else gets them);
        each carries its claim's token (``lease``)."""
        p = self.prefix
        token = epoch(now + lease)
        flat = await self._eval_list(
            CLAIM_LUA,
            [keys.reminders(p), keys.reminders_inflight(p), keys.reminder_attempts(p)],
            [epoch(now), limit, token],
        )
        return [_reminder(flat[i], flat[i + 1], flat[i + 2], token) for i in range(0, len(flat), 3)]

    async def renew_reminder_leases(self, tokens: dict[str, str], until: datetime) -> dict[str, str]:
        """Extend the claims still held (reminder id -> token) to ``until``; answers the new tokens of
        those renewed (a claim missing from the answer was lost: its lease ran out and it was taken)."""
        if not tokens:
            return {}
        token = epoch(until)
        args: list[str] = [token]
        for rid, held in tokens.items():
            args += [rid, held]
        renewed = await self._eval_list(RENEW_LUA, [keys.reminders_inflight(self.prefix)], args)
        return {rid: token for rid in renewed}

    async def holds_reminder(self, reminder_id: str, token: str) -> bool:
        """Whether the claim with ``token`` is still this process's (checked just before sending)."""
        inflight = [keys.reminders_inflight(self.prefix)]
        return bool(await self._eval_int(HELD_LUA, inflight, [reminder_id, token]))

    async def reminders_in_flight(self) -> int:
        """How many reminders are claimed and not yet settled (for tests and the benchmark)."""
        return int(await self.r.zcard(keys.reminders_inflight(self.prefix)))

    async def reminder_is_current(self, reminder: Reminder) -> bool:
        """Whether the record still lists this reminder. A change of state replaces the list; a note
        keeps it but bumps the version, so the version alone would void a reminder that still applies."""
        rec_key = keys.followup(self.prefix, reminder.job_order_id, reminder.candidate_id)
        return reminder.reminder_id in reminder_ids(await self.r.hget(rec_key, "reminders"))

    async def ack_reminder(self, reminder: Reminder, token: str | None = None) -> int:
        """Delivered (or void): forget it wherever it is. ACK_HELD under our claim (``token``, by
        default the one it was claimed with), ACK_LATE when the claim had been lost meanwhile,
        ACK_GONE when nothing was left to settle."""
        held = reminder.lease if token is None else token
        return await self._eval_int(SETTLE_LUA, self._settle_keys(), [reminder.reminder_id, "", held])

    async def retry_reminder(self, reminder: Reminder, at: datetime, token: str | None = None) -> bool:
        """Delivery failed: schedule it again at ``at`` (attempt count +1). Never dropped; False when
        the claim was lost meanwhile (then its new holder has it)."""
        held = reminder.lease if token is None else token
        args = [reminder.reminder_id, epoch(at), held]
        return bool(await self._eval_int(SETTLE_LUA, self._settle_keys(), args))

    def _settle_keys(self) -> list[str]:
        p = self.prefix
        return [keys.reminders_inflight(p), keys.reminder_attempts(p), keys.reminders(p)]

    async def scheduled_reminders(self) -> list[tuple[str, datetime]]:
        """(reminder id, due) of everything scheduled and not yet claimed; for tests and the CLI."""
        rows = await self.r.zrange(keys.reminders(self.prefix), 0, -1, withscores=True)
        return [(rid, datetime.fromtimestamp(score, UTC)) for rid, score in rows]
