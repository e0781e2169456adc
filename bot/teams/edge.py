"""The Bot Framework edge: ``POST /api/messages``, activity → ``Turn``, router result → activities.

Why the SDK stays under ``bot.teams``: Microsoft's successor SDK (Microsoft 365 Agents SDK) keeps the
Activity schema but changes the adapter API; keeping CloudAdapter, auth, TeamsInfo and proactive
calls in this package means a migration rewrites it and nothing else. Inside, activities are reduced
to ``bot.turn.Turn`` and handed to ``bot.router.Router``; what the router answers goes back as
activities (or an invoke response). The package's parts: ``activity`` (what a body must hold, the
outgoing activities), ``references`` (who and where), ``messenger`` (proactive sends, retries, the
adapter), ``transport`` (the msrest speed-ups).
"""

from __future__ import annotations

import json
import logging
import re
from http import HTTPStatus
from typing import Any

import jwt
from aiohttp import web
from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.serializer_helper import deserializer_helper
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ErrorResponseException
from botbuilder.schema.teams import TeamsChannelAccount

from bot.router import Router
from bot.teams.activity import (
    ADAPTIVE_CARD_ACTION,
    activity_problem,
    invoke_message,
    parse_activity,
    unsupported_invoke,
    without_lone_surrogates,
)
from bot.teams.auth import AuthUnavailable
from bot.teams.messenger import TeamsMessenger
from bot.teams.references import References
from bot.teams.transport import status_of
from bot.turn import ActionResult, Turn
from bot.ui import cards, texts
from config.settings import Settings

log = logging.getLogger("matchbot.adapter")

TURN_KEY = "matchbot.turn"
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class TeamsEdge(TeamsActivityHandler):  # type: ignore[misc]
    """The activity handler: runs incoming turns on the messenger's adapter and hands them to the router."""

    def __init__(self, settings: Settings, messenger: TeamsMessenger, router: Router) -> None:
        super().__init__()
        self.settings = settings
        self.messenger = messenger
        self.router = router
        self.references = References(messenger.users, router.on_reachable)

    # --- HTTP -----------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        """``POST /api/messages``: Danish errors for bad requests, 401 without a valid token."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _error(415, texts.BAD_REQUEST_TYPE)
        if request.content_length is not None and request.content_length > self.settings.max_request_bytes:
            return _error(413, texts.REQUEST_TOO_LARGE)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, texts.REQUEST_TOO_LARGE)
        except web.RequestPayloadError:  # e.g. Content-Encoding: gzip on a body that is not gzip
            answer = _error(400, texts.BAD_REQUEST_ENCODING)
            answer.force_close()  # the rest of the body cannot be read: this connection is done
            request.content.feed_eof()  # nothing left to drain (aiohttp would log a traceback)
            return answer
        try:
            # JSON is UTF-8 (RFC 8259): a charset parameter ("charset=foo") is not looked up.
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly deep JSON
            return _error(400, texts.BAD_REQUEST_JSON)
        problem = activity_problem(body)
        if problem is not None:
            log.info("activity refused", extra={"reason": problem})  # field names only, no content
            return _error(400, problem)
        if _ESCAPED_SURROGATE.search(raw):  # only JSON escapes can carry one (raw UTF-8 cannot)
            body = without_lone_surrogates(body)  # nesting is bounded by now: recursion is safe
        activity = parse_activity(body)
        if activity is None:
            return _error(400, texts.BAD_REQUEST_INVALID)
        return await self._process(request.headers.get("Authorization", ""), activity)

    async def _process(self, auth_header: str, activity: Activity) -> web.Response:
        try:
            adapter = self.messenger.adapter
            invoke_response = await adapter.process_activity(auth_header, activity, self.on_turn)
        except (PermissionError, jwt.PyJWTError):
            log.warning("unauthorized request refused")
            return _error(401, texts.UNAUTHORIZED)
        except AuthUnavailable:  # a token we could not check: the sender (Bot Framework) retries
            return _error(503, texts.AUTH_UNAVAILABLE)
        except Exception as exc:  # outside the turn (a bug, an outage): Danish, no trace out
            log.error("activity processing failed", exc_info=exc)
            return _error(500, texts.ERROR_GENERIC)
        if invoke_response:
            body_out = invoke_response.body
            if hasattr(body_out, "serialize"):
                body_out = body_out.serialize()
            return web.json_response(body_out, status=invoke_response.status)
        return web.Response(status=201)

    # --- incoming turns ---------------------------------------------------------------------------------

    async def on_turn(self, turn_context: TurnContext) -> None:
        if turn_context.activity.channel_data is None:
            # The SDK's Teams dispatch reads channelData.team etc. unguarded (AttributeError on None).
            turn_context.activity.channel_data = {}
        turn_context.turn_state[TURN_KEY] = await self.references.remember(turn_context)
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        turn: Turn = turn_context.turn_state[TURN_KEY]
        value = turn_context.activity.value
        if isinstance(value, dict) and value.get("verb"):  # Action.Submit fallback
            result = await self.router.on_action(turn, value)
            await self._deliver_action(turn_context, turn, result, submit=True)
            return
        replies = await self.router.on_message(turn, turn_context.activity.text or "")
        for reply in replies:
            if reply.text or reply.card:  # e.g. a shortlist already posted into this very chat
                await self._send(turn_context, self.messenger.reply_activity(reply))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """``adaptiveCard/action`` (Action.Execute) answered with an AdaptiveCardInvokeResponse.

        Handled here rather than in ``on_adaptive_card_invoke`` because the SDK's model types the
        response ``value`` as an object, while the Universal Actions contract answers a message
        (``application/vnd.microsoft.activity.message``) with a string: the body is built as JSON.
        """
        if turn_context.activity.name != ADAPTIVE_CARD_ACTION:
            answer = await super().on_invoke_activity(turn_context)
            if answer is None or answer.status == HTTPStatus.NOT_IMPLEMENTED:  # the SDK: 501, body null
                log.info("invoke not supported", extra={"invoke": str(turn_context.activity.name)[:64]})
                return unsupported_invoke(turn_context.activity.name)
            return answer
        turn: Turn = turn_context.turn_state[TURN_KEY]
        value = turn_context.activity.value if isinstance(turn_context.activity.value, dict) else {}
        raw_action = value.get("action")
        action: dict[str, Any] = raw_action if isinstance(raw_action, dict) else {}
        raw_data = action.get("data")
        data: dict[str, Any] = dict(raw_data) if isinstance(raw_data, dict) else {}
        data.setdefault("verb", action.get("verb", ""))
        try:
            result = await self.router.on_action(turn, data)
            await self._deliver_action(turn_context, turn, result, submit=False)
        except Exception as exc:  # a button must get an answer, whatever failed behind it
            log.error("card action failed", exc_info=exc)
            return invoke_message(texts.ERROR_GENERIC)
        if result.card is not None:
            card = cards.with_notice(result.card, result.text, result.notice) if result.text else result.card
            body = {"statusCode": 200, "type": cards.CARD_CONTENT_TYPE, "value": self.messenger.signed(card)}
            return InvokeResponse(status=200, body=body)
        return invoke_message(result.text or texts.ACTION_UNKNOWN)

    async def _deliver_action(
        self, ctx: TurnContext, turn: Turn, result: ActionResult, *, submit: bool
    ) -> None:
        """Messages that go with an action; for Action.Submit also redraw the pressed card in place.

        A text (a refusal, "knappen er forældet", "allerede godkendt af …") is for the person who
        pressed: Action.Execute answers it in the invoke response only (as the message, or as a notice
        on top of the card), since a message would be public in a channel. Action.Submit has no answer
        of its own, so there it is a message.
        """
        if submit and result.card is not None and turn.reply_to_id:
            activity = self.messenger.card_activity(result.card)
            activity.id = turn.reply_to_id
            try:
                await self.messenger.retry(lambda: ctx.update_activity(activity))
            except ErrorResponseException as exc:
                log.warning("could not update the pressed card", extra={"status": status_of(exc)})
        elif submit and result.card is not None:
            # A client that does not say which card was pressed (Web Chat sends no replyToId): the
            # card cannot be redrawn in place, so the presser gets it as a new message, with the
            # current state and buttons, instead of no answer and stale buttons.
            await self._send(ctx, self.messenger.card_activity(result.card))
        if result.text and submit:  # Action.Execute answers the presser itself (message or card notice)
            await self._send(ctx, MessageFactory.text(result.text))
        for reply in result.extra:
            if reply.text or reply.card:
                await self._send(ctx, self.messenger.reply_activity(reply))

    async def on_teams_members_added_dispatch(
        self, members_added: list[Any], team_info: Any, turn_context: TurnContext
    ) -> None:
        """The SDK's dispatch, minus its failure modes: it fails the whole turn (and the bot posts an
        error into the channel) when one member is not in the roster yet or an entry is null or has
        no id. Here such a member is skipped; the bot itself and everyone found go on."""
        recipient = turn_context.activity.recipient
        bot_id = recipient.id if recipient else None
        members: list[Any] = []
        for member in members_added:
            member_id = getattr(member, "id", None)
            if not member_id:
                continue
            if member_id == bot_id or member.additional_properties:
                members.append(deserializer_helper(TeamsChannelAccount, member))
            elif (found := await self.references.member(turn_context, member_id)) is not None:
                members.append(found)
        await self.on_teams_members_added(members, team_info, turn_context)

    async def on_teams_members_removed_dispatch(
        self, members_removed: list[Any], team_info: Any, turn_context: TurnContext
    ) -> None:
        """The SDK's, without the entries it would crash on (null, no id)."""
        members = [m for m in members_removed if getattr(m, "id", None)]
        await super().on_teams_members_removed_dispatch(members, team_info, turn_context)

    async def on_teams_members_added(
        self, teams_members_added: list[Any], team_info: Any, turn_context: TurnContext
    ) -> None:
        turn: Turn = turn_context.turn_state[TURN_KEY]
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(m.id == bot_id for m in teams_members_added):
            for reply in await self.router.on_installed(turn):
                await self._send(turn_context, self.messenger.reply_activity(reply))
            if turn.conversation_type == "channel" or turn.team_id:
                await self.references.read_roster(turn_context)
        else:
            await self.references.save_members(turn_context, teams_members_added)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Teams also sends installationUpdate; the reference is already stored by ``on_turn``."""

    async def _send(self, ctx: TurnContext, activity: Activity) -> None:
        """A reply within the turn, retried like the proactive sends."""
        await self.messenger.retry(lambda: ctx.send_activity(activity))
