"""Follow-up records: status changes and notes (read, apply the rule, write through the checked apply),
the queries the bot lists them by, the funnel, and the audit trail.

Every change carries an idempotency key (the caller's, or a fresh one per call), so a command the
client retries after a dropped connection (Redis restart) is recognised, not applied twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime

from bot.domain.errors import Conflict, EmptyNote
from bot.domain.followup import noted, tally_states, transitioned
from bot.domain.models import AuditEntry, FollowUp, Funnel
from bot.domain.states import HIRED_STATES, STARTED_STATES, FollowUpState, check_text
from bot.store import keys
from bot.store.codec import MAX_CAS_ATTEMPTS, check_actor, split_members
from bot.store.job_order_states import JobOrderLifecycle
from bot.store.records import RecordWriter
from matching.models import JobOrder
from matching.privacy import random_id

IDEMPOTENCY_KEY_BYTES = 16  # a fresh key per call when the caller brings none


def _audit_entry(job_order_id: str, entry_id: str, f: dict[str, str]) -> AuditEntry:
    return AuditEntry(
        entry_id=entry_id,
        at=datetime.fromisoformat(f["at"]),
        actor=f.get("actor", ""),
        action=f.get("action", ""),
        job_order_id=job_order_id,
        candidate_id=f.get("candidate_id") or None,
        from_state=FollowUpState(f["from"]) if f.get("from") else None,
        to_state=FollowUpState(f["to"]) if f.get("to") else None,
        version=int(f["version"]) if f.get("version") else None,
        consultant=f.get("consultant") or None,
    )


class FollowUpRecords(RecordWriter):
    """Change a record (status, note) and list records."""

    async def transition(
        self,
        job_order_id: str,
        candidate_id: str,
        to: FollowUpState,
        actor: str,
        note: str | None = None,
        *,
        idempotency_key: str | None = None,
        expected_version: int | None = None,
        interview_at: datetime | None = None,
        start_date: date | None = None,
        reason: str | None = None,
    ) -> FollowUp:
        """Move a record to ``to``; raises a typed :class:`bot.domain.errors.DomainError`.

        ``idempotency_key`` (e.g. the Teams activity id): a repeat returns the record as it is,
        without applying anything twice. ``expected_version`` (the version the user saw): a
        mismatch raises :class:`Conflict` instead of overwriting someone else's change.
        """
        to = FollowUpState(to)
        actor = check_actor(actor)
        note = check_text(note)
        reason = check_text(reason)
        job: JobOrder | None = None
        if to in STARTED_STATES:  # job or forløb decides the step; a forløb's end comes from the job order
            job = await self.get_job_order(job_order_id)

        def change(current: FollowUp) -> FollowUp:
            if expected_version is not None and current.version != expected_version:
                raise Conflict(current.state)
            return transitioned(
                current,
                to,
                actor=actor,
                now=self.clock(),
                zone=self.rules.zone,
                months_to_check=self.months_to_check,
                job=job,
                note=note,
                reason=reason,
                interview_at=interview_at,
                start_date=start_date,
            )

        fu = await self._change(
            job_order_id,
            candidate_id,
            change,
            action="transition",
            actor=actor,
            idempotency_key=idempotency_key,
            new_reminders=True,
            retry=expected_version is None,
        )
        if to in STARTED_STATES and fu.state is to:
            # The job order's filled count: an idempotent follow-on (a hire counts once), so a retried
            # "ansat" (same idempotency key, after a crash in between) completes it.
            await JobOrderLifecycle(self.context).count_hire(job_order_id, candidate_id, actor)
        return fu

    async def add_note(
        self,
        job_order_id: str,
        candidate_id: str,
        note: str,
        actor: str,
        *,
        idempotency_key: str | None = None,
    ) -> FollowUp:
        """Append a note without changing state (reminders stay as they are)."""
        actor = check_actor(actor)
        clean = check_text(note)
        if clean is None:
            raise EmptyNote()

        def change(current: FollowUp) -> FollowUp:
            return noted(current, clean, actor=actor, now=self.clock())

        return await self._change(
            job_order_id,
            candidate_id,
            change,
            action="note",
            actor=actor,
            idempotency_key=idempotency_key,
            new_reminders=False,
            retry=True,
        )

    async def _change(
        self,
        job_order_id: str,
        candidate_id: str,
        change: Callable[[FollowUp], FollowUp],
        *,
        action: str,
        actor: str,
        idempotency_key: str | None,
        new_reminders: bool,
        retry: bool,
    ) -> FollowUp:
        """The optimistic write ``transition`` and ``add_note`` share: read, ``change``, write if nobody
        wrote meanwhile, else read again (``retry``) or raise the conflict with the latest state.

        A repeated ``idempotency_key`` returns the record as it is, applying nothing twice.
        """
        idem = self._idem_key(job_order_id, candidate_id, idempotency_key or random_id(IDEMPOTENCY_KEY_BYTES))
        for _ in range(MAX_CAS_ATTEMPTS):
            current, reminder_ids, seen = await self._snapshot(
                job_order_id, candidate_id, idem if idempotency_key is not None else None
            )
            if seen:
                return current
            outcome, written = await self._write(
                current,
                change(current),
                action=action,
                actor=actor,
                idem=idem,
                new_reminders=new_reminders,
                old_reminders=reminder_ids,
            )
            if outcome == "ok":
                return written
            if outcome == "dup":
                return await self._require(job_order_id, candidate_id)
            if not retry:
                latest = await self._require(job_order_id, candidate_id)
                raise Conflict(latest.state)
        raise Conflict(current.state)

    # --- queries --------------------------------------------------------------------------------

    async def funnel(self, job_order_id: str) -> dict[FollowUpState, int]:
        """How many of the job order's candidates are in each state (every state, zeros included)."""
        members = await self.r.smembers(keys.by_job_order(self.prefix, job_order_id))
        return await self._count_states(job_order_id, members)

    async def known_funnel(self, job_order_id: str) -> Funnel | None:
        """The funnel now and by steps reached, or None when the job order is unknown ("overblik").

        The existence check rides along with the member read, and no job order is parsed just to see
        that it exists. "Reached" comes from each record's history, which retention keeps.
        """
        async with self.r.pipeline(transaction=False) as pipe:
            pipe.exists(keys.job_order(self.prefix, job_order_id))
            pipe.smembers(keys.by_job_order(self.prefix, job_order_id))
            exists, members = await pipe.execute()
        if not exists:
            return None
        current = dict.fromkeys(FollowUpState, 0)
        reached = dict.fromkeys(FollowUpState, 0)
        async with self.r.pipeline(transaction=False) as pipe:
            for cid in members:
                pipe.hmget(keys.followup(self.prefix, job_order_id, cid), ["state", "history"])
            rows: list[list[str | None]] = await pipe.execute()
        for state, history in rows:
            if not state:
                continue
            current[FollowUpState(state)] += 1
            steps = {FollowUpState(step[1]) for step in json.loads(history or "[]")} | {FollowUpState(state)}
            for step in steps:
                reached[step] += 1
        return Funnel(current, reached)

    async def on_job_order(self, job_order_id: str) -> list[FollowUp]:
        """Every record on the job order (KEH's card lists the candidates the company has had)."""
        members = await self.r.smembers(keys.by_job_order(self.prefix, job_order_id))
        records = await self._load_many([(job_order_id, cid) for cid in sorted(members)])
        return records

    async def _count_states(self, job_order_id: str, members: Iterable[str]) -> dict[FollowUpState, int]:
        if not members:
            return tally_states(())
        async with self.r.pipeline(transaction=False) as pipe:
            for cid in members:
                pipe.hget(keys.followup(self.prefix, job_order_id, cid), "state")
            states: list[str | None] = await pipe.execute()
        return tally_states(states)

    async def engagements(self, candidate_ids: Iterable[str]) -> dict[str, list[tuple[str, FollowUpState]]]:
        """Each candidate's records on any job order: [(job order, state)] ("I gang med JO-…" on a
        shortlist, ``bot.domain.busy``).

        Why no index of its own: ``by_candidate`` (written with the record, in the apply script that
        creates it) lists the job orders, and the state is read from the record itself, which every
        transition writes in the same script: the answer is never staler than the records, and records
        from before this feature count too. Two pipelined round trips for a whole shortlist.
        """
        ids = sorted(set(candidate_ids))
        if not ids:
            return {}
        async with self.r.pipeline(transaction=False) as pipe:
            for cid in ids:
                pipe.smembers(keys.by_candidate(self.prefix, cid))
            job_sets: list[set[str]] = await pipe.execute()
        pairs = [(cid, jo) for cid, jobs in zip(ids, job_sets, strict=True) for jo in sorted(jobs)]
        if not pairs:
            return {}
        async with self.r.pipeline(transaction=False) as pipe:
            for cid, jo in pairs:
                pipe.hget(keys.followup(self.prefix, jo, cid), "state")
            states: list[str | None] = await pipe.execute()
        out: dict[str, list[tuple[str, FollowUpState]]] = {}
        for (cid, jo), state in zip(pairs, states, strict=True):
            if state:  # a record erased meanwhile: nothing to say
                out.setdefault(cid, []).append((jo, FollowUpState(state)))
        return out

    async def for_consultant(self, consultant_upn: str, now: datetime | None = None) -> list[FollowUp]:
        """The consultant's open follow-ups, overdue first, then by due date and urgency."""
        members = await self.r.smembers(keys.by_consultant(self.prefix, consultant_upn.lower()))
        records = await self._load_many(split_members(members))
        at = now or self.clock()
        return sorted((r for r in records if r.is_open), key=lambda r: r.action_sort_key(at))

    async def by_state(self, state: FollowUpState) -> list[FollowUp]:
        members = await self.r.smembers(keys.by_state(self.prefix, FollowUpState(state).value))
        records = await self._load_many(split_members(members))
        return sorted(records, key=lambda r: (r.job_order_id, r.candidate_id))

    async def placements(self) -> tuple[list[FollowUp], dict[str, JobOrder]]:
        """Every hire so far (ansat, i_job_3_mdr, ophoert) and the job orders they are on ("rapport").

        Reads the three permanent state indexes and only the ``json`` field of each job order;
        anonymised records count too (their history keeps the day of the hire).
        """
        async with self.r.pipeline(transaction=False) as pipe:
            for state in HIRED_STATES:
                pipe.smembers(keys.by_state(self.prefix, state.value))
            member_sets: list[set[str]] = await pipe.execute()
        records = await self._load_many(split_members(m for members in member_sets for m in members))
        job_ids = sorted({r.job_order_id for r in records})
        async with self.r.pipeline(transaction=False) as pipe:
            for jo in job_ids:
                pipe.hget(keys.job_order(self.prefix, jo), "json")
            raws: list[str | None] = await pipe.execute()
        jobs = {jo: JobOrder.model_validate_json(raw) for jo, raw in zip(job_ids, raws, strict=True) if raw}
        return records, jobs

    async def overdue(self, now: datetime) -> list[FollowUp]:
        """Open records with a reminder due at or before ``now``, most overdue first."""
        members = await self.r.zrangebyscore(keys.due(self.prefix), "-inf", now.timestamp())
        records = await self._load_many(split_members(members))
        return sorted((r for r in records if r.is_overdue(now)), key=lambda r: r.action_sort_key(now))

    async def audit(self, job_order_id: str, candidate_id: str | None = None) -> list[AuditEntry]:
        """The job order's audit trail, oldest first; with ``candidate_id`` only that record's."""
        rows = await self.r.xrange(keys.audit(self.prefix, job_order_id))
        entries = [_audit_entry(job_order_id, entry_id, f) for entry_id, f in rows]
        return [e for e in entries if candidate_id is None or e.candidate_id == candidate_id]
