"""Where the bot can reach people: Teams conversation references, users, cards, hand-overs.

Why Redis: proactive messages (shortlists, hand-overs, reminders) are sent long after the turn
that taught us the conversation, possibly by another process. References are opaque JSON from
the Teams edge (``bot.teams.references``: ids, service url, tenant; never names). Users are keyed by
AAD object id and indexed by UPN/e-mail, because candidate profiles name their consultant by e-mail.

A hand-over that cannot be delivered (consultant never installed the app, or blocked it) is kept
as *pending* per consultant and on the job order, so the channel card can say so and the bot can
deliver it the moment the consultant becomes reachable: nothing is dropped silently.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from bot.store import keys
from bot.store.client import StrRedis, typed, watching

HANDOVER_SENT = "sent"
HANDOVER_PENDING = "pending"
HANDOVER_SENDING = "sending:"  # + epoch seconds when the claim was taken
# How long recording a card Teams has already accepted keeps trying while Redis is away (a Sentinel
# failover refuses writes for ~10 s): giving up means the retry posts the card a second time.
POSTED_CARD_PATIENCE_SECONDS = 60.0


# KEYS[1] card hash, KEYS[2] posting lease; ARGV[1] our lease token ('' = no lease), then reference,
# activity id, shown, digest, TTL. The fencing check and the write in one step.
SAVE_CARD_LUA = """
local lease = redis.call('GET', KEYS[2])
if ARGV[1] ~= '' and lease ~= ARGV[1] then
  if lease then return 0 end
  if redis.call('HGET', KEYS[1], 'digest') == ARGV[5] then return 0 end
end
redis.call('HSET', KEYS[1], 'reference', ARGV[2], 'activity_id', ARGV[3], 'shown', ARGV[4], 'digest', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return 1
"""

# KEYS[1] the old consultant's pending set, KEYS[2] the new one's. ARGV[1] TTL, ARGV[2..] record members.
# Moves the members that wait for the old consultant to the new one; answers the members moved.
MOVE_PENDING_LUA = """
local moved = {}
for i = 2, #ARGV do
  if redis.call('SREM', KEYS[1], ARGV[i]) == 1 then
    redis.call('SADD', KEYS[2], ARGV[i])
    moved[#moved + 1] = ARGV[i]
  end
end
if #moved > 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return moved
"""

RENEW_POSTING_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

RELEASE_POSTING_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True, slots=True)
class LastSend:
    """A job order's last "Send godkendte": how many went out, pressed by whom, when (UTC)."""

    sent: int
    actor: str
    at: datetime


def _claimable(state: str, now: float) -> bool:
    if state == HANDOVER_PENDING:
        return True
    if state.startswith(HANDOVER_SENDING):
        started = float(state.removeprefix(HANDOVER_SENDING) or 0)
        return now - started > keys.HANDOVER_LEASE_SECONDS
    return False


@dataclass(frozen=True, slots=True)
class TeamsUser:
    """A Teams user the bot knows: enough to open a 1:1 chat. No display name is kept."""

    aad_object_id: str
    teams_id: str
    upn: str
    tenant_id: str
    service_url: str
    bot_id: str
    personal_conversation_id: str


@dataclass(frozen=True, slots=True)
class CardLocation:
    """Where a job order's shortlist card is, so every decision can update it in place."""

    reference: dict[str, Any]
    activity_id: str
    shown: int
    digest: str = ""  # the job order content the card was posted for (a revision gets a card of its own)


class ConversationStore:
    """Named operations on the bot's conversation data; every write is safe to repeat. The client must
    decode (``decode_responses=True``, as ``connect`` builds it): replies are typed as ``str``."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._r: StrRedis = typed(redis)
        self._p = prefix
        self._scripts: dict[str, Any] = {}

    # --- references ---------------------------------------------------------------------------

    async def save_reference(self, conversation_id: str, reference: dict[str, Any]) -> None:
        await self._r.set(
            keys.conversation(self._p, conversation_id),
            json.dumps(reference),
            ex=keys.CONVERSATION_TTL_SECONDS,
        )

    async def get_reference(self, conversation_id: str) -> dict[str, Any] | None:
        raw = await self._r.get(keys.conversation(self._p, conversation_id))
        return json.loads(raw) if raw else None

    async def save_channel(self, channel_id: str, reference: dict[str, Any]) -> None:
        await self._r.set(
            keys.conversation_channel(self._p, channel_id),
            json.dumps(reference),
            ex=keys.CONVERSATION_TTL_SECONDS,
        )

    async def get_channel(self, channel_id: str) -> dict[str, Any] | None:
        raw = await self._r.get(keys.conversation_channel(self._p, channel_id))
        return json.loads(raw) if raw else None

    # --- users ------------------------------------------------------------------------------------

    async def save_user(
        self,
        *,
        aad_object_id: str,
        teams_id: str,
        upn: str | None,
        tenant_id: str,
        service_url: str,
        bot_id: str,
        personal_conversation_id: str | None = None,
    ) -> None:
        """Record (or refresh) a user; fields we did not learn this time keep their old value."""
        fields = {"teams_id": teams_id, "tenant_id": tenant_id, "service_url": service_url, "bot_id": bot_id}
        if upn:
            fields["upn"] = upn.lower()
        if personal_conversation_id:
            fields["personal_conversation_id"] = personal_conversation_id
        key = keys.conversation_user(self._p, aad_object_id)
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, keys.CONVERSATION_TTL_SECONDS)
            if upn:
                pipe.hset(keys.conversation_upn_index(self._p), upn.lower(), aad_object_id)
            await pipe.execute()

    async def get_user(self, aad_object_id: str) -> TeamsUser | None:
        raw = await self._r.hgetall(keys.conversation_user(self._p, aad_object_id))
        if not raw:
            return None
        return TeamsUser(
            aad_object_id=aad_object_id,
            teams_id=raw.get("teams_id", ""),
            upn=raw.get("upn", ""),
            tenant_id=raw.get("tenant_id", ""),
            service_url=raw.get("service_url", ""),
            bot_id=raw.get("bot_id", ""),
            personal_conversation_id=raw.get("personal_conversation_id", ""),
        )

    async def user_by_upn(self, upn: str) -> TeamsUser | None:
        aad = await self._r.hget(keys.conversation_upn_index(self._p), upn.lower())
        return await self.get_user(aad) if aad else None

    # --- shortlist cards --------------------------------------------------------------------------

    async def save_card(
        self,
        job_order_id: str,
        reference: dict[str, Any],
        activity_id: str,
        shown: int,
        digest: str = "",
        *,
        lease: str = "",
        patience: float = 0.0,
    ) -> bool:
        """Record where the card is. With ``lease`` (the posting lease's token) only while that lease
        is still ours, or, when it ran out, nobody else's and no card for this content was recorded
        meanwhile: False then (this card is a second one; the first stays the job order's card).
        ``patience``: seconds to keep retrying while Redis is unreachable (the card is already in
        Teams: a lost record means a second card on retry). Idempotent."""
        fields = [json.dumps(reference), activity_id, str(shown), digest, str(keys.CARD_TTL_SECONDS)]
        script_keys = [
            keys.shortlist_card(self._p, job_order_id),
            keys.shortlist_posting(self._p, job_order_id),
        ]
        written = 0
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type((RedisConnectionError, RedisTimeoutError)),
            stop=stop_after_delay(patience),
            wait=wait_exponential(multiplier=0.1, max=2),
            reraise=True,
        ):
            with attempt:
                written = await self._script(SAVE_CARD_LUA)(keys=script_keys, args=[lease, *fields])
        return bool(written)

    async def claim_posting(
        self, job_order_id: str, token: str, lease_ms: int = keys.POSTING_LEASE_MS
    ) -> bool:
        """True for exactly one caller until :meth:`release_posting` or the lease runs out."""
        key = keys.shortlist_posting(self._p, job_order_id)
        return bool(await self._r.set(key, token, nx=True, px=lease_ms))

    async def renew_posting(
        self, job_order_id: str, token: str, lease_ms: int = keys.POSTING_LEASE_MS
    ) -> bool:
        """Extend the posting lease while still ours (a slow Teams call); False when it was lost."""
        key = keys.shortlist_posting(self._p, job_order_id)
        return bool(await self._script(RENEW_POSTING_LUA)(keys=[key], args=[token, lease_ms]))

    async def release_posting(self, job_order_id: str, token: str) -> None:
        """Give the lease up, only if it is still ours (never someone else's after ours ran out)."""
        key = keys.shortlist_posting(self._p, job_order_id)
        await self._script(RELEASE_POSTING_LUA)(keys=[key], args=[token])

    def _script(self, source: str) -> Any:
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self._r.register_script(source)
        return script

    async def set_card_shown(self, job_order_id: str, shown: int) -> None:
        key = keys.shortlist_card(self._p, job_order_id)
        if await self._r.exists(key):
            await self._r.hset(key, "shown", str(shown))

    async def get_card(self, job_order_id: str) -> CardLocation | None:
        raw = await self._r.hgetall(keys.shortlist_card(self._p, job_order_id))
        if not raw:
            return None
        shown = int(raw.get("shown", "0") or 0)
        return CardLocation(json.loads(raw["reference"]), raw["activity_id"], shown, raw.get("digest", ""))

    # --- hand-overs ---------------------------------------------------------------------------------

    async def handover_states(self, job_order_id: str) -> dict[str, str]:
        return await self._r.hgetall(keys.handovers(self._p, job_order_id))

    async def mark_sent(self, job_order_id: str, candidate_id: str, consultant_upn: str) -> None:
        """Delivered: recorded on the job order and removed from the consultant's pending set."""
        key = keys.handovers(self._p, job_order_id)
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.hset(key, candidate_id, HANDOVER_SENT)
            pipe.expire(key, keys.HANDOVER_TTL_SECONDS)
            if consultant_upn:
                pipe.srem(
                    keys.handovers_pending(self._p, consultant_upn.lower()),
                    keys.record_member(job_order_id, candidate_id),
                )
            await pipe.execute()

    async def mark_pending(self, job_order_id: str, candidate_id: str, consultant_upn: str) -> None:
        key = keys.handovers(self._p, job_order_id)
        pending = keys.handovers_pending(self._p, consultant_upn.lower())
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.hset(key, candidate_id, HANDOVER_PENDING)
            pipe.expire(key, keys.HANDOVER_TTL_SECONDS)
            pipe.sadd(pending, keys.record_member(job_order_id, candidate_id))
            pipe.expire(pending, keys.HANDOVER_TTL_SECONDS)
            await pipe.execute()

    async def claim_handover(self, job_order_id: str, candidate_id: str) -> bool:
        """True for exactly one caller per candidate not yet sent: two leads clicking "send" at once
        never hand the same candidate over twice. A pending one can be claimed again (retry), and so
        can a claim whose holder died mid-send (older than the lease)."""
        key = keys.handovers(self._p, job_order_id)
        now = time.time()
        claim = f"{HANDOVER_SENDING}{now:.0f}"
        if await self._r.hsetnx(key, candidate_id, claim):
            await self._r.expire(key, keys.HANDOVER_TTL_SECONDS)
            return True
        async with watching(self._r) as pipe:
            try:
                await pipe.watch(key)  # compare-and-set: WATCH makes the swap atomic
                current = await pipe.hget(key, candidate_id)
                if current is None or not _claimable(current, now):
                    return False
                pipe.multi()
                pipe.hset(key, candidate_id, claim)
                await pipe.execute()
                return True
            except WatchError:  # someone else took it between our read and write
                return False

    async def release_handover(self, job_order_id: str, candidate_id: str) -> None:
        """Undo a claim after an unexpected error, so a later click can try again."""
        await self._r.hdel(keys.handovers(self._p, job_order_id), candidate_id)

    async def record_send(self, job_order_id: str, send: LastSend) -> None:
        """Remember the job order's last "Send godkendte" (replacing the one before)."""
        key = keys.handovers_last_send(self._p, job_order_id)
        fields = {"sent": str(send.sent), "actor": send.actor, "at": send.at.isoformat()}
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, keys.HANDOVER_TTL_SECONDS)
            await pipe.execute()

    async def last_send(self, job_order_id: str) -> LastSend | None:
        raw = await self._r.hgetall(keys.handovers_last_send(self._p, job_order_id))
        if not raw:
            return None
        return LastSend(int(raw.get("sent") or 0), raw.get("actor", ""), datetime.fromisoformat(raw["at"]))

    async def move_pending(
        self, cases: list[tuple[str, str]], old_upn: str, new_upn: str
    ) -> list[tuple[str, str]]:
        """Cases handed over to another consultant (``overdrag``): the hand-overs of them that waited
        for the old consultant wait for the new one now. Answers the cases moved."""
        if not cases:
            return []
        members = [keys.record_member(job, cand) for job, cand in cases]
        script_keys = [
            keys.handovers_pending(self._p, old_upn.lower()),
            keys.handovers_pending(self._p, new_upn.lower()),
        ]
        moved = await self._script(MOVE_PENDING_LUA)(
            keys=script_keys, args=[keys.HANDOVER_TTL_SECONDS, *members]
        )
        return [(job, cand) for job, _, cand in (str(m).partition(":") for m in moved)]

    async def pending_for(self, consultant_upn: str) -> list[tuple[str, str]]:
        members = await self._r.smembers(keys.handovers_pending(self._p, consultant_upn.lower()))
        out = []
        for m in sorted(members):
            job, _, cand = m.partition(":")
            out.append((job, cand))
        return out
