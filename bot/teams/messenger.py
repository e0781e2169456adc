"""Proactive sends to Teams: ``bot.turn.Messenger`` on the Bot Framework SDK.

Proactive sends use ``CloudAdapter.continue_conversation`` and ``create_conversation`` (tenant set
in ``ConversationParameters``; a new channel post is what ``TeamsInfo.send_message_to_teams_channel``
does, done directly so it also works in local mode without a bot app id). Transient connector
errors (429, 5xx, connection errors) are retried with exponential back-off (tenacity); 403/404 on a
1:1 chat means the user cannot be reached (``bot.turn.Unreachable``).

Why apart from the edge: the intake worker and the reminder scheduler send cards without any
incoming activity, so they need this and nothing of the activity handler.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
)
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential
from tenacity.wait import WaitBaseT

from bot.domain.signing import CardSigner
from bot.store.conversations import ConversationStore, TeamsUser
from bot.teams.activity import TEAMS_CHANNEL, answer_turn_error, card_activity, reply_activity
from bot.teams.references import KnownUsers
from bot.teams.transport import UNREACHABLE_STATUSES, build_adapter, is_transient, status_of
from bot.turn import Posted, Reply, Unreachable
from bot.ui import cards
from config.settings import Settings

RETRY_ATTEMPTS = 4

T = TypeVar("T")


def _not_a_reply(ctx: TurnContext) -> None:
    """A proactive send is a new message, not a reply: the SDK would set ``replyToId`` to the id of its
    own internal continuation event (a random id no client has seen), and Web Chat holds such a
    message back (~5 s) waiting for the activity it answers. Without the id, no ``replyToId``."""
    ctx.activity.id = None


class TeamsMessenger:
    """The CloudAdapter (shared with the edge, which runs incoming turns on it) and the proactive sends."""

    def __init__(
        self,
        settings: Settings,
        conversations: ConversationStore,
        *,
        signer: CardSigner,
        retry_wait: WaitBaseT | None = None,
        stock_transport: bool = False,
    ) -> None:
        self.settings = settings
        self.signer = signer  # every card sent is signed here (or by ``signed`` for invoke answers)
        self.bot_app_id = settings.app_id
        self.conversations = conversations
        self.users = KnownUsers(conversations)
        # ``stock_transport``: the SDK's own per-turn clients (the benchmark's baseline).
        self._fast = not stock_transport
        self.adapter, self._auth = build_adapter(settings, stock_transport=stock_transport)
        self.adapter.on_turn_error = answer_turn_error
        self._wait = retry_wait or wait_exponential(multiplier=0.2, max=5)

    async def close(self) -> None:
        """Close the outgoing HTTP sessions (app clean-up)."""
        await self._auth.close()

    # --- building and sending activities -----------------------------------------------------------

    def signed(self, card: cards.Card) -> cards.Card:
        """``card`` with its buttons' data signed: what the router accepts back (``bot.domain.signing``)."""
        return cards.sign_card(card, self.signer)

    def card_activity(self, card: cards.Card) -> Activity:
        return card_activity(self.signed(card), shared=self._fast)

    def reply_activity(self, reply: Reply) -> Activity:
        if reply.card is not None:
            reply = replace(reply, card=self.signed(reply.card))
        return reply_activity(reply, shared=self._fast)

    async def retry(self, call: Callable[[], Awaitable[T]]) -> T:
        """``call`` again on a transient connector error, with back-off; the last error is raised."""
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(RETRY_ATTEMPTS),
            wait=self._wait,
            reraise=True,
        ):
            with attempt:
                return await call()
        raise AssertionError("unreachable: AsyncRetrying either returns or raises")  # pragma: no cover

    # --- bot.turn.Messenger ----------------------------------------------------------------------------

    async def post(self, reference: dict[str, Any], card: cards.Card, *, new_thread: bool) -> Posted:
        ref = ConversationReference().deserialize(reference)
        activity = self.card_activity(card)
        if new_thread:
            return await self._new_thread(reference, ref, activity)
        sent: dict[str, str] = {}

        async def send(ctx: TurnContext) -> None:
            _not_a_reply(ctx)
            response = await ctx.send_activity(activity)
            sent["activity_id"] = response.id if response else ""

        await self.retry(lambda: self.adapter.continue_conversation(ref, send, self.bot_app_id))
        return Posted(reference, sent["activity_id"])

    async def _new_thread(
        self, reference: dict[str, Any], ref: ConversationReference, activity: Activity
    ) -> Posted:
        """A new post in the reference's channel (a thread of its own)."""
        channel_id = ref.conversation.id.split(";")[0]
        params = ConversationParameters(
            is_group=True,
            bot=ref.bot,
            channel_data={"channel": {"id": channel_id}, "tenant": {"id": ref.conversation.tenant_id}},
            activity=activity,
            tenant_id=ref.conversation.tenant_id,
        )
        created: dict[str, str] = {}

        async def on_created(ctx: TurnContext) -> None:
            created["conversation_id"] = ctx.activity.conversation.id
            created["activity_id"] = ctx.activity.id

        await self.retry(
            lambda: self.adapter.create_conversation(
                self.bot_app_id, on_created, params, TEAMS_CHANNEL, ref.service_url
            )
        )
        posted_ref = json.loads(json.dumps(reference))
        posted_ref["conversation"]["id"] = created["conversation_id"]
        return Posted(posted_ref, created["activity_id"])

    async def update(self, posted: Posted, card: cards.Card) -> None:
        ref = ConversationReference().deserialize(posted.reference)
        activity = self.card_activity(card)
        activity.id = posted.activity_id

        async def update(ctx: TurnContext) -> None:
            _not_a_reply(ctx)
            await ctx.update_activity(activity)

        await self.retry(lambda: self.adapter.continue_conversation(ref, update, self.bot_app_id))

    async def send_text(self, reference: dict[str, Any], text: str) -> None:
        ref = ConversationReference().deserialize(reference)

        async def send(ctx: TurnContext) -> None:
            _not_a_reply(ctx)
            await ctx.send_activity(text)

        await self.retry(lambda: self.adapter.continue_conversation(ref, send, self.bot_app_id))

    async def send_to_user(self, user: TeamsUser, card: cards.Card) -> Posted:
        """1:1 to a user: continue their personal chat, or open one (roster ids + tenant)."""
        try:
            reference = (
                await self.conversations.get_reference(user.personal_conversation_id)
                if user.personal_conversation_id
                else None
            )
            if reference is None:
                reference = await self._open_personal(user)
            return await self.post(reference, card, new_thread=False)
        except ErrorResponseException as exc:
            if status_of(exc) in UNREACHABLE_STATUSES:
                raise Unreachable(user.upn) from exc
            raise

    async def _open_personal(self, user: TeamsUser) -> dict[str, Any]:
        if not user.teams_id or not user.service_url:
            raise Unreachable(user.upn)
        params = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=user.bot_id),
            members=[ChannelAccount(id=user.teams_id)],
            tenant_id=user.tenant_id,
            channel_data={"tenant": {"id": user.tenant_id}},
        )
        created: dict[str, str] = {}

        async def on_created(ctx: TurnContext) -> None:
            created["conversation_id"] = ctx.activity.conversation.id

        await self.retry(
            lambda: self.adapter.create_conversation(
                self.bot_app_id, on_created, params, TEAMS_CHANNEL, user.service_url
            )
        )
        conv_id = created["conversation_id"]
        reference = {
            "bot": {"id": user.bot_id},
            "user": {"id": user.teams_id, "aadObjectId": user.aad_object_id},
            "conversation": {"id": conv_id, "conversationType": "personal", "tenantID": user.tenant_id},
            "channelId": TEAMS_CHANNEL,
            "serviceUrl": user.service_url,
        }
        await self.conversations.save_reference(conv_id, reference)
        await self.users.save(replace(user, personal_conversation_id=conv_id))
        return reference
