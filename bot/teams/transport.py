"""The msrest speed-ups under the Bot Framework SDK: the one file an SDK upgrade has to re-read.

Speed (see ``bench/bench_bot.py``): the SDK builds two msrest clients per incoming activity, sends
through ``requests`` in a thread pool and serialises cards node by node. Here the clients are built
once per service URL and send through aiohttp on the event loop (``_AiohttpSender`` with the
Bot Framework token set by ``BearerToken``), and cards are serialised as plain JSON: a several-fold
cut in CPU per activity (numbers in ``bench/RESULTS.md``). Everything else (auth, activity handling) is
the SDK's own code; ``stock_transport=True`` switches back to the SDK's clients (benchmark baseline).

Authentication: ``ConfigurationBotFrameworkAuthentication`` validates the Bot Framework JWT on
every POST when an app id is configured (a request without a valid token gets 401 before the bot
sees it), behind ``bot.teams.auth.TokenGate`` (screens forged tokens without network, fetches the
signing keys with aiohttp and a timeout, maps every refusal to 401).
With an empty app id the SDK runs with authentication disabled and anonymous outgoing
credentials (no token fetch): local mode for the Bot Framework Emulator and the tests.

What reaches into the SDK's internals, and so must be checked on an upgrade: ``_speed_up`` replaces a
client's ``_serialize`` and ``config.pipeline``; ``_CachedConnectors`` sets ``config.retry_policy``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ErrorResponseException
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
)
from msrest import Serializer
from msrest.exceptions import ClientException, ClientRequestError
from msrest.pipeline import Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.aiohttp import AioHttpClientResponse

from bot.teams.auth import TokenGate
from bot.teams.auth import install as install_signing_keys
from config.settings import Settings

# A Bot Framework access token (valid ~1 h, refreshed by MSAL) is reused this long per client.
TOKEN_REUSE_SECONDS = 300.0
# One call to the Bot Connector may take this long before it counts as failed (and is retried).
CONNECTOR_TIMEOUT_SECONDS = 30.0
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
UNREACHABLE_STATUSES = frozenset({403, 404})
# What a call to the Bot Connector can fail with: msrest's errors (an HTTP error answer, a request that
# never got one), aiohttp's, the socket's.
CONNECTOR_ERRORS: tuple[type[Exception], ...] = (ClientException, ClientError, OSError, TimeoutError)


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
        settings.app_id,
        settings.app_password.get_secret_value(),
        app_type,
        settings.app_tenant_id,
    )


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a failed connector call (msrest or aiohttp error), if it has one."""
    response = getattr(exc, "response", None)
    code = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(code) if code is not None else None


def is_transient(exc: BaseException) -> bool:
    """A connector failure worth retrying: 408/429/5xx, or the connection itself."""
    if isinstance(exc, ErrorResponseException):
        return status_of(exc) in TRANSIENT_STATUSES
    return isinstance(exc, ClientRequestError | ClientError | ConnectionError | TimeoutError)


class SentCard(dict[str, Any]):
    """A card on its way out. ``TurnContext`` deep-copies every outgoing activity (~2.5 ms for a help
    card); a card is never changed after it is built, so its copy is itself."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SentCard:
        return self


class _JsonSerializer(Serializer):
    """msrest's serializer with a fast path for plain JSON (our Adaptive Cards).

    msrest walks an ``object``-typed value (``Attachment.content``) node by node: ~14 ms for a
    shortlist card against ~1 ms for a ``json.dumps`` check. The output is identical for plain JSON;
    anything else still goes the msrest way.
    """

    def serialize_object(self, attr: Any, **kwargs: Any) -> Any:
        if type(attr) in (dict, list, SentCard):
            try:
                json.dumps(attr)
            except (TypeError, ValueError):
                pass
            else:
                return attr
        return super().serialize_object(attr, **kwargs)  # type: ignore[no-untyped-call]


class BearerToken(AsyncHTTPPolicy[Any, Any]):
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


class _LoadedResponse(AioHttpClientResponse):
    """msrest's aiohttp response, whose ``body()`` also answers an empty body (b"").

    Why: msrest raises "Body is not available" for a body that is loaded but empty, so a 2xx with no
    body (Direct Line and some connectors answer a send or an update that way) failed the whole call.
    Empty is an answer: the SDK then gets no ResourceResponse and carries on as with the stock clients.
    """

    def body(self) -> bytes:
        return self._body if self._body is not None else super().body()


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
        response = _LoadedResponse(http, raw)
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
    policies = [config.user_agent_policy, BearerToken(config.credentials), RawDeserializer()]
    config.pipeline = AsyncPipeline([*policies, config.http_logger_policy], sender)


class _CachedConnectors(ConnectorFactory):  # type: ignore[misc]
    """Hands out one ConnectorClient per (app id, service url, audience) instead of one per turn.

    Why: the SDK builds two msrest clients per incoming activity (connector + user token), and each
    msrest configuration costs ~15 ms of CPU (its retry policy builds a 1000-entry list by linear
    search) and a fresh HTTP session (no keep-alive). Reusing them is what makes ≥ 200 activities/s
    possible. msrest's own retries are switched off: tenacity in ``TeamsMessenger.retry`` is the one
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


class CachingAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """ConfigurationBotFrameworkAuthentication with connector and token clients reused across turns.

    Authentication itself (JWT validation of every incoming request) is delegated unchanged.
    """

    def __init__(
        self, inner: BotFrameworkAuthentication, *, enabled: bool = True, gate: TokenGate | None = None
    ) -> None:
        self._inner = inner
        self._enabled = enabled
        self._gate = gate
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
        if self._gate is None:  # local mode: the SDK lets anonymous requests through
            result = await self._inner.authenticate_request(activity, auth_header)
        else:
            result = await self._gate.authenticate(
                auth_header, lambda: self._inner.authenticate_request(activity, auth_header)
            )
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


def build_adapter(
    settings: Settings, *, stock_transport: bool = False
) -> tuple[CloudAdapter, CachingAuthentication]:
    """The SDK's CloudAdapter on the reused, aiohttp-based clients (``stock_transport``: the SDK's own
    per-turn clients, the benchmark's baseline). The authentication is returned for ``close``."""
    # msrest warns on every Teams-specific field it does not model (eventType, teamsChannelId …).
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
    install_signing_keys()
    stock = ConfigurationBotFrameworkAuthentication(auth_config(settings))
    gate = TokenGate(settings.app_id, settings.bot_openid_metadata_url) if settings.app_id else None
    auth = CachingAuthentication(stock, enabled=not stock_transport, gate=gate)
    return CloudAdapter(auth), auth
