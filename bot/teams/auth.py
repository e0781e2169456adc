"""Bot Framework authentication that fails closed, fast, and never on the event loop.

Why not the SDK's as it is: its ``JwtTokenExtractor`` fetches the OpenID metadata and signing keys with
synchronous ``requests`` and no timeout, on the event loop (one forged token stalled every request,
``/healthz`` included, for 5 s), and a token it cannot use (HS256, ``alg=none``, an unknown key id)
ends in ``IndexError``/bare ``Exception``: a 500 with a traceback instead of a 401.

What this module does, around the SDK's validation (which still checks signature, issuer, audience,
service URL and endorsements):

- ``TokenGate.screen`` refuses, without any network, a header that cannot be a Bot Framework token:
  not ``Bearer``, not a JWT, an algorithm other than RS256, no key id, an issuer the SDK would not
  accept, expired (beyond the SDK's 5 minutes' leeway), a channel token for another app id.
- ``SigningKeys`` replaces the SDK's metadata cache: aiohttp with a total timeout, the keys cached for a
  day (an unknown key id refetches at most every ``UNKNOWN_KID_REFETCH_SECONDS``), one fetch at a time,
  and after a failed fetch no new attempt for ``FAILURE_COOLDOWN_SECONDS`` (the known keys keep
  working meanwhile). Installed by replacing ``JwtTokenExtractor.get_open_id_metadata``, the SDK's one
  hook for it (re-check on an SDK upgrade).
- ``TokenGate.authenticate`` maps every refusal to ``Unauthorized`` (401) and a metadata fetch that
  failed to ``AuthUnavailable`` (503: the token looked valid, we could not check it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import jwt
from aiohttp import ClientError, ClientSession, ClientTimeout
from botframework.connector.auth import AuthenticationConstants, JwtTokenExtractor
from botframework.connector.auth.emulator_validation import EmulatorValidation

log = logging.getLogger("matchbot.auth")
T = TypeVar("T")

# Both metadata requests (OpenID configuration, then the key set) together may take this long.
METADATA_TIMEOUT_SECONDS = 3.0
# The keys are fetched again after this long (the SDK: a day; Microsoft rolls keys with overlap).
KEYS_MAX_AGE_SECONDS = 24 * 3600.0
# A token whose key id is not in the cached set makes us refetch, but not more often than this.
UNKNOWN_KID_REFETCH_SECONDS = 300.0
# After a failed fetch, requests needing new keys are answered at once (503) for this long.
FAILURE_COOLDOWN_SECONDS = 10.0
# The SDK's clock tolerance on ``exp``/``nbf``.
LEEWAY_SECONDS = 300
SIGNING_ALGORITHM = "RS256"  # what the SDK's ``jwt.decode`` accepts


class Unauthorized(PermissionError):
    """The request does not carry a valid Bot Framework token (401). A PermissionError, as the SDK's."""


class AuthUnavailable(Exception):
    """The token may be valid, but the signing keys cannot be fetched right now (503)."""


@dataclass(frozen=True)
class _Key:
    """What the SDK's ``JwtTokenExtractor`` reads from its metadata: the key and its endorsements."""

    public_key: Any
    endorsements: list[str]


class SigningKeys:
    """The signing keys published at one OpenID metadata URL, fetched off the loop's critical path.

    ``get`` has the SDK's ``_OpenIdMetadata.get`` contract (``await get(kid)`` → object with
    ``public_key`` and ``endorsements``), but raises ``Unauthorized`` for a key id that is not
    published and ``AuthUnavailable`` when the keys cannot be fetched.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.fetches = 0  # attempts, for tests and logs
        self._keys: dict[str, _Key] = {}
        self._fetched_at = float("-inf")
        self._failed_at = float("-inf")
        self._inflight: asyncio.Task[None] | None = None

    async def get(self, key_id: str | None) -> _Key:
        now = time.monotonic()
        stale = now - self._fetched_at > KEYS_MAX_AGE_SECONDS
        unknown = key_id not in self._keys and now - self._fetched_at > UNKNOWN_KID_REFETCH_SECONDS
        if stale or unknown:
            await self._refresh(must_succeed=not self._keys or unknown)
        key = self._keys.get(key_id or "")
        if key is None:
            raise Unauthorized("signing key not published")
        return key

    async def _refresh(self, *, must_succeed: bool) -> None:
        """One fetch at a time (concurrent callers share it); none at all while cooling down."""
        if time.monotonic() - self._failed_at < FAILURE_COOLDOWN_SECONDS:
            if must_succeed:
                raise AuthUnavailable("signing keys unavailable (cooling down)")
            return
        loop = asyncio.get_running_loop()
        task = self._inflight
        if task is None or task.done() or task.get_loop() is not loop:
            task = self._inflight = loop.create_task(self._fetch())
        try:
            await asyncio.shield(task)
        except (ClientError, TimeoutError, ValueError, KeyError, TypeError, jwt.PyJWTError) as exc:
            self._failed_at = time.monotonic()
            log.warning("bot framework signing keys unavailable", extra={"error": type(exc).__name__})
            if must_succeed:
                raise AuthUnavailable("signing keys unavailable") from None

    async def _fetch(self) -> None:
        self.fetches += 1
        timeout = METADATA_TIMEOUT_SECONDS
        async with ClientSession(timeout=ClientTimeout(total=timeout)) as session:
            async with asyncio.timeout(timeout):
                async with session.get(self.url) as response:
                    response.raise_for_status()
                    keys_url = str((await response.json(content_type=None))["jwks_uri"])
                async with session.get(keys_url) as response:
                    response.raise_for_status()
                    document = await response.json(content_type=None)
        keys: dict[str, _Key] = {}
        for jwk in document["keys"]:
            if not isinstance(jwk, dict) or not jwk.get("kid") or jwk.get("kty") != "RSA":
                continue
            public_key = jwt.PyJWK.from_json(json.dumps(jwk), algorithm=SIGNING_ALGORITHM).key
            keys[str(jwk["kid"])] = _Key(public_key, [str(e) for e in jwk.get("endorsements", [])])
        self._keys = keys
        self._fetched_at = time.monotonic()
        self._failed_at = float("-inf")


_registry: dict[str, SigningKeys] = {}
# The channel metadata URL of the app whose request is being authenticated (``TokenGate``), used in
# place of the SDK's built-in one: choosing another URL through the SDK's configuration would switch
# it to its "parameterized" authentication, which then needs every endpoint configured by hand.
_channel_metadata_url: ContextVar[str | None] = ContextVar("channel_metadata_url", default=None)


def signing_keys(url: str) -> SigningKeys:
    """The process-wide keys of one metadata URL (as the SDK's ``metadataCache``)."""
    override = _channel_metadata_url.get()
    if override and url == AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL:
        url = override
    keys = _registry.get(url)
    if keys is None:
        keys = _registry[url] = SigningKeys(url)
    return keys


def install() -> None:
    """Make the SDK's token extractors use ``SigningKeys`` instead of their blocking fetch."""
    JwtTokenExtractor.get_open_id_metadata = staticmethod(signing_keys)


class TokenGate:
    """Screens the Authorization header before the SDK validates it, and maps the outcome to 401/503."""

    def __init__(
        self,
        app_id: str,
        metadata_url: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        channel_issuer: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
    ) -> None:
        self.app_id = app_id
        self.metadata_url = metadata_url
        self.channel_issuer = channel_issuer
        emulator: list[str] = list(EmulatorValidation.TO_BOT_FROM_EMULATOR_TOKEN_VALIDATION_PARAMETERS.issuer)
        self.issuers = frozenset([channel_issuer, *emulator])

    def screen(self, auth_header: str) -> str | None:
        """Why the header cannot carry a valid token (a short reason for the log), or None."""
        parts = (auth_header or "").split(" ")
        if len(parts) != 2 or parts[0] != "Bearer" or not parts[1]:
            return "not a bearer token"
        token = parts[1]
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return "not a JWT"
        if header.get("alg") != SIGNING_ALGORITHM:
            return "algorithm not allowed"
        if not isinstance(header.get("kid"), str) or not header["kid"]:
            return "no key id"
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or issuer not in self.issuers:
            return "issuer not allowed"
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or expires + LEEWAY_SECONDS < time.time():
            return "expired"
        if issuer == self.channel_issuer and claims.get("aud") != self.app_id:
            return "audience is another app"
        return None

    async def authenticate(self, auth_header: str, validate: Callable[[], Awaitable[T]]) -> T:
        """``validate()`` (the SDK's check) if the header passes the screen; refusals → ``Unauthorized``."""
        reason = self.screen(auth_header)
        if reason is None:
            url = _channel_metadata_url.set(self.metadata_url)  # this request's task only
            try:
                return await validate()
            except AuthUnavailable:
                log.warning("bot framework token not checked: signing keys unavailable")
                raise
            except PermissionError as exc:
                reason = str(exc) or "refused"
            except jwt.PyJWTError as exc:
                reason = type(exc).__name__
            except Exception as exc:  # noqa: BLE001 - the SDK refuses tokens with bare Exception, IndexError …: fail closed
                reason = type(exc).__name__
            finally:
                _channel_metadata_url.reset(url)
        log.warning("unauthorized request refused: %s", reason[:80], extra={"reason": reason[:80]})
        raise Unauthorized(reason)
