"""Interest before review and the escalation ladder: rules as data (``config/escalation.toml``), working
hours on Danish working days, and the steps an undecided shortlist or an ignored reminder climbs.
Pure: no Redis, no Teams.

Why working *hours* on top of the working days of ``bot.domain.reminders``: "no answer within a
working day" and "undecided after two working days" are counted from the moment a shortlist was
posted, not from the next morning, and hours outside the working day (evenings, weekends, holidays,
the configured closing days) do not count. The calendar is the reminders' own (same holidays, same
closing days), so both agree on what a working day is.

The store keeps which step was taken (``bot.store.escalation``); the runner that takes due steps,
once across replicas, is ``bot.features.escalation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.reminders import ReminderRules, WorkingCalendar
from config import config_path, validate_file

# --- rules as data -------------------------------------------------------------------------------

Recipient = Literal["consultant", "stand_in_or_team_lead", "unit_leads"]
TO_CONSULTANT: Recipient = "consultant"
TO_STAND_IN_OR_TEAM_LEAD: Recipient = "stand_in_or_team_lead"
TO_UNIT_LEADS: Recipient = "unit_leads"

Hours = Annotated[int, Field(ge=1, le=400)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkingHoursRule(_Section):
    start_hour: Annotated[int, Field(ge=0, le=23)] = 8
    end_hour: Annotated[int, Field(ge=1, le=24)] = 16

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHoursRule:
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour skal ligge efter start_hour")
        return self


class InterestRule(_Section):
    answer_within_working_hours: Hours = 8


class UndecidedShortlistRule(_Section):
    enabled: bool = True
    after_working_hours: Hours = 16
    channel_line: bool = True


class Rung(_Section):
    after_working_hours: Hours = 16
    to: Recipient


class IgnoredReminderRule(_Section):
    enabled: bool = True
    ladder: list[Rung] = [
        Rung(to=TO_CONSULTANT),
        Rung(to=TO_STAND_IN_OR_TEAM_LEAD),
        Rung(to=TO_UNIT_LEADS),
    ]


class EscalationRules(_Section):
    """``config/escalation.toml``; validated at start-up, errors name the file and the field."""

    working_hours: WorkingHoursRule = WorkingHoursRule()
    interest: InterestRule = InterestRule()
    undecided_shortlist: UndecidedShortlistRule = UndecidedShortlistRule()
    ignored_reminder: IgnoredReminderRule = IgnoredReminderRule()


def load_escalation_rules(path: Path | None = None) -> EscalationRules:
    """Load and validate the escalation rules (raises ``config.ConfigError`` naming file and field)."""
    return validate_file(EscalationRules, path or config_path("escalation.toml"))


# --- working hours on Danish working days ------------------------------------------------------------


class WorkingHours:
    """Counts hours inside the working day on working days only (the reminders' calendar and zone)."""

    def __init__(self, rules: EscalationRules, reminders: ReminderRules) -> None:
        self.zone = reminders.zone
        self.calendar: WorkingCalendar = reminders.calendar()
        self.start = time(rules.working_hours.start_hour)
        self.end_hour = rules.working_hours.end_hour

    def _window(self, day: date) -> tuple[datetime, datetime]:
        opens = datetime.combine(day, self.start, tzinfo=self.zone)
        closes = datetime.combine(day, time(0), tzinfo=self.zone) + timedelta(hours=self.end_hour)
        return opens, closes

    def add(self, moment: datetime, hours: float) -> datetime:
        """The moment ``hours`` working hours after ``moment`` (UTC). A moment outside the working day
        starts counting when the next one opens."""
        left = timedelta(hours=hours)
        cursor = moment.astimezone(self.zone)
        while True:
            day = cursor.date()
            if self.calendar.is_working_day(day):
                opens, closes = self._window(day)
                cursor = max(cursor, opens)
                if cursor < closes:
                    if left <= closes - cursor:
                        return (cursor + left).astimezone(UTC)
                    left -= closes - cursor
            cursor = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)


# --- interest before review ---------------------------------------------------------------------------


class Interest(StrEnum):
    """A consultant's answer to "Er kandidaten interesseret?" (and the states before an answer)."""

    ASKED = "spurgt"  # the card went out; no answer yet
    UNREACHABLE = "ikke_naaet"  # the consultant cannot be reached in Teams
    YES = "ja"
    NO = "nej"
    NOT_YET = "ved_ikke"  # "Ved ikke endnu": asked, not decided; the window keeps running

    @property
    def answered(self) -> bool:
        return self in (Interest.YES, Interest.NO)


ANSWERS = (Interest.YES, Interest.NO, Interest.NOT_YET)


@dataclass(frozen=True, slots=True)
class InterestStatus:
    """What is known of one candidate's interest on one job order."""

    candidate_id: str
    answer: Interest
    asked_at: datetime
    by: str | None = None  # who answered (UPN), None while only asked
    at: datetime | None = None  # when the latest answer came

    def unanswered_after(self, closes_at: datetime, now: datetime) -> bool:
        """No answer (yes or no) by the end of the window: the card says "ikke svaret"."""
        return not self.answer.answered and now >= closes_at


# --- the escalation steps ----------------------------------------------------------------------------

STEP_INTEREST_WINDOW = "interest_window"  # the answer window closed: redraw the card ("ikke svaret")
STEP_UNDECIDED = "undecided_shortlist"  # still undecided candidates: the unit's leads are told


def reminder_step(candidate_id: str, version: int, rung: int) -> str:
    """The step key of one rung of the ignored-reminder ladder for one record version."""
    return f"reminder:{candidate_id}:v{version}:{rung}"


def next_rung(rules: EscalationRules, rung: int) -> Rung | None:
    """The rung after ``rung`` - 1 steps were taken; None when the ladder is climbed."""
    ladder = rules.ignored_reminder.ladder
    return ladder[rung] if 0 <= rung < len(ladder) else None
