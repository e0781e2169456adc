"""Reminders: rules as data (``config/reminders.toml``), Danish working days, which reminders a
record has and the sentence each one says. Pure: no Redis, no Teams.

Why working days by hand on top of ``holidays``: the package knows the Danish public holidays
(Easter, Christmas …) but not "N working days after"; that is three lines of stepping over
weekends, holidays and the days the jobcentre is closed anyway (juleaftensdag …, configured).

The store schedules what :func:`reminders_for` returns; the scheduler that claims and delivers due
reminders is ``bot.features.reminders``.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.clock import ZONE_NAME, local_date
from bot.domain.models import FollowUp, Reminder
from bot.domain.states import STARTED_STATES, FollowUpState
from config import config_path, validate_file

RULE_NO_PROGRESS = "no_progress"
RULE_APPLICATION_DEADLINE = "application_deadline"
RULE_INTERVIEW_OUTCOME = "interview_outcome"
RULE_THREE_MONTH_CHECK = "three_month_check"
RULES = (RULE_NO_PROGRESS, RULE_APPLICATION_DEADLINE, RULE_INTERVIEW_OUTCOME, RULE_THREE_MONTH_CHECK)
# Not a configured rule: the form a deadline reminder takes when it is claimed after the deadline.
TEXT_DEADLINE_PASSED = "application_deadline_passed"
TEXT_FORLOEB_CHECK = "three_month_check_forloeb"  # the 3-month check of a forløb: counted from its end


# --- rules as data -------------------------------------------------------------------------------


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = True


class NoProgressRule(_Rule):
    states: list[FollowUpState] = [FollowUpState.GODKENDT]
    working_days: Annotated[int, Field(ge=1, le=60)] = 2


class ApplicationDeadlineRule(_Rule):
    states: list[FollowUpState] = [FollowUpState.GODKENDT, FollowUpState.KONTAKTET]
    working_days_before: Annotated[int, Field(ge=0, le=30)] = 2


class InterviewOutcomeRule(_Rule):
    working_days_after: Annotated[int, Field(ge=1, le=30)] = 1


class ThreeMonthCheckRule(_Rule):
    months_after_start: Annotated[int, Field(ge=1, le=24)] = 3


class ReminderRules(BaseModel):
    """``config/reminders.toml``; validated at start-up, errors name the file and the field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = ZONE_NAME
    deliver_at_hour: Annotated[int, Field(ge=0, le=23)] = 8
    extra_closed_days: list[Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]] = []
    retry_backoff_seconds: Annotated[int, Field(ge=1)] = 60
    retry_backoff_max_seconds: Annotated[int, Field(ge=1)] = 3600
    no_progress: NoProgressRule = NoProgressRule()
    application_deadline: ApplicationDeadlineRule = ApplicationDeadlineRule()
    interview_outcome: InterviewOutcomeRule = InterviewOutcomeRule()
    three_month_check: ThreeMonthCheckRule = ThreeMonthCheckRule()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"ukendt tidszone '{value}'") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def calendar(self) -> WorkingCalendar:
        return _calendar(tuple(self.extra_closed_days))

    def backoff(self, attempt: int) -> timedelta:
        """Delay before delivery attempt ``attempt`` + 1 (1, 2, 4 … × base, capped)."""
        seconds = min(self.retry_backoff_seconds * 2 ** max(attempt - 1, 0), self.retry_backoff_max_seconds)
        return timedelta(seconds=seconds)


def load_reminder_rules(path: Path | None = None) -> ReminderRules:
    """Load and validate the reminder rules (raises ``config.ConfigError`` naming file and field)."""
    return validate_file(ReminderRules, path or config_path("reminders.toml"))


# --- Danish working days ---------------------------------------------------------------------------


class WorkingCalendar:
    """Weekdays that are not Danish public holidays nor configured closing days."""

    def __init__(self, extra_closed_days: tuple[str, ...] = ()) -> None:
        self._extra = {(int(d[:2]), int(d[3:])) for d in extra_closed_days}
        self._closed: dict[int, frozenset[date]] = {}

    def _closed_in(self, year: int) -> frozenset[date]:
        """Public holidays + configured closing days of one year, computed once (the package's own
        lookup is ~50 × slower and sits on the hot path of every transition)."""
        found = self._closed.get(year)
        if found is None:
            days = set(holidays.country_holidays("DK", years=year))
            days |= {date(year, m, d) for m, d in self._extra}
            found = self._closed[year] = frozenset(days)
        return found

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._closed_in(day.year)

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (n ≥ 1); n = 0 gives ``day`` or the next working day."""
        if n <= 0:
            return self.on_or_after(day)
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def sub_working_days(self, day: date, n: int) -> date:
        """The n-th working day before ``day`` (n = 0: ``day`` or the working day before it)."""
        if n <= 0:
            while not self.is_working_day(day):
                day -= timedelta(days=1)
            return day
        while n:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


@cache
def _calendar(extra: tuple[str, ...]) -> WorkingCalendar:
    return WorkingCalendar(extra)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- which reminders a record has ------------------------------------------------------------------


def compute_reminders(
    rules: ReminderRules,
    *,
    state: FollowUpState,
    entered_at: datetime,
    now: datetime | None = None,
    deadline: date | None = None,
    interview_at: datetime | None = None,
    start_date: date | None = None,
) -> list[tuple[str, datetime]]:
    """(rule, due UTC) for a record that entered ``state`` at ``entered_at``; empty when none apply.

    Called on every change, so a state change reschedules (or clears) the record's reminders. ``now``
    (default ``entered_at``): a deadline reminder whose day has already come is due at once.
    """
    now = now or entered_at
    zone, cal = rules.zone, rules.calendar()
    at = time(rules.deliver_at_hour)

    def due(day: date) -> datetime:
        return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)

    today = local_date(now, zone)
    out: list[tuple[str, datetime]] = []
    if rules.no_progress.enabled and state in rules.no_progress.states:
        entered = local_date(entered_at, zone)
        out.append((RULE_NO_PROGRESS, due(cal.add_working_days(entered, rules.no_progress.working_days))))
    rule = rules.application_deadline
    if rule.enabled and state in rule.states and deadline is not None and deadline >= today:
        out.append(
            (
                RULE_APPLICATION_DEADLINE,
                max(now, due(cal.sub_working_days(deadline, rule.working_days_before))),
            )
        )
    if rules.interview_outcome.enabled and state is FollowUpState.SAMTALE and interview_at is not None:
        day = local_date(interview_at, zone)
        out.append(
            (
                RULE_INTERVIEW_OUTCOME,
                due(cal.add_working_days(day, rules.interview_outcome.working_days_after)),
            )
        )
    if rules.three_month_check.enabled and state in STARTED_STATES and start_date is not None:
        check = cal.on_or_after(add_months(start_date, rules.three_month_check.months_after_start))
        out.append((RULE_THREE_MONTH_CHECK, due(check)))
    return out


def reminders_for(rules: ReminderRules, record: FollowUp, now: datetime) -> list[tuple[str, datetime]]:
    """(rule, due) of the reminders ``record`` should have in its state; none once it is closed."""
    if not record.is_open:
        return []
    return compute_reminders(
        rules,
        state=record.state,
        entered_at=record.entered_at,
        now=now,
        deadline=record.deadline,
        interview_at=record.interview_at,
        start_date=record.check_base,  # a forløb's check counts from its end
    )


def deadline_passed(reminder: Reminder, followup: FollowUp, rules: ReminderRules) -> bool:
    """A deadline reminder read after the deadline (claimed late: the scheduler was down, or retried
    for days): "er 11.12.2026 … endnu" would be false, so it is sent as "udløb den …" instead."""
    if reminder.rule != RULE_APPLICATION_DEADLINE or followup.deadline is None:
        return False
    at = reminder.claimed_at or reminder.due_at
    return followup.deadline < local_date(at, rules.zone)


def reminder_kind(reminder: Reminder, followup: FollowUp, rules: ReminderRules) -> str:
    """Which sentence a reminder says (``bot.ui.texts.reminder_text`` writes it): its rule, or the
    form that rule takes when it is read late (deadline passed) or counts from a forløb's end."""
    kind = TEXT_DEADLINE_PASSED if deadline_passed(reminder, followup, rules) else reminder.rule
    if kind == RULE_THREE_MONTH_CHECK and followup.ends_on is not None:
        kind = TEXT_FORLOEB_CHECK  # "i job eller uddannelse 3 måneder efter forløbet", as BIF counts
    return kind


def working_days_waited(reminder: Reminder, followup: FollowUp, rules: ReminderRules) -> int:
    """Working days since the state was entered, counted to ``claimed_at`` (when the scheduler took
    it, not ``due_at``: a late delivery says how long it really has been); at least 1."""
    zone = rules.zone
    at = local_date(reminder.claimed_at or reminder.due_at, zone)
    return max(rules.calendar().working_days_between(local_date(followup.entered_at, zone), at), 1)
