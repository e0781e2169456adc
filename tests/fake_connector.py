"""A fake Bot Connector (the Teams side of the Bot Framework) as a real HTTP server.

Why a server and not a mock: the SDK's outgoing calls go through msrest/``requests`` in a thread,
so only a real socket sees them. The bot is given ``serviceUrl`` = this server's URL in the
activities the tests POST; everything it sends is recorded here for assertions.

Implements the routes the bot uses: create conversation (1:1 and new channel post), send / reply /
update activity, members (one, all, paged) and the team's channels. ``unreachable`` user ids get
403 on create (app not installed / blocked); ``fail_next`` injects transient 503s.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot import cards

TENANT = "tenant-0001"


@dataclass
class Sent:
    """One call the bot made: kind ('send' | 'reply' | 'update' | 'create'), conversation, activity."""

    kind: str
    conversation_id: str
    activity_id: str
    activity: dict[str, Any]
    at: float = 0.0  # time.time() when it arrived (the benchmark measures latency against it)

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
class FakeConnector:
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # teams user id -> member JSON
    unreachable: set[str] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    requests: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _server: TestServer | None = None
    _changed: asyncio.Condition | None = None

    # --- lifecycle ----------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        r = app.router
        r.add_post("/v3/conversations", self._create)
        r.add_post("/v3/conversations/{cid}/activities", self._send)
        r.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        r.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        r.add_get("/v3/conversations/{cid}/members", self._members)
        r.add_get("/v3/conversations/{cid}/pagedmembers", self._paged_members)
        r.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        r.add_get("/v3/teams/{tid}/conversations", self._channels)
        r.add_get("/_stats", self._stats)
        self._changed = asyncio.Condition()
        self._server = TestServer(app, host="127.0.0.1", port=port or None)
        await self._server.start_server()
        return self.url

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/") + "/"

    # --- test helpers --------------------------------------------------------------------------------

    def add_member(self, teams_id: str, aad: str, upn: str) -> dict[str, Any]:
        member = {
            "id": teams_id,
            "aadObjectId": aad,
            "email": upn,
            "userPrincipalName": upn,
            "name": f"Navn {teams_id}",
            "tenantId": TENANT,
            "userRole": "user",
        }
        self.members[teams_id] = member
        return member

    def fail_next(self, count: int, status: int = 503) -> None:
        self.failures += [status] * count

    def of_kind(self, kind: str, conversation_id: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind and conversation_id in (None, s.conversation_id)]

    def cards(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        return [
            s.card for s in self.sent if s.card is not None and conversation_id in (None, s.conversation_id)
        ]

    def texts(self, conversation_id: str | None = None) -> list[str]:
        return [s.text for s in self.sent if s.text and conversation_id in (None, s.conversation_id)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    # --- routes ----------------------------------------------------------------------------------------

    def _next_id(self) -> str:
        return str(next(self._ids))

    async def _record(self, sent: Sent) -> None:
        assert self._changed is not None
        sent.at = time.time()
        self.sent.append(sent)
        async with self._changed:
            self._changed.notify_all()

    def _failure(self) -> web.Response | None:
        self.requests += 1
        if self.failures:
            return web.json_response(
                {"error": {"code": "ServiceError", "message": "transient"}}, status=self.failures.pop(0)
            )
        return None

    async def _create(self, request: web.Request) -> web.Response:
        if (fail := self._failure()) is not None:
            return fail
        body = await request.json()
        self.created.append(body)
        members = [m.get("id") for m in body.get("members") or []]
        if any(m in self.unreachable for m in members):
            return web.json_response(
                {
                    "error": {
                        "code": "Forbidden",
                        "message": "The bot is not part of the conversation roster.",
                    }
                },
                status=403,
            )
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        activity_id = self._next_id()
        if channel:  # a new post (thread) in a team channel
            conversation_id = f"{channel};messageid={activity_id}"
            if body.get("activity"):
                await self._record(Sent("create", conversation_id, activity_id, body["activity"]))
        else:
            conversation_id = f"a:personal-{'-'.join(str(m) for m in members)}"
        return web.json_response({"id": conversation_id, "activityId": activity_id, "serviceUrl": self.url})

    async def _send(self, request: web.Request) -> web.Response:
        if (fail := self._failure()) is not None:
            return fail
        body = await request.json()
        activity_id = self._next_id()
        await self._record(Sent("send", request.match_info["cid"], activity_id, body))
        return web.json_response({"id": activity_id})

    async def _reply(self, request: web.Request) -> web.Response:
        if (fail := self._failure()) is not None:
            return fail
        body = await request.json()
        activity_id = self._next_id()
        await self._record(Sent("reply", request.match_info["cid"], activity_id, body))
        return web.json_response({"id": activity_id})

    async def _update(self, request: web.Request) -> web.Response:
        if (fail := self._failure()) is not None:
            return fail
        body = await request.json()
        await self._record(Sent("update", request.match_info["cid"], request.match_info["aid"], body))
        return web.json_response({"id": request.match_info["aid"]})

    async def _members(self, request: web.Request) -> web.Response:
        self.requests += 1
        return web.json_response(list(self.members.values()))

    async def _paged_members(self, request: web.Request) -> web.Response:
        self.requests += 1
        return web.json_response({"members": list(self.members.values())})

    async def _member(self, request: web.Request) -> web.Response:
        self.requests += 1
        member = self.members.get(request.match_info["uid"])
        if member is None:
            return web.json_response(
                {"error": {"code": "MemberNotFoundInConversation", "message": "nope"}}, status=404
            )
        return web.json_response(member)

    async def _stats(self, request: web.Request) -> web.Response:
        """For the benchmark, which runs the connector in its own process: counts and arrival times."""
        kind = request.query.get("kind")
        arrivals = [s.at for s in self.sent if kind in (None, s.kind)]
        return web.json_response({"count": len(arrivals), "arrivals": arrivals[-50:]})

    async def _channels(self, request: web.Request) -> web.Response:
        self.requests += 1
        return web.json_response({"conversations": [{"id": request.match_info["tid"], "name": "General"}]})


# --- Bot Framework activity JSON as Teams sends it ---------------------------------------------------

BOT_ID = "28:matchbot-bot"
TEAM_ID = "19:team-match@thread.tacv2"
CHANNEL_ID = "19:match-channel@thread.tacv2"
_activity_ids = itertools.count(1)


def _base(
    service_url: str,
    kind: str,
    user: dict[str, Any],
    conversation: dict[str, Any],
    channel_data: dict[str, Any],
) -> dict[str, Any]:
    return {
        "type": kind,
        "id": f"in-{next(_activity_ids)}",
        "timestamp": "2026-11-23T08:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": user,
        "conversation": conversation,
        "recipient": {"id": BOT_ID, "name": "Matchbot"},
        "channelData": {**channel_data, "tenant": {"id": TENANT}},
        "locale": "da-DK",
    }


def user_account(teams_id: str, aad: str) -> dict[str, Any]:
    return {"id": teams_id, "name": f"Navn {teams_id}", "aadObjectId": aad}


def channel_conversation(thread: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    conv_id = f"{CHANNEL_ID};messageid={thread}" if thread else CHANNEL_ID
    conversation = {"isGroup": True, "conversationType": "channel", "tenantId": TENANT, "id": conv_id}
    data = {
        "teamsChannelId": CHANNEL_ID,
        "teamsTeamId": TEAM_ID,
        "channel": {"id": CHANNEL_ID},
        "team": {"id": TEAM_ID},
    }
    return conversation, data


def personal_conversation(teams_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"conversationType": "personal", "tenantId": TENANT, "id": f"a:personal-{teams_id}"}, {}


def install_in_team(service_url: str, installer: dict[str, Any]) -> dict[str, Any]:
    conversation, data = channel_conversation()
    activity = _base(
        service_url, "conversationUpdate", installer, conversation, {**data, "eventType": "teamMemberAdded"}
    )
    activity["membersAdded"] = [{"id": BOT_ID}]
    return activity


def install_personal(service_url: str, user: dict[str, Any]) -> dict[str, Any]:
    conversation, data = personal_conversation(user["id"])
    activity = _base(service_url, "conversationUpdate", user, conversation, data)
    activity["membersAdded"] = [{"id": BOT_ID}]
    return activity


def message(
    service_url: str, user: dict[str, Any], text: str, *, channel: bool = False, thread: str | None = None
) -> dict[str, Any]:
    conversation, data = channel_conversation(thread) if channel else personal_conversation(user["id"])
    activity = _base(service_url, "message", user, conversation, data)
    if channel:
        activity["text"] = f"<at>Matchbot</at> {text}"
        activity["entities"] = [
            {"type": "mention", "text": "<at>Matchbot</at>", "mentioned": {"id": BOT_ID, "name": "Matchbot"}}
        ]
    else:
        activity["text"] = text
    return activity


def _card_conversation(
    card_conversation_id: str, user: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    if card_conversation_id.startswith(CHANNEL_ID):
        thread = card_conversation_id.partition(";messageid=")[2] or None
        return channel_conversation(thread)
    return {"conversationType": "personal", "tenantId": TENANT, "id": card_conversation_id}, {}


def invoke_action(
    service_url: str,
    user: dict[str, Any],
    card_conversation_id: str,
    card_activity_id: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """Action.Execute pressed: Teams sends an invoke 'adaptiveCard/action'."""
    conversation, cdata = _card_conversation(card_conversation_id, user)
    activity = _base(service_url, "invoke", user, conversation, cdata)
    activity["name"] = "adaptiveCard/action"
    activity["replyToId"] = card_activity_id
    activity["value"] = {
        "action": {"type": "Action.Execute", "verb": data.get("verb"), "data": data},
        "trigger": "manual",
    }
    return activity


def submit(
    service_url: str,
    user: dict[str, Any],
    card_conversation_id: str,
    card_activity_id: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """Action.Submit pressed (fallback): a message with ``value`` and no text."""
    conversation, cdata = _card_conversation(card_conversation_id, user)
    activity = _base(service_url, "message", user, conversation, cdata)
    activity["replyToId"] = card_activity_id
    activity["value"] = data
    return activity


def find_action(card: dict[str, Any], verb: str, **match: Any) -> dict[str, Any]:
    """Like ``cards.find_action``, but a missing action fails the test."""
    data = cards.find_action(card, verb, **match)
    if data is None:
        raise AssertionError(f"no {verb} action with {match} on the card")
    return data


def card_text(card: dict[str, Any]) -> str:
    """All TextBlock texts and fact values of a card, for assertions on what a user reads."""
    out: list[str] = []
    stack: list[Any] = [card]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(str(node.get("text", "")))
            if node.get("type") == "FactSet":
                out += [f"{f['title']}: {f['value']}" for f in node.get("facts", [])]
            stack.extend(v for k, v in node.items() if k != "fallback")
        elif isinstance(node, list):
            stack.extend(node)
    return "\n".join(out)


async def _serve_forever(port: int) -> None:
    """``python3 -m tests.fake_connector PORT``: the connector alone (the benchmark's own process)."""
    connector = FakeConnector()
    for i in range(64):
        connector.add_member(f"29:bench-{i}", f"aad-bench-{i}", f"bench{i}@kk.dk")
    await connector.start(port)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_serve_forever(int(sys.argv[1])))
