"""Handlers: parse a typed command or a pressed button, call a service, render a card.

Why separate from the adapter edge: nothing here imports botbuilder, so the dialogue is tested
without HTTP and survives a move to the Microsoft 365 Agents SDK. Every path answers something:
unknown input gets the command list, refused input a Danish reason, never silence.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot import commands
from bot.domain.outcomes import parse_period
from bot.domain.states import FollowUpState, TransitionError, parse_state
from bot.services import FollowUpService, HandoverService, ShortlistService, status_view
from bot.store.followup import FollowUpStore
from bot.turn import ActionResult, Reply, Turn
from bot.ui import cards, texts
from matching.models import DATE_YEARS, Identifier, JobOrder, field_errors
from matching.privacy import contains_cpr

log = logging.getLogger("matchbot.handlers")

_ID = TypeAdapter(Identifier)  # the domain's id rule (pattern, length, no CPR), not a copy of it


def _valid_id(value: str) -> bool:
    try:
        _ID.validate_python(value)
    except ValidationError:
        return False
    return True


def _has_cpr(value: Any) -> bool:
    if isinstance(value, str):
        return contains_cpr(value)
    if isinstance(value, dict):
        return any(_has_cpr(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_cpr(v) for v in value)
    return False


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


_DANISH_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")  # 1.12.2026, 01/12/2026


def _date(value: Any) -> date | None:
    """A typed or picked date: ÅÅÅÅ-MM-DD (the date picker, ISO) or DD.MM.ÅÅÅÅ as the cards write it."""
    if not value:
        return None
    text = str(value).strip()
    try:
        if found := _DANISH_DATE.match(text):
            day, month, year = (int(g) for g in found.groups())
            parsed = date(year, month, day)
        else:
            parsed = date.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.year in DATE_YEARS else None


MAX_SHOWN = 500  # rows a "Vis flere" can ask for: more than any shortlist has
# Commands whose first argument is a job order id.
_JOB_ORDER_FIRST = frozenset({"jobordre", "jobordrer", "match", "status", "hvorfor", "overblik"})


class Router:
    """The bot's dialogue: one method per kind of incoming activity."""

    def __init__(
        self,
        store: FollowUpStore,
        shortlists: ShortlistService,
        handovers: HandoverService,
        followups: FollowUpService,
    ) -> None:
        self.store = store
        self.shortlists = shortlists
        self.handovers = handovers
        self.followups = followups

    # --- typed commands -------------------------------------------------------------------------

    async def on_message(self, turn: Turn, text: str) -> list[Reply]:
        parsed = commands.parse(text)
        if isinstance(parsed, commands.Rejected):
            if parsed.cpr:
                log.warning("cpr-like input refused", extra={"conversation_type": turn.conversation_type})
            if parsed.show_help:
                return [Reply(card=cards.help_card(commands.help_lines(), intro=parsed.message))]
            return [Reply(parsed.message)]
        replies = [Reply(parsed.note)] if parsed.note else []
        bad = next((a for a in parsed.args[:2] if not _valid_id(a)), None)
        if bad is not None and parsed.name not in ("hjælp", "mine", "rapport"):
            return [*replies, Reply(texts.BAD_ID.format(value=texts.echo(bad)))]
        args = await self._known_case(parsed.name, parsed.args)
        try:
            replies.append(await self._run(turn, parsed.name, args))
        except TransitionError as exc:
            replies.append(Reply(exc.message))
        return replies

    async def _known_case(self, name: str, args: tuple[str, ...]) -> tuple[str, ...]:
        """'jobordre jo-2026-0001' finds JO-2026-0001 and 'hvorfor … k-d7a598' finds K-D7A598: ids are
        stored as KEH and the case systems write them, upper case; people type them in lower case."""
        if name not in _JOB_ORDER_FIRST or not args:
            return args
        job, rest = args[0], args[1:]
        if (
            job != job.upper()
            and not await self.store.get_job_order(job)
            and await self.store.get_job_order(job.upper())
        ):
            job = job.upper()
        if name in ("status", "hvorfor") and rest and rest[0] != rest[0].upper():
            cand = rest[0]
            if await self.store.get_candidate(cand) is None and await self.store.get_candidate(cand.upper()):
                rest = (cand.upper(), *rest[1:])
        return (job, *rest)

    async def _run(self, turn: Turn, name: str, args: tuple[str, ...]) -> Reply:
        if name == "hjælp":
            return Reply(card=cards.help_card(commands.help_lines()))
        if name == "jobordrer" and not args:
            jobs = await self.store.recent_job_orders()
            return Reply(card=cards.job_list_card(jobs, cards.local(self.followups.clock()).date()))
        if name in ("jobordre", "jobordrer"):  # "jobordrer <id>" still shows that job order
            if not args:
                return Reply(card=cards.job_order_form_card())
            job = await self.store.get_job_order(args[0])
            if job is None:
                return Reply(texts.JOB_ORDER_NOT_FOUND.format(job_order_id=args[0]))
            return Reply(card=cards.job_order_card(job))
        if name == "match":
            return await self.shortlists.match_and_post(args[0], turn)
        if name == "mine":
            if not turn.upn:
                return Reply(texts.MINE_NO_UPN)
            followups = await self.followups.mine(turn.upn)
            return Reply(card=cards.mine_card([status_view(f) for f in followups]))
        if name == "status":
            return await self._status_command(turn, args)
        if name == "hvorfor":
            return Reply(await self.followups.explain(args[0], args[1]))
        if name == "overblik":
            funnel = await self.followups.funnel(args[0])
            if funnel is None:
                return Reply(texts.JOB_ORDER_NOT_FOUND.format(job_order_id=args[0]))
            return Reply(card=cards.funnel_card(args[0], funnel))
        if name == "rapport":
            period = parse_period(args[0]) if args else None
            if args and period is None:
                return Reply(texts.BAD_PERIOD.format(value=texts.echo(args[0])))
            return Reply(card=cards.report_card(await self.followups.report(period)))
        return Reply(card=cards.help_card(commands.help_lines(), intro=texts.UNKNOWN_COMMAND))

    async def _status_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        job_id, cand_id, state_text = args[0], args[1], args[2]
        when = _date(args[3]) if len(args) > 3 else None
        if len(args) > 3 and when is None:
            return Reply(texts.BAD_DATE.format(value=texts.echo(args[3])))
        target = parse_state(state_text)
        if await self.store.get_followup(job_id, cand_id) is None and await self.store.get_followup(
            cand_id, job_id
        ):
            job_id, cand_id = cand_id, job_id  # "status K-1 JO-1 …" works too
        fu, _ = await self.followups.set_status(job_id, cand_id, target, turn.actor, when=when)
        await self.shortlists.refresh(job_id)  # typed or pressed, the channel card shows the same status
        return Reply(texts.STATUS_UPDATED.format(candidate_id=cand_id, job_order_id=job_id, label=fu.label))

    # --- buttons (Action.Execute invoke or Action.Submit message) -----------------------------------

    async def on_action(self, turn: Turn, data: dict[str, Any]) -> ActionResult:
        if _has_cpr(data):
            log.warning("cpr-like card input refused")
            return ActionResult(text=texts.CPR_REFUSED)
        verb = str(data.get("verb", ""))
        job_id = str(data.get("job", ""))
        cand_id = str(data.get("cand", ""))
        if verb not in cards.VERBS or (verb != cards.VERB_SAVE_JOB_ORDER and not _valid_id(job_id)):
            return ActionResult(text=texts.ACTION_UNKNOWN)
        try:
            return await self._act(turn, verb, job_id, cand_id, data)
        except TransitionError as exc:
            return ActionResult(text=exc.message)

    async def _act(
        self, turn: Turn, verb: str, job_id: str, cand_id: str, data: dict[str, Any]
    ) -> ActionResult:
        version = _int(data.get("v"), -1)
        if verb in (cards.VERB_APPROVE, cards.VERB_REJECT, cards.VERB_STATUS) and (
            not _valid_id(cand_id) or version < 0  # the card always sends the version it was drawn from
        ):
            return ActionResult(text=texts.ACTION_UNKNOWN)
        if verb == cards.VERB_APPROVE:
            return await self.shortlists.decide(job_id, cand_id, True, turn.actor, version)
        if verb == cards.VERB_REJECT:
            reason = str(data.get(f"reason_{cand_id}") or "").strip()
            if reason not in texts.CARD_REJECT_REASONS:  # only the card's choices, never free text here
                return ActionResult(text=texts.REJECT_NEEDS_REASON)
            note = str(data.get(f"note_{cand_id}") or "").strip() or None
            return await self.shortlists.decide(job_id, cand_id, False, turn.actor, version, reason, note)
        if verb == cards.VERB_SHOW_MORE:
            shown = min(max(_int(data.get("shown")), 0), MAX_SHOWN)  # a client's number, not a count to trust
            return ActionResult(card=await self.shortlists.show_more(job_id, shown))
        if verb == cards.VERB_SEND_APPROVED:
            return await self.handovers.send_approved(job_id, turn.actor)
        if verb == cards.VERB_STATUS:
            return await self._status_button(turn, job_id, cand_id, data, version)
        if verb == cards.VERB_MATCH:
            reply = await self.shortlists.match_and_post(job_id, turn)
            # Posted into this very chat, the reply is empty: the presser still gets an answer.
            text = reply.text or texts.SHORTLIST_POSTED_HERE.format(job_order_id=job_id)
            return ActionResult(text=text, extra=[Reply(card=reply.card)] if reply.card else [])
        return await self._save_job_order(turn, data)

    async def _status_button(
        self, turn: Turn, job_id: str, cand_id: str, data: dict[str, Any], version: int
    ) -> ActionResult:
        if not data.get("to"):
            return ActionResult(text=texts.ACTION_UNKNOWN)
        target = parse_state(str(data["to"]))
        typed = data.get(cards.STATUS_DATE_INPUT)
        when = _date(typed)
        if typed and when is None:
            return ActionResult(text=texts.BAD_DATE.format(value=texts.echo(str(typed))))
        try:
            fu, note = await self.followups.set_status(
                job_id, cand_id, target, turn.actor, version=version, when=when
            )
            text = None
        except TransitionError as exc:
            current = await self.store.get_followup(job_id, cand_id)
            if current is None:
                return ActionResult(text=exc.message)
            fu, note, text = current, None, exc.message
        card = await self._consultant_card(job_id, cand_id, fu, note)
        if target in (FollowUpState.GODKENDT, FollowUpState.AFVIST) or fu.state is target:
            await self.shortlists.refresh(job_id)
        return ActionResult(card=card, text=text)

    async def _consultant_card(self, job_id: str, cand_id: str, fu: Any, note: str | None) -> cards.Card:
        job = await self.store.get_job_order(job_id)
        rows = {r.candidate_id: r for r in await self.shortlists.rows(job_id)}
        row = rows.get(cand_id)
        if job is None or row is None:
            return cards.reminder_card(status_view(fu, note), "")
        return cards.handover_card(job, row, status_view(fu, note))

    async def _save_job_order(self, turn: Turn, data: dict[str, Any]) -> ActionResult:
        try:
            job = JobOrder.model_validate(cards.job_order_from_form(data))
        except ValidationError as exc:
            error = texts.JOB_ORDER_INVALID.format(errors=cards.form_errors(field_errors(exc)))
            return ActionResult(card=cards.job_order_form_card(error, values=data))
        outcome = await self.store.save_job_order(job)
        saved = texts.JOB_ORDER_SAVED.format(
            job_order_id=job.id, outcome=texts.JOB_ORDER_OUTCOME.get(outcome, outcome)
        )
        if data.get("then") == "match":
            reply = await self.shortlists.match_and_post(job.id, turn)
            extra = [Reply(reply.text, reply.card)] if (reply.text or reply.card) else []
            return ActionResult(card=cards.job_order_card(job), text=saved, extra=extra)
        return ActionResult(card=cards.job_order_card(job), text=saved)

    # --- lifecycle ------------------------------------------------------------------------------------

    async def on_installed(self, turn: Turn) -> list[Reply]:
        personal = turn.conversation_type == "personal"
        return [Reply(texts.WELCOME_PERSONAL if personal else texts.WELCOME_CHANNEL)]

    async def on_reachable(self, upn: str) -> int:
        """A consultant just got a 1:1 conversation: deliver the hand-overs that waited for them."""
        return await self.handovers.retry_pending(upn)
