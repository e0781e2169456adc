"""Conversation store on real Redis: users by AAD id and UPN, hand-over claims that make two
leads' "send" clicks (or a crashed sender) never hand a candidate over twice or never, and members
joining the team (through the real endpoint): each one the roster knows is saved, the rest skipped."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.store import keys
from bot.store.connection import client_from_url
from bot.store.conversations import ConversationStore
from bot.ui import texts
from tests.fake_connector import BOT_ID, install_in_team
from tests.harness import running_bot
from tests.intake_support import LEAD


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


# --- members added to the team, through the real POST /api/messages ---------------------------------


def _members_added(service_url: str, members: list[Any]) -> dict[str, Any]:
    """Teams' conversationUpdate for members joining the team (the bot itself not among them)."""
    return {**install_in_team(service_url, LEAD), "membersAdded": members}


async def test_members_who_cannot_be_looked_up_are_skipped_quietly_and_the_others_saved(
    redis_url: str, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(redis_url, key_prefix) as bot:
        url = bot.connector.url
        known = [bot.connector.add_member(f"29:ny-{i}", f"aad-ny-{i}", f"ny{i}@kk.dk") for i in range(40)]
        guest = {"id": "29:guest-new", "aadObjectId": "aad-guest"}  # not in the roster yet: 404
        caplog.set_level(logging.DEBUG)
        caplog.clear()  # the start-up warnings of local mode
        before = len(bot.connector.sent)
        cases: list[list[Any]] = [
            [guest],
            [None],
            [{}],
            [{"aadObjectId": "aad-no-id"}],
            [*({"id": m["id"], "aadObjectId": m["aadObjectId"]} for m in known[:20]), guest, None, {}],
        ]
        for members in cases:
            r = await bot.http.post(bot.url("/api/messages"), json=_members_added(url, members))
            assert r.status == 201, members
        # No recipient (so no "is it the bot?"): still a member joining, looked up and saved.
        joined = _members_added(url, [{"id": m["id"], "aadObjectId": m["aadObjectId"]} for m in known[20:]])
        r = await bot.http.post(
            bot.url("/api/messages"), json={k: v for k, v in joined.items() if k != "recipient"}
        )
        assert r.status == 201
        left = {**_members_added(url, []), "membersRemoved": [None, {}, {"id": "29:ny-0"}]}
        assert (await bot.http.post(bot.url("/api/messages"), json=left)).status == 201

        assert bot.connector.sent[before:] == []  # no "Beklager …" in the channel
        for m in known:
            user = await bot.services.conversations.user_by_upn(m["email"])
            assert user is not None and user.teams_id == m["id"]
        assert await bot.services.conversations.get_user("aad-guest") is None
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
        skipped = [r for r in caplog.records if r.getMessage() == "member not in the roster"]
        assert len(skipped) == 2 and all(r.levelno == logging.INFO for r in skipped)
        for personal in ("29:guest-new", "aad-guest"):
            assert personal not in caplog.text


async def test_the_bot_added_with_broken_entries_only_welcomes(redis_url: str, key_prefix: str) -> None:
    async with running_bot(redis_url, key_prefix, install=False) as bot:
        url = bot.connector.url
        members = [None, {}, {"id": "29:guest-new", "aadObjectId": "aad-guest"}, {"id": BOT_ID}]
        r = await bot.http.post(bot.url("/api/messages"), json=_members_added(url, members))
        assert r.status == 201
        assert [s.text for s in bot.connector.sent] == [texts.WELCOME_CHANNEL]
