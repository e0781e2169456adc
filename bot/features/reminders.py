"""Reminders reach the consultant: the scheduler loop (claim, deliver, acknowledge or retry).

Delivery guarantee: a due reminder is claimed atomically (one Lua script moves it from the
scheduled zset to an in-flight zset with a lease), so among live schedulers each reminder is
delivered exactly once. If ``notify`` raises, the reminder goes back to the schedule with
exponential back-off and is never dropped; if a process dies between claim and acknowledgement,
the lease expires and another scheduler re-claims it (then the notifier may see it twice, which is
why :class:`Reminder` carries a stable ``reminder_id`` to de-duplicate on).

Which reminders a record has, and what they say, are pure rules in ``bot.domain.reminders``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from bot.domain.clock import Clock, utc_now
from bot.domain.models import FollowUp, Reminder
from bot.domain.reminders import ReminderRules, deadline_passed
from bot.features.followup import status_view
from bot.observability import Metrics
from bot.store import FollowUpRecords, ReminderQueue, Retention
from bot.store.conversations import ConversationStore
from bot.turn import Messenger, Unreachable
from bot.ui import cards, texts

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Implemented by the bot (proactive Teams message to the consultant); tests record calls."""

    async def notify(self, reminder: Reminder, followup: FollowUp) -> None: ...


# --- the scheduler loop -------------------------------------------------------------------------------


class ReminderScheduler:
    """Claims due reminders and hands them to the notifier; safe to run in several processes."""

    def __init__(
        self,
        queue: ReminderQueue,
        records: FollowUpRecords,
        retention: Retention,
        notifier: Notifier,
        rules: ReminderRules,
        *,
        batch: int = 100,
        interval_seconds: float = 30.0,
        purge_every: int = 120,
        clock: Clock = utc_now,
    ) -> None:
        self.queue = queue
        self.records = records
        self.retention = retention
        self.notifier = notifier
        self.rules = rules
        self.batch = batch
        self.interval_seconds = interval_seconds
        self.purge_every = purge_every
        self.clock = clock

    async def run_once(self, now: datetime) -> int:
        """Deliver every reminder due at ``now``; returns how many were delivered by this process."""
        delivered = 0
        while True:
            claimed = await self.queue.claim_due_reminders(now, limit=self.batch)
            for reminder in claimed:
                delivered += await self._deliver(reminder, now)
            if len(claimed) < self.batch:
                return delivered

    async def _deliver(self, reminder: Reminder, now: datetime) -> int:
        followup = await self.records.get_followup(reminder.job_order_id, reminder.candidate_id)
        if (
            followup is None
            or not followup.is_open
            or (followup.version != reminder.version and not await self.queue.reminder_is_current(reminder))
        ):
            await self.queue.ack_reminder(reminder)  # the record moved on: the reminder is void
            return 0
        reminder = replace(reminder, claimed_at=now)  # the text is written for now, not for due_at
        if deadline_passed(reminder, followup, self.rules):
            log.info(
                "deadline reminder claimed after the deadline; sent as deadline passed",
                extra={"reminder_rule": reminder.rule, "due_at": reminder.due_at.isoformat()},
            )
        try:
            await self.notifier.notify(reminder, followup)
        except Exception:  # any failure of the notifier re-queues, never drops
            retry_at = now + self.rules.backoff(reminder.attempt + 1)
            log.warning(
                "reminder delivery failed; rescheduled",
                extra={
                    "reminder_rule": reminder.rule,
                    "attempt": reminder.attempt + 1,
                    "retry_at": retry_at.isoformat(),
                },
                exc_info=True,
            )
            await self.queue.retry_reminder(reminder, retry_at)
            return 0
        await self.queue.ack_reminder(reminder)
        return 1

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Loop until ``stop`` is set: deliver due reminders, and now and then apply retention."""
        rounds = 0
        while not stop.is_set():
            now = self.clock()
            try:
                await self.run_once(now)
                if rounds % self.purge_every == 0:
                    await self.retention.purge_expired(now)
            except Exception:  # the loop outlives a failed round (Redis down: it reconnects)
                log.exception("reminder scheduler round failed")
            rounds += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_seconds)


# --- delivery to Teams --------------------------------------------------------------------------------


class BotNotifier:
    """The scheduler's Notifier in the bot: a reminder card 1:1 to the record's consultant.

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
        message = texts.reminder_text(reminder, followup, self.rules)
        try:
            await self.messenger.send_to_user(user, cards.reminder_card(status_view(followup), message))
        except Unreachable:
            self.metrics.reminders_failed.inc()
            raise
        self.metrics.reminders_sent.inc()
