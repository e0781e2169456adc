"""Reminders reach the consultant: the scheduler loop (claim, deliver, acknowledge or retry).

Delivery guarantee: a due reminder is claimed atomically (one Lua script moves it from the
scheduled zset to an in-flight zset with a lease), so among live schedulers each reminder is
delivered exactly once. A scheduler keeps its claims while it works through them, however slow
Teams is (a heartbeat renews the leases every third of the lease), checks its claim just before
sending (a claim lost in a stall is left to its new holder), and an acknowledgement that finds the
claim lost is logged and counted (``matchbot_reminder_acks_lost_total``) and still removes the
reminder, so nobody sends it again. An acknowledgement Redis refuses is retried; one that fails for
good is logged and counted (``matchbot_reminder_ack_failures_total``). If ``notify`` raises, the
reminder goes back to the schedule with exponential back-off and is never dropped. What remains: a
process killed (or its acknowledgement failing for good) after Teams accepted the reminder and
before the acknowledgement: the lease expires and another scheduler sends it again (which is why
:class:`Reminder` carries a stable ``reminder_id`` to de-duplicate on).

Which reminders a record has, and what they say, are pure rules in ``bot.domain.reminders``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from tenacity import AsyncRetrying, RetryError, stop_after_attempt, wait_exponential

from bot.domain.clock import Clock, utc_now
from bot.domain.followup import check_from
from bot.domain.models import FollowUp, Reminder
from bot.domain.reminders import ReminderRules, deadline_passed
from bot.features.followup import status_view
from bot.features.standins import StandIns
from bot.heartbeat import every
from bot.observability import Metrics
from bot.store import FollowUpRecords, ReminderQueue, Retention, keys
from bot.store.conversations import ConversationStore
from bot.store.reminder_queue import ACK_LATE
from bot.turn import Messenger, Unreachable
from bot.ui import cards, texts

log = logging.getLogger(__name__)

# An acknowledgement Redis refuses is tried this often, waiting 0.2 s, 0.4 s, … up to 5 s between.
ACK_ATTEMPTS = 8
ACK_RETRY_FIRST_SECONDS = 0.2
ACK_RETRY_MAX_SECONDS = 5.0


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
        lease: timedelta = timedelta(seconds=keys.REMINDER_LEASE_SECONDS),
        metrics: Metrics | None = None,
        ack_attempts: int = ACK_ATTEMPTS,
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
        self.lease = lease
        self.metrics = metrics or Metrics()
        self.ack_attempts = ack_attempts
        self._held: dict[str, str] = {}  # reminder id -> the token of the claim this process holds

    async def run_once(self, now: datetime) -> int:
        """Deliver every reminder due at ``now``; returns how many were delivered by this process.

        While a batch is worked through, a heartbeat renews its leases in the same time frame as
        ``now`` (``now`` plus the time elapsed), so a slow Teams never lets another scheduler take a
        reminder this one is about to send, or is sending."""
        delivered = 0
        started = time.monotonic()

        def frame_now() -> datetime:
            return now + timedelta(seconds=time.monotonic() - started)

        while True:
            claimed = await self.queue.claim_due_reminders(now, limit=self.batch, lease=self.lease)
            self._held = {r.reminder_id: r.lease for r in claimed}
            try:
                beat = max(self.lease.total_seconds() / 3, 0.01)
                async with every(beat, lambda: self._renew_leases(frame_now)):
                    for reminder in claimed:
                        delivered += await self._deliver(reminder, now)
            finally:
                self._held = {}
            if len(claimed) < self.batch:
                return delivered

    async def _renew_leases(self, frame_now: Clock) -> None:
        """One beat (every third of the lease): extend the claims still held; a lost one is dropped."""
        held = dict(self._held)
        try:
            renewed = await self.queue.renew_reminder_leases(held, frame_now() + self.lease)
        except Exception as exc:  # noqa: BLE001 - Redis away: try again next beat; the check before sending decides
            log.warning("reminder leases not renewed", extra={"error": type(exc).__name__})
            return
        for rid in held:
            if rid in self._held:  # not settled meanwhile
                if rid in renewed:
                    self._held[rid] = renewed[rid]
                else:
                    self._held.pop(rid)

    async def _deliver(self, reminder: Reminder, now: datetime) -> int:
        followup = await self.records.get_followup(reminder.job_order_id, reminder.candidate_id)
        if (
            followup is None
            or not followup.is_open
            or (followup.version != reminder.version and not await self.queue.reminder_is_current(reminder))
        ):
            await self._ack(reminder)  # the record moved on: the reminder is void
            return 0
        token = self._held.get(reminder.reminder_id)
        if token is None or not await self.queue.holds_reminder(reminder.reminder_id, token):
            log.warning(  # stalled past the lease: another scheduler has it now and sends it
                "reminder claim lost before sending; left to its new holder",
                extra={"reminder_rule": reminder.rule},
            )
            self.metrics.reminder_claims_lost.inc()
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
            token = self._held.get(reminder.reminder_id, reminder.lease)
            await self.queue.retry_reminder(reminder, retry_at, token)
            return 0
        await self._ack(reminder)
        return 1

    async def _ack(self, reminder: Reminder) -> None:
        """Acknowledge, retrying while Redis refuses; a lost claim or a failed ack is logged and counted."""
        token = self._held.get(reminder.reminder_id, reminder.lease)
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self.ack_attempts),
                wait=wait_exponential(multiplier=ACK_RETRY_FIRST_SECONDS, max=ACK_RETRY_MAX_SECONDS),
            ):
                with attempt:
                    result = await self.queue.ack_reminder(reminder, token)
        except RetryError as exc:
            error = exc.last_attempt.exception()
            log.error(  # it stays in flight: after the lease another scheduler sends it again
                "reminder acknowledgement failed",
                extra={"reminder_rule": reminder.rule, "error": type(error).__name__},
            )
            self.metrics.reminder_ack_failures.inc()
            return
        finally:
            self._held.pop(reminder.reminder_id, None)
        if result == ACK_LATE:
            log.warning(
                "reminder acknowledged after its lease was lost",
                extra={"reminder_rule": reminder.rule},
            )
            self.metrics.reminder_acks_lost.inc()

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
        self,
        conversations: ConversationStore,
        messenger: Messenger,
        metrics: Metrics,
        rules: ReminderRules,
        stand_ins: StandIns | None = None,
        job_orders: FollowUpRecords | None = None,
    ) -> None:
        self.rules = rules
        self.job_orders = job_orders  # the record's job order: a forløb's card offers "Startet i forløb"
        self.stand_ins = stand_ins  # while a consultant is away, their stand-in gets the reminders
        self.conversations = conversations
        self.messenger = messenger
        self.metrics = metrics

    async def notify(self, reminder: Reminder, followup: FollowUp) -> None:
        to, cover = followup.consultant, None
        if to and self.stand_ins is not None:
            to, cover = await self.stand_ins.deliver_to(to)
        user = await self.conversations.user_by_upn(to) if to else None
        if user is None:
            self.metrics.reminders_failed.inc()
            raise Unreachable(to)
        message = texts.reminder_text(reminder, followup, self.rules)
        months = self.rules.three_month_check.months_after_start
        job = await self.job_orders.get_job_order(followup.job_order_id) if self.job_orders else None
        view = status_view(followup, cover=cover, check_from=check_from(followup, months), job=job)
        card = cards.reminder_card(view, message)
        try:
            await self.messenger.send_to_user(user, card)
        except Unreachable:
            self.metrics.reminders_failed.inc()
            raise
        self.metrics.reminders_sent.inc()
