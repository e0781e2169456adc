"""Shortlists: a job order's ranked candidates, their new ``foreslaaet`` records and the card's counts
(how many were considered, how many each filter excluded), all written by one script."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from bot.domain.followup import proposed
from bot.domain.models import RankedCandidate, ShortlistCounts, ShortlistEntry
from bot.domain.reminders import reminders_for
from bot.domain.states import FollowUpState
from bot.store import keys
from bot.store.codec import SYSTEM_ACTOR, Op, Ops, check_actor, check_id
from bot.store.pool import PoolReads
from bot.store.records import Due, RecordWriter
from matching.models import JobOrder

MAX_REASONS = 5  # reasons kept per shortlist entry (the card shows these)
# The record fields a shortlist row shows (get_shortlist reads only these).
_CARD_FIELDS = ["state", "version", "reason", "history", "consultant"]

# A shortlist, its counts and the ``foreslaaet`` records of its new candidates, in one step. KEYS[1]
# shortlist hash, KEYS[2] counts, KEYS[3..] keys the ops refer to. ARGV[1] JSON [field, value, ...] (the
# whole new shortlist); ARGV[2] JSON list of [record key index, ops] per candidate: a group runs only
# when that record does not exist yet (the same check as the checked apply with expected version 0), so
# a repeat is a no-op and a lead's decision, even one made between two saves, is never reset; ARGV[3]
# the counts JSON ('' = none: the old counts described another list). Returns how many were created.
SAVE_SHORTLIST_LUA = """
local sl = cjson.decode(ARGV[1])
redis.call('DEL', KEYS[1])
if #sl > 0 then redis.call('HSET', KEYS[1], unpack(sl)) end
if ARGV[3] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[3]) end
local created = 0
for _, group in ipairs(cjson.decode(ARGV[2])) do
  if tonumber(redis.call('HGET', KEYS[group[1]], 'version') or '0') == 0 then
    for _, op in ipairs(group[2]) do
      local args = {}
      for i = 3, #op do args[#args + 1] = op[i] end
      redis.call(op[1], KEYS[op[2]], unpack(args))
    end
    created = created + 1
  end
end
return created
"""


def _entry_json(rank: int, result: RankedCandidate, consultant: str) -> str:
    return json.dumps(
        {
            "rank": rank,
            "score": round(float(result.score), 1),
            "reasons": list(result.reasons)[:MAX_REASONS],
            "consultant": consultant,
        }
    )


def _counts_json(counts: ShortlistCounts | None) -> str:
    if counts is None:
        return ""
    return json.dumps({"considered": counts.considered, "excluded": counts.excluded}, ensure_ascii=False)


def _step(steps: list[list[str]], *, decided: bool, state: str | None) -> list[str] | None:
    """The lead's decision (the step out of foreslaaet), or the step that entered the current state
    (a note keeps the state: not a status change). Steps are [from, to, actor, at, note]."""
    if decided:
        return next((h for h in steps if h[0] == FollowUpState.FORESLAAET.value), None)
    return next((h for h in reversed(steps) if h[1] == state and h[0] != h[1]), None)


def _entry(job_order_id: str, cid: str, blob: str, card: list[str | None]) -> ShortlistEntry:
    state, version, reason, history, consultant = card
    data = json.loads(blob)
    steps: list[list[str]] = json.loads(history) if history else []
    decided = _step(steps, decided=True, state=state)
    entered = _step(steps, decided=False, state=state)
    return ShortlistEntry(
        job_order_id=job_order_id,
        candidate_id=cid,
        rank=int(data["rank"]),
        score=float(data["score"]),
        reasons=tuple(data.get("reasons", ())),
        # the record's consultant: a case handed over (overdrag) shows its new one
        consultant=consultant or data.get("consultant", ""),
        state=FollowUpState(state) if state else FollowUpState.FORESLAAET,
        decided_by=(decided[2] or None) if decided else None,
        decided_at=datetime.fromisoformat(decided[3]) if decided else None,
        decided_state=FollowUpState(decided[1]) if decided else None,
        status_by=(entered[2] or None) if entered else None,
        status_at=datetime.fromisoformat(entered[3]) if entered else None,
        version=int(version) if version else 0,
        reason=reason or None,
    )


class ShortlistStore(RecordWriter, PoolReads):
    """Save and read a job order's shortlist."""

    async def save_shortlist(
        self,
        job_order_id: str,
        results: Sequence[RankedCandidate],
        *,
        consultants: dict[str, str] | None = None,
        actor: str = SYSTEM_ACTOR,
        job: JobOrder | None = None,
        counts: ShortlistCounts | None = None,
    ) -> int:
        """Store the ranked shortlist and create a ``foreslaaet`` record per new candidate.

        The consultant of each candidate comes from ``consultants`` or else from the pool. A repeated
        call re-ranks; existing records (and the leads' decisions) are kept. ``job`` is the stored job
        order when the caller already has it (its deadline schedules reminders; saves a read).
        ``counts`` are the card's considered/excluded lines, kept with the list (None removes them).

        Why one script for everything: no reader or writer ever sees the shortlist without its records
        (a script runs in isolation), in one round trip instead of one per candidate (the intake's
        throughput was bound by those round trips). Returns how many records were created.
        """
        job_order_id = check_id(job_order_id)
        actor = check_actor(actor)
        if job is None or job.id != job_order_id:
            job = await self.get_job_order(job_order_id)
        ids = [check_id(r.candidate_id) for r in results]
        consultants = {cid: check_actor(upn) for cid, upn in (consultants or {}).items() if upn}
        missing = [cid for cid in ids if cid not in consultants]
        if missing:
            consultants.update(await self._pool_consultants(missing))
        entries: list[str] = []
        for rank, r in enumerate(results, start=1):
            entries += [r.candidate_id, _entry_json(rank, r, consultants.get(r.candidate_id, ""))]
        ops = Ops(keys.shortlist(self.prefix, job_order_id), keys.shortlist_counts(self.prefix, job_order_id))
        groups = self._new_record_groups(
            ops, job_order_id, ids, consultants, actor=actor, deadline=job.deadline if job else None
        )
        args = [json.dumps(entries, ensure_ascii=False), json.dumps(groups), _counts_json(counts)]
        return await self._eval_int(SAVE_SHORTLIST_LUA, ops.keys, args)

    def _new_record_groups(
        self,
        ops: Ops,
        job_order_id: str,
        ids: list[str],
        consultants: dict[str, str],
        *,
        actor: str,
        deadline: date | None,
    ) -> list[list[int | list[Op]]]:
        """One [record key index, ops] group per candidate: applied only where no record exists yet."""
        now = self.clock()
        groups: list[list[int | list[Op]]] = []
        due: Due | None = None
        for cid in dict.fromkeys(ids):
            record = proposed(
                job_order_id,
                cid,
                consultant=consultants.get(cid, ""),
                actor=actor,
                now=now,
                deadline=deadline,
            )
            blank = replace(record, version=0, deadline=None, history=())
            if due is None:  # the same for every new record of this job order
                due = reminders_for(self.rules, record, self.clock())
            self._record_ops(
                ops,
                blank,
                record,
                action="created",
                actor=actor,
                new_reminders=True,
                old_ids=[],
                creating=True,
                due=due,
            )
            groups.append([ops.index(keys.followup(self.prefix, job_order_id, cid)), ops.take()])
        return groups

    async def get_shortlist(self, job_order_id: str) -> list[ShortlistEntry]:
        """Ranked entries with score, reasons, the current decision/state, version and reason per candidate.

        Two round trips whatever the length: the shortlist, then the fields the card needs of every
        record in one pipeline (not whole records, not one read per row).
        """
        raw = await self.r.hgetall(keys.shortlist(self.prefix, job_order_id))
        if not raw:
            return []
        async with self.r.pipeline(transaction=False) as pipe:
            for cid in raw:
                pipe.hmget(keys.followup(self.prefix, job_order_id, cid), _CARD_FIELDS)
            replies: list[list[str | None]] = await pipe.execute()
        out = [
            _entry(job_order_id, cid, blob, card)
            for (cid, blob), card in zip(raw.items(), replies, strict=True)
        ]
        return sorted(out, key=lambda e: e.rank)

    async def shortlist_counts(self, job_order_id: str) -> ShortlistCounts | None:
        """The considered/excluded counts saved with the job order's shortlist; None when none were."""
        raw = await self.r.get(keys.shortlist_counts(self.prefix, job_order_id))
        if not raw:
            return None
        data = json.loads(raw)
        excluded = {str(k): int(v) for k, v in data.get("excluded", {}).items()}
        return ShortlistCounts(considered=int(data["considered"]), excluded=excluded)
