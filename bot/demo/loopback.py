"""A loopback stand-in for Teams: the Bot Connector the bot calls, and the activities a client sends.

Why in the demo package: the demo plays Teams with it on loopback, and the tests and benchmarks build
their fake connector on the same class (``tests/fake_connector.py`` adds failures and waits), so there
is one idea of what Teams sends and answers. Nothing here is used by the running bot.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web

TENANT = "demo-tenant"
BOT_ID = "28:matchbot"
TEAM_ID = "19:matchenheden@thread.tacv2"
CHANNEL_ID = "19:matchenhed-kanal@thread.tacv2"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
PERSONAL_PREFIX = "a:personal-"

# --- the Bot Connector ----------------------------------------------------------------------------------


@dataclass
class Delivered:
    """One call the bot made to the connector: kind, conversation, activity, and when it arrived."""

    kind: str  # create | send | reply | update
    conversation_id: str
    activity_id: str
    activity: dict[str, Any]
    at: float = 0.0  # time.time() on arrival (the benchmarks measure latency against it)
    peer_port: int = 0  # the caller's TCP port: which process posted it (fault tests)

    @property
    def card(self) -> dict[str, Any] | None:
        for att in self.activity.get("attachments") or []:
            if att.get("contentType") == CARD_CONTENT_TYPE:
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
    # A slow Teams: every ``slow_every``-th new post is accepted (recorded) at once but answered only
    # after ``create_delay`` seconds, as when the Bot Connector is overloaded (tests and benchmarks).
    create_delay: float = 0.0
    slow_every: int = 1
    _creates: int = 0
    answering: int = 0  # create calls received and not yet answered

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
        self.answering += 1
        try:
            return await self._create_conversation(request)
        finally:
            self.answering -= 1

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        activity_id = self._next_id()
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        if channel:  # a new post (thread) in a team channel
            cid = f"{channel};messageid={activity_id}"
            if body.get("activity"):
                peer = request.transport.get_extra_info("peername") if request.transport else None
                port = int(peer[1]) if peer else 0
                await self._record(Delivered("create", cid, activity_id, body["activity"], peer_port=port))
                self._creates += 1
                if self.create_delay > 0 and self._creates % max(self.slow_every, 1) == 0:
                    await asyncio.sleep(self.create_delay)  # accepted; the answer is slow to come
        else:
            cid = PERSONAL_PREFIX + "-".join(str(m.get("id")) for m in body.get("members") or [])
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


# --- Bot Framework activities as a Teams client sends them ---------------------------------------------


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
        conversation, data = self.conversation(PERSONAL_PREFIX + user["id"])
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
        activity = self._on_card("invoke", service_url, user, card_conversation_id, card_activity_id)
        activity["name"] = "adaptiveCard/action"
        activity["value"] = {
            "action": {"type": "Action.Execute", "verb": data.get("verb"), "data": data},
            "trigger": "manual",
        }
        return activity

    def submit(
        self,
        service_url: str,
        user: dict[str, Any],
        card_conversation_id: str,
        card_activity_id: str,
        data: dict[str, Any],
    ) -> dict[str, Any]:
        """Action.Submit pressed on a card (older clients' fallback): a message with ``value``, no text."""
        activity = self._on_card("message", service_url, user, card_conversation_id, card_activity_id)
        activity["value"] = data
        return activity

    def _on_card(
        self,
        kind: str,
        service_url: str,
        user: dict[str, Any],
        card_conversation_id: str,
        card_activity_id: str,
    ) -> dict[str, Any]:
        """An activity from a button on the card ``card_activity_id`` in ``card_conversation_id``."""
        conversation, cdata = self.conversation(card_conversation_id)
        activity = self.activity(service_url, kind, user, conversation, cdata)
        activity["replyToId"] = card_activity_id
        return activity


class Teams:
    """Posts the activities a Teams client would send to the bot's /api/messages."""

    def __init__(
        self, http: aiohttp.ClientSession, bot_url: str, connector_url: str, clock: Callable[[], datetime]
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

    async def install_personal(self, user: dict[str, Any]) -> None:
        """The user adds the app for themselves (a 1:1 chat the bot can then write to)."""
        await self._post(self.activities.install_personal(self.connector_url, user))

    async def press(
        self, user: dict[str, Any], conversation_id: str, activity_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Action.Execute pressed on a card: an ``adaptiveCard/action`` invoke."""
        return await self._post(
            self.activities.invoke_action(self.connector_url, user, conversation_id, activity_id, data)
        )

    async def say(self, user: dict[str, Any], conversation_id: str, text: str) -> None:
        await self._post(self.activities.message(self.connector_url, user, conversation_id, text))
