"""Follow-up: a candidate's status after the decision, the consultant's own list, the funnel and
"why (not)" (the reports, ``rapport …``, are in ``bot.features.reports``).

Why together: these all read or move one follow-up record (job order x candidate) through its
states (``bot.domain.states``); typed (``status …``) or pressed on a card, a status change goes the
same way and redraws the shortlist card so the channel shows the same status.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from bot.commands import CardAction, action, command
from bot.domain.clock import Clock, utc_now
from bot.domain.confirm import needs_confirmation
from bot.domain.cover import Absence, check_may_change
from bot.domain.dates import parse_date
from bot.domain.errors import DomainError, FollowUpNotFound, LeadsOnly, UnknownState
from bot.domain.followup import is_forloeb
from bot.domain.leads import Leads
from bot.domain.models import FollowUp, Funnel
from bot.domain.states import STARTED_STATES, FollowUpState, check_transition, parse_state
from bot.features.pool import PoolIndex
from bot.features.shortlist import ShortlistService
from bot.features.standins import StandIns
from bot.store import FollowUpRecords
from bot.turn import ActionResult, Reply, Turn
from bot.ui import cards, texts
from matching.models import JobOrder

_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")  # 10:30 (the time picker), 10.30


def parse_time(value: object) -> time | None:
    """A picked or typed time of day (HH:MM); None when empty or not a time."""
    found = _CLOCK_TIME.match(str(value or "").strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def status_view(
    fu: FollowUp,
    note: str | None = None,
    *,
    cover: Absence | None = None,
    check_from: date | None = None,
    today: date | None = None,
    job: JobOrder | None = None,
) -> cards.StatusView:
    """The record as its card shows it; ``cover``: the absence when the card goes to a stand-in;
    ``check_from`` and ``today`` decide whether 'I job efter 3 mdr.' is offered yet, ``job`` whether
    the start is "Ansat" or "Startet i forløb" (``bot.domain.followup.offered_steps``)."""
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
        covering_for=cover.consultant if cover else None,
        covering_until=cover.ends if cover else None,
        interview_at=fu.interview_at,
        start_date=fu.start_date,
        check_from=check_from,
        today=today,
        forloeb=is_forloeb(job),
    )


MAX_STATUS_WORDS = 6  # "hverken job eller uddannelse" + a date, with room to spare


def status_words(words: tuple[str, ...]) -> tuple[FollowUpState, date | None] | str:
    """The status and date typed after ``status <jobordre> <kandidat>``: the code or the label shown on
    the buttons, in several words ("ikke interesseret", "til jobsamtale 01.12.2026"). Returns the word
    that should have been a date when the rest names a state; raises ``UnknownState`` otherwise."""
    text = " ".join(words)
    try:
        return parse_state(text, texts.STATUS_BUTTON_LABELS), None
    except UnknownState:
        if len(words) < 2:
            raise
    try:
        target = parse_state(" ".join(words[:-1]), texts.STATUS_BUTTON_LABELS)  # the last word: a date
    except UnknownState:
        raise UnknownState(text) from None
    when = parse_date(words[-1])
    return (target, when) if when is not None else words[-1]


class FollowUpService:
    """Status changes, the consultant's own list, the funnel and "why (not)"."""

    def __init__(
        self,
        store: FollowUpRecords,
        pool: PoolIndex,
        shortlists: ShortlistService,
        clock: Clock = utc_now,
        *,
        top: int = 10,
        leads: Leads | None = None,
        stand_ins: StandIns | None = None,
    ) -> None:
        self.store = store
        self.pool = pool
        self.shortlists = shortlists  # a status change redraws the job order's card
        self.clock = clock
        self.top = top  # the shortlist size: "hvorfor" explains against the same cut-off
        self.leads = leads or Leads()  # "status … godkendt/afvist" is a decision too
        self.stand_ins = stand_ins  # an absent consultant's stand-in may change their candidates' status

    # --- typed commands -------------------------------------------------------------------------------

    @command("mine", usage=texts.USAGE_MINE, help=texts.CMD_MINE, aliases=("mine opfølgninger",))
    async def mine_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        if not turn.upn:
            return Reply(texts.MINE_NO_UPN)
        followups = await self.mine(turn.upn)
        return Reply(card=cards.mine_card([status_view(f) for f in followups]))

    @command(
        "status",
        usage=texts.USAGE_STATUS,
        help=texts.CMD_STATUS,
        args=(3, 3 + MAX_STATUS_WORDS),
        ids=("job", "candidate"),
        changes_state=True,
    )
    async def status_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        job_id, cand_id = args[0], args[1]
        found = status_words(args[2:])
        if isinstance(found, str):
            return Reply(texts.BAD_DATE.format(value=texts.echo(found)))
        target, when = found
        if await self.store.get_followup(job_id, cand_id) is None and await self.store.get_followup(
            cand_id, job_id
        ):
            job_id, cand_id = cand_id, job_id  # "status K-1 JO-1 …" works too
        fu, _ = await self.set_status(job_id, cand_id, target, turn.actor, when=when)
        await self.shortlists.refresh(job_id)  # typed or pressed, the channel card shows the same status
        return Reply(texts.STATUS_UPDATED.format(candidate_id=cand_id, job_order_id=job_id, label=fu.label))

    @command("hvorfor", usage=texts.USAGE_HVORFOR, help=texts.CMD_HVORFOR, args=2, ids=("job", "candidate"))
    async def why_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        return Reply(await self.explain(args[0], args[1]))

    @command(
        "overblik",
        usage=texts.USAGE_OVERBLIK,
        help=texts.CMD_OVERBLIK,
        args=1,
        ids=("job",),
        aliases=("tragt",),
    )
    async def funnel_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        funnel = await self.funnel(args[0])
        if funnel is None:
            return Reply(texts.JOB_ORDER_NOT_FOUND.format(job_order_id=args[0]))
        job = await self.store.get_job_order(args[0])
        return Reply(card=cards.funnel_card(args[0], funnel, forloeb=bool(is_forloeb(job))))

    # --- the status button on a consultant's card -------------------------------------------------------

    @action(cards.VERB_STATUS, record=True)
    async def status_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        if pressed.data.get("fortryd"):  # the confirm step's "Fortryd": the card as it stands
            current = await self.store.get_followup(pressed.job, pressed.cand)
            if current is None:
                return ActionResult(text=texts.ACTION_UNKNOWN)
            card = await self._consultant_card(pressed.job, pressed.cand, current, None)
            return ActionResult(card=card, text=texts.CONFIRM_CANCELLED)
        if not pressed.data.get("to"):
            return ActionResult(text=texts.ACTION_UNKNOWN)
        job_id, cand_id = pressed.job, pressed.cand
        target = parse_state(str(pressed.data["to"]), texts.STATUS_BUTTON_LABELS)
        typed = pressed.data.get(cards.STATUS_DATE_INPUT)
        when = parse_date(typed)
        if typed and when is None:
            return ActionResult(text=texts.BAD_DATE.format(value=texts.echo(str(typed))))
        typed_time = pressed.data.get(cards.STATUS_TIME_INPUT)
        at = parse_time(typed_time)
        if typed_time and at is None:
            return ActionResult(text=texts.BAD_TIME.format(value=texts.echo(str(typed_time))))
        if needs_confirmation(target, bool(pressed.data.get("ok"))):
            return ActionResult(card=await self.confirmation(job_id, cand_id, target, turn.actor, when))
        try:
            fu, note = await self.set_status(
                job_id, cand_id, target, turn.actor, version=pressed.version, when=when, at=at
            )
            text = None
        except DomainError as exc:
            current = await self.store.get_followup(job_id, cand_id)
            if current is None:
                return ActionResult(text=texts.error_text(exc))
            fu, note, text = current, None, texts.error_text(exc)
        card = await self._consultant_card(job_id, cand_id, fu, note)
        if target in (FollowUpState.GODKENDT, FollowUpState.AFVIST) or fu.state is target:
            await self.shortlists.refresh(job_id)
        return ActionResult(card=card, text=text, notice=cards.NOTICE_ATTENTION)  # text: a refusal

    async def _consultant_card(self, job_id: str, cand_id: str, fu: FollowUp, note: str | None) -> cards.Card:
        job = await self.store.get_job_order(job_id)
        rows = {r.candidate_id: r for r in await self.shortlists.rows(job_id)}
        row = rows.get(cand_id)
        view = status_view(fu, note, check_from=self.store.check_from(fu), today=self.today(), job=job)
        if job is None or row is None:
            return cards.reminder_card(view, "")
        return cards.handover_card(job, row, view)

    def today(self) -> date:
        """Today in Copenhagen: the day the rules (and so the cards' buttons) go by."""
        return cards.local(self.clock()).date()

    # --- the work behind them ---------------------------------------------------------------------------

    async def set_status(
        self,
        job_order_id: str,
        candidate_id: str,
        to: FollowUpState,
        actor: str,
        *,
        version: int | None = None,
        when: date | None = None,
        at: time | None = None,
    ) -> tuple[FollowUp, str]:
        """Apply a status; raises a DomainError. ``version`` (from a card) makes it idempotent.
        ``when``: the interview's day or the start date; ``at``: the interview's time, if given."""
        if to in (FollowUpState.GODKENDT, FollowUpState.AFVIST):
            if not self.leads.allows(actor):
                raise LeadsOnly(self.leads.listed)
        else:
            await self.check_may_change(job_order_id, candidate_id, actor)
        key = f"{to.value}:{job_order_id}:{candidate_id}:v{version}" if version is not None else None
        # The interview in Copenhagen time, stored as UTC like every moment. Without a time it is the
        # day alone (00:00 there, which the cards show as the date only): no invented time.
        interview_at = None
        if when is not None:
            clock = at or cards.INTERVIEW_NO_TIME
            interview_at = datetime.combine(when, clock, cards.LOCAL_ZONE).astimezone(UTC)
        fu = await self.store.transition(
            job_order_id,
            candidate_id,
            to,
            actor,
            idempotency_key=key,
            expected_version=version,
            interview_at=interview_at if to is FollowUpState.SAMTALE else None,
            start_date=when if to in STARTED_STATES else None,
        )
        note = texts.CARD_STATUS_SET.format(label=fu.label, actor=actor, when=cards.when(self.clock()))
        return fu, note

    async def confirmation(
        self, job_order_id: str, candidate_id: str, to: FollowUpState, actor: str, when: date | None
    ) -> cards.Card:
        """The record's card asking to confirm the irreversible step ``to``; raises a DomainError when the
        actor may not change the record or the step is not allowed now (nothing to confirm then)."""
        record = await self.check_may_change(job_order_id, candidate_id, actor)
        job = await self.store.get_job_order(job_order_id)
        start = when if to in STARTED_STATES else None
        check_transition(record.state, to, start_date=start, forloeb=is_forloeb(job))
        card = await self._consultant_card(job_order_id, candidate_id, record, None)
        date_text = cards.when(when) if when else None
        return cards.confirm_card(card, status_view(record), to.value, to.label, date_text)

    async def check_may_change(self, job_order_id: str, candidate_id: str, actor: str) -> FollowUp:
        """The candidate's consultant, their stand-in today, or a lead; else :class:`NotYourCase`."""
        record = await self.store.get_followup(job_order_id, candidate_id)
        if record is None:
            raise FollowUpNotFound(job_order_id, candidate_id)
        stand_in = await self.stand_ins.current(record.consultant) if self.stand_ins else None
        check_may_change(actor, record.consultant, stand_in, self.leads)
        return record

    async def mine(self, upn: str) -> list[FollowUp]:
        """The consultant's own follow-ups; candidates still waiting for a lead are not theirs yet."""
        return [f for f in await self.store.for_consultant(upn) if f.state is not FollowUpState.FORESLAAET]

    async def funnel(self, job_order_id: str) -> Funnel | None:
        return await self.store.known_funnel(job_order_id)

    async def explain(self, job_order_id: str, candidate_id: str) -> str:
        job = await self.store.get_job_order(job_order_id)
        if job is None:
            return texts.JOB_ORDER_NOT_FOUND.format(job_order_id=job_order_id)
        index = await self.pool.get()
        return index.explain(job, candidate_id, top=self.top).message
