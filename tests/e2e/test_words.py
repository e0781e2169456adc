"""The words a caseworker reads (issue 10, item 6), through the real app (``/api/messages``, real Redis).

"ikke ledige ved start" (in a jobcentre *ledig* means unemployed), "kan arbejde for få timer",
"samme fag" for unskilled work, "Status sat til Til jobsamtale", raw scores in reasons, and `status`
refusing the labels shown on its own buttons.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.domain.states import FollowUpState
from bot.ui import texts
from matching.models import CandidateProfile, JobOrder
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import KONS_A, KONS_B, LEAD, candidates, install, job_order, the_day
from tests.fake_connector import card_text, find_action
from tests.harness import RunningBot

JO = "JO-2026-0101"


def _pool() -> list[CandidateProfile]:
    base = candidates()[0].model_dump()
    late = {**base, "id": "K-3001", "available_from": date(2027, 3, 1)}  # cannot start in time
    part_time = {**base, "id": "K-3002", "hours_per_week": 15}  # wants fewer hours than the job
    return [*candidates(), CandidateProfile.model_validate(late), CandidateProfile.model_validate(part_time)]


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    job = JobOrder.model_validate({**job_order().model_dump(), "start_date": date(2027, 1, 4)})
    async with the_day(redis_url, key_prefix, pool=_pool(), job_orders=[job]) as running:
        yield running


async def test_the_shortlist_card_says_it_the_way_a_jobcentre_does(bot: RunningBot) -> None:
    await install(bot, KONS_A, KONS_B)
    await bot.post(fc.message(bot.service_url, LEAD, f"match {JO}", channel=True), status=201)
    text = card_text(bot.connector.of_kind("create")[-1].card or {})
    assert "1 kan ikke starte til tiden" in text and "1 for lavt timetal" in text
    assert "ledige ved start" not in text and "for få timer" not in text
    assert "samme slags arbejde som jobordren" in text and "samme fag" not in text  # unskilled work
    assert not re.search(r"\(\d+\)", text)  # no raw score in any reason


async def test_status_takes_the_danish_labels_on_the_buttons(bot: RunningBot) -> None:
    await install(bot, KONS_A, KONS_B)
    await bot.post(fc.message(bot.service_url, LEAD, f"match {JO}", channel=True), status=201)
    post = bot.connector.of_kind("create")[-1]
    approve = find_action(post.card or {}, "godkend")
    cand = str(approve["cand"])
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    fu = await bot.services.stores.followups.get_followup(JO, cand)
    assert fu is not None
    user = KONS_A if fu.consultant == "kons.a@kk.dk" else KONS_B

    async def say(words: str) -> str:
        await bot.post(fc.message(bot.service_url, user, f"status {JO} {cand} {words}"), status=201)
        return bot.connector.texts()[-1]

    def now(label: str) -> str:
        return texts.STATUS_UPDATED.format(candidate_id=cand, job_order_id=JO, label=label)

    assert await say("Kontaktet") == now("Kontaktet")
    assert await say("ANSOGT") == now("Ansøgt")  # no diacritics, any case
    assert await say("TIL JOBSAMTALE 01.12.2026") == now("Til jobsamtale")  # several words and a date
    assert await say("til jobsamtale 31.02.2026") == texts.BAD_DATE.format(value="31.02.2026")
    assert "'hen til kaffe' er ikke en status" in await say("hen til kaffe")
    assert await say("Ansat 04.01.2027") == now("Ansat")
    assert await say("Ophort") == now("Ophørt inden 3 måneder")  # the button's "Ophørt", typed without ø
    record = await bot.services.stores.followups.get_followup(JO, cand)
    assert record is not None and record.state is FollowUpState.OPHOERT

    # "ikke interesseret" on another candidate: two words, once read as a state and a bad date.
    other = find_action(bot.connector.of_kind("update")[-1].card or {}, "godkend")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, other), status=200
    )
    second = await bot.services.stores.followups.get_followup(JO, str(other["cand"]))
    assert second is not None
    user = KONS_A if second.consultant == "kons.a@kk.dk" else KONS_B
    await bot.post(
        fc.message(bot.service_url, user, f"status {JO} {other['cand']} ikke interesseret"), status=201
    )
    assert "**Ikke interesseret**" in bot.connector.texts()[-1]


async def test_the_consultant_card_says_who_registered_the_step(bot: RunningBot) -> None:
    """Not "Status sat til Til jobsamtale": the card names who registered which step."""
    await install(bot, KONS_A, KONS_B)
    await bot.post(fc.message(bot.service_url, LEAD, f"match {JO}", channel=True), status=201)
    post = bot.connector.of_kind("create")[-1]
    approve = find_action(post.card or {}, "godkend")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    send = bot.sign({"verb": "send_godkendte", "job": JO})
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    handover = next(s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {}))
    consultant = KONS_A if "kons-a" in handover.conversation_id else KONS_B
    data = find_action(handover.card or {}, "status", to="kontaktet")
    answer = await bot.post(
        fc.invoke_action(bot.service_url, consultant, handover.conversation_id, handover.activity_id, data),
        status=200,
    )
    text = card_text(answer["value"])
    upn = "kons.a@kk.dk" if consultant is KONS_A else "kons.b@kk.dk"
    assert f"{upn} registrerede **Kontaktet**" in text and "Status sat til" not in text
