"""The escalation rules as data (config/escalation.toml) and the working hours they are counted in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.escalation import WorkingHours, load_escalation_rules
from bot.domain.reminders import load_reminder_rules
from config import ConfigError


def hours() -> WorkingHours:
    return WorkingHours(load_escalation_rules(), load_reminder_rules())


def test_the_shipped_ladder_is_consultant_then_cover_then_the_leads() -> None:
    rules = load_escalation_rules()
    assert [r.to for r in rules.ignored_reminder.ladder] == [
        "consultant",
        "stand_in_or_team_lead",
        "unit_leads",
    ]
    assert (
        rules.interest.answer_within_working_hours == 8
        and rules.undecided_shortlist.after_working_hours == 16
    )


@pytest.mark.parametrize(
    ("start", "add", "expected"),
    [
        # Friday 15:00 in Copenhagen + 16 working hours: the weekend does not count -> Tuesday 15:00.
        (datetime(2026, 11, 20, 14, 0, tzinfo=UTC), 16, datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        # Posted at 20:00 (after hours): counting starts at 08:00 the next working day.
        (datetime(2026, 11, 23, 19, 0, tzinfo=UTC), 8, datetime(2026, 11, 24, 15, 0, tzinfo=UTC)),
        # 23 December 11:00 + 8: juleaftensdag (configured closed), the holidays and Sunday are skipped.
        (datetime(2026, 12, 23, 10, 0, tzinfo=UTC), 8, datetime(2026, 12, 28, 10, 0, tzinfo=UTC)),
        # Summer time: Copenhagen is UTC+2.
        (datetime(2027, 6, 1, 6, 0, tzinfo=UTC), 8, datetime(2027, 6, 1, 14, 0, tzinfo=UTC)),
    ],
)
def test_working_hours_skip_evenings_weekends_and_danish_holidays(
    start: datetime, add: int, expected: datetime
) -> None:
    assert hours().add(start, add) == expected


def test_a_bad_rule_names_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "escalation.toml"
    bad.write_text('[[ignored_reminder.ladder]]\nafter_working_hours = 16\nto = "chefen"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_escalation_rules(bad)
    assert str(bad) in str(err.value) and "ignored_reminder.ladder.0.to" in str(err.value)
    backwards = tmp_path / "hours.toml"
    backwards.write_text("[working_hours]\nstart_hour = 16\nend_hour = 8\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="working_hours"):
        load_escalation_rules(backwards)
