"""Cover and transfer end to end (issue 11.6) and who may change a status (issue 14.4), through the real
``POST /api/messages`` with Bot Framework activity JSON, against a real redis-server.

A consultant away with a stand-in: the hand-over and the reminder reach the stand-in, and the card says
whose case it is; the stand-in may change the status, a colleague who is neither the consultant, the
stand-in nor a lead is refused in Danish. ``overdrag`` moves one case or all open cases of a consultant,
audited, allowed to the consultant themselves and the leads only.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain.states import FollowUpState
from bot.ui import cards, texts
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import KONS_A, KONS_B, LEAD, LEAD2, install, post_shortlist, the_day
from tests.fake_connector import card_text, find_action
from tests.harness import RunningBot

JO = "JO-2026-0101"
# K-1001, K-1003 … are kons.a's candidates in the day's pool; K-1002, K-1004 … kons.b's.
A_CAND, A_CAND2 = "K-1001", "K-1003"


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with the_day(redis_url, key_prefix, MATCH_LEADS="lead1@kk.dk") as running:
        yield running


async def say(bot: RunningBot, user: dict[str, object], text: str) -> str:
    await bot.post(fc.message(bot.service_url, user, text), status=201)
    return bot.connector.texts(f"a:personal-{user['id']}")[-1]


async def approve_and_send(bot: RunningBot, *cands: str) -> fc.Sent:
    post = await post_shortlist(bot)
    card = post.card or {}
    for cand in cands:
        approve = find_action(card, "godkend", cand=cand)
        answer = await bot.post(
            fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve),
            status=200,
        )
        card = answer["value"]
    send = find_action(card, "send_godkendte")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    return post


def handovers_to(bot: RunningBot, user: dict[str, object]) -> list[fc.Sent]:
    conv = f"a:personal-{user['id']}"
    return [
        s
        for s in bot.connector.sent
        if s.conversation_id == conv and "Ny kandidat" in card_text(s.card or {})
    ]


async def test_absence_sends_handover_and_reminder_to_the_stand_in_who_may_change_the_status(
    bot: RunningBot,
) -> None:
    await install(bot, KONS_A, KONS_B, LEAD2)
    answer = await say(bot, KONS_A, "fravær fra 23.11.2026 til 2026-12-18 stedfortræder Kons.B@kk.dk")
    assert "23.11.2026–18.12.2026" in answer and "kons.b@kk.dk" in answer
    assert await bot.services.stand_ins.current("kons.a@kk.dk") == "kons.b@kk.dk"
    assert "stedfortræder kons.b@kk.dk" in await say(bot, KONS_A, "fravær")

    await approve_and_send(bot, A_CAND)
    # The hand-over for kons.a's candidate reaches the stand-in, and the card says whose case it is.
    assert not handovers_to(bot, KONS_A)
    [handover] = handovers_to(bot, KONS_B)
    text = card_text(handover.card or {})
    assert A_CAND in text and "stedfortræder for kons.a@kk.dk (fravær til og med 18.12.2026)" in text

    # A colleague who is neither the consultant, the stand-in nor a lead: refused, typed or pressed.
    kontaktet = find_action(handover.card or {}, "status", to="kontaktet")
    refused = await bot.post(
        fc.invoke_action(bot.service_url, LEAD2, handover.conversation_id, handover.activity_id, kontaktet),
        status=200,
    )
    assert "Kun kandidatens jobkonsulent (kons.a@kk.dk), stedfortræderen (kons.b@kk.dk)" in json.dumps(
        refused, ensure_ascii=False
    )
    typed = await say(bot, LEAD2, f"status {JO} {A_CAND} kontaktet")
    assert typed.startswith("Kun kandidatens jobkonsulent (kons.a@kk.dk)") and "lead1@kk.dk" in typed
    fu = await bot.services.stores.followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.state is FollowUpState.GODKENDT

    # The stand-in presses Kontaktet: allowed.
    answer = await bot.post(
        fc.invoke_action(bot.service_url, KONS_B, handover.conversation_id, handover.activity_id, kontaktet),
        status=200,
    )
    assert "Status nu: **Kontaktet**" in card_text(answer["value"])
    fu = await bot.services.stores.followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.state is FollowUpState.KONTAKTET and fu.history[-1].actor == "kons.b@kk.dk"

    # No progress for days, still within the absence: the reminder goes to the stand-in too.
    bot.clock.now += timedelta(days=19)  # the deadline (15.12.) is near, not applied
    assert await bot.services.scheduler.run_once(bot.clock.now) >= 1
    reminders = [s for s in bot.connector.sent if "Påmindelse" in card_text(s.card or {})]
    assert reminders and all(s.conversation_id == f"a:personal-{KONS_B['id']}" for s in reminders)
    assert "stedfortræder for kons.a@kk.dk" in card_text(reminders[0].card or {})

    # The absence over, the stand-in is no one's; "fravær slut" ends one early.
    assert (
        await bot.services.stand_ins.current("kons.a@kk.dk", bot.clock.now.date() + timedelta(days=30))
        is None
    )
    assert "afsluttet" in await say(bot, KONS_A, "fravær slut")
    assert await bot.services.stand_ins.current("kons.a@kk.dk") is None


async def test_absence_input_is_checked_in_danish(bot: RunningBot) -> None:
    await install(bot, KONS_A, KONS_B)
    assert await say(bot, KONS_A, "fravær fra 31.02.2026 til 04.12.2026") == texts.BAD_DATE.format(
        value="31.02.2026"
    )
    assert "sidste dag" in await say(bot, KONS_A, "fravær fra 04.12.2026 til 01.12.2026")
    assert await say(bot, KONS_A, "fravær i morgen") == texts.ABSENCE_USAGE
    assert "ikke en e-mail" in await say(
        bot, KONS_A, "fravær fra 01.12.2026 til 04.12.2026 stedfortræder bob"
    )
    # Only a lead sets another consultant's absence.
    refused = await say(bot, KONS_B, "fravær kons.a@kk.dk fra 01.12.2026 til 04.12.2026")
    assert refused == texts.NOT_FOR_OTHERS.format(leads="lead1@kk.dk")
    assert await bot.services.cover.store.get_absence("kons.a@kk.dk") is None
    ok = await say(bot, LEAD, "fravær kons.a@kk.dk fra 01.12.2026 til 04.12.2026")
    assert "Fravær registreret for kons.a@kk.dk" in ok and "Ingen stedfortræder" in ok


async def test_overdrag_one_case_and_all_open_cases_audited_and_only_by_the_consultant_or_a_lead(
    bot: RunningBot,
) -> None:
    await install(bot, KONS_A, KONS_B)
    post = await approve_and_send(bot, A_CAND, A_CAND2)
    followups = bot.services.stores.followups

    # Someone else's case: refused, nothing moved.
    refused = await say(bot, KONS_B, f"overdrag {JO} {A_CAND} kons.b@kk.dk")
    assert refused == texts.NOT_FOR_OTHERS.format(leads="lead1@kk.dk")
    fu = await followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.consultant == "kons.a@kk.dk"

    # The consultant hands one case over (ids typed in lower case): the new one gets its hand-over card.
    done = await say(bot, KONS_A, f"overdrag {JO.lower()} {A_CAND.lower()} kons.b@kk.dk")
    assert done == texts.TRANSFER_DONE.format(
        candidate_id=A_CAND, job_order_id=JO, old="kons.a@kk.dk", new="kons.b@kk.dk"
    )
    fu = await followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.consultant == "kons.b@kk.dk" and fu.state is FollowUpState.GODKENDT
    [card] = handovers_to(bot, KONS_B)
    assert A_CAND in card_text(card.card or {}) and "Overdraget til dig fra kons.a@kk.dk" in card_text(
        card.card or {}
    )
    audit = [a for a in await followups.audit(JO, A_CAND) if a.action == "overdraget"]
    assert len(audit) == 1 and audit[0].actor == "kons.a@kk.dk" and audit[0].consultant == "kons.b@kk.dk"
    # Again (now by its new consultant): nothing more (idempotent).
    again = await say(bot, KONS_B, f"overdrag {JO} {A_CAND} kons.b@kk.dk")
    assert again == texts.TRANSFER_ALREADY.format(candidate_id=A_CAND, job_order_id=JO, new="kons.b@kk.dk")
    assert len([a for a in await followups.audit(JO, A_CAND) if a.action == "overdraget"]) == 1

    # A lead moves every open case of kons.a (approved and proposed ones) to kons.b in one command.
    a_open = await followups.for_consultant("kons.a@kk.dk")
    assert a_open and A_CAND not in {f.candidate_id for f in a_open}
    before = len(bot.connector.sent)
    done = await say(bot, LEAD, "overdrag alle kons.a@kk.dk kons.b@kk.dk")
    assert done == texts.TRANSFER_ALL_DONE.format(
        count=len(a_open), old="kons.a@kk.dk", new="kons.b@kk.dk", jobs=1
    )
    assert await followups.for_consultant("kons.a@kk.dk") == []
    b_open = {f.candidate_id for f in await followups.for_consultant("kons.b@kk.dk")}
    assert {f.candidate_id for f in a_open} | {A_CAND} <= b_open
    notice = [s for s in bot.connector.sent[before:] if "Sager overdraget til dig" in card_text(s.card or {})]
    assert len(notice) == 1 and notice[0].conversation_id == f"a:personal-{KONS_B['id']}"
    assert A_CAND2 in card_text(notice[0].card or {})
    # The channel card names the new consultant on the moved rows.
    channel = card_text(bot.connector.of_kind("update", post.conversation_id)[-1].card or {})
    assert "kons.a@kk.dk" not in channel
    assert len([a for a in await followups.audit(JO, A_CAND2) if a.action == "overdraget"]) == 1
    assert await say(bot, LEAD, "overdrag alle kons.a@kk.dk kons.b@kk.dk") == texts.TRANSFER_ALL_NONE.format(
        old="kons.a@kk.dk"
    )
    # The new consultant's reminders and status buttons are theirs now: kons.a may not change it any more.
    refused = await say(bot, KONS_A, f"status {JO} {A_CAND2} kontaktet")
    assert refused.startswith("Kun kandidatens jobkonsulent (kons.b@kk.dk)")


async def test_irreversible_steps_ask_for_confirmation_on_the_card_and_forged_presses_are_refused(
    bot: RunningBot,
) -> None:
    await install(bot, KONS_A, KONS_B, LEAD2)
    await approve_and_send(bot, A_CAND)
    [handover] = handovers_to(bot, KONS_A)
    where = (handover.conversation_id, handover.activity_id)

    async def press(user: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        answer = await bot.post(fc.invoke_action(bot.service_url, user, *where, data), status=200)
        value = answer["value"]
        assert isinstance(value, dict)
        return value

    card = handover.card or {}
    for to, dato in (("kontaktet", None), ("ansoegt", None), ("samtale", "2026-11-30")):
        data = find_action(card, "status", to=to)
        card = await press(KONS_A, {**data, "dato": dato} if dato else data)
    # Ansat (with its start date) is asked twice: the card shows the step, nothing is stored yet.
    ansat = {**find_action(card, "status", to="ansat"), "dato": "04.01.2027"}
    asked = await press(KONS_A, ansat)
    assert "Bekræft: K-1001 på JO-2026-0101 sættes til **Ansat** (04.01.2027)" in card_text(asked)
    assert [a["title"] for a in asked["actions"]] == ["Bekræft: Ansat", "Fortryd"]
    assert not any(b.get("type") == "Input.Date" for b in asked["body"])
    fu = await bot.services.stores.followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.state is FollowUpState.SAMTALE
    # Fortryd: the card as it was, nothing changed.
    back = await press(KONS_A, find_action(asked, "status", fortryd=1))
    assert texts.CONFIRM_CANCELLED in card_text(back) and find_action(back, "status", to="ansat")
    # The confirm data pressed (or replayed) by someone who may not change the record: refused.
    confirm = find_action(asked, "status", to="ansat", ok=1)
    refused = await press(LEAD2, confirm)
    assert "Kun kandidatens jobkonsulent (kons.a@kk.dk)" in json.dumps(refused, ensure_ascii=False)
    fu = await bot.services.stores.followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.state is FollowUpState.SAMTALE
    # Bekræft: stored with the start date; pressed again (a double click) it is applied once.
    done = await press(KONS_A, confirm)
    assert "Status nu: **Ansat**" in card_text(done)
    await press(KONS_A, confirm)
    fu = await bot.services.stores.followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.state is FollowUpState.ANSAT and fu.start_date == date(2027, 1, 4)
    hires = [
        a for a in await bot.services.stores.followups.audit(JO, A_CAND) if a.to_state is FollowUpState.ANSAT
    ]
    assert len(hires) == 1
    # The confirmation's data changed to another outcome (Ophørt, confirmation included): not the
    # bot's button, so refused before anything else is looked at (tests/e2e/test_signed_buttons.py).
    forged = {**confirm, "to": "ophoert"}
    again = await bot.post(fc.invoke_action(bot.service_url, KONS_A, *where, forged), status=200)
    assert again["value"] == cards.plain_text(texts.ACTION_NOT_SIGNED)
    fu = await bot.services.stores.followups.get_followup(JO, A_CAND)
    assert fu is not None and fu.state is FollowUpState.ANSAT


async def test_a_case_handed_over_before_the_lead_sent_it_is_not_handed_over_twice(bot: RunningBot) -> None:
    """Approved, then ``overdrag`` to kons.b before "Send godkendte": kons.b gets the hand-over at once,
    and the lead's send afterwards does not send the same case again (to anyone)."""
    await install(bot, KONS_A, KONS_B, LEAD)
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend", cand=A_CAND)
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    assert "overdraget" in await say(bot, LEAD, f"overdrag {JO} {A_CAND} kons.b@kk.dk")
    assert len(handovers_to(bot, KONS_B)) == 1
    send = find_action(answer["value"], "send_godkendte")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    assert len(handovers_to(bot, KONS_B)) == 1 and not handovers_to(bot, KONS_A)


async def test_hand_overs_waiting_for_an_unreachable_consultant_follow_their_cases(bot: RunningBot) -> None:
    """kons.a never installed the bot, so the hand-over waits for them; ``overdrag alle`` to kons.b
    delivers it to kons.b (with its status buttons), and kons.a installing later sends nothing more."""
    bot.connector.unreachable.add(KONS_A["id"])
    await install(bot, KONS_B, LEAD)
    await approve_and_send(bot, A_CAND)
    assert texts.CARD_UNREACHABLE in card_text(bot.connector.of_kind("update")[-1].card or {})
    await say(bot, LEAD, "overdrag alle kons.a@kk.dk kons.b@kk.dk")
    [handover] = handovers_to(bot, KONS_B)
    assert A_CAND in card_text(handover.card or {})
    assert find_action(handover.card or {}, "status", to="kontaktet")
    bot.connector.unreachable.clear()
    await bot.post(fc.install_personal(bot.service_url, KONS_A), status=201)
    assert not handovers_to(bot, KONS_A) and len(handovers_to(bot, KONS_B)) == 1
