"""Signed outgoing webhooks to KEH's system: every job order status change, delivered from the outbox.

Why hand-written signing (hmac + hashlib) and no webhook library: the scheme is four lines and the
receiver must be able to reproduce it from the README in any language; the common libraries
(Standard Webhooks, Svix) prescribe their own header names and base64 secrets KEH would have to
adopt. The scheme:

* ``X-Matchbot-Timestamp``: Unix seconds when the attempt was signed.
* ``X-Matchbot-Signature``: ``<key id>=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`` for every
  configured key, comma-separated, the current key first (rotation: the receiver checks the entry of
  a key it knows).
* ``X-Matchbot-Key-Id``: the current key's id.
* ``Idempotency-Key`` (= the body's ``id``): the same event is sent again after a failure or a
  restart (at-least-once); the receiver keeps the ids it has seen.

Any 2xx is delivered; anything else (or no answer) is retried with exponential back-off, for ever:
an event is only dropped by being delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import Sequence

import aiohttp

from bot.domain.clock import Clock, utc_now
from bot.store.webhook_outbox import Delivery, WebhookOutbox

log = logging.getLogger("matchbot.webhooks")

SIGNATURE_HEADER = "X-Matchbot-Signature"
TIMESTAMP_HEADER = "X-Matchbot-Timestamp"
KEY_ID_HEADER = "X-Matchbot-Key-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# The first retry waits this long; each further failure doubles it (up to the configured maximum).
BACKOFF_BASE_SECONDS = 5.0
# Events claimed per round (a backlog after an outage drains in rounds of this size).
CLAIM_BATCH = 50


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 over ``"<timestamp>.<body>"``."""
    return hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(
    keys: Sequence[tuple[str, bytes]], timestamp: int, body: bytes, event_id: str
) -> dict[str, str]:
    """The headers of one delivery attempt (see the module doc)."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        KEY_ID_HEADER: keys[0][0],
        SIGNATURE_HEADER: ",".join(f"{kid}={signature(secret, timestamp, body)}" for kid, secret in keys),
        IDEMPOTENCY_HEADER: event_id,
    }


def verify(
    keys: Sequence[tuple[str, bytes]],
    headers: dict[str, str],
    body: bytes,
    now: float,
    tolerance: float = 300,
) -> bool:
    """What a receiver does (the README's example; the tests' receiver uses it too)."""
    try:
        timestamp = int(headers[TIMESTAMP_HEADER])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    given = dict(part.split("=", 1) for part in headers.get(SIGNATURE_HEADER, "").split(",") if "=" in part)
    return any(
        kid in given and hmac.compare_digest(given[kid], signature(secret, timestamp, body))
        for kid, secret in keys
    )


class WebhookDispatcher:
    """Deliver due outbox events to ``url``; failures back off, a restart picks up where it stopped."""

    def __init__(
        self,
        outbox: WebhookOutbox,
        url: str,
        keys: Sequence[tuple[str, bytes]],
        *,
        clock: Clock = utc_now,
        timeout_seconds: float = 10.0,
        max_backoff_seconds: float = 3600.0,
    ) -> None:
        self.outbox = outbox
        self.url = url
        self.keys = list(keys)
        self.clock = clock
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.max_backoff = max_backoff_seconds
        self._session: aiohttp.ClientSession | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.url and self.keys)

    async def deliver_due(self) -> int:
        """One round: claim what is due, send each, acknowledge or back off. Returns how many arrived."""
        if not self.enabled:
            return 0
        claimed = await self.outbox.claim(self.clock(), CLAIM_BATCH)
        delivered = 0
        for item in claimed:
            if await self._send(item):
                await self.outbox.delivered(item.event_id)
                delivered += 1
            else:
                await self.outbox.failed(item.event_id, self.clock(), BACKOFF_BASE_SECONDS, self.max_backoff)
        return delivered

    async def _send(self, item: Delivery) -> bool:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        body = item.body.encode()
        headers = signed_headers(self.keys, int(self.clock().timestamp()), body, item.event_id)
        try:
            async with self._session.post(self.url, data=body, headers=headers) as response:
                ok = 200 <= response.status < 300
                if not ok:
                    log.warning(
                        "webhook refused", extra={"event_id": item.event_id, "status": response.status}
                    )
                return ok
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning(
                "webhook not delivered", extra={"event_id": item.event_id, "error": type(exc).__name__}
            )
            return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def run_forever(self, stop: asyncio.Event, interval_seconds: float) -> None:
        """Deliver every ``interval_seconds`` until ``stop``; a failing round is logged, not fatal."""
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception as exc:  # noqa: BLE001 - Redis away: the events wait in the outbox
                log.warning("webhook round failed", extra={"error": type(exc).__name__})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        await self.close()
