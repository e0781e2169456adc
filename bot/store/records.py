"""Reading follow-up records and writing them through the one checked apply.

Why a Lua "checked apply" script instead of WATCH/MULTI: every write to a record goes through one
script that (1) returns the earlier result if the idempotency key was already used, (2) refuses
the write unless the record still has the version the caller read (optimistic concurrency), and
(3) applies all changes — record, indexes, reminders, audit stream, idempotency key — atomically.
One round trip, no lost update, no double apply, and it works on Redis Cluster because all the
keys share the ``{fu}`` hash tag. The rules (what is a legal step, when a reminder is due) stay in
Python (``bot.domain``); Lua only checks and applies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Literal, cast

from bot.domain.errors import FollowUpNotFound
from bot.domain.followup import check_from, retention_from
from bot.domain.models import FollowUp
from bot.domain.reminders import reminders_for
from bot.store import keys
from bot.store.base import StoreBase
from bot.store.codec import Ops, decode_record, encode_record, epoch, reminder_ids

WriteOutcome = Literal["ok", "dup", "conflict"]
Due = list[tuple[str, datetime]]  # (reminder rule, due)

# KEYS[1] record, KEYS[2] idempotency key, KEYS[3..] keys the ops refer to by index.
# ARGV[1] expected version (-1: don't check; 0: record must not exist), ARGV[2] idempotency value
# ('' = don't store), ARGV[3] idempotency TTL, ARGV[4] JSON list of ops [command, key index, args...].
APPLY_LUA = """
local seen = redis.call('GET', KEYS[2])
if seen then return {'dup', seen} end
local expect = tonumber(ARGV[1])
if expect >= 0 then
  local have = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
  if have ~= expect then return {'conflict', tostring(have)} end
end
for _, op in ipairs(cjson.decode(ARGV[4])) do
  local args = {}
  for i = 3, #op do args[#args + 1] = op[i] end
  redis.call(op[1], KEYS[op[2]], unpack(args))
end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3])) end
return {'ok', ''}
"""


def _not_found(job_order_id: str, candidate_id: str) -> FollowUpNotFound:
    return FollowUpNotFound(job_order_id, candidate_id)


class RecordWriter(StoreBase):
    """Loads records and applies a change (current → updated) with every index, reminder and audit line."""

    async def get_followup(self, job_order_id: str, candidate_id: str) -> FollowUp | None:
        raw = await self.r.hgetall(keys.followup(self.prefix, job_order_id, candidate_id))
        return decode_record(raw) if raw else None

    def check_from(self, record: FollowUp) -> date | None:
        """The first day 'I job efter 3 måneder' can be registered (``bot.domain.followup.check_from``)."""
        return check_from(record, self.months_to_check)

    async def _snapshot(
        self, job_order_id: str, candidate_id: str, idem: str | None
    ) -> tuple[FollowUp, list[str], bool]:
        """The record, its reminder ids and whether ``idem`` was used, in one round trip.

        Record first, key second: the apply script writes both at once, so a record that already
        shows this action is always seen together with its key (a repeat, not an error).
        """
        rec_key = keys.followup(self.prefix, job_order_id, candidate_id)
        seen = False
        if idem is None:  # a lone command: a pipeline of one costs the client more
            raw = await self.r.hgetall(rec_key)
        else:
            async with self.r.pipeline(transaction=False) as pipe:
                pipe.hgetall(rec_key)
                pipe.exists(idem)
                raw, exists = await pipe.execute()
            seen = bool(exists)
        if not raw:
            raise _not_found(job_order_id, candidate_id)
        return decode_record(raw), reminder_ids(raw), seen

    async def _snapshot_or_none(
        self, job_order_id: str, candidate_id: str
    ) -> tuple[FollowUp | None, list[str]]:
        try:
            current, ids, _ = await self._snapshot(job_order_id, candidate_id, None)
        except FollowUpNotFound:
            return None, []
        return current, ids

    async def _require(self, job_order_id: str, candidate_id: str) -> FollowUp:
        found = await self.get_followup(job_order_id, candidate_id)
        if found is None:
            raise _not_found(job_order_id, candidate_id)
        return found

    def _idem_key(self, job_order_id: str, candidate_id: str, key: str) -> str:
        digest = hashlib.sha256(f"{job_order_id}\x1f{candidate_id}\x1f{key}".encode()).hexdigest()[:32]
        return keys.idempotency(self.prefix, digest)

    async def _load_many(self, pairs: Sequence[tuple[str, str]]) -> list[FollowUp]:
        if not pairs:
            return []
        async with self.r.pipeline(transaction=False) as pipe:
            for jo, cid in pairs:
                pipe.hgetall(keys.followup(self.prefix, jo, cid))
            raws: list[dict[str, str]] = await pipe.execute()
        return [decode_record(raw) for raw in raws if raw]

    async def _apply(self, ops: Ops, expected_version: int, idem_value: str = "") -> WriteOutcome:
        """Run the checked apply: ``ops`` (record key first, idempotency key second) if the record
        still has ``expected_version``; ``idem_value`` ('' = none) is stored under the key."""
        result = await self._eval_list(
            APPLY_LUA,
            ops.keys,
            [expected_version, idem_value, keys.IDEMPOTENCY_TTL_SECONDS, json.dumps(ops.ops)],
        )
        return cast(WriteOutcome, result[0])

    async def _write(
        self,
        current: FollowUp,
        updated: FollowUp,
        *,
        action: str,
        actor: str,
        idem: str | None,
        new_reminders: bool,
        old_reminders: list[str] | None = None,
    ) -> tuple[WriteOutcome, FollowUp]:
        """Apply ``current`` → ``updated`` atomically if the record still has ``current.version``."""
        rec_key = keys.followup(self.prefix, updated.job_order_id, updated.candidate_id)
        old_ids = old_reminders
        if old_ids is None:
            old_ids = reminder_ids(await self.r.hget(rec_key, "reminders"))
        ops = Ops(rec_key, idem or keys.idempotency(self.prefix, "-"))
        updated = self._record_ops(
            ops, current, updated, action=action, actor=actor, new_reminders=new_reminders, old_ids=old_ids
        )
        outcome = await self._apply(ops, current.version, str(updated.version) if idem else "")
        return outcome, updated

    def _record_ops(
        self,
        ops: Ops,
        current: FollowUp,
        updated: FollowUp,
        *,
        action: str,
        actor: str,
        new_reminders: bool,
        old_ids: list[str],
        creating: bool = False,
        due: Due | None = None,
        audit_consultant: str = "",
    ) -> FollowUp:
        """Add every write of ``current`` → ``updated`` to ``ops``: record, indexes, reminders, audit.

        ``due`` (precomputed reminders) lets a batch of identical new records compute them once.
        Returns ``updated`` with its ``next_due_at``.
        """
        p, jo, cid = self.prefix, updated.job_order_id, updated.candidate_id
        member = keys.record_member(jo, cid)
        new_ids = old_ids
        if new_reminders:
            updated, new_ids = self._reminder_ops(ops, updated, old_ids, due)
        ops.hset(keys.followup(p, jo, cid), encode_record(updated, new_ids))
        if creating:
            ops.add("SADD", keys.by_job_order(p, jo), cid)
            ops.add("SADD", keys.by_candidate(p, cid), jo)
        self._index_ops(ops, current, updated, member, creating=creating)
        ops.audit(
            p,
            jo,
            cid,
            at=updated.updated_at,
            actor=actor,
            action=action,
            from_state="" if creating else current.state.value,
            to_state=updated.state.value,
            version=updated.version,
            consultant=audit_consultant,
        )
        return updated

    def _reminder_ops(
        self, ops: Ops, updated: FollowUp, old_ids: list[str], due: Due | None
    ) -> tuple[FollowUp, list[str]]:
        """Void the record's reminders and schedule the ones its new state has."""
        p, jo, cid = self.prefix, updated.job_order_id, updated.candidate_id
        if due is None:
            due = reminders_for(self.rules, updated, self.clock())
        new_ids = [f"{rule}|{jo}|{cid}|{updated.version}" for rule, _ in due]
        updated = replace(updated, next_due_at=min((d for _, d in due), default=None))
        for rid in old_ids:
            ops.add("ZREM", keys.reminders(p), rid)
            ops.add("ZREM", keys.reminders_inflight(p), rid)
            ops.add("HDEL", keys.reminder_attempts(p), rid)
        for rid, (_, at) in zip(new_ids, due, strict=True):
            ops.add("ZADD", keys.reminders(p), epoch(at), rid)
        return updated, new_ids

    def _index_ops(
        self, ops: Ops, current: FollowUp, updated: FollowUp, member: str, *, creating: bool
    ) -> None:
        """The indexes: by state, by consultant, by due date, by last change, closed."""
        p = self.prefix
        if current.state != updated.state or creating:
            if not creating:
                ops.add("SREM", keys.by_state(p, current.state.value), member)
            ops.add("SADD", keys.by_state(p, updated.state.value), member)
        if current.consultant and current.consultant != updated.consultant:  # handed over (overdrag)
            ops.add("SREM", keys.by_consultant(p, current.consultant), member)
        if updated.consultant:
            command = "SADD" if updated.is_open else "SREM"
            ops.add(command, keys.by_consultant(p, updated.consultant), member)
        if updated.next_due_at is not None:
            ops.add("ZADD", keys.due(p), epoch(updated.next_due_at), member)
        else:
            ops.add("ZREM", keys.due(p), member)
        ops.add("ZADD", keys.by_updated(p), epoch(retention_from(updated, self.months_to_check)), member)
        if updated.closed_at is not None and current.closed_at is None:
            ops.add("ZADD", keys.closed(p), epoch(updated.closed_at), member)
