"""Button data is checked against the card it came from (issue 14.4): forged data is refused.

Every button's data carries the bot's signature over what decides the press (verb, job order,
candidate, version, target status …), so data edited or written by hand, for another job order,
candidate or status, or with a field added (``ok`` to skip the confirmation), is refused with a
Danish answer to the presser only, logged without personal data, and changes nothing. Real buttons
work as before (Action.Execute and the Action.Submit fallback, with what the user typed on the card),
and an old button replayed is still refused by its version. All through ``/api/messages``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.domain.signing import SIGNATURE_FIELD
from bot.domain.states import FollowUpState
from bot.ui import texts
from matching.models import JobOrder
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import KONS_A, KONS_B, LEAD, candidates, install, job_order, the_day
from tests.fake_connector import card_text, find_action
from tests.harness import RunningBot

JO, OTHER_JO = "JO-2026-0101", "JO-2026-0102"
REFUSED = texts.ACTION_NOT_SIGNED.replace("**", "")  # an invoke's answer is shown as it is


def other_job() -> JobOrder:
    return job_order().model_copy(update={"id": OTHER_JO, "company": "Sydlager ApS"})


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with the_day(
        redis_url, key_prefix, job_orders=[job_order(), other_job()], MATCH_LEADS="lead1@kk.dk"
    ) as running:
        yield running


async def shortlist(bot: RunningBot, job_id: str) -> fc.Sent:
    await bot.post(fc.message(bot.service_url, LEAD, f"match {job_id}", channel=True), status=201)
    return next(s for s in reversed(bot.connector.of_kind("create")) if job_id in card_text(s.card or {}))


async def snapshot(bot: RunningBot) -> tuple[dict[tuple[str, str], tuple[str, int] | None], int]:
    """Every record's state and version on both job orders, and how many calls the bot made to Teams."""
    records: dict[tuple[str, str], tuple[str, int] | None] = {}
    for job_id in (JO, OTHER_JO):
        for cand in (c.id for c in candidates()):
            fu = await bot.services.stores.followups.get_followup(job_id, cand)
            records[(job_id, cand)] = (fu.state.value, fu.version) if fu else None
    return records, len(bot.connector.sent)


async def press(bot: RunningBot, user: dict[str, Any], post: fc.Sent, data: dict[str, Any]) -> Any:
    activity = fc.invoke_action(bot.service_url, user, post.conversation_id, post.activity_id, data)
    return (await bot.post(activity, status=200))["value"]


async def test_forged_job_order_candidate_or_missing_signature_is_refused_and_nothing_changes(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    await install(bot, KONS_A, KONS_B)
    post = await shortlist(bot, JO)
    await shortlist(bot, OTHER_JO)
    approve = find_action(post.card or {}, "godkend", cand="K-1001")
    assert isinstance(approve.get(SIGNATURE_FIELD), str)
    on_list = [str(a["cand"]) for a in fc_actions(post.card or {}, "godkend")]
    other_cand = next(c for c in on_list if c != "K-1001")
    before = await snapshot(bot)
    caplog.set_level(logging.WARNING, logger="matchbot.handlers")
    forged = [
        {**approve, "cand": other_cand},  # another candidate on the same card
        {**approve, "job": OTHER_JO},  # the same candidate on another job order
        {**approve, "v": approve["v"] + 1},  # a version made up to pass the staleness check
        {k: v for k, v in approve.items() if k != SIGNATURE_FIELD},  # written by hand, no signature
        {**approve, "verb": "afvis", "reason_K-1001": "afstand"},  # approve turned into a rejection
        {**approve, SIGNATURE_FIELD: "A" * 22},  # a signature made up
    ]
    for data in forged:
        assert await press(bot, LEAD, post, data) == REFUSED, data
    assert await snapshot(bot) == before  # no record, no card, no message changed
    # The Action.Submit fallback (older clients, Web Chat) is refused the same way, as a message.
    sent = fc.submit(bot.service_url, LEAD, post.conversation_id, post.activity_id, forged[0])
    await bot.post(sent, status=201)
    assert bot.connector.texts()[-1] == texts.ACTION_NOT_SIGNED
    records, _ = await snapshot(bot)
    assert records == before[0]
    # Logged as a refusal, with the verb and no ids of people or job orders.
    refusals = [r for r in caplog.records if r.getMessage() == "card action refused: signature"]
    assert len(refusals) == len(forged) + 1
    logged = json.dumps([r.__dict__ for r in refusals], default=str)
    assert "K-1001" not in logged and other_cand not in logged and JO not in logged

    # The genuine button still works, and so does its Action.Submit fallback with the typed reason.
    answer = await press(bot, LEAD, post, approve)
    assert "Godkendt af lead1@kk.dk" in card_text(answer)
    reject = {**find_action(answer, "afvis", cand=other_cand), f"reason_{other_cand}": "afstand"}
    await bot.post(
        fc.submit(bot.service_url, LEAD, post.conversation_id, post.activity_id, reject), status=201
    )
    for cand, state in (("K-1001", FollowUpState.GODKENDT), (other_cand, FollowUpState.AFVIST)):
        fu = await bot.services.stores.followups.get_followup(JO, cand)
        assert fu is not None and fu.state is state
    fu = await bot.services.stores.followups.get_followup(OTHER_JO, "K-1001")
    assert fu is not None and fu.state is FollowUpState.FORESLAAET  # the forged job order untouched


def fc_actions(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    """The data of every Action.Execute with ``verb`` on the card, in card order."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute" and node.get("verb") == verb:
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


async def test_a_forged_target_status_is_refused_and_an_old_button_replayed_still_is(bot: RunningBot) -> None:
    await install(bot, KONS_A, KONS_B)
    post = await shortlist(bot, JO)
    card = post.card or {}
    approve = find_action(card, "godkend", cand="K-1001")
    card = await press(bot, LEAD, post, approve)
    await press(bot, LEAD, post, find_action(card, "send_godkendte"))
    handover = next(s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {}))
    assert handover.conversation_id == "a:personal-29:kons-a"
    kontaktet = find_action(handover.card or {}, "status", to="kontaktet")

    async def state() -> tuple[FollowUpState, int]:
        fu = await bot.services.stores.followups.get_followup(JO, "K-1001")
        assert fu is not None
        return fu.state, fu.version

    before = await state()
    for forged in (
        {**kontaktet, "to": "ikke_interesseret"},  # another target on the same card
        {**kontaktet, "to": "ansat", "ok": 1, "dato": "2027-01-04"},  # a hire, confirmation skipped
        {**kontaktet, "cand": "K-1003"},  # the consultant's other candidate
    ):
        assert await press(bot, KONS_A, handover, forged) == REFUSED, forged
        assert await state() == before

    # The genuine button works; pressed again later (an old card) it is refused by its version.
    done = await press(bot, KONS_A, handover, kontaktet)
    assert "Status nu: **Kontaktet**" in card_text(done)
    applied = await press(bot, KONS_A, handover, find_action(done, "status", to="ansoegt"))
    assert (await state())[0] is FollowUpState.ANSOEGT
    replayed = await press(bot, KONS_A, handover, kontaktet)
    assert replayed != REFUSED and "Ansøgt" in json.dumps(replayed, ensure_ascii=False)
    assert (await state())[0] is FollowUpState.ANSOEGT

    # What the user enters is theirs: the interview date picked on the card is not signed.
    samtale = {**find_action(applied, "status", to="samtale"), "dato": "2026-12-01"}
    assert "Status nu: **Til jobsamtale**" in card_text(await press(bot, KONS_A, handover, samtale))
    fu = await bot.services.stores.followups.get_followup(JO, "K-1001")
    assert fu is not None and fu.state is FollowUpState.SAMTALE and fu.interview_at is not None
