"""The report family: ``rapport`` (results per scheme), ``rapport måltal|resultater|tid|klausuler``,
their charts, and the monthly status in the match unit's channel.

Why one service: the command, the API (``bot.features.reports_api``), the CLI export and the monthly
post all ask it for a :class:`ReportView`, so they show the same numbers. Computing is pure
(``bot.domain.reports``); the store reads (``bot.store.reports``); cards and files are drawn by
``bot.ui``. Charts ride on the card as a data URI when small (they usually are: a palette PNG of a
few KB); a larger one is kept in Redis for an hour behind an HMAC-signed URL the bot serves.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from bot.commands import command
from bot.domain.clock import Clock, local_date, utc_now
from bot.domain.outcomes import OutcomeConfig, Period, load_outcome_config, outcome_report, parse_period
from bot.domain.reminders import WorkingCalendar
from bot.domain.reports import (
    clause_report,
    previous_month,
    results_report,
    target_report,
    time_report,
)
from bot.domain.targets import TargetConfig, load_targets
from bot.store.conversations import ConversationStore
from bot.store.followups import FollowUpRecords
from bot.store.reports import ReportReads
from bot.turn import Messenger, Reply, Turn
from bot.ui import cards, texts
from bot.ui.cards.report_family import report_family_card
from bot.ui.charts import render_png
from bot.ui.report_views import ReportView, clause_view, results_view, target_view, time_view

log = logging.getLogger("matchbot.reports")

REPORT_KINDS = ("maaltal", "resultater", "tid", "klausuler")
# Teams refuses an activity over about 28 KB: the card with its chart as a data URI must stay under this.
CARD_BUDGET_BYTES = 24_000
CHART_URL_SECONDS = 3600  # a signed chart URL works this long (the PNG is kept as long: keys.py)
CHART_PATH = "/api/rapporter/graf/{chart_id}"
MONTHLY_CHECK_SECONDS = 300.0
# A bot that was down all of the month's first working day posts the status on its return, up to this
# many working days later (the claim's "done" outlives the month: never twice); later it would be stale.
MONTHLY_CATCH_UP_WORKING_DAYS = 2
_CONTRACT_ID = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
)  # the job order model's id rule  # how often a replica looks whether the monthly status is due


class BadReportInput(ValueError):
    """A typed period, month or contract that is none: the message is Danish, for the user."""


def parse_month(text: str) -> Period:
    period = parse_period(text)
    if period is None or period.is_year:
        raise BadReportInput(texts.REPORT_BAD_MONTH.format(value=texts.echo(text)))
    return period


def _period(text: str | None) -> Period | None:
    if not text:
        return None
    period = parse_period(text)
    if period is None:
        raise BadReportInput(texts.BAD_PERIOD.format(value=texts.echo(text)))
    return period


class ChartLinks:
    """Chart PNG → what the card's Image points at: a data URI, or a signed URL served by the bot."""

    def __init__(self, store: ReportReads, base_url: str, secret: bytes, clock: Clock = utc_now) -> None:
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.clock = clock

    def signature(self, chart_id: str, expires: int) -> str:
        return hmac.new(self.secret, f"{chart_id}.{expires}".encode(), hashlib.sha256).hexdigest()

    def valid(self, chart_id: str, expires: str, signature: str) -> bool:
        if not expires.isdigit() or int(expires) < self.clock().timestamp():
            return False
        return hmac.compare_digest(self.signature(chart_id, int(expires)), signature)

    async def signed_url(self, png: bytes) -> str | None:
        """Keep the PNG and give a signed https URL; None without a public base URL."""
        if not self.base_url:
            return None
        chart_id = secrets.token_hex(16)
        await self.store.put_chart(chart_id, png)
        expires = int(self.clock().timestamp()) + CHART_URL_SECONDS
        path = CHART_PATH.format(chart_id=chart_id)
        return f"{self.base_url}{path}?udloeber={expires}&signatur={self.signature(chart_id, expires)}"


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class ReportService:
    """Computes the reports and draws their cards; ``rapport …`` in Teams."""

    def __init__(
        self,
        store: ReportReads,
        records: FollowUpRecords,
        links: ChartLinks,
        clock: Clock = utc_now,
        *,
        targets: TargetConfig | None = None,
        outcomes: OutcomeConfig | None = None,
    ) -> None:
        self.store = store
        self.records = records
        self.links = links
        self.clock = clock
        self.targets = targets or load_targets()  # validated at start-up: a bad file stops the bot
        self.outcomes = outcomes or load_outcome_config()

    @command("rapport", usage=texts.USAGE_RAPPORT, help=texts.CMD_RAPPORT, args=(0, 2))
    async def report_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        kind = texts.REPORT_KINDS.get(args[0].casefold()) if args else None
        try:
            if kind is None:  # "rapport" or "rapport 2026-11": results per scheme, as before
                if len(args) > 1:
                    raise BadReportInput(texts.REPORT_BAD_KIND.format(value=texts.echo(args[0])))
                period = _period(args[0] if args else None)
                return Reply(card=await self.outcome_card(period))
            view = await self.view(kind, args[1] if len(args) > 1 else None)
        except BadReportInput as exc:
            return Reply(str(exc))
        return Reply(card=await self.card(view))

    async def outcome_card(self, period: Period | None) -> cards.Card:
        """Hires per scheme and their 3-month outcome ("rapport"), today in Copenhagen time."""
        records, jobs = await self.records.placements()
        report = outcome_report(
            records,
            jobs,
            today=cards.local(self.clock()).date(),
            config=self.outcomes,
            period=period,
            months_to_check=self.records.rules.three_month_check.months_after_start,
        )
        return cards.report_card(report)

    async def view(self, kind: str, arg: str | None = None) -> ReportView:
        """The report ``kind`` (maaltal|resultater|tid|klausuler) for ``arg`` (month, period or contract)."""
        today = local_date(self.clock())
        if kind == "maaltal":
            month = parse_month(arg) if arg else previous_month(today)
            data = await self.store.report_data()
            return target_view(target_report(data, month=month, config=self.targets))
        if kind == "resultater":
            return results_view(results_report(await self.store.report_data(), period=_period(arg)))
        if kind == "tid":
            return time_view(time_report(await self.store.report_data(), period=_period(arg)))
        if kind == "klausuler":
            if arg is not None and not _CONTRACT_ID.match(arg):
                raise BadReportInput(texts.REPORT_BAD_CONTRACT.format(value=texts.echo(arg)))
            return clause_view(clause_report(await self.store.report_data(), contract=arg))
        raise BadReportInput(texts.REPORT_BAD_KIND.format(value=texts.echo(kind)))

    async def card(self, view: ReportView) -> cards.Card:
        """The card with its chart: inline when the whole card stays within Teams' size, else a signed URL."""
        png = await asyncio.to_thread(render_png, view.chart) if view.chart and view.chart.labels else None
        if png is None:
            return report_family_card(view)
        inline = report_family_card(view, data_uri(png))
        if len(json.dumps(inline, ensure_ascii=False).encode()) <= CARD_BUDGET_BYTES:
            return inline
        url = await self.links.signed_url(png)
        return report_family_card(view, url, chart_missing=url is None)


# --- the monthly status in the match unit's channel ---------------------------------------------------------


@dataclass(frozen=True)
class MonthlySchedule:
    enabled: bool = True
    hour: int = 8  # Copenhagen time: not before this hour on the first working day


class MonthlyStatus:
    """Posts ``rapport måltal`` for the last month in the match channel on the month's first working
    day, once across replicas (a claim with a lease in Redis, ``ReportReads.claim_monthly``)."""

    def __init__(
        self,
        reports: ReportService,
        store: ReportReads,
        conversations: ConversationStore,
        messenger: Messenger,
        channel_id: str,
        calendar: WorkingCalendar,
        schedule: MonthlySchedule = MonthlySchedule(),
        clock: Clock = utc_now,
    ) -> None:
        self.reports = reports
        self.store = store
        self.conversations = conversations
        self.messenger = messenger
        self.channel_id = channel_id
        self.calendar = calendar
        self.schedule = schedule
        self.clock = clock

    def due(self, now: datetime) -> Period | None:
        """The month to report from the first working day at the hour on; else None.

        A bot down all that day catches up on its return, on a working day at most
        MONTHLY_CATCH_UP_WORKING_DAYS later (the claim makes it once); later in the month it does not
        post a stale status."""
        local = cards.local(now)
        today = local.date()
        first = self.calendar.on_or_after(today.replace(day=1))
        if not self.schedule.enabled or today < first or not self.calendar.is_working_day(today):
            return None
        if today == first and local.hour < self.schedule.hour:
            return None
        if self.calendar.working_days_between(first, today) > MONTHLY_CATCH_UP_WORKING_DAYS:
            return None
        return previous_month(today)

    async def run_once(self, now: datetime | None = None) -> bool:
        """Post the status if it is due and nobody has; True when this replica posted it."""
        month = self.due(now or self.clock())
        if month is None or not self.channel_id:
            return False
        name = f"{month.start:%Y-%m}"
        token = secrets.token_hex(8)
        if not await self.store.claim_monthly(name, token):
            return False
        try:
            reference = await self.conversations.get_channel(self.channel_id)
            if reference is None:
                await self.store.release_monthly(name, token)  # not installed yet: try next round
                return False
            view = await self.reports.view("maaltal", name)
            card = await self.reports.card(view)
            await self.messenger.post(reference, card, new_thread=True)
        except Exception:
            await self.store.release_monthly(name, token)
            raise
        if not await self.store.finish_monthly(name, token):
            log.warning("monthly status posted after its claim ran out", extra={"month": name})
        log.info("monthly status posted", extra={"month": name})
        return True

    async def run_forever(self, stop: asyncio.Event, interval: float = MONTHLY_CHECK_SECONDS) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                await self.run_once()
            except Exception:  # the loop outlives a failed round (Redis or Teams away): next round retries
                log.exception("monthly status round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(interval - (time.monotonic() - started), 0.1))


def chart_secret(configured: str) -> bytes:
    """The HMAC key for chart URLs: the configured one (shared by replicas), else one per process."""
    return configured.encode() if configured else secrets.token_bytes(32)


__all__ = [
    "REPORT_KINDS",
    "BadReportInput",
    "ChartLinks",
    "MonthlySchedule",
    "MonthlyStatus",
    "ReportService",
    "chart_secret",
]
