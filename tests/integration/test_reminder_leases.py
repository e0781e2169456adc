"""Reminders under slow delivery: a scheduler that is still sending keeps its claim, and a lost claim
is seen (log + metric) and never turns into a second message to the consultant."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from bot.domain.models import FollowUp, Reminder
from bot.domain.reminders import load_reminder_rules
from bot.domain.states import FollowUpState
from bot.observability import Metrics
from bot.store import Stores
from tests.followup_support import (
    Ranked,
    RecordingNotifier,
    StoreFactory,
    candidate,
    cph,
    job_order,
    scheduler_on,
)
from tests.harness import wait_until

pytest_plugins = ("tests.followup_fixtures",)

JO = "JO-2026-0007"
RULES = load_reminder_rules()


class SlowNotifier(RecordingNotifier):
    """Teams answering slowly: every reminder takes ``seconds`` (longer than the claim's lease)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def notify(self, reminder: Reminder, followup: FollowUp) -> None:
        await asyncio.sleep(self.seconds)  # the latency of the Teams call being modelled, not a wait
        await super().notify(reminder, followup)


def running_clock(start: datetime) -> Callable[[], datetime]:
    """The schedulers' shared time: ``start`` plus the real time elapsed since, so leases expire."""
    t0 = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - t0)


async def _approved(store: Stores, n: int) -> None:
    cids = [f"K-{i}" for i in range(n)]
    await store.pool.put_candidates(candidate(c) for c in cids)
    await store.job_orders.save_job_order(job_order(JO, deadline=date(2026, 12, 28)))
    await store.shortlists.save_shortlist(JO, [Ranked(c, 80.0) for c in cids])
    for c in cids:
        await store.followups.transition(JO, c, FollowUpState.GODKENDT, "leder@kk.dk")


async def test_two_schedulers_with_a_slow_notifier_and_a_short_lease_send_each_reminder_once(
    stores: StoreFactory,
) -> None:
    """The consultant gets each reminder once, even when Teams takes longer than the claim's lease."""
    store = stores.new()
    await _approved(store, 6)  # 12 reminders: no progress + application deadline each
    assert len(await store.reminders.scheduled_reminders()) == 12
    clock = running_clock(cph(2026, 12, 29, 9))
    # Each send takes longer than the lease; the heartbeat (a third of the lease) keeps the claims. The
    # lease is long enough that a loaded CI machine's event loop stalls (tenths of a second) do not
    # lose it: with a 0.1 s lease a stall once let the other replica send a reminder again.
    notifiers = [SlowNotifier(0.8) for _ in range(2)]
    schedulers = [
        scheduler_on(
            stores.new(), n, RULES, batch=3, interval_seconds=0.02, clock=clock, lease=timedelta(seconds=0.6)
        )
        for n in notifiers
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(schedulers[0].run_forever(stop))]
    try:
        # the second replica starts while the first is still working through its claimed batch
        await wait_until(lambda: len(notifiers[0].sent) >= 1, timeout=10)
        tasks.append(asyncio.create_task(schedulers[1].run_forever(stop)))
        async def settled() -> bool:
            if sum(len(n.sent) for n in notifiers) < 12 or await store.reminders.scheduled_reminders():
                return False
            return await store.reminders.reminders_in_flight() == 0

        await wait_until(settled, timeout=40)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    sent = [r.reminder_id for n in notifiers for r, _ in n.sent]
    assert len(sent) == 12 and len(set(sent)) == 12  # none lost, none twice
    assert all(n.sent for n in notifiers)  # both took part


async def test_a_lost_claim_is_reported_and_no_reminder_reaches_the_consultant_twice(
    stores: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """A scheduler that stalls past its lease (Redis paused, a long GC) while sending: another
    scheduler's round finds the lease expired and takes the reminders back. The stalled one's
    acknowledgement then finds its claim gone: that is logged and counted, the reminder it did send is
    not sent again, and the one it had not sent yet is left to the new holder (sent once)."""
    store = stores.new()
    await _approved(store, 1)  # two reminders for K-0: no progress and the application deadline
    now = cph(2026, 12, 29, 9)
    other_store = stores.new()
    stalled = asyncio.Event()

    class Stalls(RecordingNotifier):
        async def notify(self, reminder: Reminder, followup: FollowUp) -> None:
            if not stalled.is_set():  # the first send stalls past the lease; meanwhile another
                stalled.set()  # scheduler's round takes one back in flight, the other back to the schedule
                await other_store.reminders.claim_due_reminders(now + timedelta(hours=1), limit=1)
            await super().notify(reminder, followup)

    metrics = Metrics()
    first = Stalls()
    await scheduler_on(store, first, RULES, batch=2, metrics=metrics).run_once(now)
    assert any(r.getMessage() == "reminder acknowledged after its lease was lost" for r in caplog.records)
    assert (metrics.registry.get_sample_value("matchbot_reminder_acks_lost_total") or 0) >= 1

    second = RecordingNotifier()
    later = scheduler_on(other_store, second, RULES)
    for days in (1, 2, 3):  # every later round, after every lease has run out
        await later.run_once(now + timedelta(days=days))
    sent = [r.reminder_id for n in (first, second) for r, _ in n.sent]
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 2  # each once, none lost
    assert await store.reminders.scheduled_reminders() == []
    assert await store.reminders.reminders_in_flight() == 0
