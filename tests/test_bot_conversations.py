"""Conversation store on real Redis: users by AAD id and UPN, and hand-over claims that make two
leads' "send" clicks (or a crashed sender) never hand a candidate over twice or never."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.store import keys
from bot.store.connection import client_from_url
from bot.store.conversations import ConversationStore


@pytest.fixture
async def store(redis_url: str, key_prefix: str) -> AsyncIterator[ConversationStore]:
    redis = client_from_url(redis_url)
    yield ConversationStore(redis, key_prefix)
    await redis.aclose()


async def test_users_are_found_by_upn_case_insensitively_and_keep_what_they_knew(
    store: ConversationStore,
) -> None:
    await store.save_user(
        aad_object_id="aad-1",
        teams_id="29:1",
        upn="Kons.A@KK.dk",
        tenant_id="t",
        service_url="https://smba/",
        bot_id="28:b",
    )
    await store.save_user(
        aad_object_id="aad-1",
        teams_id="29:1",
        upn=None,
        tenant_id="t",
        service_url="https://smba/",
        bot_id="28:b",
        personal_conversation_id="a:1",
    )
    user = await store.user_by_upn("kons.a@kk.dk")
    assert user is not None and user.upn == "kons.a@kk.dk" and user.personal_conversation_id == "a:1"
    assert await store.user_by_upn("ukendt@kk.dk") is None


async def test_concurrent_claims_give_one_winner(store: ConversationStore) -> None:
    results = await asyncio.gather(*(store.claim_handover("JO-1", "K-1") for _ in range(20)))
    assert results.count(True) == 1


async def test_pending_and_stale_claims_can_be_taken_again_sent_cannot(
    store: ConversationStore, key_prefix: str, redis_url: str
) -> None:
    assert await store.claim_handover("JO-1", "K-1")
    assert not await store.claim_handover("JO-1", "K-1")  # fresh claim held by someone else
    await store.mark_pending("JO-1", "K-1", "kons@kk.dk")
    assert await store.pending_for("kons@kk.dk") == [("JO-1", "K-1")]
    assert await store.claim_handover("JO-1", "K-1")  # retry of a pending one
    await store.mark_sent("JO-1", "K-1", "kons@kk.dk")
    assert await store.pending_for("kons@kk.dk") == []
    assert not await store.claim_handover("JO-1", "K-1")
    # A sender that died mid-send: its claim expires after the lease.
    redis = client_from_url(redis_url)
    stale = f"sending:{time.time() - keys.HANDOVER_LEASE_SECONDS - 5:.0f}"
    await redis.hset(keys.handovers(key_prefix, "JO-1"), "K-2", stale)
    await redis.aclose()
    assert await store.claim_handover("JO-1", "K-2")
    states = await store.handover_states("JO-1")
    assert states["K-1"] == "sent" and states["K-2"].startswith("sending:") and states["K-2"] != stale
