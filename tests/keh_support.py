"""A loopback webhook receiver as KEH's system would run one: it checks each signature the way the
README tells KEH to (independently of the bot's own code), keeps the events it accepted and counts
every attempt, and can be told to refuse."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

KEY_OLD = ("k2025", "gammel-hemmelighed-0123456789")
KEY_NEW = ("k2026", "ny-hemmelighed-abcdefghijklmno")
TOLERANCE_SECONDS = 300


class Receiver:
    """``url`` takes the POSTs; ``events`` by idempotency id, ``attempts`` per id, ``bad`` signatures."""

    def __init__(self, known_keys: dict[str, str], now: Callable[[], datetime]) -> None:
        self.known = known_keys
        self.now = now  # the bot's clock (tests move it): the timestamp must be close to it
        self.events: dict[str, dict[str, Any]] = {}
        self.attempts: Counter[str] = Counter()
        self.bad = 0
        self.refuse = False
        self.server = TestServer(self._app(), host="127.0.0.1")

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/keh/hook", self.handle)
        return app

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("/keh/hook"))

    def verified(self, headers: Any, body: bytes) -> bool:
        timestamp = headers.get("X-Matchbot-Timestamp", "")
        if not timestamp.isdigit() or abs(self.now().timestamp() - int(timestamp)) > TOLERANCE_SECONDS:
            return False
        signed = timestamp.encode() + b"." + body
        for part in headers.get("X-Matchbot-Signature", "").split(","):
            key_id, _, given = part.partition("=")
            secret = self.known.get(key_id)
            expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest() if secret else ""
            if secret and hmac.compare_digest(given, expected):
                return True
        return False

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        event_id = request.headers.get("Idempotency-Key", "")
        self.attempts[event_id] += 1
        if not self.verified(request.headers, body):
            self.bad += 1
            return web.Response(status=401)
        if self.refuse:
            return web.Response(status=503)
        event = json.loads(body)
        assert event["id"] == event_id
        self.events.setdefault(event_id, event)
        return web.Response(status=204)

    def statuses(self, job_order_id: str) -> list[str]:
        found = [e for e in self.events.values() if e["jobordre_id"] == job_order_id]
        return [e["status"] for e in sorted(found, key=lambda e: int(e["version"]))]


def webhook_settings(receiver: Receiver, *keys: tuple[str, str]) -> dict[str, Any]:
    return {
        "KEH_WEBHOOK_URL": receiver.url,
        "KEH_WEBHOOK_KEYS": ",".join(f"{k}:{s}" for k, s in keys),
        "KEH_WEBHOOK_INTERVAL_SECONDS": 0.05,
    }
