"""Clients nobody here wrote (issue 14): what the Agents Playground and Web Chat showed, end to end
through ``POST /api/messages`` with real Redis and the fake connector.

- Web Chat sends Action.Submit without ``replyToId``: the presser still gets the current card.
- A connector answering a write with a 2xx and an empty body does not break the fast transport.
- Proactive sends are new messages (no ``replyToId`` of the SDK's internal event) with a ``summary``
  for the chat list ("Ny kandidat til dig: …", not "Sent a card").
- A welcome in a group chat does not speak of "her i kanalen".
- A time for the interview is optional, kept when given, and refusals on a card are red.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.ui import cards, texts
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import KONS_A, KONS_B, LEAD, install, post_shortlist, the_day
from tests.fake_connector import card_text, find_action
from tests.harness import RunningBot


async def _approve_and_send(bot: RunningBot, post: fc.Sent) -> tuple[str, dict[str, Any]]:
    """Godkend the first candidate and press Send godkendte; the candidate and the invoke answer."""
    approve = find_action(post.card or {}, "godkend")
    press = fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve)
    await bot.post(press, status=200)
    send = bot.sign({"verb": "send_godkendte", "job": "JO-2026-0101"})
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    return str(approve["cand"]), answer


async def _personal_only(bot: RunningBot) -> None:
    """The bot in personal chats only (as in Web Chat): a shortlist is posted where it was asked for."""
    for user in (LEAD, KONS_A, KONS_B):
        await bot.post(fc.install_personal(bot.service_url, user), status=201)


def _handover(bot: RunningBot) -> fc.Sent:
    return next(s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {}))


async def test_a_welcome_in_a_group_chat_does_not_speak_of_the_channel(
    redis_url: str, key_prefix: str
) -> None:
    async with the_day(redis_url, key_prefix) as bot:
        conversation = {"isGroup": True, "conversationType": "groupChat", "id": "19:gruppe@thread.v2"}
        activity = fc.TEAMS.activity(bot.service_url, "conversationUpdate", LEAD, conversation, {})
        activity["membersAdded"] = [{"id": fc.BOT_ID}]
        await bot.post(activity, status=201)
        (welcome,) = bot.connector.texts("19:gruppe@thread.v2")
        assert welcome == texts.WELCOME_GROUP
        assert "her i kanalen" not in welcome and "hjælp" in welcome


async def test_proactive_cards_are_new_messages_with_a_summary_for_the_chat_list(
    redis_url: str, key_prefix: str
) -> None:
    async with the_day(redis_url, key_prefix) as bot:
        await install(bot, KONS_A, KONS_B)
        post = await post_shortlist(bot)
        assert post.activity["summary"] == "Shortlist: Lagermedarbejder hos Nordlager ApS"
        cand, _ = await _approve_and_send(bot, post)
        handover = _handover(bot)
        # A new message in the consultant's chat: not a reply to an activity nobody has seen.
        assert handover.kind == "send" and "replyToId" not in handover.activity
        assert handover.activity["summary"] == f"Ny kandidat til dig: {cand}"
        for update in bot.connector.of_kind("update"):
            assert update.activity.get("summary") and "replyToId" not in update.activity


async def test_a_submit_without_reply_to_id_gets_the_current_card_as_a_new_message(
    redis_url: str, key_prefix: str
) -> None:
    """Web Chat: Action.Submit arrives as a message with ``value`` and no ``replyToId``; the hand-over
    card's location is not stored, so only an answer can show the consultant the new state."""
    async with the_day(redis_url, key_prefix) as bot:
        await install(bot, KONS_A, KONS_B)
        post = await post_shortlist(bot)
        await _approve_and_send(bot, post)
        handover = _handover(bot)
        consultant = KONS_A if "kons-a" in handover.conversation_id else KONS_B
        contacted = find_action(handover.card or {}, "status", to="kontaktet")
        pressed = fc.submit(
            bot.service_url, consultant, handover.conversation_id, handover.activity_id, contacted
        )
        del pressed["replyToId"]
        before = len(bot.connector.sent)
        await bot.post(pressed, status=201)
        answers = [s for s in bot.connector.sent[before:] if s.conversation_id == handover.conversation_id]
        assert answers and answers[-1].card is not None, "no answer to the button"
        now = answers[-1].card
        assert "Status nu: **Kontaktet**" in card_text(now)
        assert [a["title"] for a in now["actions"]][:2] == [
            "Ansøgt",
            "Henvist med mødepligt",
        ]  # fresh buttons


LEAD_UPN = "lead1@kk.dk"


async def test_empty_2xx_answers_from_the_connector_do_not_break_sending(
    redis_url: str, key_prefix: str
) -> None:
    async with the_day(redis_url, key_prefix) as bot:
        await _personal_only(bot)
        # A shortlist posted into a chat whose connector answers with empty bodies: no id to update later.
        bot.connector.empty_answers = 1_000
        await bot.post(fc.message(bot.service_url, LEAD, "match JO-2026-0101"), status=201)
        conv = f"a:personal-{LEAD['id']}"
        posted = [s for s in bot.connector.sent if s.conversation_id == conv and s.card][-1]
        assert "Shortlist: Lagermedarbejder" in card_text(posted.card or {})
        approve = find_action(posted.card or {}, "godkend")
        answer = await bot.post(
            fc.invoke_action(bot.service_url, LEAD, conv, posted.activity_id, approve), status=200
        )
        assert f"Godkendt af {LEAD_UPN}" in card_text(answer["value"])
        send = bot.sign({"verb": "send_godkendte", "job": "JO-2026-0101"})
        answer = await bot.post(
            fc.invoke_action(bot.service_url, LEAD, conv, posted.activity_id, send), status=200
        )
        assert answer["type"] == cards.CARD_CONTENT_TYPE, answer  # not "Beklager, noget gik galt"
        assert "1 godkendt kandidat sendt" in card_text(answer["value"])
        assert "Ny kandidat til dig" in card_text(_handover(bot).card or {})
        assert not [t for t in bot.connector.texts() if t == texts.ERROR_GENERIC]


async def test_the_interview_time_is_kept_when_given_and_a_refusal_is_red(
    redis_url: str, key_prefix: str
) -> None:
    async with the_day(redis_url, key_prefix) as bot:
        await install(bot, KONS_A, KONS_B)
        post = await post_shortlist(bot)
        cand, _ = await _approve_and_send(bot, post)
        handover = _handover(bot)
        consultant = KONS_A if "kons-a" in handover.conversation_id else KONS_B
        card = handover.card or {}

        async def press(data: dict[str, Any]) -> dict[str, Any]:
            bot.clock.now += timedelta(hours=1)
            activity = fc.invoke_action(
                bot.service_url, consultant, handover.conversation_id, handover.activity_id, data
            )
            answer: dict[str, Any] = (await bot.post(activity, status=200))["value"]
            return answer

        card = await press(find_action(card, "status", to="kontaktet"))
        card = await press(find_action(card, "status", to="ansoegt"))
        assert any(n.get("type") == "Input.Time" for n in card["body"])
        card = await press(
            {**find_action(card, "status", to="samtale"), "dato": "2026-11-30", "tid": "10:30"}
        )
        assert "Jobsamtale 30.11.2026 kl. 10:30" in card_text(card).splitlines()
        done = next(n for n in card["body"] if "registrerede **Til jobsamtale**" in str(n.get("text", "")))
        assert done["color"] == "Good"
        fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
        assert fu is not None and fu.interview_at == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
        # A button from the first card, long since moved on: refused, in red, nothing changed.
        stale = await press(find_action(handover.card or {}, "status", to="ikke_interesseret"))
        assert "lige blevet ændret" in stale["body"][0]["text"] and stale["body"][0]["color"] == "Attention"
        # A time that is no time: a Danish answer, nothing stored.
        bad = await bot.post(
            fc.invoke_action(
                bot.service_url,
                consultant,
                handover.conversation_id,
                handover.activity_id,
                {**find_action(card, "status", to="ansat"), "dato": "2026-12-07", "tid": "25:99"},
            ),
            status=200,
        )
        assert bad["value"] == texts.BAD_TIME.format(value="25:99")


async def test_send_approved_answers_and_updates_with_one_rendering_that_the_next_refresh_keeps(
    redis_url: str, key_prefix: str
) -> None:
    """Item 6: the answer to *Send godkendte* and the card updated in place for everyone are the same
    card, with the footer and the "… venter" line, and both survive the next redraw."""
    async with the_day(redis_url, key_prefix) as bot:
        await install(bot)
        bot.connector.unreachable.add(KONS_B["id"])  # kons.b has not opened Matchbot: 403 on a 1:1
        post = await post_shortlist(bot)

        async def press(data: dict[str, Any], user: dict[str, Any] = LEAD) -> dict[str, Any]:
            activity = fc.invoke_action(bot.service_url, user, post.conversation_id, post.activity_id, data)
            answer: dict[str, Any] = (await bot.post(activity, status=200))["value"]
            return answer

        for cand in ("K-1001", "K-1002"):  # kons.a's and kons.b's
            await press(find_action(post.card or {}, "godkend", cand=cand))
        answer = await press(bot.sign({"verb": "send_godkendte", "job": "JO-2026-0101"}))
        in_place = bot.connector.of_kind("update", post.conversation_id)[-1].card
        assert answer == in_place  # one rendering: no warning only the presser saw
        footer = f"1 godkendt kandidat sendt til sin jobkonsulent af {LEAD_UPN} {cards.when(bot.clock.now)}."
        waiting = texts.CARD_HANDOVER_WAITING.format(count=1)
        lines = card_text(answer).splitlines()
        assert footer in lines and waiting in lines

        # A later decision redraws the card: the footer and the waiting line are still there.
        await press(find_action(post.card or {}, "afvis", cand="K-1003") | {"reason_K-1003": "afstand"})
        later = card_text(bot.connector.of_kind("update", post.conversation_id)[-1].card or {}).splitlines()
        assert footer in later and waiting in later and "Afvist af" in "\n".join(later)

        # kons.b opens Matchbot: the waiting hand-over goes out, the waiting line goes, the footer stays.
        bot.connector.unreachable.discard(KONS_B["id"])
        await bot.post(fc.install_personal(bot.service_url, KONS_B), status=201)
        refreshed = bot.connector.of_kind("update", post.conversation_id)[-1].card or {}
        assert footer in card_text(refreshed).splitlines() and waiting not in card_text(refreshed)
