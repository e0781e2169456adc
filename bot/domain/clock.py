"""One time zone and one clock for the whole bot.

Why one place: caseworkers think in Copenhagen days (a reminder "on Monday", a start date, the
3-month check), while Redis stores UTC epochs. Every "what day is it" goes through :func:`local_date`,
and every "now" through an injected :data:`Clock`, so tests and the demo can move time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ZONE_NAME = "Europe/Copenhagen"
ZONE = ZoneInfo(ZONE_NAME)

Clock = Callable[[], datetime]  # injected everywhere time matters, so tests and the demo can move it


def utc_now() -> datetime:
    """The default clock: now, timezone-aware UTC."""
    return datetime.now(UTC)


def local_date(moment: datetime, zone: ZoneInfo = ZONE) -> date:
    """The calendar day ``moment`` falls on in ``zone`` (Copenhagen unless configured otherwise)."""
    return moment.astimezone(zone).date()
