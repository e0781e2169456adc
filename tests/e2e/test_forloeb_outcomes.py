"""Forløb have their own states (issue 10, item 4), and `status` takes the Danish labels (item 6).

A virksomhedspraktik is not a hire: after the interview the consultant's buttons offer "Startet i
forløb" (not "Ansat"), then the 3-month outcomes "I job", "I uddannelse", "Hverken job eller
uddannelse" or "Afbrudt"; `rapport` counts in job *or education* in the 3rd month, as the
administration does, and flags a share resting on fewer than 5 checks instead of printing "100 %".
All through the real app (``/api/messages``, Bot Framework activity JSON, real Redis).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.states import FollowUpState
from bot.ui import texts
from matching.models import EmploymentType, JobOrder
from tests import fake_connector as fc
from tests.e2e.test_bot_e2e import (
    KONS_A,
    KONS_B,
    LEAD,
    install,
    list_items,
    post_shortlist,
    the_day,
)
from tests.fake_connector import card_text, find_action
from tests.harness import RunningBot
from tests.unit.test_cards import assert_valid

JO = "JO-2026-0101"
FORLOEB_OUTCOMES = ["I job", "I uddannelse", "Hverken job eller uddannelse", "Afbrudt"]
WITHDRAW = ["Ikke interesseret", "Trukket tilbage"]


def praktik() -> JobOrder:
    return JobOrder(
        id=JO,
        title="Lagermedarbejder",
        company="Nordlager ApS",
        employment_type="virksomhedspraktik",
        hours_per_week=37,
        postcode="2650",
        required_certificates=["truckcertifikat"],
        duration_weeks=4,
    )


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with the_day(redis_url, key_prefix, job_orders=[praktik()]) as running:
        yield running


async def _handover(bot: RunningBot) -> tuple[fc.Sent, dict[str, Any], str]:
    """Post the shortlist, approve the first candidate and send them: the consultant's hand-over."""
    await install(bot, KONS_A, KONS_B)
    post = await post_shortlist(bot)
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
    return handover, consultant, str(approve["cand"])


async def test_a_praktik_starts_in_forloeb_and_ends_in_a_forloeb_outcome(bot: RunningBot) -> None:
    handover, consultant, cand = await _handover(bot)
    card = handover.card or {}
    for to, dato, buttons in (
        ("kontaktet", None, ["Ansøgt", "Henvist med mødepligt", *WITHDRAW]),
        ("ansoegt", None, ["Til jobsamtale", "Afslag", *WITHDRAW]),
        ("samtale", "2026-11-30", ["Startet i forløb", "Afslag", "Udeblevet", *WITHDRAW]),
        ("startet_forloeb", "2026-12-07", ["Afbrudt"]),  # the outcomes from the check date on
    ):
        bot.clock.now += timedelta(days=1)
        data = find_action(card, "status", to=to)
        if dato:
            data = {**data, "dato": dato}
        press = fc.invoke_action(
            bot.service_url, consultant, handover.conversation_id, handover.activity_id, data
        )
        answer = await bot.post(press, status=200)
        card = answer["value"]
        if to == "startet_forloeb":  # irreversible: asked on the card first, the date chosen kept
            assert [a["title"] for a in card["actions"]] == ["Bekræft: Startet i forløb", "Fortryd"]
            confirm = find_action(card, "status", to=to, ok=1)
            press = fc.invoke_action(
                bot.service_url, consultant, handover.conversation_id, handover.activity_id, confirm
            )
            card = (await bot.post(press, status=200))["value"]
        assert [a["title"] for a in card.get("actions", [])] == buttons, to
    assert "Startet i forløb" in card_text(card) and "Ansat" not in card_text(card)

    async def say(text: str) -> str:
        await bot.post(fc.message(bot.service_url, consultant, text), status=201)
        return bot.connector.texts()[-1]

    # The 4-week praktik ends 03.01.2027; its outcome counts from there, in the forløb's own words.
    early = await say(f"status {JO} {cand} I uddannelse")
    assert "Resultatet 3 måneder efter forløbet" in early and "03.04.2027" in early
    bot.clock.now = datetime(2027, 4, 5, 9, 0, tzinfo=UTC)
    assert await say(f"status {JO} {cand} I uddannelse") == texts.STATUS_UPDATED.format(
        candidate_id=cand, job_order_id=JO, label="I uddannelse"
    )
    fu = await bot.services.stores.followups.get_followup(JO, cand)
    assert fu is not None and fu.state is FollowUpState.I_UDDANNELSE

    # rapport: in education counts as "i job eller uddannelse"; one check is flagged, not "100 %".
    await bot.post(fc.message(bot.service_url, LEAD, "rapport", channel=True), status=201)
    report = bot.connector.cards(fc.CHANNEL_ID)[-1]
    share = "Andel i job el. uddannelse i 3. måned"
    assert list_items(report) == [
        [
            "Virksomhedspraktik",
            "1 ansat/startet · 1 i job el. uddannelse · 0 ikke i job/uddannelse · 0 tjek mangler",
            f"{share}: 1 af 1 * · BIF 2017: 16 %",
        ],
        [
            "I alt",
            "1 ansat/startet · 1 i job el. uddannelse · 0 ikke i job/uddannelse · 0 tjek mangler",
            f"{share}: 1 af 1 * · BIF 2017: –",
        ],
    ]
    assert "100 %" not in card_text(report)
    assert "* Under 5 tjekkede: for få til at vise en andel i procent" in card_text(report)


async def test_a_praktik_cannot_be_recorded_as_a_hire(bot: RunningBot) -> None:
    """Typed "ansat" on a praktik is refused in Danish, naming the step that fits; nothing changes."""
    _, consultant, cand = await _handover(bot)
    for step in ("kontaktet", "ansøgt", "til jobsamtale 30.11.2026"):
        await bot.post(fc.message(bot.service_url, consultant, f"status {JO} {cand} {step}"), status=201)
    hire = f"status {JO} {cand} ansat 07.12.2026"
    await bot.post(fc.message(bot.service_url, consultant, hire), status=201)
    refusal = bot.connector.texts()[-1]
    assert refusal == texts.TRANSITION_WRONG_START.format(target="Ansat", fits="Startet i forløb")
    fu = await bot.services.stores.followups.get_followup(JO, cand)
    assert fu is not None and fu.state is FollowUpState.SAMTALE
    await bot.post(fc.message(bot.service_url, consultant, f"status {JO} {cand} afbrudt"), status=201)
    assert "kan ikke gå fra 'Til jobsamtale' til 'Afbrudt'" in bot.connector.texts()[-1]
    await bot.post(
        fc.message(bot.service_url, consultant, f"status {JO} {cand} startet i forløb 07.12.2026"), status=201
    )
    await bot.post(fc.message(bot.service_url, consultant, f"status {JO} {cand} Afbrudt"), status=201)
    fu = await bot.services.stores.followups.get_followup(JO, cand)
    assert fu is not None and fu.state is FollowUpState.AFBRUDT


@pytest.mark.parametrize(
    ("employment_type", "start", "other"),
    [
        ("virksomhedspraktik", "Startet i forløb", "Ansat"),
        ("loentilskud_privat", "Startet i forløb", "Ansat"),
        ("nytteindsats", "Startet i forløb", "Ansat"),
        ("ordinaert_job", "Ansat", "Startet i forløb"),
    ],
)
async def test_the_reminder_after_the_interview_offers_the_start_that_fits_the_job_order(
    redis_url: str, key_prefix: str, employment_type: str, start: str, other: str
) -> None:
    """The reminder that the interview has passed offers the same start as the hand-over card: on a
    forløb "Startet i forløb" only, on a job "Ansat" only (one rule: ``offered_steps``)."""
    job = praktik().model_copy(update={"employment_type": EmploymentType(employment_type)})
    async with the_day(redis_url, key_prefix, job_orders=[job]) as bot:
        handover, consultant, cand = await _handover(bot)
        for step in ("kontaktet", "ansøgt", "til jobsamtale 30.11.2026"):
            await bot.post(fc.message(bot.service_url, consultant, f"status {JO} {cand} {step}"), status=201)
        bot.clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # the interview (Monday) passed
        assert await bot.services.scheduler.run_once(bot.clock.now) >= 1
        reminder = [s for s in bot.connector.sent if "Påmindelse" in card_text(s.card or {})][-1]
        titles = [a["title"] for a in (reminder.card or {}).get("actions", [])]
        assert titles == [start, "Afslag", "Udeblevet", *WITHDRAW]
        assert other not in titles
        assert reminder.conversation_id == handover.conversation_id
        assert_valid(reminder.card or {})


async def test_a_forloeb_outcome_is_confirmed_on_the_card_before_it_is_stored(bot: RunningBot) -> None:
    """The outcomes "I job", "I uddannelse", "Hverken …" and "Afbrudt" close the record and count in
    rapport: like "Ansat", a press asks "Bekræft: …" / "Fortryd" first and stores nothing until then."""
    _, consultant, cand = await _handover(bot)
    for step in ("kontaktet", "ansøgt", "til jobsamtale 30.11.2026", "startet i forløb 07.12.2026"):
        await bot.post(fc.message(bot.service_url, consultant, f"status {JO} {cand} {step}"), status=201)
    bot.clock.now = datetime(2027, 4, 5, 9, 0, tzinfo=UTC)  # the 4-week praktik's check date has passed
    assert await bot.services.scheduler.run_once(bot.clock.now) >= 1
    reminder = [s for s in bot.connector.sent if "Påmindelse" in card_text(s.card or {})][-1]
    assert [a["title"] for a in (reminder.card or {})["actions"]] == FORLOEB_OUTCOMES

    async def press(data: dict[str, Any]) -> dict[str, Any]:
        activity = fc.invoke_action(
            bot.service_url, consultant, reminder.conversation_id, reminder.activity_id, data
        )
        answer: dict[str, Any] = (await bot.post(activity, status=200))["value"]
        return answer

    async def state() -> FollowUpState:
        fu = await bot.services.stores.followups.get_followup(JO, cand)
        assert fu is not None
        return fu.state

    for label, code in zip(FORLOEB_OUTCOMES, ("i_job", "i_uddannelse", "hverken", "afbrudt"), strict=True):
        asked = await press(find_action(reminder.card or {}, "status", to=code))
        assert [a["title"] for a in asked["actions"]] == [f"Bekræft: {label}", "Fortryd"], label
        assert f"sættes til **{label}**" in card_text(asked) and "Det kan ikke fortrydes" in card_text(asked)
        assert await state() is FollowUpState.STARTET_FORLOEB  # nothing stored yet
        undone = await press(find_action(asked, "status", fortryd=1))
        assert [a["title"] for a in undone["actions"]] == FORLOEB_OUTCOMES
        assert await state() is FollowUpState.STARTET_FORLOEB
    asked = await press(find_action(reminder.card or {}, "status", to="i_uddannelse"))
    done = await press(find_action(asked, "status", to="i_uddannelse", ok=1))
    assert await state() is FollowUpState.I_UDDANNELSE
    assert "Status nu: **I uddannelse**" in card_text(done) and not done.get("actions")
