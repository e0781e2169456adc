"""The bot's services: what a command or a button *does*, independent of Teams and botbuilder.

Why this split: handlers (``bot.router``) parse and render, the adapter edge (``bot.teams.edge``)
speaks the Bot Framework, and these services hold the workflow (match → shortlist card →
decisions → hand-over → status → reminders) on top of the follow-up store and the matcher. They
talk to Teams only through the small ``Messenger`` protocol, so moving to the Microsoft 365
Agents SDK replaces the edge and nothing here.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from bot.domain.models import Clock, FollowUp, Funnel, Reminder, ShortlistEntry, utc_now
from bot.domain.outcomes import OutcomeConfig, OutcomeReport, Period, load_outcome_config, outcome_report
from bot.domain.reminders import ReminderRules, reminder_text
from bot.domain.states import FollowUpState, TransitionError
from bot.features.intake import ChannelNotInstalled, PostingInProgress
from bot.observability import Metrics
from bot.store.conversations import HANDOVER_PENDING, HANDOVER_SENT, ConversationStore
from bot.store.followup import FollowUpStore
from bot.turn import ActionResult, Messenger, Posted, Reply, Turn, Unreachable
from bot.ui import cards, texts
from matching.engine import MatchIndex, Shortlist
from matching.models import JobOrder, job_digest

log = logging.getLogger("matchbot.services")

INTERVIEW_AT = time(9)  # local time assumed for an interview given only as a date


async def _ready(value: JobOrder) -> JobOrder:
    """A value already in hand, as an awaitable for ``asyncio.gather``."""
    return value


# --- the candidate pool in memory -------------------------------------------------------------------


class PoolIndex:
    """The matcher's index over the store's candidate pool, rebuilt when ``pool_version`` moves.

    Why here and not per request: building the index over 100k candidates takes seconds; a match
    takes milliseconds. One lock makes concurrent requests wait for one rebuild, not start ten.
    """

    def __init__(
        self, store: FollowUpStore, build: Callable[[Sequence[Any]], MatchIndex] | None = None
    ) -> None:
        self._store = store
        self._build = build or MatchIndex.build
        self._index: MatchIndex | None = None
        self._version: int | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> MatchIndex:
        version = await self._store.pool_version()
        if self._index is not None and version == self._version:
            return self._index
        async with self._lock:
            version = await self._store.pool_version()
            if self._index is None or version != self._version:
                profiles = await self._store.all_candidates()
                self._index = await asyncio.to_thread(self._build, profiles)
                self._version = version
                del profiles
                # The pool lives for hours: move it out of the cyclic GC's scans, or every full
                # collection walks 100k profiles while activities wait (halved throughput in the bench).
                gc.collect()
                gc.freeze()
                log.info("pool loaded", extra={"candidates": len(self._index), "pool_version": version})
        return self._index

    @property
    def loaded(self) -> MatchIndex | None:
        return self._index


# --- shortlist, decisions, hand-over ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leads:
    """Who may Godkend/Afvis: the match unit's leads by UPN (``MATCH_LEADS``); empty = everyone.

    Why by UPN: it is what the edge resolves for every user (``Turn.actor``) and what the audit trail
    records, so the check and the "Godkendt af …" line name the same person.
    """

    upns: frozenset[str] = frozenset()

    @classmethod
    def of(cls, upns: Sequence[str]) -> Leads:
        return cls(frozenset(u.strip().lower() for u in upns if u.strip()))

    @property
    def listed(self) -> tuple[str, ...]:
        return tuple(sorted(self.upns))

    def allows(self, actor: str) -> bool:
        return not self.upns or actor.strip().lower() in self.upns

    def refusal(self) -> str:
        return texts.DECISION_LEADS_ONLY.format(leads=", ".join(self.listed))


class ShortlistService:
    """Match a job order, post its card, record decisions and update the card in place."""

    def __init__(
        self,
        store: FollowUpStore,
        conversations: ConversationStore,
        messenger: Messenger,
        pool: PoolIndex,
        *,
        channel_id: str,
        top: int,
        metrics: Metrics,
        clock: Clock = utc_now,
        leads: Leads | None = None,
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.messenger = messenger
        self.pool = pool
        self.leads = leads or Leads()
        self.channel_id = channel_id
        self.top = top
        self.metrics = metrics
        self.clock = clock
        self._last: dict[str, Shortlist] = {}  # considered/excluded counts for the card, per job order

    async def match(self, job: JobOrder) -> Shortlist:
        index = await self.pool.get()
        with self.metrics.match_latency.time():
            shortlist = index.match(job, top=self.top)
        # The consultants come from the index just checked against pool_version, and the job order is
        # in hand: the store need not read either again.
        consultants: dict[str, str] = {}
        for r in shortlist.results:
            profile = index.get(r.candidate_id)
            if profile is not None:
                consultants[r.candidate_id] = profile.consultant
        await self.store.save_shortlist(job.id, shortlist.results, consultants=consultants, job=job)
        self._last[job.id] = shortlist
        return shortlist

    async def _target(self, origin: Turn | None) -> tuple[dict[str, Any], bool] | None:
        """The match unit's channel when the bot is installed there, else the conversation asked in."""
        if self.channel_id:
            ref = await self.conversations.get_channel(self.channel_id)
            if ref is not None:
                return ref, True
        if origin is not None:
            return origin.reference, origin.conversation_type == "channel"
        return None

    async def match_and_post(self, job_order_id: str, origin: Turn | None) -> Reply:
        job = await self.store.get_job_order(job_order_id)
        if job is None:
            return Reply(texts.JOB_ORDER_NOT_FOUND.format(job_order_id=job_order_id))
        shortlist = await self.match(job)
        if not shortlist.results:
            return Reply(texts.SHORTLIST_EMPTY.format(job_order_id=job.id, considered=shortlist.considered))
        target = await self._target(origin)
        if target is None:
            return Reply(card=await self.render(job.id, job=job))
        try:
            posted = await self._post_or_refresh(job, target)
        except PostingInProgress:
            return Reply(texts.SHORTLIST_BEING_POSTED.format(job_order_id=job.id))  # a double click
        if posted is None:
            return Reply(texts.SHORTLIST_UPDATED.format(job_order_id=job.id))
        log.info("shortlist posted", extra={"job_order_id": job.id, "candidates": len(shortlist.results)})
        if (
            origin is not None
            and posted.reference.get("conversation", {}).get("id") != origin.conversation_id
        ):
            return Reply(texts.SHORTLIST_POSTED.format(job_order_id=job.id))
        return Reply()

    # engineer I's intake worker calls these two (bot.features.intake.ShortlistPublisher)
    async def publish_shortlist(self, job: JobOrder, *, revised: bool) -> None:
        """Match and post for the intake worker; raises when nothing could be posted so it retries."""
        if not self.channel_id:  # a setting, not a wait: fail (dead letter) rather than wait for ever
            raise RuntimeError("MATCH_CHANNEL_ID is not set")
        target = await self._target(None)
        if target is None:
            raise ChannelNotInstalled(self.channel_id)
        shortlist = await self.match(job)
        # ``revised`` needs no note here: render reads the stored revision, so every redraw shows it.
        card = await self.render(job.id, job=job) if shortlist.results else None
        if card is None:
            await self.messenger.send_text(
                target[0], texts.SHORTLIST_EMPTY.format(job_order_id=job.id, considered=shortlist.considered)
            )
            return
        # The stream gives the intake its own exactly-once; no claim (a killed worker would hold it).
        await self._post_or_refresh(job, target, card, claim=False)

    async def _post_or_refresh(
        self,
        job: JobOrder,
        target: tuple[dict[str, Any], bool],
        card: cards.Card | None = None,
        *,
        claim: bool = True,
    ) -> Posted | None:
        """Post the job order's card, or re-rank the card already posted for the same content (None).

        One job order, one card, whichever path asks (a typed 'match', 'Match nu', the intake worker):
        a card for the same content is refreshed, not posted again. With ``claim`` the first post
        happens under a claim and the card location is read again once it is won, so a post that
        finished meanwhile is refreshed rather than duplicated; PostingInProgress while another runs.
        Revised content gets a card of its own, marked revised.
        """
        digest = job_digest(job)
        if await self._refreshed(job, digest, card):
            return None
        if claim and not await self.conversations.claim_posting(job.id):
            raise PostingInProgress(job.id)
        try:
            if claim and await self._refreshed(job, digest, card):  # posted while we waited for the claim
                return None
            reference, new_thread = target
            posted = await self.messenger.post(
                reference, card or await self.render(job.id, job=job), new_thread=new_thread
            )
            await self.conversations.save_card(
                job.id, posted.reference, posted.activity_id, cards.SHOW_FIRST, digest
            )
        finally:
            if claim:
                await self.conversations.release_posting(job.id)
        self.metrics.shortlists_posted.inc()
        return posted

    async def _refreshed(self, job: JobOrder, digest: str, card: cards.Card | None) -> bool:
        """Re-rank the card already posted for this content, if there is one."""
        posted_before = await self.conversations.get_card(job.id)
        if posted_before is None or posted_before.digest != digest:
            return False
        await self.refresh(job.id, card or await self.render(job.id, job=job))
        return True

    async def report_to_channel(self, text: str) -> None:
        target = await self._target(None)
        if target is None:
            raise ChannelNotInstalled(self.channel_id)
        await self.messenger.send_text(target[0], text)

    async def rows(self, job_order_id: str) -> list[cards.CandidateRow]:
        entries: list[ShortlistEntry]
        entries, handed = await asyncio.gather(
            self.store.get_shortlist(job_order_id), self.conversations.handover_states(job_order_id)
        )
        index = self.pool.loaded
        rows = []
        for e in entries:  # each entry carries its record's version and reason: no read per row
            profile = index.get(e.candidate_id) if index is not None else None
            decision = e.decision  # the lead's decision, never a later status (shown separately)
            moved_on = decision is not None and e.state is not decision
            rows.append(
                cards.CandidateRow(
                    rank=e.rank,
                    candidate_id=e.candidate_id,
                    jobcenter=profile.jobcenter if profile else "–",
                    consultant=e.consultant or "–",
                    score=e.score,
                    reasons=e.reasons,
                    state=e.state.value,
                    version=e.version,
                    decision_label=decision.label if decision else None,
                    decided_by=e.decided_by,
                    decided_at=e.decided_at,
                    status_label=e.state.label if moved_on else None,
                    status_by=e.status_by if moved_on else None,
                    status_at=e.status_at if moved_on else None,
                    reason=e.reason,
                    handed_over=handed.get(e.candidate_id) == HANDOVER_SENT,
                    unreachable=handed.get(e.candidate_id) == HANDOVER_PENDING,
                )
            )
        return rows

    async def render(
        self,
        job_order_id: str,
        shown: int | None = None,
        sent_note: str | None = None,
        *,
        job: JobOrder | None = None,
    ) -> cards.Card:
        """The shortlist card as it stands; ``job`` (the stored job order, when in hand) saves a read."""
        job, location, rows, revised_at = await asyncio.gather(
            self.store.get_job_order(job_order_id) if job is None else _ready(job),
            self.conversations.get_card(job_order_id),
            self.rows(job_order_id),
            self.store.job_order_revised_at(job_order_id),
        )
        if job is None:
            raise TransitionError(texts.JOB_ORDER_NOT_FOUND.format(job_order_id=job_order_id))
        if shown is None:
            shown = location.shown if location else cards.SHOW_FIRST
        last = self._last.get(job_order_id)
        view = cards.ShortlistView(
            job=job,
            rows=rows,
            considered=last.considered if last else 0,
            excluded=last.excluded if last else {},
            shown=shown,
            sent_note=sent_note,
            revised_at=revised_at,
            deciders=self.leads.listed,
        )
        return cards.shortlist_card(view)

    async def refresh(self, job_order_id: str, card: cards.Card | None = None) -> cards.Card:
        """Redraw the card and update the posted one in place, so every lead sees the same state."""
        card = card or await self.render(job_order_id)
        location = await self.conversations.get_card(job_order_id)
        if location is not None:
            await self.messenger.update(Posted(location.reference, location.activity_id), card)
        return card

    async def decide(
        self,
        job_order_id: str,
        candidate_id: str,
        approve: bool,
        actor: str,
        version: int,
        reason: str | None = None,
        note: str | None = None,
    ) -> ActionResult:
        """Godkend/Afvis. The idempotency key (verb, record, card version) makes a double click or a
        Teams retry a no-op; a second lead deciding the same candidate gets the state machine's refusal."""
        target = FollowUpState.GODKENDT if approve else FollowUpState.AFVIST
        if not self.leads.allows(actor):
            return ActionResult(text=self.leads.refusal())  # no state change, the card stays as it is
        key = f"{target.value}:{job_order_id}:{candidate_id}:v{version}"
        message = None
        try:
            await self.store.transition(
                job_order_id,
                candidate_id,
                target,
                actor,
                note,
                idempotency_key=key,
                expected_version=version,
                reason=texts.CARD_REJECT_REASONS.get(reason or "", reason) if not approve else None,
            )
        except TransitionError as exc:
            message = await self._already(job_order_id, candidate_id) or exc.message
        card = await self.refresh(job_order_id)
        return ActionResult(card=card, text=message)

    async def _already(self, job_order_id: str, candidate_id: str) -> str | None:
        fu = await self.store.get_followup(job_order_id, candidate_id)
        if fu is None or fu.state is FollowUpState.FORESLAAET:
            return None
        # the decision, not the latest status: "allerede godkendt af <lead>", never "allerede ansat af …"
        decided = next((h for h in fu.history if h.from_state is FollowUpState.FORESLAAET), None)
        if decided is None:
            return None
        return texts.ALREADY_DECIDED.format(
            candidate_id=candidate_id, label=decided.to_state.label.lower(), actor=decided.actor or "?"
        )

    async def show_more(self, job_order_id: str, shown: int) -> cards.Card:
        shown = max(shown, cards.SHOW_FIRST) + cards.SHOW_STEP  # the card's count, never below the first page
        await self.conversations.set_card_shown(job_order_id, shown)
        return await self.refresh(job_order_id, await self.render(job_order_id, shown=shown))


class HandoverService:
    """Approved candidates go 1:1 to their own consultant; unreachable ones wait and are retried."""

    def __init__(
        self,
        store: FollowUpStore,
        conversations: ConversationStore,
        messenger: Messenger,
        shortlists: ShortlistService,
        metrics: Metrics,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.messenger = messenger
        self.shortlists = shortlists
        self.metrics = metrics
        self.clock = clock

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
        note = texts.CARD_SENT_COUNT.format(count=sent, actor=actor, when=cards.when(self.clock()))
        card = await self.shortlists.render(job_order_id, sent_note=note)
        await self.shortlists.refresh(job_order_id, card)
        text = texts.HANDOVER_SENT.format(sent=sent, unreachable=unreachable) if unreachable else None
        return ActionResult(card=card, text=text)

    async def _deliver(self, job: JobOrder, row: cards.CandidateRow) -> bool:
        fu = await self.store.get_followup(job.id, row.candidate_id)
        consultant = fu.consultant if fu else row.consultant
        user = await self.conversations.user_by_upn(consultant) if consultant else None
        try:
            if user is None or fu is None:
                raise Unreachable(consultant)
            await self.messenger.send_to_user(user, cards.handover_card(job, row, status_view(fu)))
        except Unreachable:
            await self.conversations.mark_pending(job.id, row.candidate_id, consultant or "ukendt")
            self.metrics.handovers.labels(result="unreachable").inc()
            log.warning(
                "consultant unreachable", extra={"job_order_id": job.id, "candidate_id": row.candidate_id}
            )
            return False
        except Exception:
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


def status_view(fu: FollowUp, note: str | None = None) -> cards.StatusView:
    return cards.StatusView(
        job_order_id=fu.job_order_id,
        candidate_id=fu.candidate_id,
        state=fu.state.value,
        state_label=fu.label,
        version=fu.version,
        updated_at=fu.updated_at,
        deadline=fu.deadline,
        note=note,
        referred=any(step.to_state is FollowUpState.HENVIST for step in fu.history),
    )


class FollowUpService:
    """Status changes, the consultant's own list, the funnel and "why (not)"."""

    def __init__(
        self,
        store: FollowUpStore,
        pool: PoolIndex,
        clock: Clock = utc_now,
        *,
        top: int = 10,
        leads: Leads | None = None,
        outcomes: OutcomeConfig | None = None,
    ) -> None:
        self.store = store
        self.pool = pool
        self.clock = clock
        self.top = top  # the shortlist size: "hvorfor" explains against the same cut-off
        self.leads = leads or Leads()  # "status … godkendt/afvist" is a decision too
        self.outcomes = outcomes or load_outcome_config()

    async def set_status(
        self,
        job_order_id: str,
        candidate_id: str,
        to: FollowUpState,
        actor: str,
        *,
        version: int | None = None,
        when: date | None = None,
    ) -> tuple[FollowUp, str]:
        """Apply a status; raises TransitionError (Danish). ``version`` (from a card) makes it idempotent."""
        if to in (FollowUpState.GODKENDT, FollowUpState.AFVIST) and not self.leads.allows(actor):
            raise TransitionError(self.leads.refusal())
        key = f"{to.value}:{job_order_id}:{candidate_id}:v{version}" if version is not None else None
        # A typed interview date means that day in Copenhagen (09:00 there), stored as UTC like every moment.
        interview_at = None
        if when is not None:
            interview_at = datetime.combine(when, INTERVIEW_AT, cards.LOCAL_ZONE).astimezone(UTC)
        fu = await self.store.transition(
            job_order_id,
            candidate_id,
            to,
            actor,
            idempotency_key=key,
            expected_version=version,
            interview_at=interview_at if to is FollowUpState.SAMTALE else None,
            start_date=when if to is FollowUpState.ANSAT else None,
        )
        note = texts.CARD_STATUS_SET.format(label=fu.label, actor=actor, when=cards.when(self.clock()))
        return fu, note

    async def mine(self, upn: str) -> list[FollowUp]:
        """The consultant's own follow-ups; candidates still waiting for a lead are not theirs yet."""
        return [f for f in await self.store.for_consultant(upn) if f.state is not FollowUpState.FORESLAAET]

    async def funnel(self, job_order_id: str) -> Funnel | None:
        return await self.store.known_funnel(job_order_id)

    async def report(self, period: Period | None) -> OutcomeReport:
        """Hires per scheme and their 3-month outcome ("rapport"), today in Copenhagen time."""
        records, jobs = await self.store.placements()
        return outcome_report(
            records,
            jobs,
            today=cards.local(self.clock()).date(),
            config=self.outcomes,
            period=period,
            months_to_check=self.store.rules.three_month_check.months_after_start,
        )

    async def explain(self, job_order_id: str, candidate_id: str) -> str:
        job = await self.store.get_job_order(job_order_id)
        if job is None:
            return texts.JOB_ORDER_NOT_FOUND.format(job_order_id=job_order_id)
        index = await self.pool.get()
        return index.explain(job, candidate_id, top=self.top).message


class BotNotifier:
    """The follow-up engine's Notifier: a reminder card 1:1 to the record's consultant.

    Raises when the consultant cannot be reached, so the scheduler keeps the reminder and retries
    with back-off instead of marking it delivered.
    """

    def __init__(
        self, conversations: ConversationStore, messenger: Messenger, metrics: Metrics, rules: ReminderRules
    ) -> None:
        self.rules = rules
        self.conversations = conversations
        self.messenger = messenger
        self.metrics = metrics

    async def notify(self, reminder: Reminder, followup: FollowUp) -> None:
        user = await self.conversations.user_by_upn(followup.consultant) if followup.consultant else None
        if user is None:
            self.metrics.reminders_failed.inc()
            raise Unreachable(followup.consultant)
        message = reminder_text(reminder, followup, self.rules)
        try:
            await self.messenger.send_to_user(user, cards.reminder_card(status_view(followup), message))
        except Unreachable:
            self.metrics.reminders_failed.inc()
            raise
        self.metrics.reminders_sent.inc()
