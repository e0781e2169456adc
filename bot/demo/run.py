"""`matchbot demo`: the match unit's day on the bundled sample data, with no Redis and no Teams.

Why it drives the real thing: a newcomer should see what Teams would get, so the demo builds the
real app (``bot.app.create_app``) on the embedded store (fakeredis: nothing persists, and it says
so), starts a small in-process stand-in for the Bot Connector (the Teams side) on loopback, and
then plays the day through the app's real endpoints: job orders are POSTed to the job order API,
the lead presses buttons on the shortlist card (Bot Framework ``invoke`` activities), consultants
update their status, the clock moves to the next working days for reminders and to the 3-month
check. Every card the bot sends is rendered in the terminal as a panel, as the channel shows it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bot.domain.reminders import add_months
from bot.ui import cards, texts
from matching.models import da_number

API_KEY = "demo-noegle-kun-til-demo"
TENANT = "demo-tenant"
BOT_ID = "28:matchbot"
TEAM_ID = "19:matchenheden@thread.tacv2"
CHANNEL_ID = "19:matchenhed-kanal@thread.tacv2"
CPH = cards.LOCAL_ZONE  # the same zone every card renders its times in
# Friday morning: the reminder then lands on Tuesday, because weekends are not working days.
DEMO_START = datetime(2026, 11, 20, 9, 0, tzinfo=CPH)
JOB_ORDERS_SHOWN = 2
LEAD = {"id": "29:leder", "aadObjectId": "aad-leder", "name": "Leder", "upn": "leder.matchenhed@kk.dk"}


class DemoClock:
    """The demo's time: moved forward explicitly; the bot and the reminder engine read it."""

    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)


# --- the Teams side: a small Bot Connector on loopback ------------------------------------------------


@dataclass
class Delivered:
    """One call the bot made to the connector: kind, conversation, activity, and when it arrived."""

    kind: str  # create | send | reply | update
    conversation_id: str
    activity_id: str
    activity: dict[str, Any]
    at: float = 0.0  # time.time() on arrival (the benchmarks measure latency against it)

    @property
    def card(self) -> dict[str, Any] | None:
        for att in self.activity.get("attachments") or []:
            if att.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = att["content"]
                return content
        return None

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")


@dataclass
class DemoConnector:
    """Implements the Bot Connector routes the bot calls and records (and shows) everything it receives.

    Why one class: the demo stands in for Teams with it, and the tests' fake connector is this class
    plus test extras (``tests/fake_connector.py``), so both speak the same routes the same way.
    """

    show: Callable[[Delivered], None] | None = None
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # teams user id -> member JSON
    delivered: list[Delivered] = field(default_factory=list)
    tenant: str = TENANT
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))
    _runner: web.AppRunner | None = None
    url: str = ""

    def build_app(self) -> web.Application:
        app = web.Application()
        r = app.router
        r.add_post("/v3/conversations", self._create)
        r.add_post("/v3/conversations/{cid}/activities", self._send)
        r.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        r.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        r.add_get("/v3/conversations/{cid}/members", self._members)
        r.add_get("/v3/conversations/{cid}/pagedmembers", self._paged)
        r.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        r.add_get("/v3/teams/{tid}/conversations", self._channels)
        return app

    async def start(self, port: int = 0) -> str:
        self._runner = web.AppRunner(self.build_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def add_member(self, teams_id: str, aad: str, upn: str, name: str | None = None) -> dict[str, Any]:
        member = {
            "id": teams_id,
            "aadObjectId": aad,
            "email": upn,
            "userPrincipalName": upn,
            "name": name or upn.split("@")[0],
            "tenantId": self.tenant,
            "userRole": "user",
        }
        self.members[teams_id] = member
        return member

    def _next_id(self) -> str:
        return str(next(self._ids))

    async def _record(self, item: Delivered) -> None:
        item.at = time.time()
        self.delivered.append(item)
        if self.show is not None:
            self.show(item)

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        activity_id = self._next_id()
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        if channel:  # a new post (thread) in a team channel
            cid = f"{channel};messageid={activity_id}"
            if body.get("activity"):
                await self._record(Delivered("create", cid, activity_id, body["activity"]))
        else:
            cid = "a:personal-" + "-".join(str(m.get("id")) for m in body.get("members") or [])
        return web.json_response({"id": cid, "activityId": activity_id, "serviceUrl": self.url})

    async def _send(self, request: web.Request) -> web.Response:
        activity_id = self._next_id()
        await self._record(Delivered("send", request.match_info["cid"], activity_id, await request.json()))
        return web.json_response({"id": activity_id})

    async def _reply(self, request: web.Request) -> web.Response:
        activity_id = self._next_id()
        await self._record(Delivered("reply", request.match_info["cid"], activity_id, await request.json()))
        return web.json_response({"id": activity_id})

    async def _update(self, request: web.Request) -> web.Response:
        cid, aid = request.match_info["cid"], request.match_info["aid"]
        await self._record(Delivered("update", cid, aid, await request.json()))
        return web.json_response({"id": aid})

    async def _members(self, request: web.Request) -> web.Response:
        return web.json_response(list(self.members.values()))

    async def _paged(self, request: web.Request) -> web.Response:
        return web.json_response({"members": list(self.members.values())})

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["uid"])
        if member is None:
            return web.json_response(
                {"error": {"code": "MemberNotFoundInConversation", "message": "nope"}}, status=404
            )
        return web.json_response(member)

    async def _channels(self, request: web.Request) -> web.Response:
        return web.json_response({"conversations": [{"id": request.match_info["tid"], "name": "General"}]})


# --- rendering Adaptive Cards as text --------------------------------------------------------------


def card_lines(card: dict[str, Any]) -> list[Text]:
    """The card as a reader sees it: texts, facts, and the buttons in brackets."""
    out: list[Text] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "TextBlock":
            style = "bold" if node.get("weight") == "Bolder" or node.get("size") == "Large" else ""
            if node.get("isSubtle"):
                style += " dim"
            if node.get("color") == "Attention":
                style += " red"
            elif node.get("color") == "Good":
                style += " green"
            elif node.get("color") == "Warning":
                style += " yellow"
            out.append(Text(str(node.get("text", "")).replace("**", ""), style=style.strip()))
        elif kind == "FactSet":
            for fact in node.get("facts", []):
                out.append(Text.assemble((f"{fact.get('title')}: ", "bold"), str(fact.get("value", ""))))
        elif kind in ("Container", "Column"):
            walk(node.get("items", []))
        elif kind == "ColumnSet":
            walk(node.get("columns", []))
        elif kind == "Table":
            out.extend(_table_lines(node))
        elif kind == "ActionSet":
            out.append(_buttons(node.get("actions", [])))
        elif kind and kind.startswith("Input."):
            label = node.get("label") or node.get("placeholder") or node.get("id")
            out.append(Text(f"  ⌨ {label}", style="dim"))
        walk(node.get("body", []))

    walk(card.get("body", []))
    if card.get("actions"):
        out.append(_buttons(card["actions"]))
    return out


TABLE_WIDTH = 76  # what fits inside the demo's card panel


def _table_lines(table: dict[str, Any]) -> list[Text]:
    """A Table as aligned columns; the header row (and a bold row, the total) in bold."""
    grid: list[tuple[list[str], bool]] = []
    for row in table.get("rows", []):
        cells = row.get("cells", [])
        items = [item for cell in cells for item in cell.get("items", [])]
        bold = any(item.get("weight") == "Bolder" for item in items)
        grid.append(([" ".join(str(i.get("text", "")) for i in c.get("items", [])) for c in cells], bold))
    widths = [
        max(len(r[i]) for r, _ in grid if i < len(r))
        for i in range(max((len(r) for r, _ in grid), default=0))
    ]
    if len(grid) > 1 and sum(widths) + len(widths) > TABLE_WIDTH:  # too wide for the panel: a line per row
        header = grid[0][0]
        return [
            Text.assemble(
                (f"{cells[0]}: ", "bold"),
                ", ".join(f"{h} {c}" for h, c in zip(header[1:], cells[1:], strict=False)),
            )
            for cells, _ in grid[1:]
        ]
    lines = []
    for cells, bold in grid:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ]
        lines.append(Text(" ".join(padded), style="bold" if bold else ""))
    return lines


def _buttons(actions: list[dict[str, Any]]) -> Text:
    return Text("  ".join(f"[{a.get('title', '?')}]" for a in actions), style="cyan")


# --- Bot Framework activities as Teams sends them ---------------------------------------------------


@dataclass
class TeamsActivities:
    """Bot Framework activity JSON as a Teams client sends it, for one tenant, team and channel.

    Why shared: the demo plays the Teams client with it and the end-to-end tests post the same JSON
    (``tests/fake_connector.py`` with its own ids), so there is one idea of what Teams sends.
    """

    tenant: str = TENANT
    bot_id: str = BOT_ID
    team_id: str = TEAM_ID
    channel_id: str = CHANNEL_ID
    id_prefix: str = "demo-"
    timestamp: Callable[[], str] = lambda: "2026-11-23T08:00:00.000Z"
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def activity(
        self,
        service_url: str,
        kind: str,
        user: dict[str, Any],
        conversation: dict[str, Any],
        channel_data: dict[str, Any],
    ) -> dict[str, Any]:
        return {
            "type": kind,
            "id": f"{self.id_prefix}{next(self._ids)}",
            "timestamp": self.timestamp(),
            "serviceUrl": service_url,
            "channelId": "msteams",
            "from": {k: user[k] for k in ("id", "name", "aadObjectId") if k in user},
            "conversation": conversation,
            "recipient": {"id": self.bot_id, "name": "Matchbot"},
            "channelData": {**channel_data, "tenant": {"id": self.tenant}},
            "locale": "da-DK",
        }

    def conversation(self, conversation_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Conversation and channelData of ``conversation_id``: the channel (or a thread in it), or 1:1."""
        if conversation_id.startswith(self.channel_id):
            conversation = {
                "isGroup": True,
                "conversationType": "channel",
                "tenantId": self.tenant,
                "id": conversation_id,
            }
            data = {
                "teamsChannelId": self.channel_id,
                "teamsTeamId": self.team_id,
                "channel": {"id": self.channel_id},
                "team": {"id": self.team_id},
            }
            return conversation, data
        return {"conversationType": "personal", "tenantId": self.tenant, "id": conversation_id}, {}

    def install_in_team(self, service_url: str, installer: dict[str, Any]) -> dict[str, Any]:
        conversation, data = self.conversation(self.channel_id)
        data = {**data, "eventType": "teamMemberAdded"}
        activity = self.activity(service_url, "conversationUpdate", installer, conversation, data)
        activity["membersAdded"] = [{"id": self.bot_id}]
        return activity

    def install_personal(self, service_url: str, user: dict[str, Any]) -> dict[str, Any]:
        conversation, data = self.conversation(f"a:personal-{user['id']}")
        activity = self.activity(service_url, "conversationUpdate", user, conversation, data)
        activity["membersAdded"] = [{"id": self.bot_id}]
        return activity

    def message(
        self, service_url: str, user: dict[str, Any], conversation_id: str, text: str
    ) -> dict[str, Any]:
        """A typed message; in the channel the bot is @mentioned, as Teams requires there."""
        conversation, data = self.conversation(conversation_id)
        activity = self.activity(service_url, "message", user, conversation, data)
        if conversation_id.startswith(self.channel_id):
            activity["text"] = f"<at>Matchbot</at> {text}"
            activity["entities"] = [
                {
                    "type": "mention",
                    "text": "<at>Matchbot</at>",
                    "mentioned": {"id": self.bot_id, "name": "Matchbot"},
                }
            ]
        else:
            activity["text"] = text
        return activity

    def invoke_action(
        self,
        service_url: str,
        user: dict[str, Any],
        card_conversation_id: str,
        card_activity_id: str,
        data: dict[str, Any],
    ) -> dict[str, Any]:
        """Action.Execute pressed on a card: Teams sends an ``adaptiveCard/action`` invoke."""
        conversation, cdata = self.conversation(card_conversation_id)
        activity = self.activity(service_url, "invoke", user, conversation, cdata)
        activity["name"] = "adaptiveCard/action"
        activity["replyToId"] = card_activity_id
        activity["value"] = {
            "action": {"type": "Action.Execute", "verb": data.get("verb"), "data": data},
            "trigger": "manual",
        }
        return activity


class Teams:
    """Posts the activities a Teams client would send to the bot's /api/messages."""

    def __init__(
        self, http: aiohttp.ClientSession, bot_url: str, connector_url: str, clock: DemoClock
    ) -> None:
        self.http = http
        self.bot_url = bot_url
        self.connector_url = connector_url
        self.activities = TeamsActivities(timestamp=lambda: clock().isoformat().replace("+00:00", "Z"))

    async def _post(self, activity: dict[str, Any]) -> dict[str, Any]:
        async with self.http.post(self.bot_url + "api/messages", json=activity) as resp:
            if resp.status >= 400:
                raise RuntimeError(f"bot answered {resp.status}")
            text = await resp.text()
            return json.loads(text) if text else {}

    async def install_in_team(self, installer: dict[str, Any]) -> None:
        await self._post(self.activities.install_in_team(self.connector_url, installer))

    async def press(
        self, user: dict[str, Any], conversation_id: str, activity_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Action.Execute pressed on a card: an ``adaptiveCard/action`` invoke."""
        return await self._post(
            self.activities.invoke_action(self.connector_url, user, conversation_id, activity_id, data)
        )

    async def say(self, user: dict[str, Any], conversation_id: str, text: str) -> None:
        await self._post(self.activities.message(self.connector_url, user, conversation_id, text))


# --- the day ----------------------------------------------------------------------------------------


def data_dir() -> Path:
    """Sample data: $MATCHBOT_DATA_DIR, ./data, or the data/ folder next to the package (a checkout)."""
    candidates = [Path(os.environ["MATCHBOT_DATA_DIR"])] if os.environ.get("MATCHBOT_DATA_DIR") else []
    candidates += [Path.cwd() / "data", Path(__file__).resolve().parents[2] / "data"]
    for path in candidates:
        if (path / "candidates.jsonl").exists():
            return path
    raise FileNotFoundError(texts.DEMO_NO_DATA)


class Demo:
    def __init__(self, console: Console, fast: bool) -> None:
        self.console = console
        self.fast = fast
        self.clock = DemoClock(DEMO_START)
        self.connector = DemoConnector(self._show)
        self.quiet = False

    # rendering ----------------------------------------------------------------------------------
    def _where(self, item: Delivered) -> str:
        if item.conversation_id.startswith(CHANNEL_ID):
            return texts.DEMO_WHERE_CHANNEL
        member_id = item.conversation_id.removeprefix("a:personal-")
        member = self.connector.members.get(member_id)
        return texts.DEMO_WHERE_PERSONAL.format(upn=member["userPrincipalName"] if member else member_id)

    def _show(self, item: Delivered) -> None:
        if self.quiet:
            return
        local = cards.local(self.clock())
        when = f"{texts.DEMO_WEEKDAYS[local.weekday()]} {local:%d.%m.%Y %H:%M}"
        verb = texts.DEMO_KIND.get(item.kind, item.kind)
        title = f"{self._where(item)} · {verb} · {when}"
        card = item.card
        if card is not None:
            body: Any = Group(*card_lines(card))
            style = "yellow" if item.kind == "update" else "blue"
        else:
            body = Text(str(item.activity.get("text") or "").replace("**", ""))
            style = "magenta"
        self.console.print(Panel(body, title=title, title_align="left", border_style=style))

    def step(self, title: str, text: str = "") -> None:
        self.console.print()
        self.console.print(Rule(f"[bold]{title}"))
        if text:
            self.console.print(Text(text, style="italic"))

    async def pause(self) -> None:
        if not self.fast:
            await asyncio.sleep(0.6)

    # the run ------------------------------------------------------------------------------------
    async def run(self) -> int:
        from bot.app import SERVICES_KEY, create_app
        from bot.features.imports import import_candidates
        from bot.store.pool import PoolSwapper
        from config.settings import Settings
        from matching.io import load_job_order

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
            }
        )
        app = create_app(settings, clock=self.clock, run_scheduler=False, warm_pool=False)
        services = app[SERVICES_KEY]
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        bot_url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
        try:
            async with aiohttp.ClientSession() as http:
                teams = Teams(http, bot_url, connector_url, self.clock)
                return await self._day(
                    http, teams, services, folder, bot_url, import_candidates, PoolSwapper, load_job_order
                )
        finally:
            await runner.cleanup()
            await self.connector.close()

    async def _day(
        self,
        http: aiohttp.ClientSession,
        teams: Teams,
        services: Any,
        folder: Path,
        bot_url: str,
        import_candidates: Any,
        pool_swapper: Any,
        load_job_order: Any,
    ) -> int:
        console = self.console
        # 1. the pool
        self.step(texts.DEMO_STEP_POOL, texts.DEMO_STEP_POOL_TEXT)
        report = await import_candidates(
            pool_swapper(services.redis, services.settings.redis_key_prefix),
            folder / "candidates.jsonl",
            "replace",
        )
        console.print(
            texts.DEMO_POOL_DONE.format(
                accepted=report.accepted, rows=report.rows, seconds=da_number(report.seconds)
            )
        )
        consultants = sorted({p.consultant for p in await services.store.all_candidates()})
        for n, upn in enumerate(consultants):
            self.connector.add_member(f"29:k{n}", f"aad-k{n}", upn)
        self.connector.add_member(LEAD["id"], LEAD["aadObjectId"], LEAD["upn"])
        await services.pool.get()

        # 2. installed in the channel
        self.step(texts.DEMO_STEP_INSTALL)
        await teams.install_in_team(LEAD)
        await self.pause()

        # 3. job orders arrive through the API
        self.step(texts.DEMO_STEP_JOB_ORDERS, texts.DEMO_STEP_JOB_ORDERS_TEXT)
        files = sorted((folder / "job_orders").glob("*.json"))[:JOB_ORDERS_SHOWN]
        jobs = [load_job_order(f) for f in files]
        payload = [json.loads(job.model_dump_json()) for job in jobs]
        async with http.post(
            bot_url + "api/jobordrer", json=payload, headers={"Authorization": f"Bearer {API_KEY}"}
        ) as resp:
            answer = await resp.json()
            console.print(
                Text(f"POST /api/jobordrer → {resp.status}: {answer.get('besked', '')}", style="bold")
            )
        shortlists = await self._wait(lambda: self._shortlist_posts(jobs), len(jobs))
        await self.pause()

        # 4. the lead decides on the first shortlist
        job = jobs[0]
        post = shortlists[job.id]
        self.step(texts.DEMO_STEP_DECISIONS, texts.DEMO_STEP_DECISIONS_TEXT.format(job_order_id=job.id))
        card = post.card or {}
        approvals: list[str] = []
        self.quiet = True  # one panel with the end result instead of one per click
        for _ in range(2):
            data = cards.find_action(card, "godkend")
            if data is None:
                break
            card = await self._press(teams, LEAD, post, card, data, texts.CARD_APPROVE)
            approvals.append(str(data["cand"]))
        reject = cards.find_action(card, "afvis")
        if reject is not None:
            reject[f"reason_{reject['cand']}"] = "tilgaengelig"  # "Kan ikke starte til tiden"
            card = await self._press(teams, LEAD, post, card, reject, texts.CARD_REJECT)
        self.quiet = False
        self._show_latest(post.conversation_id)
        await self.pause()

        # 5. hand-over to the consultants
        self.step(texts.DEMO_STEP_HANDOVER, texts.DEMO_STEP_HANDOVER_TEXT)
        before = len(self.connector.delivered)
        send = cards.find_action(card, "send_godkendte")
        if send is not None:
            await teams.press(LEAD, post.conversation_id, post.activity_id, send)
        handovers = [
            d
            for d in self.connector.delivered[before:]
            if not d.conversation_id.startswith(CHANNEL_ID) and d.card is not None
        ]
        await self.pause()

        # 6. status updates from the first consultant (Monday, Tuesday)
        self.step(texts.DEMO_STEP_STATUS, texts.DEMO_STEP_STATUS_TEXT)
        first = handovers[0] if handovers else None
        current: dict[str, Any] = (first.card or {}) if first else {}
        consultant = self._member_of(first.conversation_id) if first else LEAD
        steps = (
            ("kontaktet", None, datetime(2026, 11, 23, 10, 0, tzinfo=CPH)),
            ("ansoegt", None, datetime(2026, 11, 23, 15, 0, tzinfo=CPH)),
            ("samtale", date(2026, 11, 26), datetime(2026, 11, 24, 9, 30, tzinfo=CPH)),
        )
        if first is not None:
            self.quiet = True
            for to, when, moment in steps:
                self.clock.set(moment)
                current = await self._status(teams, consultant, first, current, to, when)
            self.quiet = False
            self._show_card(first, current)
        await self.pause()

        # 7. a reminder on the next working days: approved Friday, untouched → Tuesday (not the weekend)
        self.step(texts.DEMO_STEP_REMINDER, texts.DEMO_STEP_REMINDER_TEXT)
        self.clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=CPH))
        sent = await services.scheduler.run_once(self.clock())
        console.print(texts.DEMO_REMINDERS_SENT.format(count=sent))
        await self.pause()

        # 7b. hired after the interview, from the job order's start date
        start = job.start_date or date(2027, 1, 4)
        self.step(texts.DEMO_STEP_HIRED, texts.DEMO_STEP_HIRED_TEXT)
        if first is not None:
            self.clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=CPH))
            self.quiet = True
            current = await self._status(teams, consultant, first, current, "ansat", start)
            self.quiet = False
            self._show_card(first, current)
            self._show_latest(post.conversation_id)
        await self.pause()

        # 8. the application deadline comes near for the candidate nobody contacted: the consultant closes it
        rules = services.store.rules
        if job.deadline is not None and len(handovers) > 1:
            days_before = rules.application_deadline.working_days_before
            warn = rules.calendar().sub_working_days(job.deadline, days_before)
            deadline_text = texts.DEMO_STEP_DEADLINE_TEXT.format(deadline=cards.when(job.deadline))
            self.step(texts.DEMO_STEP_DEADLINE, deadline_text)
            self.clock.set(datetime.combine(warn, clock_time(rules.deliver_at_hour), CPH))
            before = len(self.connector.delivered)
            sent = await services.scheduler.run_once(self.clock())
            console.print(texts.DEMO_REMINDERS_SENT.format(count=sent))
            second = handovers[1]
            conv = second.conversation_id
            nudges = [d for d in self.connector.delivered[before:] if d.conversation_id == conv]
            card_now = nudges[-1].card or {} if nudges else {}
            close = cards.find_action(card_now, "status", to="ikke_interesseret")
            if close is not None:
                self.clock.set(self.clock() + timedelta(hours=2))
                await teams.press(self._member_of(conv), conv, nudges[-1].activity_id, close)
            await self.pause()

        # 9. three months after the start date
        self.step(texts.DEMO_STEP_3MDR, texts.DEMO_STEP_3MDR_TEXT)
        months = rules.three_month_check.months_after_start
        check_day = rules.calendar().on_or_after(add_months(start, months))
        self.clock.set(datetime.combine(check_day, clock_time(rules.deliver_at_hour), CPH))
        before = len(self.connector.delivered)
        sent = await services.scheduler.run_once(self.clock())
        console.print(texts.DEMO_REMINDERS_SENT.format(count=sent))
        if first is not None:
            consultant = self._member_of(first.conversation_id)
            check = [
                d for d in self.connector.delivered[before:] if d.conversation_id == first.conversation_id
            ]
            data = cards.find_action(check[-1].card or {}, "status", to="i_job_3_mdr") if check else None
            if data is not None:
                await teams.press(consultant, check[-1].conversation_id, check[-1].activity_id, data)
            else:
                await teams.say(
                    consultant, first.conversation_id, f"status {job.id} {approvals[0]} i_job_3_mdr"
                )
        await self.pause()

        # 9. the funnel
        self.step(texts.DEMO_STEP_FUNNEL)
        await teams.say(LEAD, CHANNEL_ID, "jobordrer")
        await teams.say(LEAD, CHANNEL_ID, f"overblik {job.id}")
        await teams.say(LEAD, CHANNEL_ID, "rapport")
        table = Table(title=texts.DEMO_FUNNEL_TITLE)
        table.add_column(texts.DEMO_FUNNEL_JOB)
        table.add_column(texts.DEMO_FUNNEL_STATE)
        table.add_column(texts.DEMO_FUNNEL_COUNT, justify="right")
        for j in jobs:
            async with http.get(bot_url + f"api/jobordrer/{j.id}", headers={"X-API-Key": API_KEY}) as resp:
                state = await resp.json()
            for code, count in sorted(state.get("tragt", {}).items()):
                if count:
                    table.add_row(j.id, texts.FOLLOWUP_STATE_LABELS.get(code, code), str(count))
        console.print(table)
        console.print(Panel(texts.DEMO_DONE, border_style="green"))
        return 0

    def _shortlist_posts(self, jobs: list[Any]) -> dict[str, Delivered]:
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
        return await self._press(teams, user, post, card, data, texts.FOLLOWUP_STATE_LABELS.get(to, to))

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
        member = self.connector.members[conversation_id.removeprefix("a:personal-")]
        return {"id": member["id"], "aadObjectId": member["aadObjectId"], "name": member["userPrincipalName"]}


async def run_demo(*, fast: bool = False, console: Console | None = None) -> int:
    """Run the whole day; returns the exit code (0 when it reached the funnel)."""
    console = console or Console()
    try:
        return await Demo(console, fast).run()
    except FileNotFoundError as exc:
        console.print(Text(str(exc), style="bold red"))
        return 2
