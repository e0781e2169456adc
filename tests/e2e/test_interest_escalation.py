"""Interest before review and the escalation ladder, end to end through ``POST /api/messages`` with real
Bot Framework activity JSON, a real redis-server and a clock the test moves (issue 11, items 4-5).

The day: a lead types ``match``; each listed candidate's consultant gets "Er kandidaten interesseret?"
1:1; the channel card shows each answer; a *Nej* brings the next candidate onto the list in place; no
answer within a working day reads "ikke svaret" and the lead decides regardless. An undecided
shortlist reaches the unit's leads (1:1 and a channel line) once across two replicas; an ignored
reminder climbs consultant → team lead → the unit's leads, each rung once, and stops on a status change.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tenacity import wait_none

from bot.domain.states import FollowUpState
from bot.ui import cards, texts
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import KONS_A, KONS_B, LEAD, LEAD2, MEMBERS, UPN, candidates, job_order
from tests.fake_connector import card_text, find_action
from tests.harness import Clock, Member, RunningBot, running_bot
from tests.unit.test_cards import assert_valid

JO = "JO-2026-0101"
TEAM_LEAD = fc.user_account("29:teamleder", "aad-teamleder")
TEAM_LEAD_UPN = "teamleder.a@kk.dk"
# Monday 23 November 2026, 10:00 in Copenhagen.
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
USERS = {**{u["id"]: u for u in (LEAD, LEAD2, KONS_A, KONS_B)}, TEAM_LEAD["id"]: TEAM_LEAD}


@contextlib.asynccontextmanager
async def unit(
    redis_url: str, key_prefix: str, *, install: bool = True, clock: Clock | None = None, **settings: Any
) -> AsyncIterator[RunningBot]:
    """The match unit's bot: three candidates per list, two leads, kons.a's team lead."""
    async with running_bot(
        redis_url,
        key_prefix,
        pool=candidates(),
        job_orders=[job_order()],
        members=[*MEMBERS, Member(TEAM_LEAD, TEAM_LEAD_UPN)],
        install=False,
        clock=clock or Clock(MONDAY),
        retry_wait=wait_none(),
        **{
            "INTAKE_WORKER": False,
            "SHORTLIST_SIZE": 3,
            "MATCH_LEADS": "lead1@kk.dk,lead2@kk.dk",
            "TEAM_LEADS": f"kons.a@kk.dk={TEAM_LEAD_UPN}",
            **settings,
        },
    ) as bot:
        if install:
            await bot.post(fc.install_in_team(bot.service_url, LEAD), status=201)
            for user in (KONS_A, KONS_B, LEAD, LEAD2, TEAM_LEAD):
                await bot.post(fc.install_personal(bot.service_url, user), status=201)
        yield bot
        for text in {json.dumps(card, sort_keys=True) for card in bot.connector.cards()}:
            assert_valid(json.loads(text))


async def post_shortlist(bot: RunningBot) -> fc.Sent:
    await bot.post(fc.message(bot.service_url, LEAD, f"match {JO}", channel=True, thread="77"), status=201)
    posts = bot.connector.of_kind("create")
    assert len(posts) == 1
    return posts[0]


def questions(bot: RunningBot) -> list[fc.Sent]:
    """The 1:1 "Er kandidaten interesseret?" cards, in the order they were sent."""
    return [
        s
        for s in bot.connector.sent
        if s.conversation_id.startswith("a:personal") and texts.INTEREST_TITLE in card_text(s.card or {})
    ]


def channel_card(bot: RunningBot, post: fc.Sent) -> dict[str, Any]:
    """The shortlist card as the channel shows it now (the last update in place, or the post)."""
    updates = bot.connector.of_kind("update", post.conversation_id)
    card = updates[-1].card if updates else post.card
    assert card is not None
    return card


def owner(sent: fc.Sent) -> dict[str, Any]:
    """Who a 1:1 card went to (the personal conversation names the member)."""
    teams_id = sent.conversation_id.removeprefix("a:personal-")
    return USERS[teams_id]


async def press(bot: RunningBot, user: dict[str, Any], sent: fc.Sent, data: dict[str, Any]) -> Any:
    return await bot.post(
        fc.invoke_action(bot.service_url, user, sent.conversation_id, sent.activity_id, data), status=200
    )


def rows_in_order(card: dict[str, Any]) -> list[str]:
    """Candidate ids in the order the card lists them."""
    return [
        line.split("**")[1].split(". ", 1)[1]
        for line in card_text(card).splitlines()
        if line.startswith("**")
    ]


async def test_interest_asked_answered_a_nej_refills_the_list_and_silence_reads_ikke_svaret(
    redis_url: str, key_prefix: str
) -> None:
    async with unit(redis_url, key_prefix) as bot:
        post = await post_shortlist(bot)
        listed = rows_in_order(channel_card(bot, post))
        assert len(listed) == 3

        # Each listed candidate's consultant was asked once, 1:1, with the job's facts and no names.
        asked = questions(bot)
        assert sorted(card_text(s.card or {}).split("**")[1] for s in asked) == sorted(listed)
        for sent in asked:
            text = card_text(sent.card or {})
            for fact in ("Lagermedarbejder", "Ordinært job", "37 timer", "2650 Hvidovre", "15.12.2026"):
                assert fact in text
            assert "Nordlager" not in text and "Navn" not in text
            cand = text.split("**")[1]
            fu = await bot.services.stores.followups.get_followup(JO, cand)
            assert fu is not None and UPN[owner(sent)["id"]] == fu.consultant
        assert card_text(channel_card(bot, post)).count(texts.INTEREST_ROW_ASKED) == 3

        by_cand = {card_text(s.card or {}).split("**")[1]: s for s in asked}
        first, second, third = listed

        # Ja on the first: the consultant's card says so, the channel card shows it in place.
        yes = find_action(by_cand[first].card or {}, "interesse", answer="ja")
        answer = await press(bot, owner(by_cand[first]), by_cand[first], yes)
        assert "Dit svar: Ja" in card_text(answer["value"])
        consultant = UPN[owner(by_cand[first])["id"]]
        assert f"Interesse: Ja ({consultant}" in card_text(channel_card(bot, post))

        # Someone else's consultant cannot answer for this candidate.
        stranger = KONS_B if owner(by_cand[second]) is KONS_A else KONS_A
        no = find_action(by_cand[second].card or {}, "interesse", answer="nej")
        answer = await press(bot, stranger, by_cand[second], no)
        assert "Kun kandidatens jobkonsulent" in json.dumps(answer, ensure_ascii=False)
        untouched = await bot.services.stores.followups.get_followup(JO, second)
        assert untouched is not None and untouched.state is FollowUpState.FORESLAAET

        # Nej on the second: the record leaves (ikke interesseret, audited), the next candidate comes
        # onto the card in place, and their consultant is asked in turn. A double click does it once.
        for _ in range(2):
            await press(bot, owner(by_cand[second]), by_cand[second], no)
        fu = await bot.services.stores.followups.get_followup(JO, second)
        assert fu is not None and fu.state is FollowUpState.IKKE_INTERESSERET
        now_listed = rows_in_order(channel_card(bot, post))
        assert now_listed[:3] == [first, third, now_listed[2]] and now_listed[-1] == second
        newcomer = now_listed[2]
        assert newcomer not in listed
        assert find_action(channel_card(bot, post), "godkend", cand=newcomer)
        assert cards.find_action(channel_card(bot, post), "godkend", cand=second) is None
        assert "Interesse: Nej" in card_text(channel_card(bot, post))
        assert [card_text(s.card or {}).split("**")[1] for s in questions(bot)[3:]] == [newcomer]
        actions = [e.action for e in await bot.services.stores.followups.audit(JO, second)]
        assert actions.count("interest_nej") == 1 and "transition" in actions

        # A working day passes without an answer from the third and the newcomer: the card says so
        # (redrawn by the escalation round), and the lead approves regardless.
        bot.clock.now = MONDAY + timedelta(days=1, hours=1)  # Tuesday 11:00: 8 working hours + 1
        await bot.services.escalation.run_once(bot.clock.now)
        text = card_text(channel_card(bot, post))
        assert text.count("ikke svaret inden for 8 arbejdstimer") == 2
        approve = find_action(channel_card(bot, post), "godkend", cand=third)
        answer = await press(bot, LEAD, post, approve)
        assert "Godkendt af lead1@kk.dk" in card_text(answer["value"])
        # decided: the row keeps "ikke svaret" but no longer says the lead may decide without it
        after = card_text(answer["value"])
        assert after.count("ikke svaret inden for 8 arbejdstimer") == 2
        assert after.count("lederen kan beslutte uden") == 1


async def test_a_question_that_could_not_reach_the_consultant_is_asked_when_they_install_the_bot(
    redis_url: str, key_prefix: str
) -> None:
    """kons.b has not installed the bot: their candidates read "kan ikke nås"; when kons.b installs it,
    the questions go out (once, also when Teams announces the install twice) and the card says so."""
    async with unit(redis_url, key_prefix, install=False) as bot:
        bot.connector.unreachable.add(KONS_B["id"])  # no 1:1 chat can be created: 403
        await bot.post(fc.install_in_team(bot.service_url, LEAD), status=201)
        for user in (KONS_A, LEAD, LEAD2, TEAM_LEAD):
            await bot.post(fc.install_personal(bot.service_url, user), status=201)
        post = await post_shortlist(bot)
        waiting = card_text(channel_card(bot, post)).count(texts.INTEREST_ROW_UNREACHABLE)
        assert waiting >= 1 and not [q for q in questions(bot) if owner(q) is KONS_B]

        bot.connector.unreachable.clear()
        for _ in range(2):
            await bot.post(fc.install_personal(bot.service_url, KONS_B), status=201)
        asked = [q for q in questions(bot) if owner(q) is KONS_B]
        assert len(asked) == waiting
        text = card_text(channel_card(bot, post))
        assert texts.INTEREST_ROW_UNREACHABLE not in text and texts.INTEREST_ROW_ASKED in text
        yes = find_action(asked[0].card or {}, "interesse", answer="ja")
        answer = await press(bot, KONS_B, asked[0], yes)
        assert texts.INTEREST_THANKS.format(answer="Ja") in card_text(answer["value"])


async def test_interest_can_be_turned_off(redis_url: str, key_prefix: str) -> None:
    async with unit(redis_url, key_prefix, INTEREST_BEFORE_REVIEW=False) as bot:
        post = await post_shortlist(bot)
        assert questions(bot) == []
        assert "Interesse" not in card_text(channel_card(bot, post))


async def test_an_undecided_shortlist_reaches_the_leads_once_across_two_replicas(
    redis_url: str, key_prefix: str
) -> None:
    async with unit(redis_url, key_prefix) as bot:
        post = await post_shortlist(bot)
        approve = find_action(channel_card(bot, post), "godkend")
        await press(bot, LEAD, post, approve)  # one decided, two still waiting

        def escalations() -> list[fc.Sent]:
            return [s for s in bot.connector.sent if texts.ESCALATION_TITLE in card_text(s.card or {})]

        # Tuesday (8 working hours): not yet.
        bot.clock.now = MONDAY + timedelta(days=1, hours=1)
        assert await bot.services.escalation.run_once(bot.clock.now) == 0
        # Wednesday 10:00, 16 working hours after the post: a second replica runs the same round.
        bot.clock.now = MONDAY + timedelta(days=2)
        async with unit(redis_url, key_prefix, install=False, clock=bot.clock) as replica:
            rounds = await asyncio.gather(
                bot.services.escalation.run_once(bot.clock.now),
                replica.services.escalation.run_once(bot.clock.now),
                bot.services.escalation.run_once(bot.clock.now),
            )
        assert sum(rounds) == 1
        sent = escalations()
        assert sorted(s.conversation_id for s in sent) == ["a:personal-29:lead-1", "a:personal-29:lead-2"]
        assert "har stadig 2 kandidater uden beslutning" in card_text(sent[0].card or {})
        line = [t for t in bot.channel_texts() if "Påmindelse til lederne" in t]
        assert len(line) == 1 and JO in line[0]
        bot.clock.now += timedelta(days=7)
        assert await bot.services.escalation.run_once(bot.clock.now) == 0
        assert len(escalations()) == 2
        audit = [
            e for e in await bot.services.stores.followups.audit(JO) if e.action.startswith("escalation")
        ]
        assert [e.action for e in audit] == ["escalation_undecided_shortlist"]


async def test_several_undecided_shortlists_reach_a_lead_as_one_note_and_one_channel_line(
    redis_url: str, key_prefix: str
) -> None:
    """Tuesday morning with three undecided shortlists: each lead gets one note listing all three, the
    channel one line, and each job order's escalation is still recorded (and taken) once."""
    second = job_order().model_copy(update={"id": "JO-2026-0102", "title": "Lagerarbejder, aften"})
    third = job_order().model_copy(update={"id": "JO-2026-0103", "title": "Truckfører"})
    async with unit(redis_url, key_prefix) as bot:
        await bot.services.stores.job_orders.save_job_order(second)
        await bot.services.stores.job_orders.save_job_order(third)
        for jo in (JO, second.id, third.id):
            await bot.post(fc.message(bot.service_url, LEAD, f"match {jo}", channel=True), status=201)
        post = next(p for p in bot.connector.of_kind("create") if JO in card_text(p.card or {}))
        await press(bot, LEAD, post, find_action(channel_card(bot, post), "godkend"))  # 2 left on JO
        bot.clock.now = MONDAY + timedelta(days=2)
        assert await bot.services.escalation.run_once(bot.clock.now) == 3
        notes = [s for s in bot.connector.sent if texts.ESCALATION_TITLE in card_text(s.card or {})]
        assert sorted(s.conversation_id for s in notes) == ["a:personal-29:lead-1", "a:personal-29:lead-2"]
        lines = card_text(notes[0].card or {}).splitlines()
        assert "3 shortlister har stadig kandidater uden beslutning" in lines[1]
        assert f"• **{JO}** (Lagermedarbejder): 2 kandidater" in lines
        assert f"• **{third.id}** (Truckfører): 3 kandidater" in lines
        channel = [t for t in bot.channel_texts() if "Påmindelse til lederne" in t]
        assert len(channel) == 1 and all(jo in channel[0] for jo in (JO, second.id, third.id))
        bot.clock.now += timedelta(days=1)
        assert await bot.services.escalation.run_once(bot.clock.now) == 0
        for jo in (JO, second.id, third.id):
            actions = [e.action for e in await bot.services.stores.followups.audit(jo)]
            assert actions.count("escalation_undecided_shortlist") == 1, jo


async def test_a_decided_shortlist_is_not_escalated(redis_url: str, key_prefix: str) -> None:
    async with unit(redis_url, key_prefix) as bot:
        post = await post_shortlist(bot)
        for _ in range(3):
            await press(bot, LEAD, post, find_action(channel_card(bot, post), "godkend"))
        bot.clock.now = MONDAY + timedelta(days=3)
        assert await bot.services.escalation.run_once(bot.clock.now) == 0
        assert not [s for s in bot.connector.sent if texts.ESCALATION_TITLE in card_text(s.card or {})]


async def test_an_ignored_reminder_climbs_consultant_team_lead_leads_once_each_and_stops_on_a_change(
    redis_url: str, key_prefix: str
) -> None:
    async with unit(redis_url, key_prefix, INTEREST_BEFORE_REVIEW=False) as bot:
        post = await post_shortlist(bot)
        card = channel_card(bot, post)
        ids = rows_in_order(card)
        consultant = {}
        for c in ids:
            fu = await bot.services.stores.followups.get_followup(JO, c)
            assert fu is not None
            consultant[c] = fu.consultant
        ignored = next(c for c in ids if consultant[c] == "kons.a@kk.dk")
        acted = next(c for c in ids if consultant[c] == "kons.b@kk.dk")
        for cand in (ignored, acted):
            await press(bot, LEAD, post, find_action(channel_card(bot, post), "godkend", cand=cand))
        rest = next(c for c in ids if c not in (ignored, acted))  # decided too: no undecided shortlist here
        reject = {**find_action(channel_card(bot, post), "afvis", cand=rest), f"reason_{rest}": "afstand"}
        await press(bot, LEAD, post, reject)

        def to(user: dict[str, Any], phrase: str) -> list[fc.Sent]:
            return [
                s
                for s in bot.connector.sent
                if s.conversation_id == f"a:personal-{user['id']}" and phrase in card_text(s.card or {})
            ]

        async def round_at(moment: datetime) -> int:
            bot.clock.now = moment
            await bot.services.scheduler.run_once(moment)
            return sum(await asyncio.gather(*(bot.services.escalation.run_once(moment) for _ in range(2))))

        # Wednesday 08:00 (2 working days after Monday's approval): the no-progress reminders.
        wednesday = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
        assert await round_at(wednesday) == 0
        assert len(to(KONS_A, "Påmindelse")) >= 1
        # kons.b acts on theirs: that record is off the ladder.
        await bot.services.stores.followups.transition(JO, acted, FollowUpState.KONTAKTET, "kons.b@kk.dk")

        # Friday 08:00 (16 working hours later): ignored once -> kons.a gets it again.
        assert await round_at(datetime(2026, 11, 27, 7, 0, tzinfo=UTC)) == 1
        again = to(KONS_A, "Påmindelsen er ikke fulgt op")
        assert len(again) == 1 and ignored in card_text(again[0].card or {})
        find_action(again[0].card or {}, "status", to="kontaktet")  # the buttons come with it
        # Tuesday 08:00 (16 working hours, over the weekend): ignored twice -> the team lead.
        assert await round_at(datetime(2026, 12, 1, 7, 0, tzinfo=UTC)) == 1
        cover = to(TEAM_LEAD, "ignoreret to gange")
        assert len(cover) == 1 and "som teamleder" in card_text(cover[0].card or {})
        # A team lead is told, not given the status buttons (a status is the consultant's, the stand-in's
        # or a lead's to change).
        assert cards.find_action(cover[0].card or {}, "status") is None
        # Thursday 08:00: still nothing -> the unit's leads; then the ladder is climbed.
        assert await round_at(datetime(2026, 12, 3, 7, 0, tzinfo=UTC)) == 1
        assert len(to(LEAD, "Ingen har fulgt op")) == 1 and len(to(LEAD2, "Ingen har fulgt op")) == 1
        assert await round_at(datetime(2026, 12, 10, 7, 0, tzinfo=UTC)) == 0
        # Nothing at all about the record whose consultant acted.
        escalated = [
            card_text(s.card or {}) for s in bot.connector.sent if "fulgt op" in card_text(s.card or {})
        ]
        assert escalated and not [text for text in escalated if acted in text]

        trail = await bot.services.stores.followups.audit(JO, ignored)
        assert [e.action for e in trail if e.action.startswith("escalation")] == [
            "escalation_consultant",
            "escalation_stand_in_or_team_lead",
            "escalation_unit_leads",
        ]


async def test_while_the_consultant_is_away_the_ladder_goes_to_the_stand_in(
    redis_url: str, key_prefix: str
) -> None:
    async with unit(redis_url, key_prefix, INTEREST_BEFORE_REVIEW=False) as bot:
        post = await post_shortlist(bot)
        ids = rows_in_order(channel_card(bot, post))
        owners = {c: (await bot.services.stores.followups.get_followup(JO, c)) for c in ids}
        ignored = next(c for c, fu in owners.items() if fu is not None and fu.consultant == "kons.a@kk.dk")
        for cand in ids:
            data = find_action(channel_card(bot, post), "godkend", cand=cand)
            await press(bot, LEAD, post, data)
        away = "fravær fra 23.11.2026 til 18.12.2026 stedfortræder kons.b@kk.dk"
        await bot.post(fc.message(bot.service_url, KONS_A, away), status=201)

        def to_b(phrase: str) -> list[fc.Sent]:
            return [
                s
                for s in bot.connector.sent
                if s.conversation_id == f"a:personal-{KONS_B['id']}"
                and phrase in card_text(s.card or {})
                and ignored in card_text(s.card or {})
            ]

        for moment in (
            datetime(2026, 11, 25, 7, 0, tzinfo=UTC),  # the reminder (to the stand-in, by the cover feature)
            datetime(2026, 11, 27, 7, 0, tzinfo=UTC),  # ignored once: again, to the stand-in
            datetime(2026, 12, 1, 7, 0, tzinfo=UTC),  # ignored twice: the stand-in as such, with the buttons
        ):
            bot.clock.now = moment
            await bot.services.scheduler.run_once(moment)
            await bot.services.escalation.run_once(moment)
        assert len(to_b("Påmindelsen er ikke fulgt op")) == 1
        cover = to_b("ignoreret to gange")
        assert len(cover) == 1 and cards.find_action(cover[0].card or {}, "status", to="kontaktet")
        assert "Du får den som stedfortræder" in card_text(cover[0].card or {})
        assert not [
            s for s in bot.connector.sent if s.conversation_id == f"a:personal-{TEAM_LEAD['id']}" and s.card
        ]


async def test_while_the_consultant_is_away_the_stand_in_is_asked_and_may_answer(
    redis_url: str, key_prefix: str
) -> None:
    async with unit(redis_url, key_prefix) as bot:
        away = "fravær fra 23.11.2026 til 18.12.2026 stedfortræder kons.b@kk.dk"
        await bot.post(fc.message(bot.service_url, KONS_A, away), status=201)
        await post_shortlist(bot)
        asked = questions(bot)
        assert asked and {owner(s)["id"] for s in asked} == {KONS_B["id"]}  # kons.a's cases too
        a_question = None
        for sent in asked:
            cand = card_text(sent.card or {}).split("**")[1]
            fu = await bot.services.stores.followups.get_followup(JO, cand)
            if fu is not None and fu.consultant == "kons.a@kk.dk":
                a_question = (sent, cand)
        assert a_question is not None
        sent, cand = a_question
        answer = await press(bot, KONS_B, sent, find_action(sent.card or {}, "interesse", answer="nej"))
        assert "Dit svar: Nej" in card_text(answer["value"])
        fu = await bot.services.stores.followups.get_followup(JO, cand)
        assert fu is not None and fu.state is FollowUpState.IKKE_INTERESSERET


async def test_uge_shows_the_candidates_whose_consultants_have_not_said_if_they_are_interested(
    redis_url: str, key_prefix: str
) -> None:
    async with unit(redis_url, key_prefix) as bot:
        post = await post_shortlist(bot)
        first, second, third = rows_in_order(channel_card(bot, post))
        by_cand = {card_text(s.card or {}).split("**")[1]: s for s in questions(bot)}
        consultant = {cid: UPN[owner(by_cand[cid])["id"]] for cid in (first, second, third)}

        async def week() -> tuple[str, str]:
            """The job order's line and the interest section of the lead's ``uge`` card."""
            await bot.post(fc.message(bot.service_url, LEAD, "uge"), status=201)
            card = [
                c
                for c in bot.connector.cards(f"a:personal-{LEAD['id']}")
                if texts.CARD_WEEK_TITLE in card_text(c)
            ][-1]
            assert_valid(card)
            text = card_text(card)
            line = next(n for n in card["body"] if n.get("type") == "Container")["items"][1]["text"]
            section = (
                text.split(texts.CARD_WEEK_INTEREST_TITLE)[1]
                if texts.CARD_WEEK_INTEREST_TITLE in text
                else ""
            )
            return line, section

        # Nobody has answered: the list waits on the consultants, and the lead sees whom to chase.
        line, section = await week()
        assert "Afventer svar om interesse (3)" in line
        assert f"**{JO}** · 3 uden svar" in section
        for cid in (first, second, third):
            assert f"{cid} ({consultant[cid]}, spurgt 23.11.2026)" in section

        # Ja on the first, "Ved ikke endnu" on the second: the first is no longer waiting, the second is.
        await press(
            bot,
            owner(by_cand[first]),
            by_cand[first],
            find_action(by_cand[first].card or {}, "interesse", answer="ja"),
        )
        not_yet = find_action(by_cand[second].card or {}, "interesse", answer="ved_ikke")
        await press(bot, owner(by_cand[second]), by_cand[second], not_yet)
        line, section = await week()
        assert "Afventer beslutning (3)" in line
        assert f"**{JO}** · 2 uden svar" in section and first not in section
        assert second in section and third in section

        # The lead decides on the third regardless: only the second is still awaited.
        await press(bot, LEAD, post, find_action(channel_card(bot, post), "godkend", cand=third))
        line, section = await week()
        assert "Afventer jobkonsulent (1)" in line
        assert f"**{JO}** · 1 uden svar" in section and third not in section and second in section
