"""Reminders: Danish working days (weekends, Christmas, Easter), each rule through the real store,
exactly-once delivery with three competing schedulers, failed deliveries, voided reminders."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.errors import CheckTooEarly
from bot.domain.reminders import (
    RULE_APPLICATION_DEADLINE,
    RULE_INTERVIEW_OUTCOME,
    RULE_NO_PROGRESS,
    RULE_THREE_MONTH_CHECK,
    WorkingCalendar,
    load_reminder_rules,
)
from bot.domain.states import FollowUpState
from bot.store import Stores
from bot.ui.texts import error_text, reminder_text
from config import ConfigError
from tests.followup_support import (
    Clock,
    Ranked,
    RecordingNotifier,
    StoreFactory,
    candidate,
    cph,
    job_order,
    scheduler_on,
)

pytest_plugins = ("tests.followup_fixtures",)

S = FollowUpState
JO = "JO-2026-0001"
LEAD = "leder@kk.dk"
JK = "jk@kk.dk"
RULES = load_reminder_rules()


async def _setup(store: Stores, *cids: str, deadline: date | None = None) -> None:
    await store.pool.put_candidates(candidate(c) for c in cids)
    await store.job_orders.save_job_order(job_order(JO, deadline=deadline))
    await store.shortlists.save_shortlist(JO, [Ranked(c, 80.0) for c in cids])


async def _due(store: Stores) -> dict[str, datetime]:
    return {rid.split("|")[0]: at for rid, at in await store.reminders.scheduled_reminders()}


# --- Danish working days ------------------------------------------------------------------------------


def test_working_days_skip_weekends_christmas_and_easter() -> None:
    cal = RULES.calendar()
    assert not cal.is_working_day(date(2026, 12, 19))  # Saturday
    assert not cal.is_working_day(date(2026, 12, 25))  # juledag
    assert not cal.is_working_day(date(2026, 12, 24))  # juleaftensdag: closed by config
    assert not WorkingCalendar().is_working_day(date(2026, 12, 25))
    assert WorkingCalendar().is_working_day(date(2026, 12, 24))  # not a public holiday by law
    for easter in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14)):
        assert not cal.is_working_day(easter)  # skærtorsdag, langfredag, 2. påskedag, Kr. himmelfart
    assert cal.add_working_days(date(2026, 12, 18), 2) == date(2026, 12, 22)  # Fri -> Tue
    assert cal.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)  # over Christmas
    assert cal.add_working_days(date(2026, 4, 1), 2) == date(2026, 4, 8)  # over Easter
    assert cal.sub_working_days(date(2026, 12, 28), 2) == date(2026, 12, 22)
    assert cal.sub_working_days(date(2026, 4, 7), 2) == date(2026, 3, 31)
    assert cal.on_or_after(date(2026, 12, 25)) == date(2026, 12, 28)


# --- each rule through the store -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved", "expected"),
    [
        (cph(2026, 12, 16, 10), cph(2026, 12, 18, 8)),  # Wed -> Fri: plain week
        (cph(2026, 12, 18, 10), cph(2026, 12, 22, 8)),  # Fri -> Tue: over the weekend
        (cph(2026, 12, 23, 10), cph(2026, 12, 29, 8)),  # Wed -> Tue: over Christmas
        (cph(2026, 4, 1, 10), cph(2026, 4, 8, 8)),  # Wed -> Wed: over Easter (summer time)
    ],
    ids=["week", "weekend", "christmas", "easter"],
)
async def test_no_progress_after_approval(
    store: Stores, clock: Clock, approved: datetime, expected: datetime
) -> None:
    clock.set(approved - timedelta(hours=1))
    await _setup(store, "K-1")
    clock.set(approved)
    record = await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    assert await _due(store) == {RULE_NO_PROGRESS: expected}
    assert record.next_due_at == expected
    await store.followups.transition(JO, "K-1", S.KONTAKTET, JK)  # a status change clears it
    assert await _due(store) == {}


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (date(2026, 12, 28), cph(2026, 12, 22, 8)),  # Mon after Christmas -> Tue before
        (date(2026, 4, 7), cph(2026, 3, 31, 8)),  # Tue after Easter -> Tue before
        (date(2027, 1, 12), cph(2027, 1, 8, 8)),  # Tue -> Fri over a weekend
    ],
    ids=["christmas", "easter", "weekend"],
)
async def test_application_deadline_two_working_days_before(
    store: Stores, clock: Clock, deadline: date, expected: datetime
) -> None:
    clock.set(cph(2026, 3, 2, 9))
    await _setup(store, "K-1", deadline=deadline)
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    assert (await _due(store))[RULE_APPLICATION_DEADLINE] == expected
    await store.followups.transition(JO, "K-1", S.KONTAKTET, JK)  # still not applied: the reminder stays
    assert (await _due(store))[RULE_APPLICATION_DEADLINE] == expected
    await store.followups.transition(JO, "K-1", S.ANSOEGT, JK)  # applied: gone
    assert await _due(store) == {}


async def test_application_deadline_already_close_is_due_at_once_and_past_is_none(
    store: Stores, clock: Clock
) -> None:
    clock.set(cph(2026, 12, 22, 14))  # Tuesday afternoon; deadline Monday after Christmas
    await _setup(store, "K-1", "K-2", deadline=date(2026, 12, 28))
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    assert (await _due(store))[RULE_APPLICATION_DEADLINE] == clock.now
    clock.set(cph(2026, 12, 29, 9))  # deadline passed: nothing to remind about
    await store.followups.transition(JO, "K-2", S.GODKENDT, LEAD)
    record = await store.followups.get_followup(JO, "K-2")
    assert record is not None
    due_k2 = [rid for rid, _ in await store.reminders.scheduled_reminders() if "|K-2|" in rid]
    assert due_k2 == [f"{RULE_NO_PROGRESS}|{JO}|K-2|{record.version}"]


async def test_revised_deadline_reschedules_open_records(store: Stores, clock: Clock) -> None:
    clock.set(cph(2026, 12, 1, 9))
    await _setup(store, "K-1", deadline=date(2026, 12, 28))
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    await store.followups.transition(JO, "K-1", S.KONTAKTET, JK)
    assert (await _due(store))[RULE_APPLICATION_DEADLINE] == cph(2026, 12, 22, 8)
    assert await store.job_orders.save_job_order(job_order(JO, deadline=date(2027, 1, 12))) == "revised"
    assert (await _due(store))[RULE_APPLICATION_DEADLINE] == cph(2027, 1, 8, 8)
    record = await store.followups.get_followup(JO, "K-1")
    assert record is not None and record.deadline == date(2027, 1, 12) and record.state is S.KONTAKTET


@pytest.mark.parametrize(
    ("interview", "expected"),
    [
        (cph(2026, 12, 18, 13), cph(2026, 12, 21, 8)),  # Fri -> Mon
        (cph(2026, 12, 23, 13), cph(2026, 12, 28, 8)),  # before Christmas -> Mon 28
        (cph(2026, 4, 1, 13), cph(2026, 4, 7, 8)),  # before Easter -> Tue after
    ],
    ids=["weekend", "christmas", "easter"],
)
async def test_interview_passed_without_outcome(
    store: Stores, clock: Clock, interview: datetime, expected: datetime
) -> None:
    clock.set(interview - timedelta(days=10))
    await _setup(store, "K-1")
    for to in (S.GODKENDT, S.KONTAKTET, S.HENVIST):
        await store.followups.transition(JO, "K-1", to, JK)
    await store.followups.transition(JO, "K-1", S.SAMTALE, JK, interview_at=interview)
    assert await _due(store) == {RULE_INTERVIEW_OUTCOME: expected}
    await store.followups.transition(JO, "K-1", S.AFSLAG, JK)
    assert await _due(store) == {}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 9, 25), cph(2026, 12, 28, 8)),  # 25 Dec is juledag -> Mon 28
        (date(2026, 1, 6), cph(2026, 4, 7, 8)),  # 6 Apr is 2. påskedag -> Tue 7
        (date(2026, 8, 19), cph(2026, 11, 19, 8)),  # a plain Thursday
        (date(2026, 11, 30), cph(2027, 3, 1, 8)),  # 28 Feb 2027 is a Sunday -> Mon 1 Mar
    ],
    ids=["christmas", "easter", "plain", "month-end-weekend"],
)
async def test_three_month_check_after_start(
    store: Stores, clock: Clock, start: date, expected: datetime
) -> None:
    clock.set(cph(2025, 12, 1, 9))
    await _setup(store, "K-1")
    for to in (S.GODKENDT, S.KONTAKTET, S.ANSOEGT):
        await store.followups.transition(JO, "K-1", to, JK)
    await store.followups.transition(JO, "K-1", S.SAMTALE, JK, interview_at=cph(2025, 12, 3, 10))
    await store.followups.transition(JO, "K-1", S.ANSAT, JK, start_date=start)
    assert await _due(store) == {RULE_THREE_MONTH_CHECK: expected}
    clock.set(expected)  # the consultant answers the check when it comes
    await store.followups.transition(JO, "K-1", S.I_JOB_3_MDR, JK)
    assert await _due(store) == {}


# --- the scheduler --------------------------------------------------------------------------------------


async def test_scheduler_delivers_when_due_with_a_danish_text(store: Stores, clock: Clock) -> None:
    await _setup(store, "K-1")
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)  # Friday 18 Dec -> Tue 22 Dec 08:00
    notifier = RecordingNotifier()
    scheduler = scheduler_on(store, notifier, RULES, clock=clock)
    assert await scheduler.run_once(cph(2026, 12, 22, 7, 59)) == 0
    assert await scheduler.run_once(cph(2026, 12, 22, 8, 0)) == 1
    assert await scheduler.run_once(cph(2026, 12, 22, 9, 0)) == 0  # once
    [(reminder, followup)] = notifier.sent
    assert (reminder.rule, reminder.candidate_id, followup.consultant) == (RULE_NO_PROGRESS, "K-1", JK)
    assert reminder_text(reminder, followup, RULES) == (
        "K-1 blev godkendt til JO-2026-0001 for 2 arbejdsdage siden, og status er ikke ændret. "
        "Har du kontaktet kandidaten?"
    )
    assert await store.reminders.scheduled_reminders() == []


async def test_three_schedulers_on_separate_connections_deliver_each_reminder_exactly_once(
    stores: StoreFactory, clock: Clock
) -> None:
    store = stores.new()
    cids = [f"K-{i}" for i in range(150)]
    await store.pool.put_candidates(candidate(c) for c in cids)
    await store.job_orders.save_job_order(job_order(JO, deadline=date(2026, 12, 28)))
    await store.shortlists.save_shortlist(JO, [Ranked(c, 80.0) for c in cids])
    await asyncio.gather(*(store.followups.transition(JO, c, S.GODKENDT, LEAD) for c in cids))
    assert len(await store.reminders.scheduled_reminders()) == 300  # no_progress + application_deadline each

    class Slow(RecordingNotifier):
        async def notify(self, reminder, followup):  # type: ignore[no-untyped-def]
            await asyncio.sleep(0)  # let the other schedulers run in between
            await super().notify(reminder, followup)

    notifiers = [Slow() for _ in range(3)]
    schedulers = [scheduler_on(stores.new(), n, RULES, batch=7, clock=clock) for n in notifiers]
    now = cph(2026, 12, 29, 9)
    counts = await asyncio.gather(*(s.run_once(now) for s in schedulers))
    delivered = [r.reminder_id for n in notifiers for r, _ in n.sent]
    assert sum(counts) == 300 == len(delivered) == len(set(delivered))
    assert all(c > 0 for c in counts)  # all three took part
    assert await asyncio.gather(*(s.run_once(now) for s in schedulers)) == [0, 0, 0]


async def test_failed_delivery_is_retried_with_backoff_never_lost(store: Stores) -> None:
    await _setup(store, "K-1")
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    attempts = {"n": 0}

    def fail(_: object) -> bool:
        attempts["n"] += 1
        return attempts["n"] <= 2  # Teams is down for the first two tries

    notifier = RecordingNotifier(fail=fail)
    scheduler = scheduler_on(store, notifier, RULES)
    due = cph(2026, 12, 22, 8)
    assert await scheduler.run_once(due) == 0  # fails: back in 60 s
    [(rid, at)] = await store.reminders.scheduled_reminders()
    assert at == due + timedelta(seconds=60)
    assert await scheduler.run_once(due + timedelta(seconds=59)) == 0 and notifier.failures == 1
    assert await scheduler.run_once(due + timedelta(seconds=60)) == 0  # fails again: back in 120 s
    assert (await store.reminders.scheduled_reminders())[0][1] == due + timedelta(seconds=180)
    assert await scheduler.run_once(due + timedelta(seconds=180)) == 1
    [(reminder, _)] = notifier.sent
    assert reminder.reminder_id == rid and reminder.attempt == 2
    assert await store.reminders.scheduled_reminders() == []


async def test_a_state_change_voids_a_claimed_reminder(stores: StoreFactory) -> None:
    store = stores.new()
    await _setup(store, "K-1")
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    due = cph(2026, 12, 22, 8)
    # another process claims it and dies before delivering …
    [claimed] = await stores.new().reminders.claim_due_reminders(due)
    assert claimed.rule == RULE_NO_PROGRESS
    # … and meanwhile the consultant acts: nothing stale may be delivered after the lease
    await store.followups.transition(JO, "K-1", S.KONTAKTET, JK)
    notifier = RecordingNotifier()
    assert await scheduler_on(store, notifier, RULES).run_once(due + timedelta(hours=1)) == 0
    assert notifier.sent == []


async def test_a_crashed_claimer_is_covered_after_the_lease(stores: StoreFactory) -> None:
    store = stores.new()
    await _setup(store, "K-1")
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    due = cph(2026, 12, 22, 8)
    [claimed] = await stores.new().reminders.claim_due_reminders(due)  # claimer dies without ack
    notifier = RecordingNotifier()
    scheduler = scheduler_on(store, notifier, RULES)
    assert await scheduler.run_once(due + timedelta(seconds=299)) == 0  # lease still held
    assert await scheduler.run_once(due + timedelta(seconds=300)) == 1
    assert notifier.sent[0][0].reminder_id == claimed.reminder_id


async def test_run_forever_delivers_and_stops(store: Stores, clock: Clock) -> None:
    await _setup(store, "K-1")
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    clock.set(cph(2026, 12, 22, 8))
    stop = asyncio.Event()

    class StopAfterOne(RecordingNotifier):
        async def notify(self, reminder, followup):  # type: ignore[no-untyped-def]
            await super().notify(reminder, followup)
            stop.set()

    notifier = StopAfterOne()
    scheduler = scheduler_on(store, notifier, RULES, interval_seconds=0.01, clock=clock)
    await asyncio.wait_for(scheduler.run_forever(stop), timeout=10)
    assert len(notifier.sent) == 1


# --- rules as data ----------------------------------------------------------------------------------------


def test_rule_file_errors_name_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "reminders.toml"
    bad.write_text('[no_progress]\nworking_days = 0\nstates = ["godkendt", "hyret"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_reminder_rules(bad)
    text = str(err.value)
    assert str(bad) in text and "no_progress.working_days" in text and "no_progress.states.1" in text
    bad.write_text('timezone = "Europe/Aarhus"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="ukendt tidszone"):
        load_reminder_rules(bad)


def test_the_shipped_rules() -> None:
    assert RULES.no_progress.working_days == 2 and RULES.application_deadline.working_days_before == 2
    assert RULES.deliver_at_hour == 8 and RULES.timezone == "Europe/Copenhagen"
    assert datetime(2026, 1, 1, tzinfo=UTC).tzinfo is UTC


# --- reminders read when they are delivered, not when they were due -----------------------------------


async def test_a_deadline_reminder_delivered_after_the_deadline_says_it_has_passed(
    store: Stores, clock: Clock
) -> None:
    """The scheduler did not run from November to March: the deadline reminder must not say the
    deadline *is* 11.12.2026 and the candidate has not applied *yet*; it says it passed, what to do,
    and the no-change reminder counts the real working days."""
    clock.set(cph(2026, 11, 20, 9))  # Friday
    await _setup(store, "K-1", deadline=date(2026, 12, 11))
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    notifier = RecordingNotifier()
    assert await scheduler_on(store, notifier, RULES).run_once(cph(2027, 3, 2, 8)) == 2
    got = {r.rule: reminder_text(r, f, RULES) for r, f in notifier.sent}
    assert got[RULE_APPLICATION_DEADLINE] == (
        "Ansøgningsfristen for JO-2026-0001 udløb den 11.12.2026, og K-1 står stadig som 'Godkendt'. "
        "Afslut opfølgningen med 'Ikke interesseret' eller 'Trukket tilbage', eller opdatér status."
    )
    assert got[RULE_NO_PROGRESS].startswith("K-1 blev godkendt til JO-2026-0001 for 68 arbejdsdage siden")


async def test_a_deadline_reminder_on_time_still_says_not_yet(store: Stores, clock: Clock) -> None:
    clock.set(cph(2026, 11, 20, 9))
    await _setup(store, "K-1", deadline=date(2026, 12, 11))
    await store.followups.transition(JO, "K-1", S.GODKENDT, LEAD)
    await store.followups.transition(JO, "K-1", S.KONTAKTET, JK)
    notifier = RecordingNotifier()
    # due Wednesday 9 Dec 08:00; a retry on the deadline day itself still reads "er … endnu"
    assert await scheduler_on(store, notifier, RULES).run_once(cph(2026, 12, 11, 15)) == 1
    [(reminder, followup)] = notifier.sent
    assert reminder_text(reminder, followup, RULES) == (
        "Ansøgningsfristen for JO-2026-0001 er 11.12.2026, og K-1 står endnu ikke som 'Ansøgt'."
    )


async def test_a_note_keeps_the_reminders_a_status_change_voids_them_even_when_claimed_late(
    store: Stores, clock: Clock
) -> None:
    """A note is no change of status: the deadline reminder still comes (it used to be voided by the
    note's new version). A status change voids the no-change reminder, however late the scheduler runs."""
    clock.set(cph(2026, 11, 20, 9))
    await _setup(store, "K-1", "K-2", deadline=date(2026, 12, 11))
    for cid in ("K-1", "K-2"):
        await store.followups.transition(JO, cid, S.GODKENDT, LEAD)
    await store.followups.add_note(JO, "K-1", "Ringet op, ringer igen mandag", JK)
    await store.followups.transition(JO, "K-2", S.KONTAKTET, JK)
    await store.followups.transition(JO, "K-2", S.ANSOEGT, JK)
    notifier = RecordingNotifier()
    await scheduler_on(store, notifier, RULES).run_once(cph(2027, 3, 2, 8))
    assert sorted((r.candidate_id, r.rule) for r, _ in notifier.sent) == [
        ("K-1", RULE_APPLICATION_DEADLINE),
        ("K-1", RULE_NO_PROGRESS),
    ]
    assert await store.reminders.scheduled_reminders() == []


async def test_the_three_month_check_of_a_forloeb_counts_from_its_end(store: Stores, clock: Clock) -> None:
    """BIF counts a virksomhedspraktik or løntilskud as "i job eller uddannelse i 3. måned efter
    forløbet": with the job order's duration, the check (reminder and earliest registration) is three
    months after the forløb's last day, and the reminder asks the question BIF asks."""
    clock.set(cph(2026, 12, 1, 9))
    await store.pool.put_candidates([candidate("K-1"), candidate("K-2")])
    praktik = job_order("JO-PRAKTIK", employment_type="virksomhedspraktik", duration_weeks=4)
    ordinary = job_order("JO-JOB", duration_weeks=4)  # a duration on an ordinary job changes nothing
    for job, cid in ((praktik, "K-1"), (ordinary, "K-2")):
        await store.job_orders.save_job_order(job)
        await store.shortlists.save_shortlist(job.id, [Ranked(cid, 80.0)])
        for to in (S.GODKENDT, S.KONTAKTET, S.ANSOEGT):
            await store.followups.transition(job.id, cid, to, JK)
        await store.followups.transition(job.id, cid, S.SAMTALE, JK, interview_at=cph(2026, 12, 3, 10))
        start = S.STARTET_FORLOEB if job is praktik else S.ANSAT  # a praktik is a forløb, not a hire
        await store.followups.transition(job.id, cid, start, JK, start_date=date(2027, 1, 4))

    fu = await store.followups.get_followup("JO-PRAKTIK", "K-1")
    assert fu is not None and fu.ends_on == date(2027, 1, 31)  # four weeks from Monday 4 January
    other = await store.followups.get_followup("JO-JOB", "K-2")
    assert other is not None and other.ends_on is None
    due = dict(await store.reminders.scheduled_reminders())
    praktik_check = next(
        at for rid, at in due.items() if rid.startswith(RULE_THREE_MONTH_CHECK) and "K-1" in rid
    )
    job_check = next(at for rid, at in due.items() if rid.startswith(RULE_THREE_MONTH_CHECK) and "K-2" in rid)
    assert praktik_check == cph(2027, 4, 30, 8)  # 31 Jan + 3 months = 30 April (a Friday)
    assert job_check == cph(2027, 4, 5, 8)  # 4 April is a Sunday: Monday 5 April

    notifier = RecordingNotifier()
    assert await scheduler_on(store, notifier, RULES, clock=clock).run_once(cph(2027, 4, 30, 8)) == 2
    got = {f.candidate_id: reminder_text(r, f, RULES) for r, f in notifier.sent}
    assert got["K-1"] == (
        "K-1 startede i forløbet på JO-PRAKTIK den 04.01.2027, og det sluttede den 31.01.2027. "
        "Er kandidaten i job eller uddannelse 3 måneder efter forløbet? Opdatér status."
    )
    assert "Er kandidaten stadig i job efter 3 måneder" in got["K-2"]

    clock.set(cph(2027, 4, 29, 12))  # the day before: too early for the forløb, not for the job
    with pytest.raises(CheckTooEarly) as err:
        await store.followups.transition("JO-PRAKTIK", "K-1", S.I_JOB, JK)
    assert err.value.after_forloeb and err.value.counted_from == date(2027, 1, 31)
    assert re.search(r"3 måneder efter forløbets afslutning 31\.01\.2027", error_text(err.value))
    await store.followups.transition("JO-JOB", "K-2", S.I_JOB_3_MDR, JK)
    clock.set(cph(2027, 4, 30, 12))
    assert (await store.followups.transition("JO-PRAKTIK", "K-1", S.I_JOB, JK)).state is S.I_JOB


async def test_a_long_forloeb_keeps_its_check_through_retention_and_follows_a_revision(
    store: Stores, clock: Clock
) -> None:
    """A 26-week løntilskud is not 'untouched for 180 days' while it waits for its
    check, and a job order revised to a longer forløb moves the hired candidate's check."""
    clock.set(cph(2026, 12, 1, 9))
    await store.pool.put_candidates([candidate("K-1")])
    job = job_order("JO-LT", employment_type="loentilskud_privat", duration_weeks=26)
    await store.job_orders.save_job_order(job)
    await store.shortlists.save_shortlist(job.id, [Ranked("K-1", 80.0)])
    for to in (S.GODKENDT, S.KONTAKTET, S.ANSOEGT):
        await store.followups.transition(job.id, "K-1", to, JK)
    await store.followups.transition(job.id, "K-1", S.SAMTALE, JK, interview_at=cph(2026, 12, 3, 10))
    await store.followups.transition(job.id, "K-1", S.STARTET_FORLOEB, JK, start_date=date(2027, 1, 4))

    assert (
        await store.retention.purge_expired(cph(2027, 6, 1, 9)) == 0
    )  # 182 days after the hire was registered
    fu = await store.followups.get_followup(job.id, "K-1")
    assert fu is not None and not fu.anonymised and fu.ends_on == date(2027, 7, 4)
    assert (await _due(store))[RULE_THREE_MONTH_CHECK] == cph(2027, 10, 4, 8)

    await store.job_orders.save_job_order(
        job.model_copy(update={"duration_weeks": 39})
    )  # extended by 13 weeks
    fu = await store.followups.get_followup(job.id, "K-1")
    assert fu is not None and fu.ends_on == date(2027, 10, 3)
    assert (await _due(store))[RULE_THREE_MONTH_CHECK] == cph(2028, 1, 3, 8)
    # Retention counts again from the new check date, not from the day of the revision.
    assert await store.retention.purge_expired(cph(2028, 2, 1, 9)) == 0
