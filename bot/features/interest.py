"""Interest before review: when a shortlist is posted, each listed candidate's consultant is asked 1:1
"Er kandidaten interesseret?" (Ja / Nej / Ved ikke endnu); the shortlist card shows each answer; a
*Nej* frees the candidate's place and the next candidate comes onto the list (the card updates in
place and that candidate's consultant is asked in turn). No answer within the configured working
hours reads "ikke svaret" on the card; the leads decide regardless (their buttons never wait).

Why a companion of the shortlist rather than part of it: the card, its posting and the leads'
decisions stay in ``bot.features.shortlist``; this module only adds lines to its rows, extra places
and what happens when a list is ready, through the ``ShortlistCompanion`` protocol declared there.
The same companion puts the shortlist on the escalation schedule (``bot.features.escalation``), so
an undecided shortlist is escalated whether interest is asked or not (``INTEREST_BEFORE_REVIEW``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from datetime import datetime

from bot.commands import CardAction, action
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import DomainError, FollowUpNotFound
from bot.domain.escalation import ANSWERS, EscalationRules, Interest, InterestStatus, WorkingHours
from bot.domain.leads import Leads
from bot.domain.states import FollowUpState
from bot.features.shortlist import RowNote, ShortlistService
from bot.features.standins import StandIns
from bot.store import FollowUpRecords, ShortlistStore
from bot.store.codec import SYSTEM_ACTOR
from bot.store.conversations import ConversationStore
from bot.store.escalation import KIND_INTEREST, KIND_UNDECIDED, EscalationStore
from bot.store.interest import ANSWER_FINAL, ANSWER_UNKNOWN, InterestStore
from bot.turn import ActionResult, Messenger, Turn, Unreachable
from bot.ui import cards, texts
from matching.models import JobOrder

log = logging.getLogger("matchbot.services")


class ShortlistFollowUp:
    """The shortlist's companion: asks about interest (when on), schedules the escalation, and gives
    the card its interest lines and the places freed by a *Nej*."""

    def __init__(
        self,
        interest: InterestStore,
        escalation: EscalationStore,
        shortlists: ShortlistStore,
        conversations: ConversationStore,
        messenger: Messenger,
        rules: EscalationRules,
        hours: WorkingHours,
        *,
        ask: bool,
        stand_ins: StandIns | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.interest = interest
        self.stand_ins = stand_ins
        self.escalation = escalation
        self.shortlists = shortlists
        self.conversations = conversations
        self.messenger = messenger
        self.rules = rules
        self.hours = hours
        self.ask_interest = ask
        self.clock = clock

    def closes_at(self, status: InterestStatus) -> datetime:
        """The end of the answer window of a question asked at ``status.asked_at``."""
        return self.hours.add(status.asked_at, self.rules.interest.answer_within_working_hours)

    # --- ShortlistCompanion -----------------------------------------------------------------------

    async def extra_places(self, job_order_id: str) -> int:
        if not self.ask_interest:
            return 0
        statuses = await self.interest.statuses(job_order_id)
        return sum(1 for s in statuses.values() if s.answer is Interest.NO)

    async def shortlist_ready(self, job: JobOrder) -> None:
        now = self.clock()
        undecided = self.rules.undecided_shortlist
        if undecided.enabled:  # the first post starts the clock; a re-rank or refill does not
            await self.escalation.schedule(
                KIND_UNDECIDED, job.id, self.hours.add(now, undecided.after_working_hours)
            )
        if self.ask_interest:
            await self.ask(job, now)

    async def row_notes(self, job_order_id: str) -> Mapping[str, RowNote]:
        statuses = await self.interest.statuses(job_order_id)
        now = self.clock()
        return {cid: self._note(status, now) for cid, status in statuses.items()}

    def _note(self, status: InterestStatus, now: datetime) -> RowNote:
        answer = status.answer
        if answer is Interest.UNREACHABLE:
            return RowNote(texts.INTEREST_ROW_UNREACHABLE, warning=True)
        if status.unanswered_after(self.closes_at(status), now):
            hours = self.rules.interest.answer_within_working_hours
            text = texts.INTEREST_ROW_UNANSWERED.format(hours=hours)
            return RowNote(text, warning=True, until_decided=texts.INTEREST_ROW_LEAD_MAY_DECIDE)
        if answer is Interest.ASKED:
            return RowNote(texts.INTEREST_ROW_ASKED)
        actor, at = status.by or texts.CARD_UNKNOWN_ACTOR, cards.when(status.at)
        if answer is Interest.NO:
            return RowNote(texts.INTEREST_ROW_NO.format(actor=actor, when=at), declined=True)
        label = texts.INTEREST_ANSWER_LABELS[answer.value]
        return RowNote(texts.INTEREST_ROW_ANSWER.format(answer=label, actor=actor, when=at))

    # --- asking ----------------------------------------------------------------------------------------

    async def ask(self, job: JobOrder, now: datetime) -> int:
        """Ask about every listed candidate still awaiting the leads who was not asked yet (claimed
        per candidate, so a second post, a refill or another replica asks nobody twice)."""
        asked = 0
        for entry in await self.shortlists.get_shortlist(job.id):
            if entry.state is not FollowUpState.FORESLAAET:
                continue
            if not await self.interest.claim_ask(job.id, entry.candidate_id, now):
                continue
            asked += await self._send(job, entry.candidate_id, entry.consultant, now)
        if asked:  # the card is redrawn when the window closes, to say "ikke svaret"
            closes = self.hours.add(now, self.rules.interest.answer_within_working_hours)
            await self.escalation.schedule(KIND_INTEREST, job.id, closes)
        return asked

    async def ask_again(self, upn: str, job: JobOrder, candidate_id: str, consultant: str) -> bool:
        """``upn`` just installed the bot: ask the question that could not reach them, if the candidate
        still waits for the leads (claimed, so two replicas or two installs ask once)."""
        now = self.clock()
        waiting = any(
            e.candidate_id == candidate_id and e.state is FollowUpState.FORESLAAET
            for e in await self.shortlists.get_shortlist(job.id)
        )
        if not waiting or not await self.interest.claim_reask(job.id, candidate_id, now):
            await self.interest.reached(upn, job.id, candidate_id)
            return False
        if not await self._send(job, candidate_id, consultant, now):
            return False  # still not reachable (or a passing failure): it stays waiting
        await self.interest.reached(upn, job.id, candidate_id)
        closes = self.hours.add(now, self.rules.interest.answer_within_working_hours)
        await self.escalation.schedule(KIND_INTEREST, job.id, closes)
        return True

    async def _send(self, job: JobOrder, candidate_id: str, consultant: str, now: datetime) -> int:
        # While the consultant is away, the stand-in has their cases (``fravær … stedfortræder …``).
        covering = await self.stand_ins.current(consultant) if self.stand_ins and consultant else None
        recipient = covering or consultant
        user = await self.conversations.user_by_upn(recipient) if recipient else None
        closes = self.hours.add(now, self.rules.interest.answer_within_working_hours)
        try:
            if user is None:
                raise Unreachable(consultant)
            await self.messenger.send_to_user(user, cards.interest_card(job, candidate_id, closes))
        except Unreachable:
            await self.interest.answer(job.id, candidate_id, Interest.UNREACHABLE, SYSTEM_ACTOR, now)
            if recipient:
                await self.interest.wait_for_reach(recipient, job.id, candidate_id)
            log.warning("interest question: consultant unreachable", extra={"job_order_id": job.id})
            return 0
        except Exception as exc:  # noqa: BLE001 - given back: the next post or refresh asks again
            await self.interest.release_ask(job.id, candidate_id)
            log.warning(
                "interest question not sent", extra={"job_order_id": job.id, "error": type(exc).__name__}
            )
            return 0
        return 1


class InterestService:
    """The consultant's Ja / Nej / Ved ikke endnu on the 1:1 card."""

    def __init__(
        self,
        interest: InterestStore,
        followups: FollowUpRecords,
        shortlists: ShortlistService,
        follow: ShortlistFollowUp,
        *,
        leads: Leads,
        clock: Clock = utc_now,
    ) -> None:
        self.interest = interest
        self.followups = followups
        self.shortlists = shortlists
        self.follow = follow
        self.leads = leads
        self.clock = clock

    async def retry_unreached(self, upn: str) -> int:
        """A consultant just got a 1:1 conversation: ask the interest questions that waited for them and
        redraw those shortlist cards ("spurgt, afventer svar" instead of "ikke nået")."""
        asked = 0
        for job_order_id, candidate_id in await self.follow.interest.unreached(upn):
            fu = await self.followups.get_followup(job_order_id, candidate_id)
            job = await self.followups.get_job_order(job_order_id)
            if fu is None or job is None:
                await self.follow.interest.reached(upn, job_order_id, candidate_id)
                continue
            if await self.follow.ask_again(upn, job, candidate_id, fu.consultant):
                asked += 1
                with contextlib.suppress(Exception):  # no card posted (yet): nothing to redraw
                    await self.shortlists.refresh(job_order_id)
        return asked

    @action(cards.VERB_INTEREST, record=True)
    async def interest_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        choice = pressed.text("answer")
        answer = next((a for a in ANSWERS if a.value == choice), None)
        if answer is None:  # only the card's three answers, never anything a client makes up
            return ActionResult(text=texts.INTEREST_UNKNOWN_ANSWER)
        return await self.answer(pressed.job, pressed.cand, answer, turn.actor)

    async def _may_answer(self, actor: str, consultant: str) -> bool:
        """The candidate's consultant, their stand-in today, or one of the unit's leads (when listed)."""
        who = actor.strip().lower()
        if (
            not consultant
            or who == consultant.strip().lower()
            or (bool(self.leads.upns) and self.leads.allows(who))
        ):
            return True
        stand_ins = self.follow.stand_ins
        return stand_ins is not None and await stand_ins.current(consultant.strip().lower()) == who

    async def answer(
        self, job_order_id: str, candidate_id: str, answer: Interest, actor: str
    ) -> ActionResult:
        fu = await self.followups.get_followup(job_order_id, candidate_id)
        job = await self.followups.get_job_order(job_order_id)
        if fu is None or job is None:
            raise FollowUpNotFound(job_order_id, candidate_id)
        if not await self._may_answer(actor, fu.consultant):
            return ActionResult(text=texts.INTEREST_ONLY_CONSULTANT.format(consultant=fu.consultant))
        now = self.clock()
        result = await self.interest.answer(job_order_id, candidate_id, answer, actor, now)
        if result == ANSWER_UNKNOWN:
            return ActionResult(
                text=texts.INTEREST_NOT_ASKED.format(candidate_id=candidate_id, job_order_id=job_order_id)
            )
        if result == ANSWER_FINAL:
            text = texts.INTEREST_ALREADY_NO.format(candidate_id=candidate_id, job_order_id=job_order_id)
            return ActionResult(card=await self._card(job, candidate_id), text=text)
        if answer is Interest.NO:
            # Also on a repeat ('same'): a press that stopped half-way (Redis away) is finished now.
            await self._decline(job_order_id, candidate_id, actor, fu.state)
            text = texts.INTEREST_THANKS_NO
        else:
            await self.shortlists.refresh(job_order_id)
            text = texts.INTEREST_THANKS.format(answer=texts.INTEREST_ANSWER_LABELS[answer.value])
        log.info("interest answered", extra={"job_order_id": job_order_id, "answer": answer.value})
        return ActionResult(card=await self._card(job, candidate_id), text=text)

    async def _decline(self, job_order_id: str, candidate_id: str, actor: str, state: FollowUpState) -> None:
        """The record leaves the list (ikke interesseret, audited), and the next candidate comes on."""
        if state.is_open:
            try:
                await self.followups.transition(
                    job_order_id,
                    candidate_id,
                    FollowUpState.IKKE_INTERESSERET,
                    actor,
                    idempotency_key=f"interest-nej:{job_order_id}:{candidate_id}",
                )
            except DomainError as exc:  # moved on meanwhile (a lead's decision): the answer still stands
                log.info("interest nej: record not moved", extra={"error": type(exc).__name__})
        await self.shortlists.rematch(job_order_id)

    async def _card(self, job: JobOrder, candidate_id: str) -> cards.Card:
        status = await self.interest.status(job.id, candidate_id)
        closes = self.follow.closes_at(status) if status else self.clock()
        return cards.interest_card(job, candidate_id, closes, status)
