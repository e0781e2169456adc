"""The adapter edge's own pieces: the outgoing token policy and the local/authenticated set-up."""

from __future__ import annotations

from typing import Any

from bot.adapter import _BearerToken, auth_config
from config.settings import Settings


class _Creds:
    def __init__(self, app_id: str | None) -> None:
        self.microsoft_app_id = app_id
        self.calls = 0

    def get_access_token(self) -> str:
        self.calls += 1
        return f"token-{self.calls}"


class _Http:
    def __init__(self) -> None:
        self.headers: dict[str, str] = {}


class _Request:
    def __init__(self) -> None:
        self.http_request = _Http()


class _Next:
    async def send(self, request: Any, **kwargs: Any) -> str:
        return "sent"


async def test_outgoing_calls_carry_the_bot_token_and_reuse_it() -> None:
    creds = _Creds("00000000-0000-0000-0000-000000000001")
    policy = _BearerToken(creds)
    policy.next = _Next()  # type: ignore[assignment]
    first, second = _Request(), _Request()
    assert await policy.send(first) == "sent"
    await policy.send(second)
    assert first.http_request.headers["Authorization"] == "Bearer token-1"
    assert second.http_request.headers["Authorization"] == "Bearer token-1"
    assert creds.calls == 1


async def test_local_mode_sends_no_token() -> None:
    for app_id in (None, "", "AnonymousSkill"):
        creds = _Creds(app_id)
        policy = _BearerToken(creds)
        policy.next = _Next()  # type: ignore[assignment]
        request = _Request()
        await policy.send(request)
        assert "Authorization" not in request.http_request.headers and creds.calls == 0


def test_auth_config_local_and_single_tenant() -> None:
    local = auth_config(Settings(MicrosoftAppId="", MicrosoftAppType="SingleTenant"))
    assert (local.APP_ID, local.APP_TYPE) == ("", "MultiTenant")  # the SDK's "auth disabled" path
    real = auth_config(Settings(MicrosoftAppId="abc", MicrosoftAppPassword="pw", MicrosoftAppTenantId="t1"))
    assert (real.APP_ID, real.APP_PASSWORD, real.APP_TYPE, real.APP_TENANTID) == (
        "abc",
        "pw",
        "SingleTenant",
        "t1",
    )
