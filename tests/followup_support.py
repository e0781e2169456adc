"""Helpers for the follow-up tests: an injected clock, stores on their own connections, sample data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.clock import ZONE
from bot.domain.models import FollowUp, Reminder
from bot.domain.reminders import ReminderRules
from bot.features.reminders import Notifier, ReminderScheduler
from bot.store import Stores
from bot.store.connection import client_from_url
from matching.models import CandidateProfile, JobOrder


class Clock:
    """Injected time: tests move it, nothing sleeps."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, value: datetime) -> datetime:
        self.now = value
        return value


def cph(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    """A Copenhagen wall-clock time as aware UTC (winter: UTC+1, summer: UTC+2)."""
    return datetime(y, m, d, h, mi, tzinfo=ZONE).astimezone(UTC)


@dataclass(frozen=True)
class Ranked:
    """What save_shortlist needs from matching.results.MatchResult."""

    candidate_id: str
    score: float
    reasons: list[str] = field(default_factory=lambda: ["Jobønske 'Lagermedarbejder' ≈ 'Lagerarbejder' (96)"])


def job_order(job_id: str = "JO-2026-0001", deadline: date | None = None, **extra: Any) -> JobOrder:
    fields: dict[str, Any] = {
        "id": job_id, "title": "Lagermedarbejder", "company": "Lager A/S", "employment_type": "ordinaert_job",
        "hours_per_week": 37, "postcode": "2650", "deadline": deadline,
    }
    return JobOrder(**{**fields, **extra})


def candidate(cid: str, consultant: str = "jk@kk.dk") -> CandidateProfile:
    return CandidateProfile(
        id=cid, jobcenter="Jobcenter København Nord", consultant=consultant,
        desired_titles=["Lagermedarbejder"], postcode="2400", hours_per_week=37, benefit="dagpenge",
    )


class StoreFactory:
    """Factory for stores on separate connections (each its own client and pool) sharing one prefix."""

    def __init__(self, url: str, prefix: str, clock: Clock) -> None:
        self.url, self.prefix, self.clock = url, prefix, clock
        self.clients: list[Any] = []

    def new(self, **kwargs: Any) -> Stores:
        client = client_from_url(self.url)
        self.clients.append(client)
        return Stores.open(client, self.prefix, self.clock, **kwargs)

    async def close(self) -> None:
        for c in self.clients:
            await c.aclose()


def scheduler_on(
    stores: Stores, notifier: Notifier, rules: ReminderRules, **options: Any
) -> ReminderScheduler:
    """A reminder scheduler over the queue, records and retention of ``stores``."""
    return ReminderScheduler(stores.reminders, stores.followups, stores.retention, notifier, rules, **options)


class RecordingNotifier:
    """The tests' notifier: records what would have gone to Teams; can be told to fail."""

    def __init__(self, fail: Callable[[Reminder], bool] | None = None) -> None:
        self.sent: list[tuple[Reminder, FollowUp]] = []
        self.fail = fail
        self.failures = 0

    async def notify(self, reminder: Reminder, followup: FollowUp) -> None:
        if self.fail is not None and self.fail(reminder):
            self.failures += 1
            raise ConnectionError("Teams svarer ikke")
        self.sent.append((reminder, followup))
