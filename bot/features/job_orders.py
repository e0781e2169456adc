"""Job orders in Teams: show one, list the latest, and create or edit one with the card's form.

Why here and not in intake: these are the match unit's own views and form; the API and the file
import (``bot.features.intake``, ``bot.features.imports``) are how other systems deliver job orders.
"""

from __future__ import annotations

from pydantic import ValidationError

from bot.commands import CardAction, action, command
from bot.domain.clock import Clock, utc_now
from bot.features.shortlist import ShortlistService
from bot.store import JobOrderStore
from bot.turn import ActionResult, Reply, Turn
from bot.ui import cards, texts
from matching.models import JobOrder, field_errors


class JobOrderService:
    """The job order card, the list of recent job orders and the form that saves one."""

    def __init__(self, store: JobOrderStore, shortlists: ShortlistService, clock: Clock = utc_now) -> None:
        self.store = store
        self.shortlists = shortlists  # the form's "Gem og match" matches right away
        self.clock = clock

    @command(
        "jobordre",
        usage=texts.USAGE_JOBORDRE,
        help=texts.CMD_JOBORDRE,
        args=(0, 1),
        ids=("job",),
        aliases=("job",),
    )
    async def show_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        if not args:
            return Reply(card=cards.job_order_form_card())
        job = await self.store.get_job_order(args[0])
        if job is None:
            return Reply(texts.JOB_ORDER_NOT_FOUND.format(job_order_id=args[0]))
        return Reply(card=cards.job_order_card(job))

    @command(
        "jobordrer",
        usage=texts.USAGE_JOBORDRER,
        help=texts.CMD_JOBORDRER,
        args=(0, 1),
        ids=("job",),
        aliases=("liste",),
    )
    async def list_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        if args:  # "jobordrer <id>" still shows that job order
            return await self.show_command(turn, args)
        jobs = await self.store.recent_job_orders()
        return Reply(card=cards.job_list_card(jobs, cards.local(self.clock()).date()))

    @action(cards.VERB_SAVE_JOB_ORDER, job=False)
    async def save_pressed(self, turn: Turn, pressed: CardAction) -> ActionResult:
        data = dict(pressed.data)
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
