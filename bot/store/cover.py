"""Cover and transfer in Redis: a consultant's absence (and stand-in), and handing cases over.

Why here: an absence is one small hash per consultant (``keys.absence``), replaced by the next one
and expiring by itself a while after its last day. A hand-over (``overdrag``) changes the record's
consultant through the same checked apply as a status change (``RecordWriter``): the record, the
per-consultant index of open cases (``keys.by_consultant``: out of the old set, into the new one) and
an audit line ``overdraget`` in one script, with a version check. Handing over every open case of a
consultant reads that index (no scan) and hands each record over on its own; run again after an
interruption it moves what is left and leaves what moved (a record already with the new consultant
is not written again).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.domain.cover import Absence, transferred
from bot.domain.errors import Conflict, FollowUpClosed, SameConsultant
from bot.domain.models import FollowUp
from bot.store import keys
from bot.store.codec import MAX_CAS_ATTEMPTS, Ops, check_actor, check_id, split_members
from bot.store.records import RecordWriter

TRANSFER_ACTION = "overdraget"


class CoverStore(RecordWriter):
    """Absences with their stand-ins, and handing a consultant's cases over to another."""

    # --- absences ----------------------------------------------------------------------------------

    async def set_absence(self, absence: Absence) -> None:
        """Store ``absence`` (replacing the consultant's earlier one); expires a while after it ends."""
        key = keys.absence(self.prefix, check_actor(absence.consultant))
        ends_at = datetime.combine(absence.ends + timedelta(days=1), time(), UTC)
        expire_at = int(ends_at.timestamp()) + keys.ABSENCE_KEEP_SECONDS
        async with self.r.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(
                key,
                mapping={
                    "starts": absence.starts.isoformat(),
                    "ends": absence.ends.isoformat(),
                    "stand_in": absence.stand_in or "",
                    "set_by": absence.set_by,
                    "set_at": absence.set_at.isoformat(),
                },
            )
            pipe.expireat(key, expire_at)
            await pipe.execute()

    async def get_absence(self, consultant: str) -> Absence | None:
        raw = await self.r.hgetall(keys.absence(self.prefix, consultant.strip().lower()))
        if not raw:
            return None
        return Absence(
            consultant=consultant.strip().lower(),
            starts=date.fromisoformat(raw["starts"]),
            ends=date.fromisoformat(raw["ends"]),
            stand_in=raw.get("stand_in") or None,
            set_by=raw.get("set_by", ""),
            set_at=datetime.fromisoformat(raw["set_at"]),
        )

    async def clear_absence(self, consultant: str) -> bool:
        """End the consultant's absence now; False when there was none."""
        return bool(await self.r.delete(keys.absence(self.prefix, consultant.strip().lower())))

    # --- hand-over of cases ----------------------------------------------------------------------------

    async def open_cases(self, consultant: str) -> list[tuple[str, str]]:
        """(job order, candidate) of the consultant's open records, from the per-consultant index."""
        members = await self.r.smembers(keys.by_consultant(self.prefix, consultant.strip().lower()))
        return sorted(split_members(members))

    async def transfer(
        self, job_order_id: str, candidate_id: str, to: str, actor: str, *, only_from: str | None = None
    ) -> tuple[FollowUp, FollowUp | None]:
        """Hand one open record over to the consultant ``to``: (record before, record after), after None
        when nothing was written (it already was theirs, or ``only_from`` is given and it is not theirs).
        Raises :class:`FollowUpNotFound` or :class:`FollowUpClosed`."""
        job_order_id, candidate_id = check_id(job_order_id), check_id(candidate_id)
        to, actor = check_actor(to), check_actor(actor)
        for _ in range(MAX_CAS_ATTEMPTS):
            current, reminder_ids, _seen = await self._snapshot(job_order_id, candidate_id, None)
            if current.consultant == to or (only_from is not None and current.consultant != only_from):
                return current, None
            if not current.is_open:
                raise FollowUpClosed(current.state)
            outcome, written = await self._write_transfer(current, to, actor, reminder_ids)
            if outcome == "ok":
                return current, written
        raise Conflict(current.state)

    async def _write_transfer(
        self, current: FollowUp, to: str, actor: str, reminder_ids: list[str]
    ) -> tuple[str, FollowUp]:
        updated = transferred(current, to, now=self.clock())
        rec_key = keys.followup(self.prefix, current.job_order_id, current.candidate_id)
        ops = Ops(rec_key, keys.idempotency(self.prefix, "-"))
        # Reminders stay (no new state): their ids stay on the record, so they are still current.
        updated = self._record_ops(
            ops,
            current,
            updated,
            action=TRANSFER_ACTION,
            actor=actor,
            new_reminders=False,
            old_ids=reminder_ids,
            audit_consultant=to,
        )
        outcome = await self._apply(ops, current.version)
        return outcome, updated

    async def transfer_all(self, from_upn: str, to: str, actor: str) -> list[FollowUp]:
        """Hand every open case of ``from_upn`` over to ``to``; the records moved (now ``to``'s)."""
        from_upn, to = check_actor(from_upn), check_actor(to)
        if from_upn == to:
            raise SameConsultant(to)
        moved: list[FollowUp] = []
        for job_order_id, candidate_id in await self.open_cases(from_upn):
            try:
                _before, after = await self.transfer(
                    job_order_id, candidate_id, to, actor, only_from=from_upn
                )
            except FollowUpClosed:
                continue  # closed since the index was read
            if after is not None:
                moved.append(after)
        return moved
