"""The shortlist: match a job order, post its card, record the leads' decisions, show more.

Why one capability: the card is the match unit's shared view of a job order. Whichever path asks
(a typed ``match``, the card's "Match nu", the intake worker) there is one card per job order
content, and every decision or status redraws that card in place so every lead sees the same
state. Teams is reached only through the ``Messenger`` protocol (``bot.turn``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from bot.commands import CardAction, action, command
from bot.domain.busy import BUSY_FILTER, BusyElsewhere, BusyRule, busy_elsewhere, load_busy_rule
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import DomainError, JobOrderNotFound, LeadsOnly
from bot.domain.leads import Leads
from bot.domain.models import ShortlistCounts, ShortlistEntry
from bot.domain.states import FollowUpState
from bot.features.intake.worker import ChannelNotInstalled, PostingInProgress
from bot.features.pool import PoolIndex
from bot.heartbeat import every
from bot.observability import Metrics
from bot.store import FollowUpRecords, JobOrderStore, ShortlistStore, keys
from bot.store.conversations import (
    HANDOVER_PENDING,
    HANDOVER_SENT,
    POSTED_CARD_PATIENCE_SECONDS,
    ConversationStore,
    LastSend,
)
from bot.turn import ActionResult, Messenger, Posted, Reply, Turn
from bot.ui import cards, texts
from matching.index import MatchIndex
from matching.models import JobOrder, job_digest
from matching.results import Shortlist
from matching.schemes import candidate_notes, profile_facts

log = logging.getLogger("matchbot.services")

T = TypeVar("T")

MAX_BUSY_ROUNDS = 3  # "exclude": re-rank deeper at most this often to fill the list (then shorter)
MAX_SHOWN = 500  # rows a "Vis flere" can ask for: more than any shortlist has


async def _ready(value: T) -> T:
    """A value already in hand, as an awaitable for ``asyncio.gather``."""
    return value


@dataclass(frozen=True, slots=True)
class RowNote:
    """A line a companion adds to a candidate's row (the interest answer), and how it reads."""

    text: str
    declined: bool = False  # the candidate said no: the row goes last
    warning: bool = False
    until_decided: str = ""  # added while the lead has not decided ("; lederen kan beslutte uden")


class ShortlistCompanion(Protocol):
    """What follows a shortlist besides its card (``bot.features.interest``: interest before review,
    the undecided-shortlist escalation): told when a list is ready to post, asked for extra places
    (candidates who declined do not take one) and for lines on the rows."""

    async def extra_places(self, job_order_id: str) -> int: ...
    async def shortlist_ready(self, job: JobOrder) -> None: ...
    async def row_notes(self, job_order_id: str) -> Mapping[str, RowNote]: ...


class NoCompanion:
    """Nothing follows the card (tests and tools that build the service alone)."""

    async def extra_places(self, job_order_id: str) -> int:
        return 0

    async def shortlist_ready(self, job: JobOrder) -> None:
        return None

    async def row_notes(self, job_order_id: str) -> Mapping[str, RowNote]:
        return {}


class ShortlistService:
    """Match a job order, post its card, record decisions and update the card in place."""

    def __init__(
        self,
        shortlists: ShortlistStore,
        job_orders: JobOrderStore,
        followups: FollowUpRecords,
        conversations: ConversationStore,
        messenger: Messenger,
        pool: PoolIndex,
        *,
        channel_id: str,
        top: int,
        metrics: Metrics,
        clock: Clock = utc_now,
        leads: Leads | None = None,
        posting_lease_ms: int = keys.POSTING_LEASE_MS,
        companion: ShortlistCompanion | None = None,
        on_change: Callable[[str], Awaitable[object]] | None = None,
        busy_rule: BusyRule | None = None,
    ) -> None:
        self.store = shortlists
        self.job_orders = job_orders
        self.followups = followups
        self.conversations = conversations
        self.messenger = messenger
        self.pool = pool
        self.leads = leads or Leads()
        self.channel_id = channel_id
        self.top = top
        self.metrics = metrics
        self.clock = clock
        self.posting_lease_ms = posting_lease_ms
        self.companion: ShortlistCompanion = companion or NoCompanion()
        # Told the job order id whenever its card is posted or redrawn (KEH's card follows: issue 11).
        self.on_change = on_change
        # Candidates busy on another job order: marked on the card or left out (config/cross_job_orders.toml).
        self.busy_rule = busy_rule or load_busy_rule()

    # --- commands and card actions ----------------------------------------------------------------

    @command("match", usage=texts.USAGE_MATCH, help=texts.CMD_MATCH, args=1, ids=("job",), changes_state=True)
    async def match_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        return await self.match_and_post(args[0], turn)

    @action(cards.VERB_MATCH)
    async def match_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        reply = await self.match_and_post(pressed.job, turn)
        # Posted into this very chat, the reply is empty: the presser still gets an answer.
        text = reply.text or texts.SHORTLIST_POSTED_HERE.format(job_order_id=pressed.job)
        return ActionResult(text=text, extra=[Reply(card=reply.card)] if reply.card else [])

    @action(cards.VERB_APPROVE, record=True)
    async def approve_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        return await self.decide(pressed.job, pressed.cand, True, turn.actor, pressed.version)

    @action(cards.VERB_REJECT, record=True)
    async def reject_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        reason = pressed.text(f"reason_{pressed.cand}")
        if reason not in texts.CARD_REJECT_REASONS:  # only the card's choices, never free text here
            return ActionResult(text=texts.REJECT_NEEDS_REASON)
        note = pressed.text(f"note_{pressed.cand}") or None
        return await self.decide(pressed.job, pressed.cand, False, turn.actor, pressed.version, reason, note)

    @action(cards.VERB_SHOW_MORE)
    async def show_more_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        shown = min(max(pressed.number("shown"), 0), MAX_SHOWN)  # a client's number, not a count to trust
        return ActionResult(card=await self.show_more(pressed.job, shown))

    # --- matching and posting -----------------------------------------------------------------------

    async def match(self, job: JobOrder) -> Shortlist:
        index = await self.pool.get()
        top = self.top + await self.companion.extra_places(job.id)  # a "Nej" frees its place
        with self.metrics.match_latency.time():
            shortlist = index.match(job, top=top)
        if self.busy_rule.excludes:
            shortlist = await self._without_busy(job, shortlist, index, top)
        # The consultants come from the index just checked against pool_version, and the job order is
        # in hand: the store need not read either again.
        consultants: dict[str, str] = {}
        for r in shortlist.results:
            profile = index.get(r.candidate_id)
            if profile is not None:
                consultants[r.candidate_id] = profile.consultant
        await self.store.save_shortlist(
            job.id, shortlist.results, consultants=consultants, job=job, counts=_counts(shortlist)
        )
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
        job = await self.job_orders.get_job_order(job_order_id)
        if job is None:
            return Reply(texts.JOB_ORDER_NOT_FOUND.format(job_order_id=job_order_id))
        shortlist = await self.match(job)
        if not shortlist.results:
            return Reply(texts.SHORTLIST_EMPTY.format(job_order_id=job.id, considered=shortlist.considered))
        counts = _counts(shortlist)
        target = await self._target(origin)
        if target is None:
            return Reply(card=await self.render(job.id, job=job, counts=counts))
        await self._announce(job)
        try:
            posted = await self._post_or_refresh(job, target, counts=counts)
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

    async def publish_shortlist(self, job: JobOrder, *, revised: bool) -> None:
        """Match and post for the intake worker; raises when nothing could be posted so it retries,
        and PostingInProgress while someone else is posting this job order's card (it then waits)."""
        if not self.channel_id:  # a setting, not a wait: fail (dead letter) rather than wait for ever
            raise RuntimeError("MATCH_CHANNEL_ID is not set")
        target = await self._target(None)
        if target is None:
            raise ChannelNotInstalled(self.channel_id)
        shortlist = await self.match(job)
        # ``revised`` needs no note here: render reads the stored revision, so every redraw shows it.
        if not shortlist.results:
            await self.messenger.send_text(
                target[0], texts.SHORTLIST_EMPTY.format(job_order_id=job.id, considered=shortlist.considered)
            )
            return
        await self._announce(job)
        card = await self.render(job.id, job=job, counts=_counts(shortlist))
        await self._post_or_refresh(job, target, card)

    async def _announce(self, job: JobOrder) -> None:
        """Tell the companion the list is ready (interest questions, escalation schedule). Its failure
        must not stop the card: it is logged, and the next post or refresh tries again."""
        try:
            await self.companion.shortlist_ready(job)
        except Exception as exc:  # noqa: BLE001 - the card goes out regardless; asks are claimed, so retried
            error = type(exc).__name__
            log.warning("shortlist companion failed", extra={"job_order_id": job.id, "error": error})

    async def rematch(self, job_order_id: str) -> cards.Card:
        """Match again after a place was freed (a "Nej"), and redraw the posted card in place."""
        job = await self.job_orders.get_job_order(job_order_id)
        if job is None:
            raise JobOrderNotFound(job_order_id)
        shortlist = await self.match(job)
        await self._announce(job)
        return await self.refresh(job.id, await self.render(job.id, job=job, counts=_counts(shortlist)))

    async def _post_or_refresh(
        self,
        job: JobOrder,
        target: tuple[dict[str, Any], bool],
        card: cards.Card | None = None,
        *,
        counts: ShortlistCounts | None = None,
    ) -> Posted | None:
        """Post the job order's card, or re-rank the card already posted for the same content (None).

        One job order, one card, whichever path asks (a typed 'match', 'Match nu', the intake worker):
        a card for the same content is refreshed, not posted again. The first post happens under a
        posting lease, renewed while Teams takes its time, and the card location is read again once
        the lease is won, so a post that finished meanwhile is refreshed rather than duplicated;
        PostingInProgress while another holds the lease. The location is written right after Teams
        answers, checked against the lease (fencing). Revised content gets a card of its own.
        """
        digest = job_digest(job)
        if await self._refreshed(job, digest, card, counts):
            return None
        token = uuid.uuid4().hex
        if not await self.conversations.claim_posting(job.id, token, self.posting_lease_ms):
            raise PostingInProgress(job.id)
        try:
            async with every(self.posting_lease_ms / 3000, lambda: self._keep_lease(job.id, token)):
                if await self._refreshed(job, digest, card, counts):  # posted while we waited
                    return None
                reference, new_thread = target
                card = card or await self.render(job.id, job=job, counts=counts)
                posted = await self.messenger.post(reference, card, new_thread=new_thread)
                # From Teams' answer to this write is the one window left (README, Scaling out).
                await self._record_card(job.id, posted, digest, token)
        finally:
            with contextlib.suppress(Exception):  # Redis away: the lease runs out by itself
                await self.conversations.release_posting(job.id, token)
        self.metrics.shortlists_posted.inc()
        if self.on_change is not None:
            await self.on_change(job.id)
        return posted

    async def _keep_lease(self, job_order_id: str, token: str) -> None:
        """One beat of the posting lease (every third of it while the post is under way)."""
        try:
            if not await self.conversations.renew_posting(job_order_id, token, self.posting_lease_ms):
                log.warning("posting lease lost while posting", extra={"job_order_id": job_order_id})
        except Exception as exc:  # noqa: BLE001 - Redis away: try again next beat; the record write decides
            error = type(exc).__name__
            log.warning("posting lease not renewed", extra={"job_order_id": job_order_id, "error": error})

    async def _record_card(self, job_order_id: str, posted: Posted, digest: str, token: str) -> None:
        """Write the card location, retrying while Redis is away (the card is out: a retry of the whole
        post would be a second card). A write the lease refuses means a second card is out: logged
        and counted, never raised (a retry would post a third)."""
        written = await self.conversations.save_card(
            job_order_id,
            posted.reference,
            posted.activity_id,
            cards.SHOW_FIRST,
            digest,
            lease=token,
            patience=POSTED_CARD_PATIENCE_SECONDS,
        )
        if not written:
            log.error("shortlist card posted twice", extra={"job_order_id": job_order_id})
            self.metrics.shortlists_doubled.inc()

    async def _refreshed(
        self, job: JobOrder, digest: str, card: cards.Card | None, counts: ShortlistCounts | None
    ) -> bool:
        """Re-rank the card already posted for this content, if there is one."""
        posted_before = await self.conversations.get_card(job.id)
        if posted_before is None or posted_before.digest != digest:
            return False
        await self.refresh(job.id, card or await self.render(job.id, job=job, counts=counts))
        return True

    async def report_to_channel(self, text: str) -> None:
        target = await self._target(None)
        if target is None:
            raise ChannelNotInstalled(self.channel_id)
        await self.messenger.send_text(target[0], text)

    # --- the card -------------------------------------------------------------------------------------

    async def rows(self, job_order_id: str) -> list[cards.CandidateRow]:
        entries: list[ShortlistEntry]
        entries, handed, notes = await asyncio.gather(
            self.store.get_shortlist(job_order_id),
            self.conversations.handover_states(job_order_id),
            self.companion.row_notes(job_order_id),
        )
        index = self.pool.loaded
        rows = []
        for e in entries:  # each entry carries its record's version and reason: no read per row
            profile = index.get(e.candidate_id) if index is not None else None
            decision = e.decision  # the lead's decision, never a later status (shown separately)
            moved_on = decision is not None and e.state is not decision
            note = notes.get(e.candidate_id)
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
                    interest=note.text + (note.until_decided if decision is None else "") if note else None,
                    interest_declined=note.declined if note else False,
                    interest_warning=note.warning if note else False,
                )
            )
        return rows

    async def render(
        self,
        job_order_id: str,
        shown: int | None = None,
        *,
        job: JobOrder | None = None,
        counts: ShortlistCounts | None = None,
    ) -> cards.Card:
        """The shortlist card as it stands, all of it from what is stored (the last "Send godkendte"
        included), so the answer to a button and the update in place are one rendering. ``job`` and
        ``counts`` (the stored job order and the match's considered/excluded counts, when in hand)
        save a read each."""
        job, location, rows, revised_at, stored, last_send = await asyncio.gather(
            self.job_orders.get_job_order(job_order_id) if job is None else _ready(job),
            self.conversations.get_card(job_order_id),
            self.rows(job_order_id),
            self.job_orders.job_order_revised_at(job_order_id),
            self.store.shortlist_counts(job_order_id) if counts is None else _ready(counts),
            self.conversations.last_send(job_order_id),
        )
        if job is None:
            raise JobOrderNotFound(job_order_id)
        rows = self._with_scheme_notes(job, rows)
        rows = await self._with_busy_notes(job, rows)
        if shown is None:
            shown = location.shown if location else cards.SHOW_FIRST
        view = cards.ShortlistView(
            job=job,
            rows=rows,
            considered=stored.considered if stored else 0,
            excluded=dict(stored.excluded) if stored else {},
            shown=shown,
            sent_note=_sent_note(last_send),
            revised_at=revised_at,
            deciders=self.leads.listed,
        )
        return cards.shortlist_card(view)

    def _with_scheme_notes(self, job: JobOrder, rows: list[cards.CandidateRow]) -> list[cards.CandidateRow]:
        """Each row with the candidate's scheme fields and what the scheme rules flag (issue 10)."""
        index = self.pool.loaded
        if index is None:
            return rows
        out = []
        for row in rows:
            profile = index.get(row.candidate_id)
            if profile is None:
                out.append(row)
                continue
            notes = candidate_notes(index.schemes, job, profile)
            out.append(replace(row, profile=profile_facts(profile), notes=tuple(notes)))
        return out

    async def _busy(self, job_order_id: str, candidate_ids: Iterable[str]) -> dict[str, BusyElsewhere]:
        engagements = await self.followups.engagements(candidate_ids)
        return busy_elsewhere(engagements, job_order_id, self.busy_rule)

    async def _with_busy_notes(
        self, job: JobOrder, rows: list[cards.CandidateRow]
    ) -> list[cards.CandidateRow]:
        """A candidate busy on another job order says so on the card: "I gang med JO-…: Til jobsamtale"."""
        busy = await self._busy(job.id, [r.candidate_id for r in rows])
        if not busy:
            return rows
        out = []
        for row in rows:
            found = busy.get(row.candidate_id)
            if found is not None:
                label = found.state.label
                note = texts.CARD_BUSY_ELSEWHERE.format(job_order_id=found.job_order_id, label=label)
                row = replace(row, notes=(note, *row.notes))
            out.append(row)
        return out

    async def _without_busy(
        self, job: JobOrder, shortlist: Shortlist, index: MatchIndex, wanted: int
    ) -> Shortlist:
        """The shortlist without candidates busy elsewhere ("exclude"), filled up to ``wanted`` from
        further down the ranking; how many were left out is counted like a hard filter on the card."""
        top, rounds = wanted, 1
        while True:
            busy = await self._busy(job.id, [r.candidate_id for r in shortlist.results])
            kept = [r for r in shortlist.results if r.candidate_id not in busy]
            nobody_further = len(shortlist.results) < top
            if len(kept) >= wanted or nobody_further or rounds >= MAX_BUSY_ROUNDS:
                break
            top += wanted - len(kept)
            shortlist = index.match(job, top=top)
            rounds += 1
        excluded = dict(shortlist.excluded)
        if busy:
            excluded[BUSY_FILTER] = len(busy)
        return replace(shortlist, results=kept[:wanted], excluded=excluded)

    async def refresh(self, job_order_id: str, card: cards.Card | None = None) -> cards.Card:
        """Redraw the card and update the posted one in place, so every lead sees the same state."""
        card = card or await self.render(job_order_id)
        location = await self.conversations.get_card(job_order_id)
        # No activity id: the connector answered the post with an empty body (Web Chat's may), so
        # there is nothing to update in place; the presser still gets the card as the answer.
        if location is not None and location.activity_id:
            await self.messenger.update(Posted(location.reference, location.activity_id), card)
        if self.on_change is not None:
            await self.on_change(job_order_id)
        return card

    # --- decisions ------------------------------------------------------------------------------------

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
            # No state change: the card stays as it is.
            return ActionResult(text=texts.error_text(LeadsOnly(self.leads.listed)))
        key = f"{target.value}:{job_order_id}:{candidate_id}:v{version}"
        message, kind = None, cards.NOTICE_WARNING  # "allerede godkendt af …": nothing wrong, but look
        try:
            await self.followups.transition(
                job_order_id,
                candidate_id,
                target,
                actor,
                note,
                idempotency_key=key,
                expected_version=version,
                reason=texts.CARD_REJECT_REASONS.get(reason or "", reason) if not approve else None,
            )
        except DomainError as exc:
            message = await self._already(job_order_id, candidate_id)
            if message is None:
                message, kind = texts.error_text(exc), cards.NOTICE_ATTENTION
        card = await self.refresh(job_order_id)
        return ActionResult(card=card, text=message, notice=kind)

    async def _already(self, job_order_id: str, candidate_id: str) -> str | None:
        fu = await self.followups.get_followup(job_order_id, candidate_id)
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


def _sent_note(last: LastSend | None) -> str | None:
    """The card's footer: the last "Send godkendte" ("2 godkendte sendt … af … <when>")."""
    if last is None:
        return None
    note = texts.CARD_SENT_ONE if last.sent == 1 else texts.CARD_SENT_COUNT
    return note.format(count=last.sent, actor=last.actor, when=cards.when(last.at))


def _counts(shortlist: Shortlist) -> ShortlistCounts:
    """What the card's "considered/excluded" lines show, stored with the shortlist."""
    return ShortlistCounts(considered=shortlist.considered, excluded=dict(shortlist.excluded))
