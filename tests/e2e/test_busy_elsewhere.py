"""A candidate busy on another job order is marked on the shortlist card, or left out (issue 10,
item 5; config/cross_job_orders.toml). Through the real app (``/api/messages``, real Redis)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.busy import BusyRule, load_busy_rule
from config import ConfigError
from matching.models import JobOrder
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import KONS_A, KONS_B, LEAD, install, job_order, post_shortlist, the_day
from tests.fake_connector import card_text, find_action
from tests.harness import RunningBot


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with the_day(redis_url, key_prefix) as running:
        for other in ("JO-2026-0102", "JO-2026-0103"):
            same = JobOrder.model_validate({**job_order().model_dump(), "id": other})
            await running.services.stores.job_orders.save_job_order(same)
        yield running


async def _contacted_on_first_job_order(bot: RunningBot) -> str:
    """The lead approves the top candidate on JO-2026-0101; their consultant contacts them."""
    await install(bot, KONS_A, KONS_B)
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    cand = str(approve["cand"])
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None
    consultant = KONS_A if fu.consultant == "kons.a@kk.dk" else KONS_B
    await bot.post(
        fc.message(bot.service_url, consultant, f"status JO-2026-0101 {cand} kontaktet"), status=201
    )
    return cand


async def _match(bot: RunningBot, job_order_id: str) -> str:
    await bot.post(fc.message(bot.service_url, LEAD, f"match {job_order_id}", channel=True), status=201)
    card = next(
        s.card for s in reversed(bot.connector.of_kind("create")) if job_order_id in card_text(s.card or {})
    )
    return card_text(card or {})


async def test_a_candidate_in_progress_elsewhere_is_marked_on_the_next_shortlist(bot: RunningBot) -> None:
    cand = await _contacted_on_first_job_order(bot)
    text = await _match(bot, "JO-2026-0102")
    assert cand in text  # still on the list (the rule says "mark") …
    assert "I gang med JO-2026-0101: Kontaktet" in text  # … with where else they are in progress
    # Only that candidate is marked, and the job order's own card never marks its own candidates.
    assert text.count("I gang med") == 1
    await bot.post(fc.message(bot.service_url, LEAD, "match JO-2026-0101", channel=True), status=201)
    own = bot.connector.of_kind("update")[-1].card or {}
    assert "I gang med" not in card_text(own)


async def test_with_the_rule_set_to_exclude_the_busy_candidate_is_left_out_and_counted(
    bot: RunningBot,
) -> None:
    cand = await _contacted_on_first_job_order(bot)
    bot.services.shortlists.busy_rule = BusyRule(mode="exclude", mode_source="test: exclude")
    text = await _match(bot, "JO-2026-0103")
    assert cand not in text and "I gang med" not in text
    assert "1 i gang på en anden jobordre" in text  # counted with the other filters
    assert text.count("· score") == 5  # the list is filled from further down the ranking


def test_the_rule_file_is_validated_naming_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "cross_job_orders.toml"
    bad.write_text('mode = "skjul"\nmode_source = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cross_job_orders.toml: felt 'mode'"):
        load_busy_rule(bad)
    assert load_busy_rule().mode == "mark"  # the shipped rule
