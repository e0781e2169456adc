"""What the Teams edge hands the router and gets back, independent of botbuilder.

Why a module of its own: the edge (``bot.teams``), the router and the features all speak these
types; keeping them here lets the features talk to Teams only through ``Messenger``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.store.conversations import TeamsUser
from bot.ui import cards


@dataclass(frozen=True, slots=True)
class Turn:
    """One incoming activity, reduced to what the router and the features need. No names."""

    conversation_id: str
    conversation_type: str  # "personal" | "channel" | "groupChat" | "" (Emulator)
    reference: dict[str, Any]  # opaque conversation reference (JSON) from the edge
    user_id: str
    aad_object_id: str | None = None
    upn: str | None = None
    team_id: str | None = None
    channel_id: str | None = None
    reply_to_id: str | None = None

    @property
    def actor(self) -> str:
        """Who did it, for the audit trail and the card: UPN when known, else the AAD id."""
        return self.upn or self.aad_object_id or self.user_id


@dataclass(slots=True)
class Reply:
    text: str | None = None
    card: cards.Card | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    """Where a proactive card landed: the conversation reference and the activity id."""

    reference: dict[str, Any]
    activity_id: str


class Unreachable(Exception):
    """The user cannot be messaged in Teams (app not installed, blocked, unknown)."""


class Messenger(Protocol):
    """Proactive sending; ``bot.teams.messenger.TeamsMessenger`` implements it on the Bot Framework."""

    async def post(self, reference: dict[str, Any], card: cards.Card, *, new_thread: bool) -> Posted: ...
    async def update(self, posted: Posted, card: cards.Card) -> None: ...
    async def send_to_user(self, user: TeamsUser, card: cards.Card) -> Posted: ...  # raises Unreachable
    async def send_text(self, reference: dict[str, Any], text: str) -> None: ...


@dataclass(slots=True)
class ActionResult:
    """What a button press produced: a refreshed card for the presser and/or a message."""

    card: cards.Card | None = None
    text: str | None = None
    extra: list[Reply] = field(default_factory=list)
    # What ``text`` means when it goes on top of ``card`` (its colour): a refusal is "attention".
    notice: cards.NoticeKind = cards.NOTICE_WARNING
