"""The dialogue without HTTP: Router with the real features and stores (real Redis), and a
recording Messenger in place of Teams. Covers the refusals and edge cases; the happy paths run
end to end in test_bot_e2e.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from bot.domain.escalation import WorkingHours, load_escalation_rules
from bot.domain.leads import Leads
from bot.domain.signing import CardSigner
from bot.features.cover import CoverService
from bot.features.followup import FollowUpService
from bot.features.handover import HandoverService
from bot.features.interest import InterestService, ShortlistFollowUp
from bot.features.job_orders import JobOrderService
from bot.features.pool import PoolIndex
from bot.features.reports import ChartLinks, ReportService
from bot.features.shortlist import ShortlistService
from bot.features.week import WeekService
from bot.observability import Metrics
from bot.router import Router
from bot.store import Stores
from bot.store.connection import client_from_url
from bot.store.conversations import ConversationStore, TeamsUser
from bot.store.escalation import EscalationStore
from bot.store.interest import InterestStore
from bot.turn import ActionResult, Posted, Reply, Turn
from bot.ui import cards, texts
from tests.e2e.test_bot_e2e import candidates, job_order
from tests.fake_connector import card_text


class RecordingMessenger:
    def __init__(self) -> None:
        self.posted: list[cards.Card] = []

    async def post(self, reference: dict[str, Any], card: cards.Card, *, new_thread: bool) -> Posted:
        self.posted.append(card)
        return Posted(reference, f"act-{len(self.posted)}")

    async def update(self, posted: Posted, card: cards.Card) -> None:
        self.posted.append(card)

    async def send_to_user(self, user: TeamsUser, card: cards.Card) -> Posted:
        self.posted.append(card)
        return Posted({}, "x")

    async def send_text(self, reference: dict[str, Any], text: str) -> None:
        return None


TURN = Turn(
    conversation_id="c1",
    conversation_type="personal",
    reference={"conversation": {"id": "c1"}},
    user_id="29:u",
    aad_object_id="aad-u",
    upn="lead@kk.dk",
)


@dataclass
class Dialogue:
    """The router with the store and the shortlist feature it was built over, for the assertions."""

    router: Router
    store: Stores
    shortlists: ShortlistService

    async def on_message(self, turn: Turn, text: str) -> list[Reply]:
        return await self.router.on_message(turn, text)

    async def on_action(self, turn: Turn, data: dict[str, Any]) -> ActionResult:
        """``data`` as a button the bot drew (signed): these tests are about what comes after the
        signature check (tests/e2e/test_signed_buttons.py is about the check)."""
        return await self.router.on_action(turn, self.router.signer.sign(data))


@pytest.fixture
async def logic(redis_url: str, key_prefix: str) -> AsyncIterator[Dialogue]:
    redis = client_from_url(redis_url)
    store = Stores.open(redis, key_prefix)
    conversations = ConversationStore(redis, key_prefix)
    messenger = RecordingMessenger()
    pool = PoolIndex(store.pool)
    metrics = Metrics()
    rules = load_escalation_rules()
    follow = ShortlistFollowUp(
        InterestStore(store.context),
        EscalationStore(store.context),
        store.shortlists,
        conversations,
        messenger,
        rules,
        WorkingHours(rules, store.context.rules),
        ask=True,
    )
    shortlists = ShortlistService(
        store.shortlists,
        store.job_orders,
        store.followups,
        conversations,
        messenger,
        pool,
        channel_id="",
        top=10,
        metrics=metrics,
        companion=follow,
    )
    interest = InterestService(follow.interest, store.followups, shortlists, follow, leads=Leads())
    handovers = HandoverService(store.followups, conversations, messenger, shortlists, metrics)
    await store.job_orders.save_job_order(job_order())
    await store.pool.put_candidates(candidates())
    followups = FollowUpService(store.followups, pool, shortlists)
    cover = CoverService(store.cover, conversations, messenger, shortlists, Leads())
    reports = ReportService(store.reports, store.followups, ChartLinks(store.reports, "", b"k"))
    week = WeekService(store.week, conversations, messenger, "")
    features = [
        JobOrderService(store.job_orders, shortlists),
        shortlists,
        handovers,
        followups,
        cover,
        reports,
        interest,
        week,
    ]
    signer = CardSigner((b"router-test-key-0123456789",))
    router = Router(
        store.job_orders, store.pool, features, reachable=[handovers.retry_pending], signer=signer
    )
    yield Dialogue(router, store, shortlists)
    await redis.aclose()


async def test_bad_ids_and_unknown_job_orders_get_danish_answers(logic: Dialogue) -> None:
    [reply] = await logic.on_message(TURN, "jobordre JO/1")
    assert reply.text == texts.BAD_ID.format(value="JO/1")
    [reply] = await logic.on_message(TURN, "overblik JO-404")
    assert reply.text == texts.JOB_ORDER_NOT_FOUND.format(job_order_id="JO-404")
    [reply] = await logic.on_message(TURN, "match JO-404")
    assert reply.text == texts.JOB_ORDER_NOT_FOUND.format(job_order_id="JO-404")


async def test_status_command_refusals(logic: Dialogue) -> None:
    [reply] = await logic.on_message(TURN, "status JO-2026-0101 K-1001 samtale 1-12-2026")
    assert reply.text == texts.BAD_DATE.format(value="1-12-2026")
    [reply] = await logic.on_message(TURN, "status JO-2026-0101 K-1001 forfremmet")
    assert reply.text is not None and "'forfremmet' er ikke en status" in reply.text
    [reply] = await logic.on_message(TURN, "status JO-2026-0101 K-1001 kontaktet")
    assert reply.text is not None and "Der er ingen opfølgning" in reply.text  # no shortlist yet


async def test_without_a_channel_the_shortlist_comes_back_in_the_conversation(logic: Dialogue) -> None:
    replies = await logic.on_message(TURN, "match JO-2026-0101")
    assert replies[-1].text is None  # posted into this conversation itself
    assert "Shortlist: Lagermedarbejder" in card_text(logic.shortlists.messenger.posted[-1])  # type: ignore[attr-defined]


async def test_card_actions_refuse_cpr_unknown_verbs_and_missing_reasons(logic: Dialogue) -> None:
    await logic.on_message(TURN, "match JO-2026-0101")
    rows = await logic.shortlists.rows("JO-2026-0101")
    cand = rows[0].candidate_id
    result = await logic.on_action(
        TURN,
        {
            "verb": "afvis",
            "job": "JO-2026-0101",
            "cand": cand,
            "v": 1,
            f"reason_{cand}": "andet",
            f"note_{cand}": "cpr 010190-1234",
        },
    )
    assert result.text == texts.CPR_REFUSED
    result = await logic.on_action(TURN, {"verb": "afvis", "job": "JO-2026-0101", "cand": cand, "v": 1})
    assert result.text == texts.REJECT_NEEDS_REASON
    assert (
        await logic.on_action(TURN, {"verb": "slet_alt", "job": "JO-2026-0101"})
    ).text == texts.ACTION_UNKNOWN
    assert (
        await logic.on_action(TURN, {"verb": "godkend", "job": "../x", "cand": cand})
    ).text == texts.ACTION_UNKNOWN
    fu = await logic.store.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.state.value == "foreslaaet"


async def test_send_approved_with_nothing_approved_says_so(logic: Dialogue) -> None:
    await logic.on_message(TURN, "match JO-2026-0101")
    result = await logic.on_action(TURN, {"verb": "send_godkendte", "job": "JO-2026-0101"})
    assert result.text == texts.NOTHING_APPROVED


def _count_lines(card: cards.Card) -> list[str]:
    """The card's "considered" and "excluded" lines."""
    return [line for line in card_text(card).splitlines() if "gennemgået" in line or "Frasorteret" in line]


async def test_a_card_redrawn_after_a_restart_keeps_its_counts(
    logic: Dialogue, redis_url: str, key_prefix: str
) -> None:
    """Another replica, or this one after a restart, redraws the card (a decision, 'Vis flere'): the
    considered/excluded lines come from the store, not from the process that matched."""
    await logic.on_message(TURN, "match JO-2026-0101")
    posted = logic.shortlists.messenger.posted[-1]  # type: ignore[attr-defined]
    assert any("gennemgået" in line for line in _count_lines(posted))
    redis = client_from_url(redis_url)
    try:
        store = Stores.open(redis, key_prefix)
        restarted = ShortlistService(
            store.shortlists,
            store.job_orders,
            store.followups,
            ConversationStore(redis, key_prefix),
            RecordingMessenger(),
            PoolIndex(store.pool),
            channel_id="",
            top=10,
            metrics=Metrics(),
        )
        redrawn = await restarted.render("JO-2026-0101")
    finally:
        await redis.aclose()
    assert _count_lines(redrawn) == _count_lines(posted)


async def test_an_interest_answer_off_the_card_gets_a_danish_answer_and_changes_nothing(
    logic: Dialogue,
) -> None:
    """Answers other than the card's three, unknown records and questions never asked are refused."""
    base = {"verb": cards.VERB_INTEREST, "job": "JO-2026-0101", "cand": "K-1001", "v": 0}
    result = await logic.on_action(TURN, {**base, "answer": "måske"})
    assert result.text == texts.INTEREST_UNKNOWN_ANSWER and result.card is None
    result = await logic.on_action(TURN, {**base, "answer": "nej"})
    assert result.text is not None and "K-1001" in result.text and result.card is None  # no record yet
    await logic.shortlists.match(job_order())  # records exist, but nobody was asked (no channel)
    result = await logic.on_action(TURN, {**base, "answer": "nej"})  # not the candidate's consultant
    assert result.text == texts.INTEREST_ONLY_CONSULTANT.format(consultant="kons.a@kk.dk")
    consultant = replace(TURN, upn="kons.a@kk.dk")
    result = await logic.on_action(consultant, {**base, "answer": "nej"})
    assert result.text == texts.INTEREST_NOT_ASKED.format(candidate_id="K-1001", job_order_id="JO-2026-0101")
    fu = await logic.store.followups.get_followup("JO-2026-0101", "K-1001")
    assert fu is not None and fu.state.value == "foreslaaet"
