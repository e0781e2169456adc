"""Københavns Erhvervshus (KEH) on the job order: KEH's 1:1 card, what KEH reports back with it, and
the lifecycle's scheduled expiry.

Why a feature of its own: KEH is the match unit's counterpart for the company; what their
virksomhedskonsulent sees and presses (the job order's status, positions filled, the company's answer
per referred candidate) is neither the leads' shortlist nor a consultant's follow-up, though it moves
both: *Ansat* / *Afslag* move the candidate's follow-up, *Besat* / *Annulleret* the job order.

``KehCards`` draws and posts/updates the card; the shortlist publisher calls it on every change it
redraws for (``ShortlistService(on_change=…)``), so KEH sees what the channel sees. ``KehService`` is
the buttons and the expiry loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.commands import CardAction, action
from bot.domain.clock import Clock, utc_now
from bot.domain.dates import parse_date
from bot.domain.errors import JobOrderNotFound, KehOnly, UnknownRejectionReason
from bot.domain.job_order_states import REJECTION_REASONS
from bot.domain.leads import Leads
from bot.domain.states import FollowUpState
from bot.features.shortlist import ShortlistService
from bot.store import FollowUpRecords, JobOrderStore
from bot.store.conversations import ConversationStore
from bot.store.job_order_states import JobOrderLifecycle
from bot.store.keh_cards import KehCardStore
from bot.turn import ActionResult, Messenger, Posted, Turn, Unreachable
from bot.ui import cards, texts
from bot.ui.cards import keh as keh_cards
from matching.models import JobOrder

log = logging.getLogger("matchbot.keh")


class KehCards:
    """KEH's card of a job order: drawn from the stores, posted 1:1 once, then updated in place."""

    def __init__(
        self,
        job_orders: JobOrderStore,
        followups: FollowUpRecords,
        lifecycle: JobOrderLifecycle,
        locations: KehCardStore,
        conversations: ConversationStore,
        messenger: Messenger,
    ) -> None:
        self.job_orders = job_orders
        self.followups = followups
        self.lifecycle = lifecycle
        self.locations = locations
        self.conversations = conversations
        self.messenger = messenger

    async def render(self, job: JobOrder, note: str | None = None) -> cards.Card | None:
        state = await self.lifecycle.state(job.id)
        if state is None:
            return None
        records = await self.followups.on_job_order(job.id)
        referred = [
            keh_cards.ReferredRow(r.candidate_id, r.state, r.version)
            for r in records
            if r.state in keh_cards.AT_COMPANY or any(s.to_state in keh_cards.AT_COMPANY for s in r.history)
        ]
        funnel = await self.followups.known_funnel(job.id)
        return keh_cards.keh_card(keh_cards.KehView(job, state, funnel, referred, note))

    async def refresh(self, job_order_id: str, note: str | None = None) -> cards.Card | None:
        """Redraw KEH's card and update it in place (post it first, 1:1, if KEH has none yet).

        Never raises: KEH's card is a view; a failure here must not fail the change that caused it
        (the next change redraws it)."""
        try:
            return await self._refresh(job_order_id, note)
        except Exception as exc:  # noqa: BLE001 - see above; logged with ids only
            log.warning(
                "keh card not updated", extra={"job_order_id": job_order_id, "error": type(exc).__name__}
            )
            return None

    async def _refresh(self, job_order_id: str, note: str | None) -> cards.Card | None:
        job = await self.job_orders.get_job_order(job_order_id)
        if job is None or not job.keh_consultant:
            return None
        card = await self.render(job, note)
        if card is None:
            return None
        location = await self.locations.get(job.id)
        if location is not None:
            await self.messenger.update(Posted(location.reference, location.activity_id), card)
            return card
        if not await self.locations.claim(job.id):
            return card  # being posted right now by another change
        try:
            user = await self.conversations.user_by_upn(job.keh_consultant)
            if user is None:
                raise Unreachable(job.keh_consultant)
            posted = await self.messenger.send_to_user(user, card)
        except BaseException:
            await self.locations.release(job.id)
            raise
        await self.locations.save(job.id, posted.reference, posted.activity_id)
        return card


class KehService:
    """KEH's buttons on their card, and the scheduled expiry of job orders."""

    def __init__(
        self,
        lifecycle: JobOrderLifecycle,
        keh_cards_: KehCards,
        followups: FollowUpRecords,
        shortlists: ShortlistService,
        clock: Clock = utc_now,
        *,
        leads: Leads | None = None,
    ) -> None:
        self.lifecycle = lifecycle
        self.cards = keh_cards_
        self.followups = followups
        self.shortlists = shortlists
        self.clock = clock
        self.leads = leads or Leads()

    # --- buttons --------------------------------------------------------------------------------------

    @action(keh_cards.VERB_KEH_FILLED)
    async def filled_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        job = await self._allowed(turn, pressed.job)
        count = pressed.number(keh_cards.KEH_FILLED_INPUT, 0)
        version, key = self._guard(keh_cards.VERB_KEH_FILLED, pressed)
        state = await self.lifecycle.report_filled(
            job.id, count, turn.actor, expected_version=version, key=key
        )
        note = texts.KEH_NOTE_FILLED.format(
            filled=state.filled, of=state.positions, actor=turn.actor, when=self._now()
        )
        return await self._answer(job.id, note)

    @action(keh_cards.VERB_KEH_CANCEL)
    async def cancel_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        job = await self._allowed(turn, pressed.job)
        version, key = self._guard(keh_cards.VERB_KEH_CANCEL, pressed)
        await self.lifecycle.cancel(job.id, turn.actor, expected_version=version, key=key)
        return await self._answer(job.id, texts.KEH_NOTE_CANCELLED.format(actor=turn.actor, when=self._now()))

    @action(keh_cards.VERB_KEH_MORE)
    async def more_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        job = await self._allowed(turn, pressed.job)
        state = await self.lifecycle.state(job.id)
        assert state is not None  # the job order exists (checked above)
        await self.shortlists.report_to_channel(
            texts.KEH_MORE_TO_CHANNEL.format(
                job_order_id=job.id, title=job.title, filled=state.filled, positions=state.positions
            )
        )
        return await self._answer(job.id, texts.KEH_NOTE_MORE.format(when=self._now()))

    @action(keh_cards.VERB_KEH_HIRED, record=True)
    async def hired_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        job = await self._allowed(turn, pressed.job)
        start = parse_date(pressed.data.get(keh_cards.start_input(pressed.cand)))
        if start is None:
            return ActionResult(card=await self.cards.render(job), text=texts.KEH_START_REQUIRED)
        await self.followups.transition(
            job.id,
            pressed.cand,
            FollowUpState.ANSAT,
            turn.actor,
            idempotency_key=f"keh:ansat:{job.id}:{pressed.cand}:v{pressed.version}",
            expected_version=pressed.version,
            start_date=start,
        )
        note = texts.KEH_NOTE_HIRED.format(candidate_id=pressed.cand, actor=turn.actor, when=self._now())
        return await self._answer(job.id, note)

    @action(keh_cards.VERB_KEH_REJECTED, record=True)
    async def rejected_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        job = await self._allowed(turn, pressed.job)
        code = pressed.text(keh_cards.reason_input(pressed.cand))
        if code not in REJECTION_REASONS:
            raise UnknownRejectionReason(code)
        reason = texts.KEH_REJECTION_LABELS[code]
        await self.followups.transition(
            job.id,
            pressed.cand,
            FollowUpState.AFSLAG,
            turn.actor,
            reason=texts.KEH_REJECTION_REASON.format(reason=reason),
            idempotency_key=f"keh:afslag:{job.id}:{pressed.cand}:v{pressed.version}",
            expected_version=pressed.version,
        )
        note = texts.KEH_NOTE_REJECTED.format(
            candidate_id=pressed.cand, reason=reason.lower(), actor=turn.actor, when=self._now()
        )
        return await self._answer(job.id, note)

    async def _allowed(self, turn: Turn, job_order_id: str) -> JobOrder:
        """The job order, if the one pressing is its KEH virksomhedskonsulent or a lead."""
        job = await self.cards.job_orders.get_job_order(job_order_id)
        if job is None:
            raise JobOrderNotFound(job_order_id)
        keh = job.keh_consultant or ""
        if not (turn.upn and turn.upn.lower() == keh) and not (
            self.leads.listed and self.leads.allows(turn.actor)
        ):
            raise KehOnly(keh or texts.UNKNOWN_CONSULTANT)
        return job

    def _guard(self, verb: str, pressed: CardAction) -> tuple[int | None, str | None]:
        """The job order version the card was drawn from, and the press's idempotency key."""
        if pressed.version < 0:
            return None, None
        return pressed.version, f"{verb}:{pressed.job}:v{pressed.version}"

    async def _answer(self, job_order_id: str, note: str) -> ActionResult:
        """The channel's card shows the change too; KEH gets their card redrawn with the note."""
        await self.shortlists.refresh(job_order_id)
        job = await self.cards.job_orders.get_job_order(job_order_id)
        card = await self.cards.render(job, note) if job is not None else None
        return ActionResult(card=card)

    def _now(self) -> str:
        return cards.when(self.clock())

    # --- the scheduled expiry ----------------------------------------------------------------------

    async def expire_due(self) -> list[str]:
        """Expire the open job orders whose deadline passed with nothing filled (once across replicas)."""
        expired = await self.lifecycle.expire_due(self.clock())
        for job_order_id in expired:
            log.info("job order expired", extra={"job_order_id": job_order_id})
            await self.cards.refresh(job_order_id)
        return expired

    async def run_forever(self, stop: asyncio.Event, interval_seconds: float) -> None:
        """The scheduled expiry check every ``interval_seconds`` until ``stop``."""
        while not stop.is_set():
            try:
                await self.expire_due()
            except Exception as exc:  # noqa: BLE001 - Redis away: the next round checks again
                log.warning("job order expiry round failed", extra={"error": type(exc).__name__})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
