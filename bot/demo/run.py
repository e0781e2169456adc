"""`matchbot demo`: the match unit's day on the bundled sample data, with no Redis and no Teams.

Why it drives the real thing: a newcomer should see what Teams would get, so the demo builds the
real app (``bot.app.create_app``) on the embedded store (fakeredis: nothing persists, and it says
so), starts the loopback stand-in for the Bot Connector (``bot.demo.loopback``), and then plays the
day through the app's real endpoints: job orders are POSTed to the job order API, the lead presses
buttons on the shortlist card (Bot Framework ``invoke`` activities), consultants update their status,
the clock moves to the next working days for reminders and to the 3-month check. Every card the bot
sends is rendered in the terminal as a panel, as the channel shows it.

The day is a table of scripted steps (``Demo.STEPS``); each reads and leaves what the next needs in
a ``Day``.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import aiohttp
import openpyxl
from aiohttp import web
from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bot.app import SERVICES_KEY, Services, create_app
from bot.demo.loopback import CHANNEL_ID, PERSONAL_PREFIX, Delivered, DemoConnector, Teams
from bot.demo.render import card_lines
from bot.domain.reminders import add_months
from bot.domain.states import STATE_LABELS
from bot.features.imports import import_candidates
from bot.store.pool import PoolSwapper
from bot.ui import cards, texts
from config.settings import Settings
from matching.io import load_job_order
from matching.models import FORLOEB_TYPES, JobOrder, da_number

API_KEY = "demo-noegle-kun-til-demo"
CPH = cards.LOCAL_ZONE  # the same zone every card renders its times in
# Friday morning: the reminder then lands on Tuesday, because weekends are not working days.
DEMO_START = datetime(2026, 11, 20, 9, 0, tzinfo=CPH)
JOB_ORDERS_SHOWN = 2
# Copenhagen's scheme rules in the day (issue 10): a virksomhedspraktik where people on
# ledighedsydelse are on the list, and a voksenlærling list led by unskilled adults (25+).
SCHEME_JOB_ORDERS = ("JO-2026-0053", "JO-2026-0043")
LEAD = {"id": "29:leder", "aadObjectId": "aad-leder", "name": "Leder", "upn": "leder.matchenhed@kk.dk"}
# The first consultant's status presses: to, the date the button asks for, when it is pressed.
STATUS_STEPS = (
    ("kontaktet", None, datetime(2026, 11, 23, 10, 0, tzinfo=CPH)),
    ("ansoegt", None, datetime(2026, 11, 23, 15, 0, tzinfo=CPH)),
    ("samtale", date(2026, 11, 26), datetime(2026, 11, 24, 9, 30, tzinfo=CPH)),
)
FALLBACK_START = date(2027, 1, 4)  # a job order without a start date: the hire starts then
# Issue 11: KEH's virksomhedskonsulent and the job order they follow on their own card.
KEH = {"id": "29:keh", "aadObjectId": "aad-keh", "name": "KEH", "upn": "vk@erhvervshus.kk.dk"}
KEH_JOB_ID = "JO-2026-KEH1"


class DemoClock:
    """The demo's time: moved forward explicitly; the bot and the reminder engine read it."""

    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)


def data_dir() -> Path:
    """Sample data: $MATCHBOT_DATA_DIR, ./data, or the data/ folder next to the package (a checkout)."""
    candidates = [Path(os.environ["MATCHBOT_DATA_DIR"])] if os.environ.get("MATCHBOT_DATA_DIR") else []
    candidates += [Path.cwd() / "data", Path(__file__).resolve().parents[2] / "data"]
    for path in candidates:
        if (path / "candidates.jsonl").exists():
            return path
    raise FileNotFoundError(texts.DEMO_NO_DATA)


@dataclass
class Day:
    """What the day's steps hand on to each other."""

    http: aiohttp.ClientSession
    teams: Teams
    services: Services
    folder: Path
    bot_url: str
    jobs: list[JobOrder] = field(default_factory=list)
    post: Delivered | None = None  # the first job order's shortlist card in the channel
    card: dict[str, Any] = field(default_factory=dict)  # that card as the lead last saw it
    approvals: list[str] = field(default_factory=list)
    handovers: list[Delivered] = field(default_factory=list)  # the 1:1 cards to the consultants
    current: dict[str, Any] = field(default_factory=dict)  # the first hand-over card, as last seen
    consultant: dict[str, Any] = field(default_factory=lambda: dict(LEAD))
    # The forløb of the day (issue 10): its hand-over card, the candidate and the job order.
    forloeb: tuple[Delivered, str, JobOrder] | None = None

    @property
    def job(self) -> JobOrder:
        return self.jobs[0]

    @property
    def first(self) -> Delivered | None:
        return self.handovers[0] if self.handovers else None

    @property
    def start(self) -> date:
        return self.job.start_date or FALLBACK_START


class Demo:
    def __init__(self, console: Console, fast: bool) -> None:
        self.console = console
        self.fast = fast
        self.clock = DemoClock(DEMO_START)
        self.connector = DemoConnector(self._show)
        self.quiet = False
        self.steps = 0
        self.questions = 0  # interest questions delivered: the first is shown, the rest counted

    # rendering ----------------------------------------------------------------------------------
    def _where(self, item: Delivered) -> str:
        if item.conversation_id.startswith(CHANNEL_ID):
            return texts.DEMO_WHERE_CHANNEL
        member_id = item.conversation_id.removeprefix(PERSONAL_PREFIX)
        member = self.connector.members.get(member_id)
        return texts.DEMO_WHERE_PERSONAL.format(upn=member["userPrincipalName"] if member else member_id)

    def _show(self, item: Delivered, *, force: bool = False) -> None:
        if self.quiet:
            return
        if item.kind != "update" and _is_question(item) and not force:
            self.questions += 1
            if self.questions > 1:  # one "Er kandidaten interesseret?" shows what the others look like
                return
        local = cards.local(self.clock())
        when = f"{texts.DEMO_WEEKDAYS[local.weekday()]} {local:%d.%m.%Y %H:%M}"
        verb = texts.DEMO_KIND.get(item.kind, item.kind)
        title = f"{self._where(item)} · {verb} · {when}"
        card = item.card
        body: Group | Text
        if card is not None:
            body = Group(*card_lines(card))
            style = "yellow" if item.kind == "update" else "blue"
        else:
            body = Text(str(item.activity.get("text") or "").replace("**", ""))
            style = "magenta"
        self.console.print(Panel(body, title=title, title_align="left", border_style=style))

    def step(self, title: str, text: str = "") -> None:
        """A numbered section: numbered here, in the order the story runs, not in the titles."""
        self.steps += 1
        self.console.print()
        self.console.print(Rule(f"[bold]{self.steps}. {title}"))
        if text:
            self.console.print(Text(text, style="italic"))

    async def pause(self) -> None:
        if not self.fast:
            await asyncio.sleep(0.6)

    # the run ------------------------------------------------------------------------------------
    async def run(self) -> int:
        folder = data_dir()
        self.console.print(
            Panel(texts.DEMO_EMBEDDED_WARNING, title=texts.DEMO_WARNING_TITLE, border_style="bold red")
        )
        connector_url = await self.connector.start()
        settings = Settings.model_validate(
            {
                "REDIS_URL": "",
                "MATCH_CHANNEL_ID": CHANNEL_ID,
                "JOBORDRE_API_KEYS": [API_KEY],
                "LOG_LEVEL": os.environ.get("LOG_LEVEL", "ERROR"),
                "INTAKE_CLAIM_IDLE_MS": 2000,
                "MATCH_LEADS": LEAD["upn"],  # the lead decides, and is told when a shortlist waits
            }
        )
        app = create_app(settings, clock=self.clock, run_scheduler=False, warm_pool=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        bot_url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
        try:
            async with aiohttp.ClientSession() as http:
                teams = Teams(http, bot_url, connector_url, self.clock)
                day = Day(http, teams, app[SERVICES_KEY], folder, bot_url)
                for step in self.STEPS:
                    await step(self, day)
                return 0
        finally:
            await runner.cleanup()
            await self.connector.close()

    # the day's steps, in order ------------------------------------------------------------------
    async def _pool(self, day: Day) -> None:
        self.step(texts.DEMO_STEP_POOL, texts.DEMO_STEP_POOL_TEXT)
        services = day.services
        report = await import_candidates(
            PoolSwapper(services.redis, services.settings.redis_key_prefix),
            day.folder / "candidates.jsonl",
            "replace",
        )
        self.console.print(
            texts.DEMO_POOL_DONE.format(
                accepted=report.accepted, rows=report.rows, seconds=da_number(report.seconds)
            )
        )
        consultants = sorted({p.consultant for p in await services.stores.pool.all_candidates()})
        for n, upn in enumerate(consultants):
            self.connector.add_member(f"29:k{n}", f"aad-k{n}", upn)
        self.connector.add_member(LEAD["id"], LEAD["aadObjectId"], LEAD["upn"])
        await services.pool.get()

    async def _install(self, day: Day) -> None:
        self.step(texts.DEMO_STEP_INSTALL)
        await day.teams.install_in_team(LEAD)
        await self.pause()

    async def _job_orders(self, day: Day) -> None:
        """Job orders arrive through the API; the worker posts their shortlists in the channel."""
        self.step(texts.DEMO_STEP_JOB_ORDERS, texts.DEMO_STEP_JOB_ORDERS_TEXT)
        files = sorted((day.folder / "job_orders").glob("*.json"))[:JOB_ORDERS_SHOWN]
        files += [day.folder / "job_orders" / f"{j}.json" for j in SCHEME_JOB_ORDERS]
        files = [f for f in dict.fromkeys(files) if f.exists()]
        day.jobs = [load_job_order(f) for f in files]
        payload = [json.loads(job.model_dump_json()) for job in day.jobs]
        async with day.http.post(
            day.bot_url + "api/jobordrer", json=payload, headers={"Authorization": f"Bearer {API_KEY}"}
        ) as resp:
            answer = await resp.json()
            self.console.print(
                Text(f"POST /api/jobordrer → {resp.status}: {answer.get('besked', '')}", style="bold")
            )
        shortlists = await self._wait(lambda: self._shortlist_posts(day.jobs), len(day.jobs))
        day.post = shortlists[day.job.id]
        day.card = day.post.card or {}
        if self.questions > 1:
            hidden = texts.DEMO_QUESTIONS_HIDDEN.format(count=self.questions - 1)
            self.console.print(Text(hidden, style="italic"))
        await self.pause()

    async def _interest(self, day: Day) -> None:
        """Before the lead decides: one consultant answers Ja, another Nej; the next candidate comes on."""
        assert day.post is not None
        asked = [d for d in self.connector.delivered if _is_question(d, day.job.id)]
        intro = texts.DEMO_STEP_INTEREST_TEXT.format(job_order_id=day.job.id, count=len(asked))
        self.step(texts.DEMO_STEP_INTEREST, intro)
        if len(asked) < 3:
            return
        before = len(self.connector.delivered)
        self.quiet = True  # the answers' effect below, instead of one panel per press
        answers = ((asked[0], "ja", texts.INTEREST_YES), (asked[2], "nej", texts.INTEREST_NO))
        for question, answer, label in answers:
            data = cards.find_action(question.card or {}, cards.VERB_INTEREST, answer=answer)
            if data is not None:
                consultant = self._member_of(question.conversation_id)
                await self._press(day.teams, consultant, question, {}, data, label)
        self.quiet = False
        for item in self.connector.delivered[before:]:
            if _is_question(item, day.job.id):  # the consultant of the candidate who came on is asked
                self._show(item, force=True)
        self._show_latest(day.post.conversation_id)
        channel = day.post.conversation_id
        updates = [d for d in self.connector.delivered if d.conversation_id == channel and d.card]
        day.card = (updates[-1].card or day.card) if updates else day.card
        await self.pause()

    async def _decisions(self, day: Day) -> None:
        """The lead approves two candidates and rejects one on the first shortlist."""
        assert day.post is not None
        self.step(texts.DEMO_STEP_DECISIONS, texts.DEMO_STEP_DECISIONS_TEXT.format(job_order_id=day.job.id))
        self.quiet = True  # one panel with the end result instead of one per click
        for _ in range(2):
            data = cards.find_action(day.card, "godkend")
            if data is None:
                break
            day.card = await self._press(day.teams, LEAD, day.post, day.card, data, texts.CARD_APPROVE)
            day.approvals.append(str(data["cand"]))
        reject = cards.find_action(day.card, "afvis")
        if reject is not None:
            reject[f"reason_{reject['cand']}"] = "tilgaengelig"  # "Kan ikke starte til tiden"
            day.card = await self._press(day.teams, LEAD, day.post, day.card, reject, texts.CARD_REJECT)
        self.quiet = False
        self._show_latest(day.post.conversation_id)
        await self.pause()

    async def _handover(self, day: Day) -> None:
        assert day.post is not None
        self.step(texts.DEMO_STEP_HANDOVER, texts.DEMO_STEP_HANDOVER_TEXT)
        before = len(self.connector.delivered)
        send = cards.find_action(day.card, "send_godkendte")
        if send is not None:
            await day.teams.press(LEAD, day.post.conversation_id, day.post.activity_id, send)
        day.handovers = [
            d
            for d in self.connector.delivered[before:]
            if not d.conversation_id.startswith(CHANNEL_ID) and d.card is not None
        ]
        await self.pause()

    async def _status_updates(self, day: Day) -> None:
        """The first consultant's status updates (Monday, Tuesday)."""
        self.step(texts.DEMO_STEP_STATUS, texts.DEMO_STEP_STATUS_TEXT)
        first = day.first
        if first is not None:
            day.current = first.card or {}
            day.consultant = self._member_of(first.conversation_id)
            self.quiet = True
            for to, when, moment in STATUS_STEPS:
                self.clock.set(moment)
                day.current = await self._status(day.teams, day.consultant, first, day.current, to, when)
            self.quiet = False
            self._show_card(first, day.current)
        await self.pause()

    async def _reminder(self, day: Day) -> None:
        """A reminder on the next working days: approved Friday, untouched → Tuesday (not the weekend)."""
        self.step(texts.DEMO_STEP_REMINDER, texts.DEMO_STEP_REMINDER_TEXT)
        self.clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=CPH))
        sent = await day.services.scheduler.run_once(self.clock())
        self.console.print(texts.DEMO_REMINDERS_SENT.format(count=sent))
        await self.pause()

    async def _escalation(self, day: Day) -> None:
        """Tuesday: shortlists still undecided after 16 working hours reach the lead and the channel."""
        self.step(texts.DEMO_STEP_ESCALATION, texts.DEMO_STEP_ESCALATION_TEXT)
        before = len(self.connector.delivered)
        self.quiet = True  # the redrawn shortlist cards would repeat what is above
        sent = await day.services.escalation.run_once(self.clock())
        self.quiet = False
        for item in self.connector.delivered[before:]:
            if item.kind != "update":
                self._show(item)
        self.console.print(texts.DEMO_ESCALATIONS_SENT.format(count=sent))
        await self.pause()

    async def _hired(self, day: Day) -> None:
        """Hired after the interview, from the job order's start date."""
        assert day.post is not None
        self.step(texts.DEMO_STEP_HIRED, texts.DEMO_STEP_HIRED_TEXT)
        first = day.first
        if first is not None:
            self.clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=CPH))
            self.quiet = True
            day.current = await self._status(
                day.teams, day.consultant, first, day.current, "ansat", day.start
            )
            self.quiet = False
            self._show_card(first, day.current)
            self._show_latest(day.post.conversation_id)
        await self.pause()

    async def _deadline(self, day: Day) -> None:
        """The application deadline comes near for the candidate nobody contacted: the consultant
        closes it."""
        rules = day.services.stores.context.rules
        if day.job.deadline is None or len(day.handovers) < 2:
            return
        days_before = rules.application_deadline.working_days_before
        warn = rules.calendar().sub_working_days(day.job.deadline, days_before)
        deadline_text = texts.DEMO_STEP_DEADLINE_TEXT.format(deadline=cards.when(day.job.deadline))
        self.step(texts.DEMO_STEP_DEADLINE, deadline_text)
        self.clock.set(datetime.combine(warn, clock_time(rules.deliver_at_hour), CPH))
        before = len(self.connector.delivered)
        sent = await day.services.scheduler.run_once(self.clock())
        self.console.print(texts.DEMO_REMINDERS_SENT.format(count=sent))
        conv = day.handovers[1].conversation_id
        nudges = [d for d in self.connector.delivered[before:] if d.conversation_id == conv]
        card_now = nudges[-1].card or {} if nudges else {}
        close = cards.find_action(card_now, "status", to="ikke_interesseret")
        if close is not None:
            self.clock.set(self.clock() + timedelta(hours=2))
            await day.teams.press(self._member_of(conv), conv, nudges[-1].activity_id, close)
        await self.pause()

    async def _forloeb_start(self, day: Day) -> None:
        """A virksomhedspraktik is a forløb, not a hire: the lead approves, the consultant's buttons
        end in "Startet i forløb" (never "Ansat")."""
        job = next((j for j in day.jobs if j.employment_type in FORLOEB_TYPES), None)
        post = self._shortlist_posts(day.jobs).get(job.id) if job is not None else None
        approve = cards.find_action(post.card or {}, "godkend") if post is not None else None
        if job is None or post is None or approve is None:
            return
        self.step(texts.DEMO_STEP_FORLOEB, texts.DEMO_STEP_FORLOEB_TEXT.format(job_order_id=job.id))
        self.clock.set(datetime(2026, 11, 27, 15, 0, tzinfo=CPH))
        self.quiet = True
        card = await self._press(day.teams, LEAD, post, post.card or {}, approve, texts.CARD_APPROVE)
        before = len(self.connector.delivered)
        send = cards.find_action(card, "send_godkendte")
        if send is not None:
            await day.teams.press(LEAD, post.conversation_id, post.activity_id, send)
        handover = next(
            (
                d
                for d in self.connector.delivered[before:]
                if not d.conversation_id.startswith(CHANNEL_ID) and d.card is not None
            ),
            None,
        )
        self.quiet = False
        if handover is None:
            return
        consultant, current = self._member_of(handover.conversation_id), handover.card or {}
        start = job.start_date or FALLBACK_START
        steps = (
            ("kontaktet", None),
            ("ansoegt", None),
            ("samtale", date(2026, 12, 2)),
            ("startet_forloeb", start),
        )
        self.quiet = True
        for to, when in steps:
            current = await self._status(day.teams, consultant, handover, current, to, when)
        self.quiet = False
        self._show_card(handover, current)
        day.forloeb = (handover, str(approve["cand"]), job)
        await self.pause()

    async def _forloeb_outcome(self, day: Day) -> None:
        """Three months after the praktik ended, its outcome in the forløb's own words: the reminder
        offers "I job", "I uddannelse", "Hverken job eller uddannelse" (BIF's measure)."""
        if day.forloeb is None:
            return
        handover, cand, job = day.forloeb
        record = await day.services.stores.followups.get_followup(job.id, cand)
        if record is None or record.check_base is None:
            return
        self.step(texts.DEMO_STEP_FORLOEB_END, texts.DEMO_STEP_FORLOEB_END_TEXT)
        rules = day.services.stores.context.rules
        months = rules.three_month_check.months_after_start
        check_day = rules.calendar().on_or_after(add_months(record.check_base, months))
        self.clock.set(datetime.combine(check_day, clock_time(rules.deliver_at_hour), CPH))
        before = len(self.connector.delivered)
        sent = await day.services.scheduler.run_once(self.clock())
        self.console.print(texts.DEMO_REMINDERS_SENT.format(count=sent))
        conv = handover.conversation_id
        check = [d for d in self.connector.delivered[before:] if d.conversation_id == conv]
        consultant = self._member_of(conv)
        data = cards.find_action(check[-1].card or {}, "status", to="i_uddannelse") if check else None
        if data is not None:
            card = await self._press(
                day.teams, consultant, check[-1], check[-1].card or {}, data, "I uddannelse"
            )
            confirm = cards.find_action(card, "status", to="i_uddannelse", ok=1)
            if confirm is not None:  # an outcome is asked twice on the card
                label = texts.CONFIRM_BUTTON.format(label="I uddannelse")
                card = await self._press(day.teams, consultant, check[-1], card, confirm, label)
            self._show_card(check[-1], card)
        else:
            await day.teams.say(consultant, conv, f"status {job.id} {cand} i uddannelse")
        await self.pause()

    async def _three_months(self, day: Day) -> None:
        """Three months after the start date the consultant confirms the candidate is still in the job."""
        self.step(texts.DEMO_STEP_3MDR, texts.DEMO_STEP_3MDR_TEXT)
        rules = day.services.stores.context.rules
        months = rules.three_month_check.months_after_start
        check_day = rules.calendar().on_or_after(add_months(day.start, months))
        self.clock.set(datetime.combine(check_day, clock_time(rules.deliver_at_hour), CPH))
        before = len(self.connector.delivered)
        sent = await day.services.scheduler.run_once(self.clock())
        self.console.print(texts.DEMO_REMINDERS_SENT.format(count=sent))
        first = day.first
        if first is not None:
            consultant = self._member_of(first.conversation_id)
            conv = first.conversation_id
            check = [d for d in self.connector.delivered[before:] if d.conversation_id == conv]
            data = cards.find_action(check[-1].card or {}, "status", to="i_job_3_mdr") if check else None
            if data is not None:
                where = (check[-1].conversation_id, check[-1].activity_id)
                answer = await day.teams.press(consultant, *where, data)
                asked = self._invoke_card(answer) or {}
                confirm = cards.find_action(asked, "status", to="i_job_3_mdr", ok=1)
                if confirm is not None:  # the 3-month outcome is asked twice on the card
                    await day.teams.press(consultant, *where, confirm)
            else:
                command = f"status {day.job.id} {day.approvals[0]} i_job_3_mdr"
                await day.teams.say(consultant, first.conversation_id, command)
        await self.pause()

    async def _funnel(self, day: Day) -> None:
        self.step(texts.DEMO_STEP_FUNNEL)
        await day.teams.say(LEAD, CHANNEL_ID, "jobordrer")
        await day.teams.say(LEAD, CHANNEL_ID, f"overblik {day.job.id}")
        await day.teams.say(LEAD, CHANNEL_ID, "rapport")
        table = Table(title=texts.DEMO_FUNNEL_TITLE)
        table.add_column(texts.DEMO_FUNNEL_JOB)
        table.add_column(texts.DEMO_FUNNEL_STATE)
        table.add_column(texts.DEMO_FUNNEL_COUNT, justify="right")
        for j in day.jobs:
            url = day.bot_url + f"api/jobordrer/{j.id}"
            async with day.http.get(url, headers={"X-API-Key": API_KEY}) as resp:
                state = await resp.json()
            for code, count in sorted(state.get("tragt", {}).items()):
                if count:
                    table.add_row(j.id, STATE_LABELS.get(code, code), str(count))
        self.console.print(table)

    async def _monthly_status(self, day: Day) -> None:
        """Issue 12: the monthly måltal status in the channel on the first working day, and its export."""
        praktik = day.forloeb[2].id if day.forloeb else "–"
        self.step(texts.DEMO_STEP_MONTHLY, texts.DEMO_STEP_MONTHLY_TEXT.format(job_order_id=praktik))
        services = day.services
        today = cards.local(self.clock()).date()
        first = services.stores.context.rules.calendar().on_or_after(add_months(today.replace(day=1), 1))
        self.clock.set(datetime.combine(first, clock_time(9), CPH))
        await services.monthly.run_once(self.clock())
        month = f"{add_months(first, -1):%Y-%m}"
        url = day.bot_url + f"api/rapporter/maaltal?periode={month}&format=xlsx"
        async with day.http.get(url, headers={"X-API-Key": API_KEY}) as resp:
            body = await resp.read()
        out = Path(tempfile.gettempdir()) / f"matchbot-demo-maaltal-{month}.xlsx"
        out.write_bytes(body)
        sheets = ", ".join(openpyxl.load_workbook(out, read_only=True).sheetnames)
        self.console.print(texts.DEMO_EXPORT_WRITTEN.format(path=out, size=len(body), sheets=sheets))

    async def _done(self, day: Day) -> None:
        self.console.print(Panel(texts.DEMO_DONE, border_style="green"))

    # --- issue 11: a job order from arrival to "besat" with KEH's card --------------------------------
    async def _keh(self, day: Day) -> None:
        """KEH's virksomhedskonsulent follows a job order on their own 1:1 card and reports the hire."""
        self.step(texts.DEMO_STEP_KEH, texts.DEMO_STEP_KEH_TEXT)
        self.connector.add_member(KEH["id"], KEH["aadObjectId"], KEH["upn"])
        await day.teams.install_personal(KEH)
        keh_side = {"keh_consultant": KEH["upn"], "company_contact_role": "HR"}
        update = {"id": KEH_JOB_ID, "positions": 1, "deadline": None, "start_date": None, **keh_side}
        job = day.job.model_copy(update=update)
        payload = json.loads(job.model_dump_json())
        headers = {"Authorization": f"Bearer {API_KEY}"}
        async with day.http.post(day.bot_url + "api/jobordrer", json=payload, headers=headers) as resp:
            self.console.print(Text(f"POST /api/jobordrer → {resp.status}", style="bold"))
        conv = PERSONAL_PREFIX + KEH["id"]
        self.quiet = True
        arrived = await self._wait(lambda: self._keh_cards(conv), 1)
        self.quiet = False
        self._show(arrived[KEH_JOB_ID])  # KEH's card as it arrives with the shortlist
        self.quiet = True
        rows = await day.services.shortlists.rows(KEH_JOB_ID)
        cand = rows[0].candidate_id
        interview = cards.local(self.clock()).date() + timedelta(days=3)
        for step in ("godkendt", "kontaktet", "henvist", f"samtale {interview.isoformat()}"):
            await day.teams.say(LEAD, CHANNEL_ID, f"status {KEH_JOB_ID} {cand} {step}")
        self.quiet = False
        card_post = self._keh_cards(conv)[KEH_JOB_ID]
        self._show_latest(conv)
        latest = [d for d in self.connector.delivered if d.conversation_id == conv and d.card][-1].card or {}
        hired = cards.find_action(latest, "keh_ansat", cand=cand)
        if hired is not None:
            start = interview + timedelta(days=11)
            hired[f"keh_start_{cand}"] = start.isoformat()
            self.quiet = True
            card = await self._press(day.teams, KEH, card_post, latest, hired, texts.KEH_BUTTON_HIRED)
            self.quiet = False
            self._show_card(card_post, card)
        async with day.http.get(day.bot_url + f"api/jobordrer/{KEH_JOB_ID}", headers=headers) as resp:
            state = await resp.json()
        line = texts.DEMO_KEH_STATE.format(
            job_order_id=KEH_JOB_ID,
            status=state.get("jobordre_status_tekst", "?"),
            filled=state.get("besatte", 0),
            positions=state.get("stillinger", 0),
        )
        self.console.print(Text(line, style="bold green"))

    def _keh_cards(self, conversation_id: str) -> dict[str, Delivered]:
        """KEH's job order cards in their 1:1 chat, by job order id (the first post of each)."""
        found: dict[str, Delivered] = {}
        for d in self.connector.delivered:
            if d.conversation_id == conversation_id and d.card is not None and d.kind != "update":
                found.setdefault(KEH_JOB_ID, d)
        return found

    STEPS: tuple[Callable[[Demo, Day], Awaitable[None]], ...] = (
        _pool,
        _install,
        _job_orders,
        _interest,
        _decisions,
        _handover,
        _status_updates,
        _reminder,
        _escalation,
        _hired,
        _forloeb_start,
        _deadline,
        _three_months,
        _keh,
        _forloeb_outcome,  # moves the clock past the praktik's check date (May 2027)
        _funnel,  # issue 10: the day ends with jobordrer, overblik and rapport …
        _monthly_status,  # … issue 12: and the monthly status with its export, the next month
        _done,
    )

    # helpers ------------------------------------------------------------------------------------
    def _shortlist_posts(self, jobs: list[JobOrder]) -> dict[str, Delivered]:
        found: dict[str, Delivered] = {}
        for d in self.connector.delivered:
            if d.kind == "create" and d.card is not None:
                for job in jobs:
                    if f"Jobordre {job.id}" in json.dumps(d.card, ensure_ascii=False):
                        found.setdefault(job.id, d)
        return found

    async def _wait(
        self, probe: Callable[[], dict[str, Delivered]], count: int, timeout: float = 60.0
    ) -> dict[str, Delivered]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found := probe()) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(texts.DEMO_TIMEOUT)
            await asyncio.sleep(0.05)
        return found

    @staticmethod
    def _invoke_card(answer: dict[str, Any]) -> dict[str, Any] | None:
        """The refreshed card in an AdaptiveCardInvokeResponse (what Teams swaps in for the presser)."""
        body = answer.get("body", answer)
        value = body.get("value") if isinstance(body, dict) else None
        if isinstance(value, dict) and value.get("type") == "AdaptiveCard":
            return value
        return None

    async def _press(
        self,
        teams: Teams,
        user: dict[str, Any],
        post: Delivered,
        card: dict[str, Any],
        data: dict[str, Any],
        label: str,
    ) -> dict[str, Any]:
        """Press a button on ``post``'s card; returns the refreshed card the presser sees."""
        answer = await teams.press(user, post.conversation_id, post.activity_id, data)
        who = user.get("upn") or user["name"]
        line = texts.DEMO_PRESSED.format(upn=who, label=label, candidate_id=data.get("cand", ""))
        self.console.print(Text(line, style="green"))
        return self._invoke_card(answer) or card

    async def _status(
        self,
        teams: Teams,
        user: dict[str, Any],
        post: Delivered,
        card: dict[str, Any],
        to: str,
        when: date | None,
    ) -> dict[str, Any]:
        data = cards.find_action(card, "status", to=to)
        if data is None:
            return card
        if when is not None:
            data["dato"] = when.isoformat()
        card = await self._press(teams, user, post, card, data, STATE_LABELS.get(to, to))
        confirm = cards.find_action(card, "status", to=to, ok=1)  # an irreversible step is confirmed
        if confirm is not None:
            label = texts.CONFIRM_BUTTON.format(label=STATE_LABELS.get(to, to))
            card = await self._press(teams, user, post, card, confirm, label)
        return card

    def _show_card(self, post: Delivered, card: dict[str, Any]) -> None:
        """The refreshed card the presser sees (Teams swaps it in from the invoke response)."""
        content = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        self._show(Delivered("update", post.conversation_id, post.activity_id, {"attachments": [content]}))

    def _show_latest(self, conversation_id: str) -> None:
        """The card as it now stands in ``conversation_id`` (the last in-place update)."""
        updates = [d for d in self.connector.delivered if d.conversation_id == conversation_id and d.card]
        if updates:
            self._show(updates[-1])

    def _member_of(self, conversation_id: str) -> dict[str, Any]:
        member = self.connector.members[conversation_id.removeprefix(PERSONAL_PREFIX)]
        return {"id": member["id"], "aadObjectId": member["aadObjectId"], "name": member["userPrincipalName"]}


def _is_question(item: Delivered, job_order_id: str | None = None) -> bool:
    """An "Er kandidaten interesseret?" card sent 1:1 (for ``job_order_id`` when given)."""
    if item.card is None or not item.conversation_id.startswith(PERSONAL_PREFIX):
        return False
    match = {"job": job_order_id} if job_order_id else {}
    return cards.find_action(item.card, cards.VERB_INTEREST, **match) is not None


async def run_demo(*, fast: bool = False, console: Console | None = None) -> int:
    """Run the whole day; returns the exit code (0 when it reached the funnel)."""
    console = console or Console()
    try:
        return await Demo(console, fast).run()
    except FileNotFoundError as exc:
        console.print(Text(str(exc), style="bold red"))
        return 2
