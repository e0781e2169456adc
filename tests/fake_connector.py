"""A fake Bot Connector (the Teams side of the Bot Framework) as a real HTTP server.

Why a server and not a mock: the SDK's outgoing calls go through msrest/``requests`` in a thread,
so only a real socket sees them. The bot is given ``serviceUrl`` = this server's URL in the
activities the tests POST; everything it sends is recorded here for assertions.

The routes the bot uses (create conversation, send / reply / update activity, members, the team's
channels) are the demo's ``bot.demo.loopback.DemoConnector``; this subclass adds the test extras:
``unreachable`` user ids get 403 on create (app not installed / blocked); ``fail_next`` injects
transient 503s.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.demo.loopback import Delivered, DemoConnector, TeamsActivities
from bot.ui import cards

TENANT = "tenant-0001"

Sent = Delivered  # one call the bot made: kind ('send' | 'reply' | 'update' | 'create'), activity

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FakeConnector(DemoConnector):
    """The demo's connector (``bot.demo.loopback.DemoConnector``: the routes) plus what tests need on top:
    unreachable users, injected failures, a request count, ``created`` bodies, waiting for a
    condition, and a ``/_stats`` route for the benchmark's separate process."""

    tenant: str = TENANT
    unreachable: set[str] = field(default_factory=set)
    created: list[dict[str, Any]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    # Writes answered with a 2xx and an empty body (as Direct Line / Web Chat's connector may), after
    # recording them: how many are left, and the status they get.
    empty_answers: int = 0
    empty_status: int = 200
    requests: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _changed: asyncio.Condition | None = None

    # --- lifecycle ----------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = super().build_app()
        app.router.add_get("/_stats", self._stats)
        app.middlewares.append(self._gate)
        return app

    async def start(self, port: int = 0) -> str:
        self._changed = asyncio.Condition()
        return await super().start(port)

    # --- test helpers --------------------------------------------------------------------------------

    @property
    def sent(self) -> list[Sent]:
        return self.delivered

    def add_member(self, teams_id: str, aad: str, upn: str, name: str | None = None) -> dict[str, Any]:
        return super().add_member(teams_id, aad, upn, name or f"Navn {teams_id}")

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

    async def _record(self, item: Delivered) -> None:
        assert self._changed is not None
        await super()._record(item)
        async with self._changed:
            self._changed.notify_all()

    @web.middleware
    async def _gate(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        """Counts the bot's requests; a write (create / send / reply / update) takes an injected failure."""
        if request.path == "/_stats":
            return await handler(request)
        self.requests += 1
        if request.method != "GET" and self.failures:
            return web.json_response(
                {"error": {"code": "ServiceError", "message": "transient"}}, status=self.failures.pop(0)
            )
        response = await handler(request)
        if request.method != "GET" and self.empty_answers > 0:
            self.empty_answers -= 1
            return web.Response(status=self.empty_status)  # done, but nothing said about it
        return response

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.created.append(body)
        if any(m.get("id") in self.unreachable for m in body.get("members") or []):
            return web.json_response(
                {
                    "error": {
                        "code": "Forbidden",
                        "message": "The bot is not part of the conversation roster.",
                    }
                },
                status=403,
            )
        return await super()._create(request)

    async def _stats(self, request: web.Request) -> web.Response:
        """For the benchmark, which runs the connector in its own process: counts and arrival times."""
        kind = request.query.get("kind")
        arrivals = [s.at for s in self.sent if kind in (None, s.kind)]
        return web.json_response({"count": len(arrivals), "arrivals": arrivals[-50:]})


# --- Bot Framework activity JSON as Teams sends it ---------------------------------------------------

BOT_ID = "28:matchbot-bot"
TEAM_ID = "19:team-match@thread.tacv2"
CHANNEL_ID = "19:match-channel@thread.tacv2"
TEAMS = TeamsActivities(tenant=TENANT, bot_id=BOT_ID, team_id=TEAM_ID, channel_id=CHANNEL_ID, id_prefix="in-")


def user_account(teams_id: str, aad: str) -> dict[str, Any]:
    return {"id": teams_id, "name": f"Navn {teams_id}", "aadObjectId": aad}


def install_in_team(service_url: str, installer: dict[str, Any]) -> dict[str, Any]:
    return TEAMS.install_in_team(service_url, installer)


def install_personal(service_url: str, user: dict[str, Any]) -> dict[str, Any]:
    return TEAMS.install_personal(service_url, user)


def message(
    service_url: str, user: dict[str, Any], text: str, *, channel: bool = False, thread: str | None = None
) -> dict[str, Any]:
    if channel:
        conversation_id = f"{CHANNEL_ID};messageid={thread}" if thread else CHANNEL_ID
    else:
        conversation_id = f"a:personal-{user['id']}"
    return TEAMS.message(service_url, user, conversation_id, text)


def invoke_action(
    service_url: str,
    user: dict[str, Any],
    card_conversation_id: str,
    card_activity_id: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """Action.Execute pressed: Teams sends an invoke 'adaptiveCard/action'."""
    return TEAMS.invoke_action(service_url, user, card_conversation_id, card_activity_id, data)


def submit(
    service_url: str,
    user: dict[str, Any],
    card_conversation_id: str,
    card_activity_id: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """Action.Submit pressed (fallback): a message with ``value`` and no text."""
    return TEAMS.submit(service_url, user, card_conversation_id, card_activity_id, data)


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
