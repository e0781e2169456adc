"""Hand-over: approved candidates go 1:1 to their own consultant; unreachable ones wait and are retried.

Why a module of its own beside the shortlist: it is the step after the leads' decisions, with its
own failure mode (a consultant who has not installed the bot yet), and it is retried from outside
the card (``on_reachable``, when the consultant gets a 1:1 conversation).
"""

from __future__ import annotations

import logging

from bot.commands import CardAction, action
from bot.domain.clock import Clock, utc_now
from bot.domain.states import FollowUpState
from bot.features.followup import status_view
from bot.features.shortlist import ShortlistService
from bot.features.standins import StandIns
from bot.observability import Metrics
from bot.store import FollowUpRecords
from bot.store.conversations import ConversationStore, LastSend
from bot.turn import ActionResult, Messenger, Turn, Unreachable
from bot.ui import cards, texts
from matching.models import JobOrder

log = logging.getLogger("matchbot.services")


class HandoverService:
    """Approved candidates go 1:1 to their own consultant; unreachable ones wait and are retried."""

    def __init__(
        self,
        store: FollowUpRecords,
        conversations: ConversationStore,
        messenger: Messenger,
        shortlists: ShortlistService,
        metrics: Metrics,
        clock: Clock = utc_now,
        stand_ins: StandIns | None = None,
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.messenger = messenger
        self.shortlists = shortlists
        self.metrics = metrics
        self.clock = clock
        self.stand_ins = stand_ins  # an absent consultant's hand-overs go to their stand-in

    @action(cards.VERB_SEND_APPROVED)
    async def send_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        return await self.send_approved(pressed.job, turn.actor)

    async def send_approved(self, job_order_id: str, actor: str) -> ActionResult:
        rows = await self.shortlists.rows(job_order_id)
        approved = [r for r in rows if r.state == FollowUpState.GODKENDT.value and not r.handed_over]
        if not approved:
            return ActionResult(card=await self.shortlists.refresh(job_order_id), text=texts.NOTHING_APPROVED)
        job = await self.store.get_job_order(job_order_id)
        assert job is not None  # rows exist only for a stored job order
        sent = unreachable = 0
        for row in approved:
            if not await self.conversations.claim_handover(job_order_id, row.candidate_id):
                continue  # another lead's click is sending this one right now
            if await self._deliver(job, row):
                sent += 1
            else:
                unreachable += 1
        if sent or unreachable:  # all claimed by another lead's click: that click records its own
            await self.conversations.record_send(job_order_id, LastSend(sent, actor, self.clock()))
        # One rendering of the stored state for the presser and for everyone (the card in place): the
        # footer and the "… venter" line come from the store, so the next refresh keeps them too.
        card = await self.shortlists.refresh(job_order_id)
        return ActionResult(card=card)

    async def _deliver(self, job: JobOrder, row: cards.CandidateRow) -> bool:
        fu = await self.store.get_followup(job.id, row.candidate_id)
        consultant = fu.consultant if fu else row.consultant
        cover = None
        if consultant and self.stand_ins is not None:
            consultant, cover = await self.stand_ins.deliver_to(consultant)
        user = await self.conversations.user_by_upn(consultant) if consultant else None
        try:
            if user is None or fu is None:
                raise Unreachable(consultant)
            card = cards.handover_card(job, row, status_view(fu, cover=cover))
            await self.messenger.send_to_user(user, card)
        except Unreachable:
            waiting_for = consultant or texts.UNKNOWN_CONSULTANT
            await self.conversations.mark_pending(job.id, row.candidate_id, waiting_for)
            self.metrics.handovers.labels(result="unreachable").inc()
            log.warning(
                "consultant unreachable", extra={"job_order_id": job.id, "candidate_id": row.candidate_id}
            )
            return False
        except Exception:  # any other failure: released, so the next click (or retry) claims it again
            await self.conversations.release_handover(job.id, row.candidate_id)
            raise
        await self.conversations.mark_sent(job.id, row.candidate_id, consultant)
        self.metrics.handovers.labels(result="sent").inc()
        return True

    async def retry_pending(self, upn: str) -> int:
        """The consultant just became reachable: deliver what waited for them, update the cards."""
        delivered = 0
        for job_id, cand in await self.conversations.pending_for(upn):
            job = await self.store.get_job_order(job_id)
            if job is None or not await self.conversations.claim_handover(job_id, cand):
                continue
            rows = {r.candidate_id: r for r in await self.shortlists.rows(job_id)}
            if cand in rows and await self._deliver(job, rows[cand]):
                delivered += 1
                await self.shortlists.refresh(job_id)
        return delivered
