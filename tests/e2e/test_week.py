"""The lead's week (issue 11.7) end to end: ``uge`` through ``POST /api/messages`` against a real
redis-server, and the automatic Monday post in the channel, once across replicas."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from bot.features.week import WeekService
from bot.ui import texts
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import LEAD, install, job_order, post_shortlist, the_day
from tests.fake_connector import card_text, find_action
from tests.harness import RunningBot


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with the_day(redis_url, key_prefix, WEEK_POST_WEEKDAY="1") as running:
        yield running


def blocks(card: dict[str, Any]) -> list[str]:
    """The text of each job order's container, in card order."""
    return [
        " | ".join(item["text"] for item in node["items"])
        for node in card["body"]
        if node.get("type") == "Container"
    ]


async def saved(bot: RunningBot, job_id: str, deadline: date | None, positions: int = 1) -> None:
    job = job_order().model_copy(update={"id": job_id, "deadline": deadline, "positions": positions})
    await bot.services.stores.job_orders.save_job_order(job)


async def test_uge_lists_open_job_orders_by_deadline_overdue_first_with_where_each_is_stuck(
    bot: RunningBot,
) -> None:
    await install(bot)
    post = await post_shortlist(bot)  # JO-2026-0101, deadline 15.12.2026: five waiting for a decision
    approve = find_action(post.card or {}, "godkend")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    await saved(bot, "JO-2026-0201", date(2026, 11, 20))  # overdue, nobody on the way
    await saved(bot, "JO-2026-0202", date(2026, 11, 10))  # overdue longer
    await saved(bot, "JO-2026-0203", None, positions=3)
    await saved(bot, "JO-2026-0204", date(2026, 12, 1))
    await saved(bot, "JO-2026-0205", date(2026, 11, 30))
    await bot.services.stores.lifecycle.cancel("JO-2026-0205", "leder@kk.dk")  # closed: not this week's

    await bot.post(fc.message(bot.service_url, LEAD, "uge"), status=201)
    card = bot.connector.cards(f"a:personal-{LEAD['id']}")[-1]
    text = card_text(card)
    assert texts.CARD_WEEK_TITLE in text and "Uge 48 · 5 åbne jobordrer, 2 med overskredet frist" in text
    lines = blocks(card)
    assert [line.split(" · ")[0] for line in lines] == [
        "**JO-2026-0202**",
        "**JO-2026-0201**",
        "**JO-2026-0204**",
        "**JO-2026-0101**",
        "**JO-2026-0203**",
    ]
    assert "Frist 10.11.2026 (overskredet) · Ingen kandidater i gang · Besat 0/1" in lines[0]
    assert "Frist 15.12.2026 · Afventer jobkonsulent (1) · Besat 0/1" in lines[3]
    assert "Ingen frist · Ingen kandidater i gang · Besat 0/3" in lines[4]
    overdue = next(n for n in card["body"] if n.get("type") == "Container")["items"][1]
    assert overdue["color"] == "Attention"
    # Fits a phone: no table (columns wrap mid-word at 360 px), two short lines per job order.
    assert '"Table"' not in str(card).replace("'", '"') and all(len(line) < 110 for line in lines)


async def test_the_monday_post_is_made_once_across_replicas_and_again_next_monday(bot: RunningBot) -> None:
    await install(bot)
    await post_shortlist(bot)
    services = bot.services
    replicas = [
        services.week,
        WeekService(
            services.stores.week, services.conversations, services.messenger, fc.CHANNEL_ID, bot.clock
        ),
        WeekService(
            services.stores.week, services.conversations, services.messenger, fc.CHANNEL_ID, bot.clock
        ),
    ]

    def posted() -> list[fc.Sent]:
        return [
            s
            for s in bot.connector.of_kind("create")
            if s.conversation_id.startswith(fc.CHANNEL_ID)
            and texts.CARD_WEEK_TITLE in card_text(s.card or {})
        ]

    sunday = bot.clock.now - timedelta(days=1)  # START is Monday 23.11.2026, 10:00 in Copenhagen
    assert not any(await asyncio.gather(*(r.run_once(sunday) for r in replicas)))
    early = bot.clock.now.replace(hour=6)  # Monday 07:00 in Copenhagen: before 08:00
    assert not any(await asyncio.gather(*(r.run_once(early) for r in replicas)))
    assert posted() == []

    done = await asyncio.gather(*(r.run_once(bot.clock.now) for r in replicas))
    assert sum(done) == 1
    assert len(posted()) == 1 and posted()[0].conversation_id.startswith(fc.CHANNEL_ID)
    assert "JO-2026-0101" in card_text(posted()[0].card or {})
    # Later that Monday and on Tuesday: nothing more.
    assert not any(await asyncio.gather(*(r.run_once(bot.clock.now + timedelta(hours=5)) for r in replicas)))
    assert not any(await asyncio.gather(*(r.run_once(bot.clock.now + timedelta(days=1)) for r in replicas)))
    assert len(posted()) == 1
    # The next Monday: once again.
    done = await asyncio.gather(*(r.run_once(bot.clock.now + timedelta(days=7)) for r in replicas))
    assert sum(done) == 1 and len(posted()) == 2


async def test_the_post_day_is_a_setting_and_zero_turns_it_off(redis_url: str, key_prefix: str) -> None:
    async with the_day(redis_url, key_prefix, WEEK_POST_WEEKDAY="0") as bot:
        await install(bot)
        assert not await bot.services.week.run_once(bot.clock.now)
    async with the_day(redis_url, key_prefix + "b", WEEK_POST_WEEKDAY="2", WEEK_POST_HOUR="9") as bot:
        await install(bot)
        assert not await bot.services.week.run_once(bot.clock.now)  # Monday
        assert await bot.services.week.run_once(bot.clock.now + timedelta(days=1))  # Tuesday 10:00
