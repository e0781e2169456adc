"""The Bot Framework edge: the ONLY module that imports botbuilder.

Why one module: Microsoft's successor SDK (Microsoft 365 Agents SDK) keeps the Activity schema but
changes the adapter API; keeping CloudAdapter, auth, TeamsInfo and proactive calls here means a
migration rewrites this file and nothing else. Inside, activities are reduced to ``services.Turn``
and handed to ``handlers.Router``; proactive sends implement ``services.Messenger``.

Authentication: ``ConfigurationBotFrameworkAuthentication`` validates the Bot Framework JWT on
every POST when an app id is configured (a request without a valid token gets 401 before the bot
sees it). With an empty app id the SDK runs with authentication disabled and anonymous outgoing
credentials (no token fetch): local mode for the Bot Framework Emulator and the tests.

Before the SDK sees a request, ``activity_problem`` refuses (400, Danish, naming the field) bodies
that are not an activity the turn can run on: nesting deeper than ``MAX_JSON_DEPTH`` (recursive code
in msrest and the handlers would overflow), no type, conversation id, service URL, a message or invoke
without a sender, channelData parts or member lists of the wrong kind. Teams never sends these.

Proactive sends use ``CloudAdapter.continue_conversation`` and ``create_conversation`` (tenant set
in ``ConversationParameters``; a new channel post is what ``TeamsInfo.send_message_to_teams_channel``
does, done directly so it also works in local mode without a bot app id). Transient connector
errors (429, 5xx, connection errors) are retried with exponential back-off (tenacity); 403/404 on a
1:1 chat means the user cannot be reached (``services.Unreachable``).

Speed (see ``bench/bench_bot.py``): the SDK builds two msrest clients per incoming activity, sends
through ``requests`` in a thread pool and serialises cards node by node. Here the clients are built
once per service URL and send through aiohttp on the event loop (``_AiohttpSender`` with the
Bot Framework token set by ``_BearerToken``), and cards are serialised as plain JSON: a several-fold
cut in CPU per activity (numbers in ``bench/RESULTS.md``). Everything else (auth, activity handling) is
the SDK's own code; ``stock_transport=True`` switches back to the SDK's clients (benchmark baseline).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import ClientError, ClientSession, ClientTimeout, web
from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.serializer_helper import deserializer_helper
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
)
from botbuilder.schema.teams import TeamsChannelAccount
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
)
from msrest import Serializer
from msrest.exceptions import ClientRequestError
from msrest.pipeline import Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.aiohttp import AioHttpClientResponse
from pydantic import BaseModel, Field, ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.router import Router
from bot.store.conversations import ConversationStore, TeamsUser
from bot.turn import ActionResult, Posted, Reply, Turn, Unreachable
from bot.ui import cards, texts
from config.settings import Settings

log = logging.getLogger("matchbot.adapter")

TEAMS_CHANNEL = "msteams"
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
INVOKE_MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
# A conversation reference is re-saved at most this often per process (each save refreshes its TTL).
REFERENCE_REFRESH_SECONDS = 3600.0
# A user's stored record (UPN, personal chat) is re-read from Redis at most this often per process.
USER_CACHE_SECONDS = 60.0
# A Bot Framework access token (valid ~1 h, refreshed by MSAL) is reused this long per client.
TOKEN_REUSE_SECONDS = 300.0
# One call to the Bot Connector may take this long before it counts as failed (and is retried).
CONNECTOR_TIMEOUT_SECONDS = 30.0
RETRY_ATTEMPTS = 4
UNREACHABLE_STATUSES = frozenset({403, 404})
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Objects and lists inside each other in one activity: Teams sends about 5; a button's data is flat.
MAX_JSON_DEPTH = 32
# The activity types whose turn needs to know who sent them (the actor of a command or button).
SENDER_NEEDED = frozenset({ActivityTypes.message, ActivityTypes.invoke})


@dataclass(frozen=True)
class _AuthConfig:
    """The attribute names ``ConfigurationBotFrameworkAuthentication`` reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def auth_config(settings: Settings) -> _AuthConfig:
    # SingleTenant requires an app id; with none the SDK's "auth disabled" path needs MultiTenant.
    app_type = settings.app_type if settings.app_id else "MultiTenant"
    return _AuthConfig(
        settings.app_id, settings.app_password.get_secret_value(), app_type, settings.app_tenant_id
    )


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    code = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(code) if code is not None else None


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, ErrorResponseException):
        return _status(exc) in TRANSIENT_STATUSES
    return isinstance(exc, ClientRequestError | ClientError | ConnectionError | TimeoutError)


class _SentCard(dict[str, Any]):
    """A card on its way out. ``TurnContext`` deep-copies every outgoing activity (~2.5 ms for a help
    card); a card is never changed after it is built, so its copy is itself."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _SentCard:
        return self


def _card_activity(card: cards.Card, *, shared: bool = True) -> Activity:
    # msrest's stock serializer would turn a dict subclass into a string: only share with ours.
    content = _SentCard(card) if shared else card
    return MessageFactory.attachment(Attachment(content_type=cards.CARD_CONTENT_TYPE, content=content))


def _reply_activity(reply: Reply, *, shared: bool = True) -> Activity:
    if reply.card is not None:
        activity = _card_activity(reply.card, shared=shared)
        if reply.text:
            activity.text = reply.text
        return activity
    return MessageFactory.text(reply.text or "")


class _Id(BaseModel):
    """An account or conversation: the edge needs its id."""

    id: str = Field(min_length=1)


class _ChannelData(BaseModel):
    """Teams' channelData: what the turn reads from it must be objects."""

    team: dict[str, Any] | None = None
    channel: dict[str, Any] | None = None
    tenant: dict[str, Any] | None = None


class _ActivityShape(BaseModel):
    """The minimum an activity needs before the SDK sees it (Teams always sends it: be strict).

    Why here: the SDK takes whatever msrest can deserialise and fails later inside the turn (HTTP 201,
    a traceback and no answer); a 400 that names the field is what a sender can act on.
    """

    type: str = Field(min_length=1)
    service_url: str = Field(alias="serviceUrl", pattern=r"^https?://\S+$")
    conversation: _Id
    sender: _Id | None = Field(default=None, alias="from")
    channel_data: _ChannelData | None = Field(default=None, alias="channelData")
    members_added: list[Any] | None = Field(default=None, alias="membersAdded")
    members_removed: list[Any] | None = Field(default=None, alias="membersRemoved")


# pydantic's error types → the problem named in texts.BAD_REQUEST_PROBLEMS.
_PROBLEMS = {
    "missing": "missing",
    "string_too_short": "empty",
    "string_type": "text",
    "string_pattern_mismatch": "url",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "list_type": "list",
}


def _field_problem(field: str, problem: str) -> str:
    return texts.BAD_REQUEST_FIELD.format(field=field, problem=texts.BAD_REQUEST_PROBLEMS[problem])


def _too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when objects and lists nest deeper than ``limit``. Iterative: no input exhausts the stack,
    here or later (msrest, the handlers' CPR check) where the same walk is recursive."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def activity_problem(body: Any) -> str | None:
    """Why a parsed request body is not an activity the bot can take (Danish), or None."""
    if not isinstance(body, dict):
        return texts.BAD_REQUEST_NOT_OBJECT
    if _too_deep(body):
        return texts.BAD_REQUEST_TOO_DEEP.format(limit=MAX_JSON_DEPTH)
    try:
        shape = _ActivityShape.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        return _field_problem(field, _PROBLEMS.get(first["type"], "invalid"))
    if shape.type in SENDER_NEEDED and shape.sender is None:
        return _field_problem("from", "missing")
    return None


def _tenant(activity: Activity) -> str:
    """Teams puts the tenant in channelData.tenant.id (the schema's ConversationAccount reads 'tenantID')."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (data.get("tenant") or {}).get("id")
    conv = activity.conversation
    return str(tenant or (conv.tenant_id if conv else "") or "")


def _clean_reference(ref: ConversationReference) -> dict[str, Any]:
    """Serialise a reference without display names: only ids, service url and tenant are kept."""
    data: dict[str, Any] = ref.serialize()
    for part in ("user", "bot", "conversation"):
        if isinstance(data.get(part), dict):
            data[part].pop("name", None)
    data.pop("activityId", None)
    return data


class _JsonSerializer(Serializer):
    """msrest's serializer with a fast path for plain JSON (our Adaptive Cards).

    msrest walks an ``object``-typed value (``Attachment.content``) node by node: ~14 ms for a
    shortlist card against ~1 ms for a ``json.dumps`` check. The output is identical for plain JSON;
    anything else still goes the msrest way.
    """

    def serialize_object(self, attr: Any, **kwargs: Any) -> Any:
        if type(attr) in (dict, list, _SentCard):
            try:
                json.dumps(attr)
            except (TypeError, ValueError):
                pass
            else:
                return attr
        return super().serialize_object(attr, **kwargs)  # type: ignore[no-untyped-call]


class _BearerToken(AsyncHTTPPolicy[Any, Any]):
    """Sets the Bot Framework token on outgoing calls (the aiohttp pipeline's credentials policy).

    The token comes from the SDK's credentials (MSAL, which caches and refreshes it); the call can
    block on the network, so it runs in a thread, and the token is reused for a few minutes.
    """

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._creds = credentials
        self._token = ""
        self._until = 0.0

    async def send(self, request: Any, **kwargs: Any) -> Any:
        app_id = getattr(self._creds, "microsoft_app_id", None)
        if app_id and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
            if time.monotonic() >= self._until:
                self._token = await asyncio.to_thread(self._creds.get_access_token)
                self._until = time.monotonic() + TOKEN_REUSE_SECONDS
            request.http_request.headers["Authorization"] = f"Bearer {self._token}"
        assert self.next is not None
        return await self.next.send(request, **kwargs)


class _AiohttpSender(AsyncHTTPSender[Any, Any]):
    """msrest transport on aiohttp: the request runs on the event loop, over kept-alive connections.

    Why not msrest's own ``AioHTTPSender``: it does not pass the request's headers and body on.
    """

    def __init__(self) -> None:
        self._session: ClientSession | None = None

    async def __aenter__(self) -> _AiohttpSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def build_context(self) -> None:
        return None

    async def send(self, request: Any, **config: Any) -> Any:
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=CONNECTOR_TIMEOUT_SECONDS))
        http = request.http_request
        raw = await self._session.request(http.method, http.url, headers=http.headers, data=http.data)
        response = AioHttpClientResponse(http, raw)
        await response.load_body()
        return Response(request, response)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _speed_up(client: Any, sender: _AiohttpSender) -> None:
    fast = _JsonSerializer(client._serialize.dependencies)  # type: ignore[no-untyped-call]
    # The activities we send are built by the SDK's own factories; re-validating every field of
    # every outgoing activity client-side costs ~1.5 ms and the connector validates anyway.
    fast.client_side_validation = False
    client._serialize = fast
    for group in ("conversations", "attachments"):
        operations = getattr(client, group, None)
        if operations is not None:
            operations._serialize = fast
    # aiohttp on the event loop instead of requests in a thread pool (a thread hop per call).
    config = client.config
    policies = [config.user_agent_policy, _BearerToken(config.credentials), RawDeserializer()]
    config.pipeline = AsyncPipeline([*policies, config.http_logger_policy], sender)


class _CachedConnectors(ConnectorFactory):  # type: ignore[misc]
    """Hands out one ConnectorClient per (app id, service url, audience) instead of one per turn.

    Why: the SDK builds two msrest clients per incoming activity (connector + user token), and each
    msrest configuration costs ~15 ms of CPU (its retry policy builds a 1000-entry list by linear
    search) and a fresh HTTP session (no keep-alive). Reusing them is what makes ≥ 200 activities/s
    possible. msrest's own retries are switched off: tenacity in ``TeamsEdge._retry`` is the one
    retry layer, with back-off and logging.
    """

    def __init__(
        self,
        inner: ConnectorFactory,
        app_id: str,
        cache: dict[tuple[str, str, str], Any],
        senders: list[_AiohttpSender],
    ) -> None:
        self._inner = inner
        self._app_id = app_id
        self._cache = cache
        self._senders = senders

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (self._app_id, service_url, audience or "")
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            client.config.retry_policy.retries = 0
            sender = _AiohttpSender()
            self._senders.append(sender)
            _speed_up(client, sender)
            self._cache[key] = client
        return client


class _CachingAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """ConfigurationBotFrameworkAuthentication with connector and token clients reused across turns.

    Authentication itself (JWT validation of every incoming request) is delegated unchanged.
    """

    def __init__(self, inner: BotFrameworkAuthentication, *, enabled: bool = True) -> None:
        self._inner = inner
        self._enabled = enabled
        self._connectors: dict[tuple[str, str, str], Any] = {}
        self._token_clients: dict[str, Any] = {}
        self.senders: list[_AiohttpSender] = []

    async def close(self) -> None:
        for sender in self.senders:
            await sender.close()

    @staticmethod
    def _app_id(claims: ClaimsIdentity | None) -> str:
        if claims is None:
            return ""
        return str(
            claims.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
            or claims.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
            or ""
        )

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if self._enabled and result.connector_factory is not None:
            result.connector_factory = _CachedConnectors(
                result.connector_factory, self._app_id(result.claims_identity), self._connectors, self.senders
            )
        return result

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str) -> Any:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = self._inner.create_connector_factory(claims_identity)
        if not self._enabled:
            return inner
        return _CachedConnectors(inner, self._app_id(claims_identity), self._connectors, self.senders)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> Any:
        key = self._app_id(claims_identity)
        if not self._enabled:
            return await self._inner.create_user_token_client(claims_identity)
        if key not in self._token_clients:
            self._token_clients[key] = await self._inner.create_user_token_client(claims_identity)
        return self._token_clients[key]

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())


class TeamsEdge(TeamsActivityHandler):  # type: ignore[misc]
    """CloudAdapter + the activity handler + the Messenger used for proactive sends."""

    def __init__(
        self,
        settings: Settings,
        conversations: ConversationStore,
        *,
        retry_wait: Callable[..., Any] | None = None,
        stock_transport: bool = False,
    ) -> None:
        super().__init__()
        # msrest warns on every Teams-specific field it does not model (eventType, teamsChannelId …).
        logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
        self.settings = settings
        self.bot_app_id = settings.app_id
        self.conversations = conversations
        self.logic: Router | None = None  # set by create_app (the logic needs this Messenger)
        # ``stock_transport``: the SDK's own per-turn clients (the benchmark's baseline).
        self._fast = not stock_transport
        stock = ConfigurationBotFrameworkAuthentication(auth_config(settings))
        self._auth = _CachingAuthentication(stock, enabled=not stock_transport)
        self.adapter = CloudAdapter(self._auth)
        self.adapter.on_turn_error = self._on_turn_error
        self._saved: dict[str, tuple[float, dict[str, Any]]] = {}
        self._users: dict[str, tuple[float, TeamsUser | None]] = {}
        self._wait = retry_wait or wait_exponential(multiplier=0.2, max=5)

    async def close(self) -> None:
        """Close the outgoing HTTP sessions (app clean-up)."""
        await self._auth.close()

    # --- HTTP -----------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        """``POST /api/messages``: Danish errors for bad requests, 401 without a valid token."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _error(415, texts.BAD_REQUEST_TYPE)
        if request.content_length is not None and request.content_length > self.settings.max_request_bytes:
            return _error(413, texts.REQUEST_TOO_LARGE)
        try:
            body = await request.json()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, texts.REQUEST_TOO_LARGE)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly deep JSON
            return _error(400, texts.BAD_REQUEST_JSON)
        problem = activity_problem(body)
        if problem is not None:
            log.info("activity refused", extra={"reason": problem})  # field names only, no content
            return _error(400, problem)
        try:
            activity = Activity().deserialize(body)
        except Exception:
            return _error(400, texts.BAD_REQUEST_INVALID)
        auth_header = request.headers.get("Authorization", "")
        try:
            invoke_response = await self.adapter.process_activity(auth_header, activity, self.on_turn)
        except (PermissionError, jwt.PyJWTError):
            log.warning("unauthorized request refused")
            return _error(401, texts.UNAUTHORIZED)
        except Exception as exc:  # a bug or an outage outside the turn: Danish text, no stack trace out
            log.error("activity processing failed", exc_info=exc)
            return _error(500, texts.ERROR_GENERIC)
        if invoke_response:
            body_out = invoke_response.body
            if hasattr(body_out, "serialize"):
                body_out = body_out.serialize()
            return web.json_response(body_out, status=invoke_response.status)
        return web.Response(status=201)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        """Log the failure; tell the user only when they wrote something (an invoke answers with the
        text itself; a member joining or an installation has no one waiting in the channel)."""
        log.error("turn failed", exc_info=error, extra={"activity_type": context.activity.type})
        if context.activity.type == ActivityTypes.invoke and context.activity.name == ADAPTIVE_CARD_ACTION:
            # A button pressed while e.g. Redis is down: answer the presser in Danish (else the SDK
            # answers 501 with an empty body and Teams shows its own error).
            answer = Activity(type=ActivityTypes.invoke_response, value=_invoke_message(texts.ERROR_GENERIC))
            context.turn_state[self.adapter._INVOKE_RESPONSE_KEY] = answer
        elif context.activity.type == ActivityTypes.message:
            try:
                await context.send_activity(texts.ERROR_GENERIC)
            except Exception:
                log.warning("could not send the error message")

    # --- incoming turns ---------------------------------------------------------------------------------

    def _logic(self) -> Router:
        assert self.logic is not None, "create_app wires the logic"
        return self.logic

    async def on_turn(self, turn_context: TurnContext) -> None:
        turn = await self._remember(turn_context)
        turn_context.turn_state["matchbot.turn"] = turn
        await super().on_turn(turn_context)

    async def _remember(self, ctx: TurnContext) -> Turn:
        """Store the conversation reference and the user (AAD id, UPN) so we can write to them later."""
        a = ctx.activity
        conv = a.conversation
        conv_id = conv.id if conv else ""
        conv_type = (conv.conversation_type if conv else "") or ""
        channel_data = a.channel_data if isinstance(a.channel_data, dict) else {}
        team_id = (channel_data.get("team") or {}).get("id")
        channel_id = (channel_data.get("channel") or {}).get("id")
        user = a.from_property
        aad = getattr(user, "aad_object_id", None) if user else None
        now = time.monotonic()
        saved_at, ref = self._saved.get(conv_id, (-REFERENCE_REFRESH_SECONDS, {}))
        if now - saved_at >= REFERENCE_REFRESH_SECONDS:
            # Ids, service url and tenant of a conversation do not change between turns: serialise
            # (msrest, ~0.5 ms) and store it once an hour per conversation, not on every message.
            ref = _clean_reference(TurnContext.get_conversation_reference(a))
            if isinstance(ref.get("conversation"), dict):
                ref["conversation"]["tenantID"] = _tenant(a)  # the schema's key; proactive calls need it
            self._saved[conv_id] = (now, ref)
            await self.conversations.save_reference(conv_id, ref)
            if conv_type == "channel" and channel_id:
                channel_ref = json.loads(json.dumps(ref))
                channel_ref["conversation"]["id"] = channel_id
                await self.conversations.save_channel(channel_id, channel_ref)
        upn = None
        if aad and user is not None:
            known = await self._known_user(aad)
            upn = known.upn if known and known.upn else None
            is_personal = conv_type == "personal"
            new_personal = is_personal and (known is None or known.personal_conversation_id != conv_id)
            if upn is None and a.channel_id == TEAMS_CHANNEL:
                upn = await self._lookup_upn(ctx, user.id)
            if known is None or new_personal or (upn and not known.upn):
                await self._save_user(a, aad, user.id, upn, conv_id if is_personal else None)
            if new_personal and upn:
                await self._logic().on_reachable(upn)
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

    async def _known_user(self, aad: str) -> TeamsUser | None:
        """The stored user, cached for a minute: a chatty user costs no Redis round trip per message."""
        now = time.monotonic()
        hit = self._users.get(aad)
        if hit is not None and now - hit[0] < USER_CACHE_SECONDS:
            return hit[1]
        user = await self.conversations.get_user(aad)
        self._users[aad] = (now, user)
        return user

    async def _lookup_upn(self, ctx: TurnContext, member_id: str) -> str | None:
        member = await self._member(ctx, member_id)
        return (member.email or member.user_principal_name or None) if member else None

    @staticmethod
    async def _member(ctx: TurnContext, member_id: str) -> Any | None:
        """A member's roster entry, or None when it cannot be read: the roster is a nicety, the turn
        must still be answered. Not in the roster (yet) is normal for a guest who just joined."""
        try:
            return await TeamsInfo.get_member(ctx, member_id)
        except Exception as exc:
            status = _status(exc)
            if status in UNREACHABLE_STATUSES:
                log.info("member not in the roster", extra={"status": status})
            else:
                log.warning("member lookup failed", extra={"error": type(exc).__name__, "status": status})
            return None

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        turn: Turn = turn_context.turn_state["matchbot.turn"]
        value = turn_context.activity.value
        if isinstance(value, dict) and value.get("verb"):  # Action.Submit fallback
            result = await self._logic().on_action(turn, value)
            await self._deliver_action(turn_context, turn, result, submit=True)
            return
        replies = await self._logic().on_message(turn, turn_context.activity.text or "")
        for reply in replies:
            if reply.text or reply.card:  # e.g. a shortlist already posted into this very chat
                await self._send(turn_context, _reply_activity(reply, shared=self._fast))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """``adaptiveCard/action`` (Action.Execute) answered with an AdaptiveCardInvokeResponse.

        Handled here rather than in ``on_adaptive_card_invoke`` because the SDK's model types the
        response ``value`` as an object, while the Universal Actions contract answers a message
        (``application/vnd.microsoft.activity.message``) with a string: the body is built as JSON.
        """
        if turn_context.activity.name != ADAPTIVE_CARD_ACTION:
            return await super().on_invoke_activity(turn_context)
        turn: Turn = turn_context.turn_state["matchbot.turn"]
        value = turn_context.activity.value if isinstance(turn_context.activity.value, dict) else {}
        raw_action = value.get("action")
        action: dict[str, Any] = raw_action if isinstance(raw_action, dict) else {}
        raw_data = action.get("data")
        data: dict[str, Any] = dict(raw_data) if isinstance(raw_data, dict) else {}
        data.setdefault("verb", action.get("verb", ""))
        try:
            result = await self._logic().on_action(turn, data)
            await self._deliver_action(turn_context, turn, result, submit=False)
        except Exception as exc:
            log.error("card action failed", exc_info=exc)
            return _invoke_message(texts.ERROR_GENERIC)
        if result.card is not None:
            card = cards.with_notice(result.card, result.text) if result.text else result.card
            body = {"statusCode": 200, "type": cards.CARD_CONTENT_TYPE, "value": card}
            return InvokeResponse(status=200, body=body)
        return _invoke_message(result.text or texts.ACTION_UNKNOWN)

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
            activity = _card_activity(result.card, shared=self._fast)
            activity.id = turn.reply_to_id
            try:
                await self._retry(lambda: ctx.update_activity(activity))
            except ErrorResponseException as exc:
                log.warning("could not update the pressed card", extra={"status": _status(exc)})
        if result.text and submit:  # Action.Execute answers the presser itself (message or card notice)
            await self._send(ctx, MessageFactory.text(result.text))
        for reply in result.extra:
            if reply.text or reply.card:
                await self._send(ctx, _reply_activity(reply, shared=self._fast))

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
            elif (found := await self._member(turn_context, member_id)) is not None:
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
        turn: Turn = turn_context.turn_state["matchbot.turn"]
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(m.id == bot_id for m in teams_members_added):
            for reply in await self._logic().on_installed(turn):
                await self._send(turn_context, _reply_activity(reply, shared=self._fast))
            if turn.conversation_type == "channel" or turn.team_id:
                await self._read_roster(turn_context)
        else:
            await self._save_members(turn_context, teams_members_added)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Teams also sends installationUpdate; the reference is already stored by ``on_turn``."""

    async def _read_roster(self, ctx: TurnContext) -> None:
        """Learn every team member's ids and UPN, so 1:1 chats can be opened before they write."""
        members: list[Any] = []
        token = None
        try:
            while True:
                page = await TeamsInfo.get_paged_members(ctx, token, 500)
                members += list(page.members or [])
                token = page.continuation_token
                if not token:
                    break
        except Exception as exc:
            log.warning("roster read failed", extra={"error": type(exc).__name__})
        await self._save_members(ctx, members)

    async def _save_user(
        self,
        a: Activity,
        aad: str,
        teams_id: str,
        upn: str | None,
        personal_conversation_id: str | None = None,
    ) -> None:
        """Store a user as this activity shows them (tenant, service url, bot) and drop the cached copy."""
        self._users.pop(aad, None)
        await self.conversations.save_user(
            aad_object_id=aad,
            teams_id=teams_id,
            upn=upn,
            tenant_id=_tenant(a),
            service_url=a.service_url or "",
            bot_id=a.recipient.id if a.recipient else "",
            personal_conversation_id=personal_conversation_id,
        )

    async def _save_members(self, ctx: TurnContext, members: list[Any]) -> None:
        a = ctx.activity
        for m in members:
            aad = getattr(m, "aad_object_id", None)
            upn = getattr(m, "email", None) or getattr(m, "user_principal_name", None)
            if not aad:
                continue
            await self._save_user(a, aad, m.id, upn)
            if upn and await self.conversations.pending_for(upn):
                await self._logic().on_reachable(upn)

    # --- proactive: services.Messenger --------------------------------------------------------------

    async def _retry(self, call: Callable[[], Awaitable[Any]]) -> Any:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(RETRY_ATTEMPTS),
            wait=self._wait,
            reraise=True,
        ):
            with attempt:
                return await call()
        return None  # pragma: no cover  (AsyncRetrying either returns or raises)

    async def _send(self, ctx: TurnContext, activity: Activity) -> None:
        """A reply within the turn, retried like the proactive sends."""
        await self._retry(lambda: ctx.send_activity(activity))

    async def post(self, reference: dict[str, Any], card: cards.Card, *, new_thread: bool) -> Posted:
        ref = ConversationReference().deserialize(reference)
        activity = _card_activity(card, shared=self._fast)
        if new_thread:
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

            await self._retry(
                lambda: self.adapter.create_conversation(
                    self.bot_app_id, on_created, params, TEAMS_CHANNEL, ref.service_url
                )
            )
            posted_ref = json.loads(json.dumps(reference))
            posted_ref["conversation"]["id"] = created["conversation_id"]
            return Posted(posted_ref, created["activity_id"])
        sent: dict[str, str] = {}

        async def send(ctx: TurnContext) -> None:
            response = await ctx.send_activity(activity)
            sent["activity_id"] = response.id if response else ""

        await self._retry(lambda: self.adapter.continue_conversation(ref, send, self.bot_app_id))
        return Posted(reference, sent["activity_id"])

    async def update(self, posted: Posted, card: cards.Card) -> None:
        ref = ConversationReference().deserialize(posted.reference)
        activity = _card_activity(card, shared=self._fast)
        activity.id = posted.activity_id

        async def update(ctx: TurnContext) -> None:
            await ctx.update_activity(activity)

        await self._retry(lambda: self.adapter.continue_conversation(ref, update, self.bot_app_id))

    async def send_text(self, reference: dict[str, Any], text: str) -> None:
        ref = ConversationReference().deserialize(reference)

        async def send(ctx: TurnContext) -> None:
            await ctx.send_activity(text)

        await self._retry(lambda: self.adapter.continue_conversation(ref, send, self.bot_app_id))

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
            if _status(exc) in UNREACHABLE_STATUSES:
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

        await self._retry(
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
        self._users.pop(user.aad_object_id, None)
        await self.conversations.save_user(
            aad_object_id=user.aad_object_id,
            teams_id=user.teams_id,
            upn=user.upn,
            tenant_id=user.tenant_id,
            service_url=user.service_url,
            bot_id=user.bot_id,
            personal_conversation_id=conv_id,
        )
        return reference


def _invoke_message(text: str) -> InvokeResponse:
    body = {"statusCode": 200, "type": INVOKE_MESSAGE_TYPE, "value": text}
    return InvokeResponse(status=200, body=body)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
