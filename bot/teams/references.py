"""Who and where: conversation references, the users the bot knows, and the team's roster.

Why a module of its own: a proactive card (a hand-over, a reminder) can only go where the bot has
been before, so every incoming activity leaves its conversation reference and its sender (AAD id,
UPN, personal chat) in Redis, and the team's roster is read so 1:1 chats can be opened before anyone
writes. Business code is reached only through the ``on_reachable`` callback it is given: a user who
became reachable may have hand-overs waiting.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, ConversationReference

from bot.store.conversations import ConversationStore, TeamsUser
from bot.teams.activity import TEAMS_CHANNEL, tenant_of
from bot.teams.transport import CONNECTOR_ERRORS, UNREACHABLE_STATUSES, status_of
from bot.turn import Turn

log = logging.getLogger("matchbot.adapter")

# A conversation reference is re-saved at most this often per process (each save refreshes its TTL).
REFERENCE_REFRESH_SECONDS = 3600.0
# A user's stored record (UPN, personal chat) is re-read from Redis at most this often per process.
USER_CACHE_SECONDS = 60.0
ROSTER_PAGE_SIZE = 500
# TeamsInfo checks its arguments with ValueError and TypeError before it calls the connector.
ROSTER_ERRORS: tuple[type[Exception], ...] = (*CONNECTOR_ERRORS, ValueError, TypeError)

OnReachable = Callable[[str], Awaitable[int]]


def _clean_reference(ref: ConversationReference) -> dict[str, Any]:
    """Serialise a reference without display names: only ids, service url and tenant are kept."""
    data: dict[str, Any] = ref.serialize()
    for part in ("user", "bot", "conversation"):
        if isinstance(data.get(part), dict):
            data[part].pop("name", None)
    data.pop("activityId", None)
    return data


class KnownUsers:
    """The stored users, cached for a minute: a chatty user costs no Redis round trip per message.

    Shared by the edge (which learns users from activities) and the messenger (which opens personal
    chats): whoever saves a user drops the cached copy, so neither reads a stale one.
    """

    def __init__(self, conversations: ConversationStore) -> None:
        self.conversations = conversations
        self._users: dict[str, tuple[float, TeamsUser | None]] = {}

    async def get(self, aad: str) -> TeamsUser | None:
        now = time.monotonic()
        hit = self._users.get(aad)
        if hit is not None and now - hit[0] < USER_CACHE_SECONDS:
            return hit[1]
        user = await self.conversations.get_user(aad)
        self._users[aad] = (now, user)
        return user

    async def save(self, user: TeamsUser) -> None:
        """Store ``user``; an empty ``upn`` or personal chat keeps what was stored before."""
        self._users.pop(user.aad_object_id, None)
        await self.conversations.save_user(**asdict(user))

    async def save_from(
        self,
        a: Activity,
        aad: str,
        teams_id: str,
        upn: str | None,
        personal_conversation_id: str | None = None,
    ) -> None:
        """Store a user as this activity shows them (tenant, service url, bot)."""
        await self.save(
            TeamsUser(
                aad_object_id=aad,
                teams_id=teams_id,
                upn=upn or "",
                tenant_id=tenant_of(a),
                service_url=a.service_url or "",
                bot_id=a.recipient.id if a.recipient else "",
                personal_conversation_id=personal_conversation_id or "",
            )
        )


class References:
    """Remembers every turn's conversation and sender, and reads the team's roster."""

    def __init__(self, users: KnownUsers, on_reachable: OnReachable) -> None:
        self.users = users
        self.conversations = users.conversations
        self._on_reachable = on_reachable
        self._saved: dict[str, tuple[float, dict[str, Any]]] = {}

    async def remember(self, ctx: TurnContext) -> Turn:
        """Store the conversation reference and the user (AAD id, UPN) so we can write to them later."""
        a = ctx.activity
        conv = a.conversation
        conv_id = conv.id if conv else ""
        conv_type = (conv.conversation_type if conv else "") or ""
        channel_data = a.channel_data if isinstance(a.channel_data, dict) else {}
        team_id = (channel_data.get("team") or {}).get("id")
        channel_id = (channel_data.get("channel") or {}).get("id")
        ref = await self._reference(a, conv_id, conv_type, channel_id)
        user = a.from_property
        aad = getattr(user, "aad_object_id", None) if user else None
        upn = await self._learn_user(ctx, aad, conv_id, conv_type) if aad and user is not None else None
        return Turn(
            conversation_id=conv_id,
            conversation_type=conv_type,
            reference=ref,
            user_id=user.id if user else "",
            aad_object_id=aad,
            upn=upn,
            team_id=team_id,
            channel_id=channel_id,
            reply_to_id=a.reply_to_id,
        )

    async def _reference(
        self, a: Activity, conv_id: str, conv_type: str, channel_id: str | None
    ) -> dict[str, Any]:
        """The conversation's reference, stored once an hour per conversation, not on every message:
        ids, service url and tenant do not change between turns, and serialising costs ~0.5 ms."""
        now = time.monotonic()
        saved_at, ref = self._saved.get(conv_id, (-REFERENCE_REFRESH_SECONDS, {}))
        if now - saved_at < REFERENCE_REFRESH_SECONDS:
            return ref
        ref = _clean_reference(TurnContext.get_conversation_reference(a))
        if isinstance(ref.get("conversation"), dict):
            ref["conversation"]["tenantID"] = tenant_of(a)  # the schema's key; proactive calls need it
        self._saved[conv_id] = (now, ref)
        await self.conversations.save_reference(conv_id, ref)
        if conv_type == "channel" and channel_id:
            channel_ref = json.loads(json.dumps(ref))
            channel_ref["conversation"]["id"] = channel_id
            await self.conversations.save_channel(channel_id, channel_ref)
        return ref

    async def _learn_user(self, ctx: TurnContext, aad: str, conv_id: str, conv_type: str) -> str | None:
        """The sender's UPN (stored, else from the roster); saves what is new about them."""
        a = ctx.activity
        user = a.from_property
        known = await self.users.get(aad)
        upn = known.upn if known and known.upn else None
        is_personal = conv_type == "personal"
        new_personal = is_personal and (known is None or known.personal_conversation_id != conv_id)
        if upn is None and a.channel_id == TEAMS_CHANNEL:
            upn = await self._lookup_upn(ctx, user.id)
        if known is None or new_personal or (upn and not known.upn):
            await self.users.save_from(a, aad, user.id, upn, conv_id if is_personal else None)
        if new_personal and upn:
            await self._on_reachable(upn)
        return upn

    async def _lookup_upn(self, ctx: TurnContext, member_id: str) -> str | None:
        member = await self.member(ctx, member_id)
        return (member.email or member.user_principal_name or None) if member else None

    @staticmethod
    async def member(ctx: TurnContext, member_id: str) -> Any | None:
        """A member's roster entry, or None when it cannot be read: the roster is a nicety, the turn
        must still be answered. Not in the roster (yet) is normal for a guest who just joined."""
        try:
            return await TeamsInfo.get_member(ctx, member_id)
        except ROSTER_ERRORS as exc:
            status = status_of(exc)
            if status in UNREACHABLE_STATUSES:
                log.info("member not in the roster", extra={"status": status})
            else:
                log.warning("member lookup failed", extra={"error": type(exc).__name__, "status": status})
            return None

    async def read_roster(self, ctx: TurnContext) -> None:
        """Learn every team member's ids and UPN, so 1:1 chats can be opened before they write."""
        members: list[Any] = []
        token = None
        try:
            while True:
                page = await TeamsInfo.get_paged_members(ctx, token, ROSTER_PAGE_SIZE)
                members += list(page.members or [])
                token = page.continuation_token
                if not token:
                    break
        except ROSTER_ERRORS as exc:  # the members found so far are still saved
            log.warning("roster read failed", extra={"error": type(exc).__name__})
        await self.save_members(ctx, members)

    async def save_members(self, ctx: TurnContext, members: list[Any]) -> None:
        a = ctx.activity
        for m in members:
            aad = getattr(m, "aad_object_id", None)
            upn = getattr(m, "email", None) or getattr(m, "user_principal_name", None)
            if not aad:
                continue
            await self.users.save_from(a, aad, m.id, upn)
            if upn and await self.conversations.pending_for(upn):
                await self._on_reachable(upn)
