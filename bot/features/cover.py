"""Cover and transfer: a consultant's absence with a stand-in (``fravær``), and handing cases over to
another consultant, one (``overdrag <jobordre> <kandidat> <e-mail>``) or all open ones (``overdrag
alle <fra> <til>``, e.g. a move from the youth centre at 30).

Why a feature of its own: it changes who receives a case's cards, not the case's status; the rules
are pure (``bot.domain.cover``), the absence and the hand-over live in ``bot.store.cover``, and the
lookup every other feature asks ("who covers this consultant today?") is ``bot.features.standins``.
A consultant acts for themselves; the unit's leads (``MATCH_LEADS``) for anyone. Every hand-over is
in the job order's audit trail (action ``overdraget``, with the new consultant).
"""

from __future__ import annotations

import logging
from datetime import date

from bot.commands import command
from bot.domain.clock import Clock, local_date, utc_now
from bot.domain.cover import Absence, check_absence, check_may_act_for, check_upn
from bot.domain.dates import parse_date
from bot.domain.errors import FollowUpNotFound
from bot.domain.leads import Leads
from bot.domain.models import FollowUp
from bot.domain.states import FollowUpState
from bot.features.followup import status_view
from bot.features.shortlist import ShortlistService
from bot.store.codec import check_id
from bot.store.conversations import ConversationStore
from bot.store.cover import CoverStore
from bot.turn import Messenger, Reply, Turn, Unreachable
from bot.ui import cards, texts
from matching.models import fold

log = logging.getLogger("matchbot.services")

_END_WORDS = frozenset({"slut", "stop", "ingen", "annuller", "slet", "afslut"})
_FROM_WORDS = frozenset({"fra"})
_TO_WORDS = frozenset({"til"})
_STAND_IN_WORDS = frozenset({"stedfortraeder", "stedfortræder", "vikar", "daekkes", "dækkes"})
_ALL_WORDS = frozenset({"alle"})


def _word(value: str) -> str:
    return fold(value)


class CoverService:
    """``fravær`` and ``overdrag``: who receives a consultant's cases, for a while or for good."""

    def __init__(
        self,
        store: CoverStore,
        conversations: ConversationStore,
        messenger: Messenger,
        shortlists: ShortlistService,
        leads: Leads,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.messenger = messenger
        self.shortlists = shortlists  # a hand-over redraws the shortlist card (the consultant column)
        self.leads = leads
        self.clock = clock

    # --- fravær ------------------------------------------------------------------------------------------

    @command(
        "fravær",
        usage=texts.USAGE_FRAVAER,
        help=texts.CMD_FRAVAER,
        args=(0, 8),
        changes_state=True,
        aliases=("fravaer", "fravar"),
    )
    async def absence_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        if not turn.upn:
            return Reply(texts.COVER_NO_UPN)
        words = list(args)
        consultant = turn.upn.lower()
        if words and "@" in words[0]:
            consultant = check_upn(words.pop(0))
        if not words:
            return Reply(await self._show(consultant))
        check_may_act_for(turn.actor, consultant, self.leads)
        if len(words) == 1 and _word(words[0]) in _END_WORDS:
            if await self.store.clear_absence(consultant):
                log.info("absence ended", extra={"by_lead": consultant != turn.actor.lower()})
                return Reply(texts.ABSENCE_CLEARED.format(consultant=consultant))
            return Reply(texts.ABSENCE_NONE.format(consultant=consultant))
        parsed = _parse_period(words)
        if parsed is None:
            return Reply(texts.ABSENCE_USAGE)
        starts, ends, stand_in_text = parsed
        if isinstance(starts, str) or isinstance(ends, str):
            bad = starts if isinstance(starts, str) else ends
            return Reply(texts.BAD_DATE.format(value=texts.echo(str(bad))))
        stand_in = check_upn(stand_in_text) if stand_in_text else None
        today = local_date(self.clock())
        check_absence(consultant, starts, ends, stand_in, today)
        await self.store.set_absence(
            Absence(consultant, starts, ends, stand_in, set_by=turn.actor.lower(), set_at=self.clock())
        )
        log.info("absence set", extra={"days": (ends - starts).days + 1, "stand_in": bool(stand_in)})
        text = texts.ABSENCE_SET.format(
            consultant=consultant, starts=cards.when(starts), ends=cards.when(ends)
        )
        if stand_in:
            text += texts.ABSENCE_SET_STAND_IN.format(stand_in=stand_in)
        else:
            text += texts.ABSENCE_SET_NO_STAND_IN.format(consultant=consultant)
        return Reply(text)

    async def _show(self, consultant: str) -> str:
        absence = await self.store.get_absence(consultant)
        if absence is None or absence.ends < local_date(self.clock()):
            return texts.ABSENCE_NONE.format(consultant=consultant)
        stand_in = texts.ABSENCE_NOW_STAND_IN.format(stand_in=absence.stand_in) if absence.stand_in else ""
        return texts.ABSENCE_NOW.format(
            consultant=consultant,
            starts=cards.when(absence.starts),
            ends=cards.when(absence.ends),
            stand_in=stand_in,
        )

    # --- overdrag -------------------------------------------------------------------------------------

    @command(
        "overdrag",
        usage=texts.USAGE_OVERDRAG,
        help=texts.CMD_OVERDRAG,
        args=3,
        changes_state=True,
        aliases=("overdrage", "overfoer", "overfør"),
    )
    async def transfer_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        first, second, third = args
        if _word(first) in _ALL_WORDS:
            return await self._transfer_all(turn, check_upn(second), check_upn(third))
        if "@" in first or "@" in second:
            return Reply(texts.TRANSFER_USAGE)
        return await self._transfer_one(turn, check_id(first), check_id(second), check_upn(third))

    async def _record(self, job_order_id: str, candidate_id: str) -> FollowUp:
        """The record as typed, or with the ids in upper case (as KEH and the case systems write them)."""
        for jo, cand in ((job_order_id, candidate_id), (job_order_id.upper(), candidate_id.upper())):
            found = await self.store.get_followup(jo, cand)
            if found is not None:
                return found
        raise FollowUpNotFound(job_order_id, candidate_id)

    async def _transfer_one(self, turn: Turn, job_order_id: str, candidate_id: str, to: str) -> Reply:
        record = await self._record(job_order_id, candidate_id)
        check_may_act_for(turn.actor, record.consultant, self.leads)
        jo, cand = record.job_order_id, record.candidate_id
        before, after = await self.store.transfer(jo, cand, to, turn.actor)
        if after is None:
            return Reply(texts.TRANSFER_ALREADY.format(candidate_id=cand, job_order_id=jo, new=to))
        log.info("case handed over", extra={"job_order_id": jo, "candidate_id": cand})
        await self.shortlists.refresh(jo)
        text = texts.TRANSFER_DONE.format(candidate_id=cand, job_order_id=jo, old=before.consultant, new=to)
        if after.state is FollowUpState.FORESLAAET:
            return Reply(text)  # not handed over yet: the lead's "Send godkendte" sends it to ``to``
        if await self._send_handover(after, before.consultant, turn):
            # delivered: a hand-over still waiting for the old consultant, or a later "Send
            # godkendte", must not send the same case again
            await self.conversations.mark_sent(jo, cand, before.consultant)
        else:  # the new consultant gets it when they install the bot
            await self.conversations.move_pending([(jo, cand)], before.consultant, to)
            await self.conversations.mark_pending(jo, cand, to)
            text += texts.TRANSFER_UNREACHABLE.format(new=to)
        return Reply(text)

    async def _send_handover(self, record: FollowUp, old: str, turn: Turn) -> bool:
        """The new consultant gets the case's hand-over card with its status buttons; False if unreachable."""
        user = await self.conversations.user_by_upn(record.consultant)
        job = await self.store.get_job_order(record.job_order_id)
        rows = {r.candidate_id: r for r in await self.shortlists.rows(record.job_order_id)}
        row = rows.get(record.candidate_id)
        if user is None or job is None or row is None:
            return False
        note = texts.CARD_TRANSFER_NOTE.format(old=old, actor=turn.actor, when=cards.when(self.clock()))
        try:
            await self.messenger.send_to_user(user, cards.handover_card(job, row, status_view(record, note)))
        except Unreachable:
            return False
        return True

    async def _transfer_all(self, turn: Turn, old: str, new: str) -> Reply:
        check_may_act_for(turn.actor, old, self.leads)
        moved = await self.store.transfer_all(old, new, turn.actor)
        if not moved:
            return Reply(texts.TRANSFER_ALL_NONE.format(old=old))
        jobs = sorted({m.job_order_id for m in moved})
        log.info("cases handed over", extra={"count": len(moved), "job_orders": len(jobs)})
        for jo in jobs:
            await self.shortlists.refresh(jo)
        text = texts.TRANSFER_ALL_DONE.format(count=len(moved), old=old, new=new, jobs=len(jobs))
        user = await self.conversations.user_by_upn(new)
        card = cards.transfer_card(
            [status_view(m) for m in moved], old=old, actor=turn.actor, at=cards.when(self.clock())
        )
        # Hand-overs that waited for the old consultant (not reachable in Teams) wait for the new one.
        waiting = await self.conversations.move_pending(
            [(m.job_order_id, m.candidate_id) for m in moved], old, new
        )
        try:
            if user is None:
                raise Unreachable(new)
            await self.messenger.send_to_user(user, card)
        except Unreachable:
            return Reply(text + texts.TRANSFER_UNREACHABLE.format(new=new))
        by_case = {(m.job_order_id, m.candidate_id): m for m in moved}
        for jo, cand in waiting:  # reachable: they get those hand-over cards, with the status buttons
            if await self._send_handover(by_case[(jo, cand)], old, turn):
                await self.conversations.mark_sent(jo, cand, new)
        return Reply(text)


def _parse_period(words: list[str]) -> tuple[date | str, date | str, str | None] | None:
    """``fra D til D [stedfortræder E]`` (the words "fra"/"til" optional): the two dates (or the text
    that is not one) and the stand-in's e-mail; None when the shape is wrong."""
    rest = [w for w in words if _word(w) not in _FROM_WORDS | _TO_WORDS]
    stand_in: str | None = None
    for i, w in enumerate(rest):
        if _word(w) in {fold(x) for x in _STAND_IN_WORDS}:
            if i + 1 != len(rest) - 1:
                return None
            stand_in = rest[i + 1]
            rest = rest[:i]
            break
    if len(rest) != 2 or not all(any(c.isdigit() for c in w) for w in rest):
        return None  # not two things that try to be dates ("fravær i morgen"): show how
    dates = [parse_date(w) or w for w in rest]
    return dates[0], dates[1], stand_in
