"""Issue 11: KEH's virksomhedskonsulent gets one 1:1 card per job order that follows it in place, and
their answers (*Ansat*, *Afslag* with a reason, *Ønsker flere kandidater*, *Besat*, *Annulleret*)
move the follow-ups and the job order — and reach KEH's system as signed webhooks.

Through the real ``/api/messages`` endpoint with Teams activity JSON and the job order API, on a real
Redis; KEH's system is the loopback receiver of ``tests.keh_support``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.domain.states import FollowUpState
from bot.ui import cards, texts
from bot.ui.cards import keh as keh_cards
from tests import fake_connector as fc
from tests.fake_connector import card_text, find_action
from tests.followup_support import cph
from tests.harness import LEAD_UPN, Clock, Member, RunningBot, running_bot, wait_until
from tests.intake_support import LEAD, candidates, job_order_json
from tests.keh_support import KEY_NEW, Receiver, webhook_settings
from tests.unit.test_cards import assert_valid

KEH = "vk@erhvervshus.kk.dk"
KEH_USER = fc.user_account("29:keh", "aad-keh")
OTHER = fc.user_account("29:other", "aad-other")
JO = "JO-KEH-7"


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[tuple[RunningBot, Receiver]]:
    clock = Clock(cph(2026, 12, 2, 10))
    receiver = Receiver(dict([KEY_NEW]), lambda: clock.now)
    await receiver.start()
    members = [Member(KEH_USER, KEH), Member(OTHER, "andre@kk.dk")]
    try:
        async with running_bot(
            redis_url,
            key_prefix,
            pool=candidates(),
            clock=clock,
            members=members,
            run_scheduler=True,
            MATCH_LEADS=LEAD_UPN,
            **webhook_settings(receiver, KEY_NEW),
        ) as running:
            yield running, receiver
    finally:
        await receiver.close()


def keh_deliveries(bot: RunningBot, job_id: str) -> list[fc.Sent]:
    """What reached KEH's 1:1 chat about ``job_id``: the first post and every update in place."""
    title = texts.KEH_CARD_TITLE.format(job_order_id=job_id, title="Lagermedarbejder")
    return [
        s
        for s in bot.connector.sent
        if s.card is not None
        and title in card_text(s.card)
        and not s.conversation_id.startswith(fc.CHANNEL_ID)
    ]


def latest(bot: RunningBot, job_id: str) -> dict[str, Any]:
    found = keh_deliveries(bot, job_id)
    assert found, "KEH got no card"
    return found[-1].card or {}


async def say(bot: RunningBot, text: str) -> None:
    await bot.post(fc.message(bot.service_url, LEAD, text), status=201)


async def press(bot: RunningBot, user: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    first = keh_deliveries(bot, str(data["job"]))[0]
    answer = await bot.post(
        fc.invoke_action(bot.service_url, user, first.conversation_id, first.activity_id, data), status=200
    )
    assert isinstance(answer, dict)
    return answer


async def test_keh_card_follows_the_job_order_and_keh_answers_move_it(
    bot: tuple[RunningBot, Receiver],
) -> None:
    running, receiver = bot
    job = job_order_json(
        JO, positions=2, deadline="2026-12-18", keh_consultant=KEH, company_contact_role="HR"
    )
    assert (await running.post_jobs(job)).status == 202
    await wait_until(lambda: bool(keh_deliveries(running, JO)))
    first = keh_deliveries(running, JO)[0]
    assert "29:keh" in first.conversation_id  # 1:1 with KEH, never the channel
    text = card_text(first.card or {})
    assert "Status: Åben" in text and "Besat: 0 af 2" in text and "Kontakt hos virksomheden: HR" in text
    assert_valid(first.card or {})

    rows = await running.services.shortlists.rows(JO)
    cand_a, cand_b = rows[0].candidate_id, rows[1].candidate_id
    for cand in (cand_a, cand_b):
        await say(running, f"status {JO} {cand} godkendt")
        await say(running, f"status {JO} {cand} kontaktet")
    await say(running, f"status {JO} {cand_a} henvist")
    await say(running, f"status {JO} {cand_b} ansoegt")
    card = latest(running, JO)
    assert "2 godkendt" in card_text(card) and f"{cand_a}: Henvist med mødepligt" in card_text(card)
    assert cards.find_action(card, keh_cards.VERB_KEH_HIRED, cand=cand_a) is None  # no interview yet
    updates = [s for s in keh_deliveries(running, JO) if s.kind == "update"]
    assert updates and all(s.activity_id == first.activity_id for s in updates)  # in place, one card

    await say(running, f"status {JO} {cand_a} samtale 2026-12-09")
    card = latest(running, JO)
    assert_valid(card)
    assert f"{cand_a}: Til jobsamtale" in card_text(card)

    # The company hired A: KEH presses Ansat without a start date first, then with one.
    hired = find_action(card, keh_cards.VERB_KEH_HIRED, cand=cand_a)
    answer = await press(running, KEH_USER, hired)
    assert texts.KEH_START_REQUIRED in str(answer)
    answer = await press(running, KEH_USER, {**hired, keh_cards.start_input(cand_a): "2026-12-15"})
    assert_valid(answer["value"])
    shown = card_text(answer["value"])
    assert "Status: Delvist besat" in shown and "Besat: 1 af 2" in shown and f"{cand_a} ansat" in shown
    fu = await running.services.stores.followups.get_followup(JO, cand_a)
    assert fu is not None and fu.state is FollowUpState.ANSAT and fu.history[-1].actor == KEH

    # B got an Afslag for the language: the follow-up closes with that reason.
    card = latest(running, JO)
    rejected = find_action(card, keh_cards.VERB_KEH_REJECTED, cand=cand_b)
    await press(running, KEH_USER, {**rejected, keh_cards.reason_input(cand_b): "sprog"})
    fu = await running.services.stores.followups.get_followup(JO, cand_b)
    assert fu is not None and fu.state is FollowUpState.AFSLAG and "Sprog" in (fu.reason or "")

    # KEH wants more candidates: the match unit's channel is told.
    more = find_action(latest(running, JO), keh_cards.VERB_KEH_MORE)
    await press(running, KEH_USER, more)
    assert any(f"KEH ønsker flere kandidater til jobordre {JO}" in t for t in running.channel_texts())

    # Someone who is neither KEH's consultant nor a lead cannot report for the job order.
    besat = find_action(latest(running, JO), keh_cards.VERB_KEH_FILLED)
    refused = await press(running, OTHER, {**besat, keh_cards.KEH_FILLED_INPUT: 2})
    assert texts.KEH_ONLY.format(keh=KEH) in str(refused)

    # The second position filled elsewhere: Besat 2. A second press of the same card changes nothing.
    answer = await press(running, KEH_USER, {**besat, keh_cards.KEH_FILLED_INPUT: 2})
    assert "Status: Besat" in card_text(answer["value"]) and "Besat: 2 af 2" in card_text(answer["value"])
    await press(running, KEH_USER, {**besat, keh_cards.KEH_FILLED_INPUT: 2})
    assert cards.find_action(latest(running, JO), keh_cards.VERB_KEH_FILLED) is None  # closed: no buttons

    await wait_until(lambda: len(receiver.events) == 2)
    assert receiver.statuses(JO) == ["delvist_besat", "besat"]
    assert [e["aarsag"] for e in sorted(receiver.events.values(), key=lambda e: e["version"])] == [
        "ansat",
        "besat_meldt",
    ]
    assert receiver.bad == 0


async def test_keh_cancels_and_a_bad_count_is_refused_in_danish(bot: tuple[RunningBot, Receiver]) -> None:
    running, receiver = bot
    job = job_order_json("JO-KEH-8", positions=3, keh_consultant=KEH)
    assert (await running.post_jobs(job)).status == 202
    await wait_until(lambda: bool(keh_deliveries(running, "JO-KEH-8")))
    card = latest(running, "JO-KEH-8")
    besat = find_action(card, keh_cards.VERB_KEH_FILLED)
    answer = await press(running, KEH_USER, {**besat, keh_cards.KEH_FILLED_INPUT: 7})
    assert "Antal besatte stillinger skal være fra 1 til 3 (du skrev 7)." in str(answer)
    cancel = find_action(card, keh_cards.VERB_KEH_CANCEL)
    answer = await press(running, KEH_USER, cancel)
    assert "Status: Annulleret" in card_text(answer["value"])
    await wait_until(lambda: receiver.statuses("JO-KEH-8") == ["annulleret"])
    # The old card's Besat after the cancellation: refused with the reason, nothing sent.
    answer = await press(running, KEH_USER, {**besat, keh_cards.KEH_FILLED_INPUT: 1})
    assert "ændret i mellemtiden" in str(answer) or "kan ikke ændres" in str(answer)
    assert receiver.statuses("JO-KEH-8") == ["annulleret"]
