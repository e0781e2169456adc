"""Escalation when nobody acts, by the ladder in ``config/escalation.toml``.

- An **undecided shortlist** (candidates still awaiting the leads N working hours after it was
  posted) goes 1:1 to the unit's leads (``MATCH_LEADS``) and as one line in the match channel.
- An **ignored reminder** (the record's status unchanged N working hours after the reminder reached
  the consultant) climbs the ladder: the consultant again, then the consultant's stedfortræder (when
  one is set) or team lead (``TEAM_LEADS``), then the unit's leads. A status change stops it.
- The **interest window** closing redraws the shortlist card, so "ikke svaret" shows without anyone
  pressing anything.

Each step is taken once per job order (or per record and status), counted in Danish working hours,
exactly once across replicas (a claim with a lease in ``bot.store.escalation``, done together with its
audit line), and a failed send gives the step back to be tried again next round.

Stand-ins: :class:`StandIns` is the lookup the cover feature provides (``bot.features.standins``,
``fravær … stedfortræder …``); while a consultant is away, the "consultant again" rung goes to the
stand-in, as the reminders themselves do. :class:`NoStandIns` (nobody away) serves tools and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.domain.clock import Clock, local_date, utc_now
from bot.domain.escalation import (
    STEP_UNDECIDED,
    TO_CONSULTANT,
    TO_STAND_IN_OR_TEAM_LEAD,
    TO_UNIT_LEADS,
    EscalationRules,
    Interest,
    WorkingHours,
    next_rung,
    reminder_step,
)
from bot.domain.leads import Leads
from bot.domain.models import FollowUp, Reminder
from bot.domain.states import FollowUpState
from bot.features.followup import status_view
from bot.features.intake.worker import ChannelNotInstalled
from bot.features.interest import ShortlistFollowUp
from bot.features.reminders import Notifier
from bot.features.shortlist import ShortlistService
from bot.store import FollowUpRecords, ShortlistStore
from bot.store.conversations import ConversationStore
from bot.store.escalation import (
    ALREADY_DONE,
    CLAIMED,
    KIND_INTEREST,
    KIND_REMINDER,
    KIND_UNDECIDED,
    AuditLine,
    Due,
    EscalationStore,
    Next,
    ladder_field,
)
from bot.store.interest import InterestStore
from bot.turn import Messenger, Unreachable
from bot.ui import cards, texts

log = logging.getLogger("matchbot.escalation")

ESCALATION_INTERVAL_SECONDS = 60.0


class StandIns(Protocol):
    """Who covers for a consultant on a day (the cover feature's lookup)."""

    async def current(self, consultant: str, today: date | None = None) -> str | None: ...


class NoStandIns:
    """No stand-ins known: the ladder asks the team lead."""

    async def current(self, consultant: str, today: date | None = None) -> str | None:
        return None


@dataclass(frozen=True, slots=True)
class UndecidedClaim:
    """A shortlist this replica claimed to escalate in this round."""

    due: Due
    token: str
    job_order_id: str
    title: str
    waiting: int

    @property
    def waiting_text(self) -> str:
        return texts.count_candidates(self.waiting)


class EscalationRunner:
    """Takes due escalation steps; safe to run in several processes."""

    def __init__(
        self,
        store: EscalationStore,
        shortlists: ShortlistService,
        entries: ShortlistStore,
        followups: FollowUpRecords,
        interest: InterestStore,
        follow: ShortlistFollowUp,
        conversations: ConversationStore,
        messenger: Messenger,
        rules: EscalationRules,
        hours: WorkingHours,
        *,
        leads: Leads,
        team_leads: Mapping[str, str],
        stand_ins: StandIns | None = None,
        clock: Clock = utc_now,
        interval_seconds: float = ESCALATION_INTERVAL_SECONDS,
    ) -> None:
        self.store = store
        self.shortlists = shortlists
        self.entries = entries
        self.followups = followups
        self.interest = interest
        self.follow = follow
        self.conversations = conversations
        self.messenger = messenger
        self.rules = rules
        self.hours = hours
        self.leads = leads
        self.team_leads = {k.lower(): v.lower() for k, v in team_leads.items()}
        self.stand_ins = stand_ins or NoStandIns()
        self.clock = clock
        self.interval_seconds = interval_seconds

    # --- the loop -----------------------------------------------------------------------------------

    async def run_once(self, now: datetime) -> int:
        """Take every step due at ``now``; returns how many escalations this process sent."""
        sent = 0
        undecided: list[UndecidedClaim] = []
        for due in await self.store.due(now):
            try:
                if due.kind == KIND_INTEREST:
                    await self._interest_window(due, now)
                elif due.kind == KIND_UNDECIDED:
                    if claim := await self._claim_undecided(due, now):
                        undecided.append(claim)
                elif due.kind == KIND_REMINDER:
                    sent += await self._ignored_reminder(due, now)
            except Exception:  # one step failing must not hold up the others; it is tried next round
                log.exception(
                    "escalation step failed", extra={"job_order_id": due.job_order_id, "kind": due.kind}
                )
        if undecided:
            try:
                sent += await self._send_undecided(undecided, now)
            except Exception:  # released: the next round (or another replica) sends them
                log.exception("undecided shortlists not escalated", extra={"job_orders": len(undecided)})
        return sent

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once(self.clock())
            except Exception:  # the loop outlives a failed round (Redis down: it reconnects)
                log.exception("escalation round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_seconds)

    # --- the interest window ------------------------------------------------------------------------

    async def _interest_window(self, due: Due, now: datetime) -> None:
        """Redraw the card (its rows now say "ikke svaret"); next: the window of a later question."""
        with contextlib.suppress(Exception):  # no card posted (yet): nothing to redraw
            await self.shortlists.refresh(due.job_order_id)
        later = [
            closes
            for status in (await self.interest.statuses(due.job_order_id)).values()
            if status.answer in (Interest.ASKED, Interest.NOT_YET)
            and (closes := self.follow.closes_at(status)) > now
        ]
        await self.store.advance(due, Next(min(later) if later else None))

    # --- an undecided shortlist ---------------------------------------------------------------------

    async def _claim_undecided(self, due: Due, now: datetime) -> UndecidedClaim | None:
        """Claim the escalation of a shortlist still undecided (exactly once across replicas); None when
        it was decided in time, is done already or another replica has it."""
        jo = due.job_order_id
        waiting = [e for e in await self.entries.get_shortlist(jo) if e.state is FollowUpState.FORESLAAET]
        if not waiting:  # decided in time: nothing to escalate
            await self.store.advance(due, Next(None))
            return None
        job = await self.followups.get_job_order(jo)
        token = uuid.uuid4().hex
        claimed = await self.store.claim(jo, STEP_UNDECIDED, token, now)
        if claimed == ALREADY_DONE:
            await self.store.advance(due, Next(None))
            return None
        if claimed != CLAIMED or job is None:
            return None
        return UndecidedClaim(due, token, jo, job.title, len(waiting))

    async def _send_undecided(self, claims: Sequence[UndecidedClaim], now: datetime) -> int:
        """One note per lead and one channel line for all the shortlists of a round (a lead gets one
        message on a Tuesday morning, not one per job order); each claim finished with its audit."""
        hours = self.rules.undecided_shortlist.after_working_hours
        if len(claims) == 1:
            (one,) = claims
            facts = {"job_order_id": one.job_order_id, "title": one.title, "waiting": one.waiting_text}
            message, lines = texts.ESCALATION_UNDECIDED.format(hours=hours, **facts), []
            channel = texts.ESCALATION_UNDECIDED_CHANNEL.format(hours=hours, **facts)
        else:
            message = texts.ESCALATION_UNDECIDED_MANY.format(count=len(claims), hours=hours)
            lines = [
                texts.ESCALATION_UNDECIDED_LINE.format(
                    job_order_id=c.job_order_id, title=c.title, waiting=c.waiting_text
                )
                for c in claims
            ]
            listed = ", ".join(f"{c.job_order_id} ({c.waiting_text})" for c in claims)
            channel = texts.ESCALATION_UNDECIDED_CHANNEL_MANY.format(
                count=len(claims), hours=hours, job_orders=listed
            )
        try:
            told = await self._tell(self.leads.listed, message, lines=lines)
            if self.rules.undecided_shortlist.channel_line or not told:
                await self._channel(channel)
        except Exception:
            for c in claims:
                await self.store.release(c.job_order_id, STEP_UNDECIDED, c.token)
            raise
        audit = AuditLine("escalation_undecided_shortlist", to=",".join(told))
        for c in claims:
            await self.store.finish(c.due, STEP_UNDECIDED, c.token, now, audit, Next(None))
            log.info(
                "undecided shortlist escalated", extra={"job_order_id": c.job_order_id, "leads": len(told)}
            )
        return len(claims)

    # --- an ignored reminder ------------------------------------------------------------------------

    async def _ignored_reminder(self, due: Due, now: datetime) -> int:
        jo, cand = due.job_order_id, due.candidate_id
        field = ladder_field(jo, cand)
        position = await self.store.ladder_position(jo, cand)
        fu = await self.followups.get_followup(jo, cand)
        if position is None or fu is None or not fu.is_open or fu.version != position[0]:
            await self.store.advance(due, Next(None, (field, "")))  # the status moved on: off the ladder
            return 0
        version, rung = position
        step = next_rung(self.rules, rung)
        if step is None:
            await self.store.advance(due, Next(None, (field, "")))
            return 0
        key = reminder_step(cand, version, rung)
        following = next_rung(self.rules, rung + 1)
        token = uuid.uuid4().hex
        claimed = await self.store.claim(jo, key, token, now)
        if claimed not in (CLAIMED, ALREADY_DONE):
            return 0  # another replica is taking this step now
        recipients, message, buttons = await self._rung_recipients(step.to, fu, now)
        if following is None:
            then = Next(None, (field, ""))
        else:  # counted from now; with nobody to tell on this rung (no cover set) the next is due at once
            at = self.hours.add(now, following.after_working_hours) if recipients else now
            then = Next(at, (field, f"{version}|{rung + 1}"))
        if claimed == ALREADY_DONE:
            await self.store.advance(due, then)
            return 0
        try:
            told = await self._tell(recipients, message, fu if buttons else None)
            if step.to == TO_UNIT_LEADS and not told:
                await self._channel(self._reminder_text(texts.ESCALATION_REMINDER_CHANNEL, fu))
        except Exception:
            await self.store.release(jo, key, token)
            raise
        audit = AuditLine(f"escalation_{step.to}", candidate_id=cand, to=",".join(told))
        await self.store.finish(due, key, token, now, audit, then)
        log.info("ignored reminder escalated", extra={"job_order_id": jo, "rung": rung, "to": step.to})
        return 1 if told else 0

    async def _rung_recipients(self, to: str, fu: FollowUp, now: datetime) -> tuple[list[str], str, bool]:
        """Who is told on a rung, what they read, and whether the card carries the status buttons (not
        for a team lead: a status change is the consultant's, their stand-in's or a lead's)."""
        consultant = fu.consultant.lower()
        stand_in = await self.stand_ins.current(consultant, local_date(now)) if consultant else None
        if to == TO_CONSULTANT:  # away: the stand-in has the case meanwhile, as with the reminders
            again = stand_in or consultant
            return ([again] if again else []), self._reminder_text(texts.ESCALATION_REMINDER_AGAIN, fu), True
        if to == TO_STAND_IN_OR_TEAM_LEAD:
            team_lead = self.team_leads.get(consultant)
            who, role = (
                (stand_in, texts.ESCALATION_ROLE_STAND_IN)
                if stand_in
                else (team_lead, texts.ESCALATION_ROLE_TEAM_LEAD)
            )
            text = self._reminder_text(texts.ESCALATION_REMINDER_COVER, fu, role=role)
            return ([who.lower()] if who else []), text, bool(stand_in)
        return list(self.leads.listed), self._reminder_text(texts.ESCALATION_REMINDER_LEADS, fu), True

    def _reminder_text(self, template: str, fu: FollowUp, **extra: str) -> str:
        return template.format(
            candidate_id=fu.candidate_id,
            job_order_id=fu.job_order_id,
            label=fu.state.label,
            since=cards.when(fu.entered_at),
            consultant=fu.consultant or texts.UNKNOWN_CONSULTANT,
            **extra,
        )

    # --- sending ------------------------------------------------------------------------------------

    async def _tell(
        self, upns: Sequence[str], message: str, fu: FollowUp | None = None, *, lines: Sequence[str] = ()
    ) -> list[str]:
        """1:1 to each; with a record, the reminder card with its status buttons. Returns who got it
        (an unreachable person is skipped and logged; any other failure raises: the step is retried)."""
        told = []
        for upn in upns:
            user = await self.conversations.user_by_upn(upn)
            if fu is not None:
                job = await self.followups.get_job_order(fu.job_order_id)  # the buttons fit its kind
                card = cards.reminder_card(status_view(fu, job=job), message)
            else:
                card = cards.escalation_card(message, lines)
            try:
                if user is None:
                    raise Unreachable(upn)
                await self.messenger.send_to_user(user, card)
            except Unreachable:
                log.warning("escalation recipient unreachable")
                continue
            told.append(upn)
        return told

    async def _channel(self, text: str) -> None:
        try:
            await self.shortlists.report_to_channel(text)
        except ChannelNotInstalled:
            log.warning("escalation: match channel not installed; line not posted")


class LadderNotifier:
    """The reminder scheduler's notifier, plus: a delivered reminder puts its record on the ladder
    (from the first rung, unless it is on it already at this status)."""

    def __init__(
        self,
        inner: Notifier,
        store: EscalationStore,
        rules: EscalationRules,
        hours: WorkingHours,
        clock: Clock = utc_now,
    ) -> None:
        self.inner = inner
        self.store = store
        self.rules = rules
        self.hours = hours
        self.clock = clock

    async def notify(self, reminder: Reminder, followup: FollowUp) -> None:
        await self.inner.notify(reminder, followup)
        ladder = self.rules.ignored_reminder.ladder
        if not self.rules.ignored_reminder.enabled or not ladder:
            return
        first = self.hours.add(self.clock(), ladder[0].after_working_hours)
        try:
            await self.store.reminder_delivered(
                followup.job_order_id, followup.candidate_id, followup.version, first
            )
        except Exception as exc:  # noqa: BLE001 - delivered is delivered: raising would send it again
            log.warning("reminder not put on the escalation ladder", extra={"error": type(exc).__name__})
