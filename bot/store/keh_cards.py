"""Where KEH's 1:1 card of each job order is, so every change updates it in place.

Why a claim before the first post: two changes at once (a hire typed by a consultant while the intake
worker posts the shortlist) must not give KEH two cards for one job order; the first caller sets a
short-lived "posting" marker (SET NX), posts, and writes the location over it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot.store import keys
from bot.store.client import StrRedis, typed

POSTING = "posting"
# A process that died between claiming and recording leaves the marker this long.
KEH_POSTING_LEASE_SECONDS = 60


@dataclass(frozen=True)
class KehCardLocation:
    reference: dict[str, Any]
    activity_id: str


class KehCardStore:
    """Claim, record and find KEH's card of a job order (``keys.keh_card``)."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._r: StrRedis = typed(redis)
        self._p = prefix

    async def get(self, job_order_id: str) -> KehCardLocation | None:
        raw = await self._r.get(keys.keh_card(self._p, job_order_id))
        if not raw or raw == POSTING:
            return None
        data = json.loads(raw)
        return KehCardLocation(data["reference"], data["activity_id"])

    async def claim(self, job_order_id: str) -> bool:
        """True for one caller while nobody has posted (or is posting) the job order's card."""
        key = keys.keh_card(self._p, job_order_id)
        return bool(await self._r.set(key, POSTING, nx=True, ex=KEH_POSTING_LEASE_SECONDS))

    async def release(self, job_order_id: str) -> None:
        """Give up a claim that did not post (KEH not reachable yet): the next change tries again."""
        key = keys.keh_card(self._p, job_order_id)
        if await self._r.get(key) == POSTING:
            await self._r.delete(key)

    async def save(self, job_order_id: str, reference: dict[str, Any], activity_id: str) -> None:
        value = json.dumps({"reference": reference, "activity_id": activity_id})
        await self._r.set(keys.keh_card(self._p, job_order_id), value, ex=keys.KEH_CARD_TTL_SECONDS)
