"""The lead's week: ``uge`` (every open job order by deadline, where each is stuck, overdue first, and
the candidates whose consultants have not answered "Er kandidaten interesseret?") and
the automatic post of the same card in the match unit's channel once a week (Monday 08:00 Copenhagen
time by default: ``WEEK_POST_WEEKDAY``, ``WEEK_POST_HOUR``).

Exactly once across replicas: every replica's loop may find the moment has come; the one that claims
the week (``WeekReads.claim_week``: the monthly post's claim/lease scripts on the week's key) posts,
then marks it done; a replica that fails gives the claim back and a later round tries again. A
replica started after the hour on that day still posts (the week is not done yet); the next day it
does not (the post belongs to its day).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import date, datetime

from bot.commands import command
from bot.domain.clock import Clock, utc_now
from bot.domain.week import WeekLine, awaiting_interest, is_open, week_line, week_order
from bot.store.conversations import ConversationStore
from bot.store.week import WeekReads
from bot.turn import Messenger, Reply, Turn
from bot.ui import cards, texts

log = logging.getLogger("matchbot.services")

WEEK_POST_INTERVAL_SECONDS = 60.0  # how often the loop looks whether the week's post is due


def week_label(day: date) -> str:
    """ISO year and week, as the claim's key and the card write it: 2026-W49."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class WeekService:
    """``uge`` and the weekly post in the channel."""

    def __init__(
        self,
        store: WeekReads,
        conversations: ConversationStore,
        messenger: Messenger,
        channel_id: str,
        clock: Clock = utc_now,
        *,
        weekday: int = 1,
        hour: int = 8,
    ) -> None:
        """``weekday``: ISO day of the post (1 = Monday; 0 = no automatic post); ``hour``: local hour."""
        self.store = store
        self.conversations = conversations
        self.messenger = messenger
        self.channel_id = channel_id
        self.clock = clock
        self.weekday = weekday
        self.hour = hour

    @command("uge", usage=texts.USAGE_UGE, help=texts.CMD_UGE, aliases=("ugen", "ugens overblik"))
    async def week_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        return Reply(card=await self.card(self.clock()))

    async def lines(self, today: date) -> list[WeekLine]:
        items = await self.store.job_orders_with_counts()
        lines = [
            week_line(
                job.id,
                job.title,
                job.deadline,
                job.positions,
                state,
                counts,
                today,
                awaiting_interest(records, answers),
            )
            for job, state, counts, records, answers in items
            if is_open(state)
        ]
        return week_order(lines)

    async def card(self, now: datetime) -> cards.Card:
        today = cards.local(now).date()
        return cards.week_card(await self.lines(today), week=str(today.isocalendar().week))

    # --- the weekly post -------------------------------------------------------------------------------

    def due(self, now: datetime) -> str | None:
        """The week whose post is due at ``now`` (its day, from its hour on), else None."""
        local = cards.local(now)
        if not self.weekday or local.isoweekday() != self.weekday or local.hour < self.hour:
            return None
        return week_label(local.date())

    async def run_once(self, now: datetime) -> bool:
        """Post the week's card in the channel if it is due and no replica has; True when this one did."""
        week = self.due(now)
        if week is None or not self.channel_id:
            return False
        token = secrets.token_hex(16)
        if not await self.store.claim_week(week, token):
            return False
        try:
            reference = await self.conversations.get_channel(self.channel_id)
            if reference is None:
                raise LookupError("the bot is not installed in the match channel yet")
            await self.messenger.post(reference, await self.card(now), new_thread=True)
        except Exception:
            await self.store.release_week(week, token)
            raise
        if not await self.store.finish_week(week, token):
            log.warning("weekly post: claim lost before it was marked done", extra={"week": week})
        log.info("weekly overview posted", extra={"week": week})
        return True

    async def run_forever(self, stop: asyncio.Event, interval: float = WEEK_POST_INTERVAL_SECONDS) -> None:
        while not stop.is_set():
            try:
                await self.run_once(self.clock())
            except Exception:
                log.warning("weekly post failed; tried again next round", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
