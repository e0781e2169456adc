"""End to end through the real ``POST /api/messages``: real Bot Framework activity JSON in, the SDK's
real outgoing HTTP calls out to a fake Bot Connector, state in a real redis-server.

The match unit's day: install in the team channel → consultants install personally → a lead types
``match`` → the shortlist card is posted in the channel → Godkend/Afvis update it in place → "Send
godkendte" hands over 1:1 → the consultant presses status buttons → a reminder arrives once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import redis as redis_lib
from redis.asyncio import Redis
from tenacity import wait_none

from bot import router as commands
from bot.domain.states import FollowUpState
from bot.store import keys
from bot.ui import cards, texts
from matching.models import CandidateProfile, JobOrder
from tests import fake_connector as fc
from tests.fake_connector import card_text, find_action
from tests.harness import CallCounter, Clock, Member, RunningBot, running_bot
from tests.redis_server import RedisServer
from tests.unit.test_cards import assert_valid

LEAD = fc.user_account("29:lead-1", "aad-lead-1")
LEAD2 = fc.user_account("29:lead-2", "aad-lead-2")
KONS_A = fc.user_account("29:kons-a", "aad-kons-a")
KONS_B = fc.user_account("29:kons-b", "aad-kons-b")
UPN = {
    "29:lead-1": "lead1@kk.dk",
    "29:lead-2": "lead2@kk.dk",
    "29:kons-a": "kons.a@kk.dk",
    "29:kons-b": "kons.b@kk.dk",
}


MEMBERS = [Member(user, UPN[user["id"]]) for user in (LEAD, LEAD2, KONS_A, KONS_B)]
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def job_order() -> JobOrder:
    return JobOrder(
        id="JO-2026-0101",
        title="Lagermedarbejder",
        company="Nordlager ApS",
        employment_type="ordinaert_job",
        hours_per_week=37,
        postcode="2650",
        deadline=date(2026, 12, 15),
        required_certificates=["truckcertifikat"],
        referral_with_obligation=True,
    )


def candidates() -> list[CandidateProfile]:
    out = []
    for i in range(1, 9):
        out.append(
            CandidateProfile(
                id=f"K-{1000 + i}",
                jobcenter="Jobcenter Amager" if i % 2 else "Jobcenter Nørrebro",
                consultant="kons.a@kk.dk" if i % 2 else "kons.b@kk.dk",
                desired_titles=["Lagermedarbejder"],
                experience_titles=["Lagerarbejder"],
                certificates=["truckcertifikat"],
                postcode="2650" if i < 5 else "2300",
                hours_per_week=37,
                benefit="dagpenge",
            )
        )
    # Never on the list: no forklift certificate.
    out.append(
        CandidateProfile(
            id="K-2000",
            jobcenter="Jobcenter Amager",
            consultant="kons.a@kk.dk",
            desired_titles=["Lagermedarbejder"],
            postcode="2650",
            hours_per_week=37,
            benefit="dagpenge",
        )
    )
    return out


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with the_day(redis_url, key_prefix) as running:
        yield running


@contextlib.asynccontextmanager
async def the_day(
    redis_url: str,
    key_prefix: str,
    *,
    pool: list[CandidateProfile] | None = None,
    job_orders: Sequence[JobOrder] | None = None,
    **extra_settings: Any,
) -> AsyncIterator[RunningBot]:
    """The harness with the day's roster, job order, pool and clock (or the ``pool`` and ``job_orders``
    given); ``extra_settings`` as in the environment. Every card the bot sent in the test (posted,
    updated, 1:1) is a valid Adaptive Card 1.5."""
    async with running_bot(
        redis_url,
        key_prefix,
        pool=candidates() if pool is None else pool,
        job_orders=[job_order()] if job_orders is None else job_orders,
        members=MEMBERS,
        install=False,
        clock=Clock(START),
        retry_wait=wait_none(),
        **{"INTAKE_WORKER": False, **extra_settings},
    ) as bot:
        yield bot
        for text in {json.dumps(card, sort_keys=True) for card in bot.connector.cards()}:
            assert_valid(json.loads(text))


async def install(bot: RunningBot, *consultants: dict[str, Any]) -> None:
    await bot.post(fc.install_in_team(bot.service_url, LEAD), status=201)
    for user in consultants:
        await bot.post(fc.install_personal(bot.service_url, user), status=201)


async def post_shortlist(bot: RunningBot) -> fc.Sent:
    await bot.post(
        fc.message(bot.service_url, LEAD, "match JO-2026-0101", channel=True, thread="77"), status=201
    )
    posts = bot.connector.of_kind("create")
    assert len(posts) == 1
    return posts[0]


async def test_install_in_team_welcomes_and_reads_the_roster(bot: RunningBot) -> None:
    await bot.post(fc.install_in_team(bot.service_url, LEAD), status=201)
    assert any("Matchbot for den tværgående matchenhed" in t for t in bot.connector.texts(fc.CHANNEL_ID))
    # The roster taught us every member by AAD id and e-mail, before any of them wrote.
    user = await bot.services.conversations.user_by_upn("kons.b@kk.dk")
    assert user is not None and user.teams_id == "29:kons-b" and user.tenant_id == fc.TENANT
    channel = await bot.services.conversations.get_channel(fc.CHANNEL_ID)
    assert channel is not None and channel["serviceUrl"] == bot.service_url
    # No display names in Redis.
    for key in [k async for k in bot.redis.scan_iter(match=f"{bot.services.settings.redis_key_prefix}:*")]:
        dump = json.dumps(await bot.redis.dump(key) is not None and await _value(bot.redis, key))
        assert "Navn " not in dump


async def _value(redis: Redis, key: str) -> Any:
    kind = await redis.type(key)
    if kind == "string":
        return await redis.get(key)
    if kind == "hash":
        return await redis.hgetall(key)
    if kind == "set":
        return sorted(await redis.smembers(key))
    return None


async def test_help_unknown_typo_and_cpr(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await bot.post(fc.message(bot.service_url, KONS_A, "hjælp"), status=201)
    help_card = bot.connector.cards()[-1]
    assert "match «jobordre»" in card_text(help_card)

    await bot.post(fc.message(bot.service_url, KONS_A, "blabla"), status=201)
    unknown = bot.connector.cards()[-1]
    assert texts.UNKNOWN_COMMAND in card_text(unknown) and "overblik «jobordre»" in card_text(unknown)

    await bot.post(fc.message(bot.service_url, KONS_A, "OVERBLK JO-2026-0101"), status=201)
    assert "Mente du **overblik JO-2026-0101**?" in bot.connector.texts()[-1]
    assert "Overblik: JO-2026-0101" in card_text(bot.connector.cards()[-1])

    before = len(bot.connector.sent)
    await bot.post(
        fc.message(bot.service_url, KONS_A, "status JO-2026-0101 010190-1234 kontaktet"), status=201
    )
    assert bot.connector.sent[before:][-1].text == texts.CPR_REFUSED
    keys_now = [k async for k in bot.redis.scan_iter(match=f"{bot.services.settings.redis_key_prefix}:*")]
    for key in keys_now:
        assert "010190" not in json.dumps(await _value(bot.redis, key))
    assert "010190" not in caplog.text and "cpr-like input refused" in caplog.text


async def test_match_approve_reject_in_place_handover_status_and_reminder(bot: RunningBot) -> None:
    await install(bot)  # the consultants have not written to the bot: the roster is all we know
    post = await post_shortlist(bot)
    card = post.card
    assert card is not None
    text = card_text(card)
    assert "Shortlist: Lagermedarbejder hos Nordlager ApS" in text
    assert "Henvisning med mødepligt" in text and "Truckcertifikat" in text.replace("truck", "Truck")
    assert "2650 Hvidovre" in text and "15.12.2026" in text
    assert "K-2000" not in text  # no certificate: filtered out
    # A reply in the thread tells the lead where it went (the card went to the channel root).
    first = find_action(card, "godkend")
    cand = first["cand"]

    # Godkend by Action.Execute: the invoke answer carries the refreshed card …
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, first), status=200
    )
    assert answer["statusCode"] == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Godkendt af lead1@kk.dk" in card_text(answer["value"])
    # … and the posted card is updated in place for everyone.
    updates = bot.connector.of_kind("update", post.conversation_id)
    assert updates and updates[-1].activity_id == post.activity_id
    assert "Godkendt af lead1@kk.dk" in card_text(updates[-1].card or {})

    # A double click (same card version) changes nothing twice.
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, first), status=200
    )
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.state is FollowUpState.GODKENDT and fu.version == first["v"] + 1

    # A second lead rejecting the same candidate from a stale card is refused, with who decided.
    stale = {**find_action(post.card or {}, "afvis", cand=cand), f"reason_{cand}": "afstand"}
    before = len(bot.connector.sent)
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD2, post.conversation_id, post.activity_id, stale), status=200
    )
    # Told on the card they pressed (only they see the invoke answer), not in the channel for all.
    assert answer["value"]["body"][0]["text"].endswith("allerede godkendt af lead1@kk.dk.")
    assert not any("allerede" in s.text for s in bot.connector.sent[before:])
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.state is FollowUpState.GODKENDT

    # Afvis another candidate via the Action.Submit fallback (a message with value), with a reason.
    current = updates[-1].card or {}
    other = find_action(current, "afvis")
    other_cand = other["cand"]
    data = {**other, f"reason_{other_cand}": "timer", f"note_{other_cand}": "kun aftenvagter"}
    await bot.post(
        fc.submit(bot.service_url, LEAD2, post.conversation_id, post.activity_id, data), status=201
    )
    last = bot.connector.of_kind("update", post.conversation_id)[-1]
    assert "Afvist af lead2@kk.dk" in card_text(last.card or {}) and "Timetal passer ikke" in card_text(
        last.card or {}
    )
    rejected = await bot.services.stores.followups.get_followup("JO-2026-0101", other_cand)
    assert rejected is not None and rejected.state is FollowUpState.AFVIST

    # Send godkendte: the approved candidate's consultant gets a 1:1 hand-over card.
    send = find_action(last.card or {}, "send_godkendte")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    consultant = fu.consultant
    teams_id = "29:kons-a" if consultant == "kons.a@kk.dk" else "29:kons-b"
    personal = [s for s in bot.connector.sent if s.conversation_id.startswith("a:personal") and s.card]
    handover = [s for s in personal if "Ny kandidat til dig" in card_text(s.card or {})]
    assert len(handover) == 1, [card_text(s.card or {}) for s in personal]
    assert teams_id in handover[0].conversation_id
    # The 1:1 chat was opened from the roster: create conversation with the member and the tenant.
    opened = [c for c in bot.connector.created if not c.get("isGroup")]
    assert [m["id"] for m in opened[0]["members"]] == [teams_id]
    assert opened[0]["tenantID"] == fc.TENANT and opened[0]["channelData"]["tenant"]["id"] == fc.TENANT
    htext = card_text(handover[0].card or {})
    assert cand in htext and "Nordlager ApS" in htext and "15.12.2026" in htext and "Navn" not in htext
    assert await bot.services.conversations.handover_states("JO-2026-0101") == {cand: "sent"}
    # Pressing it twice sends nothing more.
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    assert len([s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {})]) == 1

    # The consultant presses "Kontaktet" on the hand-over card.
    consultant_user = KONS_A if teams_id == "29:kons-a" else KONS_B
    kontaktet = find_action(handover[0].card or {}, "status", to="kontaktet")
    answer = await bot.post(
        fc.invoke_action(
            bot.service_url, consultant_user, handover[0].conversation_id, handover[0].activity_id, kontaktet
        ),
        status=200,
    )
    assert "Status nu: **Kontaktet**" in card_text(answer["value"])
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.state is FollowUpState.KONTAKTET
    assert fu.history[-1].actor == UPN[consultant_user["id"]]

    # Time passes with no progress: the reminder arrives once, 1:1, with the quick buttons.
    bot.clock.now += timedelta(days=30)
    delivered = await bot.services.scheduler.run_once(bot.clock.now)
    again = await bot.services.scheduler.run_once(bot.clock.now)
    reminders = [s for s in bot.connector.sent if "Påmindelse" in card_text(s.card or {})]
    assert delivered >= 1 and again == 0
    assert len(reminders) == delivered
    assert reminders[0].conversation_id == handover[0].conversation_id
    find_action(reminders[0].card or {}, "status", to="ansoegt")


async def test_unreachable_consultant_is_shown_and_retried_when_reachable(bot: RunningBot) -> None:
    bot.connector.unreachable.add("29:kons-a")  # kons.a has not installed the app: 403 on create
    bot.connector.unreachable.add("29:kons-b")
    await install(bot)
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    cand = approve["cand"]
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    card = bot.connector.of_kind("update", post.conversation_id)[-1].card or {}
    send = find_action(card, "send_godkendte")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    card = bot.connector.of_kind("update", post.conversation_id)[-1].card or {}
    assert texts.CARD_UNREACHABLE in card_text(card)
    assert (await bot.services.conversations.handover_states("JO-2026-0101"))[cand] == "pending"
    assert not [s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {})]

    # The consultant installs the app: the waiting hand-over is delivered and the card updated.
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None
    user = KONS_A if fu.consultant == "kons.a@kk.dk" else KONS_B
    bot.connector.unreachable.clear()
    await bot.post(fc.install_personal(bot.service_url, user), status=201)
    handover = [s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {})]
    assert len(handover) == 1 and handover[0].conversation_id == f"a:personal-{user['id']}"
    card = bot.connector.of_kind("update", post.conversation_id)[-1].card or {}
    assert texts.CARD_UNREACHABLE not in card_text(card) and texts.CARD_HANDED_OVER in card_text(card)


async def test_transient_connector_errors_are_retried(bot: RunningBot) -> None:
    await install(bot)
    bot.connector.fail_next(2, 503)
    post = await post_shortlist(bot)
    assert post.card is not None
    # A reply within the turn is retried too: the user still gets the answer.
    bot.connector.fail_next(1, 502)
    await bot.post(fc.message(bot.service_url, LEAD, "hjælp"), status=201)
    assert "Det kan jeg" in card_text(bot.connector.cards()[-1])


async def test_match_in_a_personal_chat_without_the_channel_posts_there_and_nothing_empty(
    bot: RunningBot,
) -> None:
    await bot.post(fc.message(bot.service_url, LEAD, "match JO-2026-0101"), status=201)
    conv = f"a:personal-{LEAD['id']}"
    sent = [s for s in bot.connector.sent if s.conversation_id == conv]
    assert len(sent) == 1 and "Shortlist: Lagermedarbejder" in card_text(sent[0].card or {})
    assert all(s.text or s.card for s in bot.connector.sent)
    # The "Match nu" button there answers the presser too (it said "Knappen er forældet" before).
    await bot.services.stores.job_orders.save_job_order(job_order().model_copy(update={"id": "JO-2026-0102"}))
    match = bot.sign({"verb": "match", "job": "JO-2026-0102"})
    press = fc.invoke_action(bot.service_url, LEAD, conv, "x", match)
    answer = await bot.post(press, status=200)
    # The answer to Action.Execute is shown as it is: no Markdown stars around the id.
    assert answer["value"] == "Shortlisten for JO-2026-0102 er postet her i samtalen."
    assert len([s for s in bot.connector.sent if s.conversation_id == conv and s.card]) == 2


async def test_job_order_card_and_form_via_submit(bot: RunningBot) -> None:
    await bot.post(fc.message(bot.service_url, LEAD, "jobordre JO-2026-0101"), status=201)
    assert "Jobordre JO-2026-0101: Lagermedarbejder" in card_text(bot.connector.cards()[-1])
    await bot.post(fc.message(bot.service_url, LEAD, "jobordre"), status=201)
    form = bot.connector.cards()[-1]
    data = find_action(form, "gem_jobordre", then="")
    conv = f"a:personal-{LEAD['id']}"
    bad = {
        **data,
        "id": "JO-9",
        "title": "Rengøringsassistent",
        "company": "Rent A/S",
        "hours_per_week": "20",
        "postcode": "9999",
        "employment_type": "ordinaert_job",
    }
    await bot.post(fc.submit(bot.service_url, LEAD, conv, "form-1", bad), status=201)
    returned = bot.connector.of_kind("update", conv)[-1].card or {}
    error = card_text(returned)
    assert "Postnummer: '9999' er ikke et kendt dansk postnummer" in error and "postcode" not in error
    assert await bot.services.stores.job_orders.get_job_order("JO-9") is None
    # What was typed is still in the form, so only the postcode needs typing again.
    typed = {e["id"]: e.get("value") for e in returned["body"] if e.get("type", "").startswith("Input.")}
    assert (typed["id"], typed["title"], typed["company"], typed["hours_per_week"]) == (
        "JO-9",
        "Rengøringsassistent",
        "Rent A/S",
        20,
    )
    good = {
        **bad,
        "postcode": "2300",
        "deadline": "2026-12-20",
        "start_date": "2027-01-04",
        "positions": "3",
        "required_certificates": "",
        "employment_clause": "true",
    }
    await bot.post(fc.submit(bot.service_url, LEAD, conv, "form-1", good), status=201)
    saved = await bot.services.stores.job_orders.get_job_order("JO-9")
    assert saved is not None and saved.employment_clause and saved.deadline == date(2026, 12, 20)
    assert (saved.start_date, saved.positions) == (date(2027, 1, 4), 3)
    assert any("JO-9" in t and "gemt" in t for t in bot.connector.texts(conv))


async def test_mine_hvorfor_and_status_command(bot: RunningBot) -> None:
    await install(bot, KONS_A, KONS_B)
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    cand = approve["cand"]
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None
    user = KONS_A if fu.consultant == "kons.a@kk.dk" else KONS_B
    conv = f"a:personal-{user['id']}"
    await bot.post(fc.message(bot.service_url, user, "mine"), status=201)
    assert cand in card_text(bot.connector.cards(conv)[-1])
    await bot.post(fc.message(bot.service_url, user, f"status JO-2026-0101 {cand} kontaktet"), status=201)
    assert "status er nu **Kontaktet**" in bot.connector.texts(conv)[-1]
    # typed, not pressed: the channel card follows all the same
    channel = card_text(bot.connector.of_kind("update", post.conversation_id)[-1].card or {})
    assert f"Status: Kontaktet (opdateret {cards.when(bot.clock.now)} af {UPN[user['id']]})" in channel
    await bot.post(fc.message(bot.service_url, user, f"status JO-2026-0101 {cand} ansat"), status=201)
    assert "Kontaktet" in bot.connector.texts(conv)[-1]  # not allowed from kontaktet: Danish reason
    await bot.post(fc.message(bot.service_url, user, "hvorfor JO-2026-0101 K-2000"), status=201)
    assert "truckcertifikat" in bot.connector.texts(conv)[-1].lower()


async def test_bad_requests_get_danish_errors_not_500(bot: RunningBot) -> None:
    r = await bot.client.post("/api/messages", data="ikke json", headers={"Content-Type": "application/json"})
    assert r.status == 400 and (await r.json())["error"] == texts.BAD_REQUEST_JSON
    r = await bot.client.post("/api/messages", data="x", headers={"Content-Type": "text/plain"})
    assert r.status == 415
    r = await bot.client.post("/api/messages", json={"text": "no type"})
    assert r.status == 400
    big = fc.message(bot.service_url, LEAD, "x" * (bot.services.settings.max_request_bytes + 10))
    r = await bot.client.post("/api/messages", json=big)
    assert r.status == 413 and (await r.json())["error"] == texts.REQUEST_TOO_LARGE
    assert bot.connector.sent == []


async def test_with_app_id_an_unsigned_post_gets_401_and_nothing_happens(
    redis_url: str, key_prefix: str
) -> None:
    async with running_bot(
        redis_url,
        key_prefix,
        install=False,
        warm_pool=False,
        MicrosoftAppId="00000000-0000-0000-0000-000000000001",
        MicrosoftAppPassword="secret",
        MicrosoftAppType="SingleTenant",
        MicrosoftAppTenantId=fc.TENANT,
        INTAKE_WORKER=False,
    ) as bot:
        activity = fc.message(bot.service_url, LEAD, "hjælp")
        r = await bot.client.post("/api/messages", json=activity)
        assert r.status == 401
        r = await bot.client.post(
            "/api/messages", json=activity, headers={"Authorization": "Bearer not-a-jwt"}
        )
        assert r.status == 401
        connector = bot.connector
        assert connector.sent == [] and connector.requests == 0
        assert not [k async for k in bot.redis.scan_iter(match=f"{key_prefix}:{keys.CONV_TAG}*")]


async def test_two_leads_deciding_at_once_change_the_record_once(bot: RunningBot) -> None:
    await install(bot)
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    cand = approve["cand"]
    reject = {**find_action(post.card or {}, "afvis", cand=cand), f"reason_{cand}": "kompetencer"}
    answers = await asyncio.gather(
        bot.post(
            fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve),
            status=200,
        ),
        bot.post(
            fc.invoke_action(bot.service_url, LEAD2, post.conversation_id, post.activity_id, reject),
            status=200,
        ),
        bot.post(
            fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve),
            status=200,
        ),
    )
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.version == approve["v"] + 1
    assert fu.state in (FollowUpState.GODKENDT, FollowUpState.AFVIST)
    audit = [
        a for a in await bot.services.stores.followups.audit("JO-2026-0101", cand) if a.action == "transition"
    ]
    assert len(audit) == 1
    # Every lead's answer shows the one decision that was made.
    label = "Godkendt" if fu.state is FollowUpState.GODKENDT else "Afvist"
    assert all(f"{label} af" in card_text(a["value"]) for a in answers)


async def test_an_internal_error_gives_the_user_a_danish_message_not_a_500(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database exploded")

    monkeypatch.setattr(bot.services.shortlists, "match_and_post", broken)
    await bot.post(fc.message(bot.service_url, LEAD, "match JO-2026-0101"), status=201)
    assert bot.connector.texts()[-1] == texts.ERROR_GENERIC
    data = bot.sign({"verb": "match", "job": "JO-2026-0101"})
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD, "a:personal-29:lead-1", "x", data), status=200
    )
    assert answer["value"] == texts.ERROR_GENERIC


async def test_show_more_updates_the_card_in_place(bot: RunningBot) -> None:
    await install(bot)
    post = await post_shortlist(bot)
    assert card_text(post.card or {}).count("· score") == 5
    more = find_action(post.card or {}, "vis_flere")
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, more), status=200
    )
    assert card_text(answer["value"]).count("· score") == 8
    updated = bot.connector.of_kind("update", post.conversation_id)[-1]
    assert updated.activity_id == post.activity_id and card_text(updated.card or {}).count("· score") == 8


async def test_status_buttons_follow_the_record_and_the_channel_keeps_the_leads_decision(
    bot: RunningBot,
) -> None:
    """The consultant's buttons are the state machine's next steps (the 3-month outcomes after Ansat);
    the channel card keeps "Godkendt af <lead>" and shows the consultant's status on its own line."""
    await install(bot)
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    cand = approve["cand"]
    decide = fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve)
    await bot.post(decide, status=200)
    approved_at = cards.when(bot.clock.now)
    send = bot.sign({"verb": "send_godkendte", "job": "JO-2026-0101"})
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    handover = next(s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {}))
    first = handover.card or {}
    assert [a["title"] for a in first["actions"]] == ["Kontaktet", "Ikke interesseret", "Trukket tilbage"]
    consultant = KONS_A if "kons-a" in handover.conversation_id else KONS_B
    upn = UPN[consultant["id"]]
    card = first
    withdraw = ["Ikke interesseret", "Trukket tilbage"]
    for to, dato, buttons in (
        ("kontaktet", None, ["Ansøgt", "Henvist med mødepligt", *withdraw]),
        ("ansoegt", None, ["Til jobsamtale", "Afslag", *withdraw]),
        ("samtale", "2026-11-30", ["Ansat", "Afslag", "Udeblevet", *withdraw]),
        # on the day of hire only Ophørt: 'I job efter 3 mdr.' would be refused until 07.03.2027
        ("ansat", "2026-12-07", ["Ophørt"]),
    ):
        bot.clock.now += timedelta(days=1)
        data = find_action(card, "status", to=to)
        if dato:
            data = {**data, "dato": dato}
        answer = await bot.post(
            fc.invoke_action(
                bot.service_url, consultant, handover.conversation_id, handover.activity_id, data
            ),
            status=200,
        )
        card = answer["value"]
        if to == "ansat":  # irreversible: the card asks to confirm, with the date chosen kept
            assert [a["title"] for a in card["actions"]] == ["Bekræft: Ansat", "Fortryd"]
            confirm = find_action(card, "status", to="ansat", ok=1)
            answer = await bot.post(
                fc.invoke_action(
                    bot.service_url, consultant, handover.conversation_id, handover.activity_id, confirm
                ),
                status=200,
            )
            card = answer["value"]
        assert [a["title"] for a in card.get("actions", [])] == buttons, to
    assert not any(b.get("type") == "Input.Date" for b in card["body"])  # no next step needs a date
    # the dates given are on the card, the interview without an invented time
    for line in ("Jobsamtale 30.11.2026", "Start 07.12.2026", "3-måneders-tjek fra 07.03.2027"):
        assert line in card_text(card).splitlines(), line
    assert "kl. 09:00" not in card_text(card)

    channel = card_text(bot.connector.of_kind("update", post.conversation_id)[-1].card or {})
    assert f"Godkendt af lead1@kk.dk {approved_at}" in channel
    assert f"Status: Ansat (opdateret {cards.when(bot.clock.now)} af {upn})" in channel
    assert "Ansat af lead1@kk.dk" not in channel

    # A button on the old hand-over card, pressed after the state moved on: refused in Danish.
    before = len(bot.connector.sent)
    stale = find_action(first, "status", to="ikke_interesseret")
    answer = await bot.post(
        fc.invoke_action(bot.service_url, consultant, handover.conversation_id, handover.activity_id, stale),
        status=200,
    )
    notice = answer["value"]["body"][0]["text"]
    assert "lige blevet ændret" in notice and "Ansat" in notice
    assert not any(s.text for s in bot.connector.sent[before:])
    # A lead deciding from the old shortlist card is told who decided (was: "allerede ansat af <consultant>").
    before = len(bot.connector.sent)
    reject = {**find_action(post.card or {}, "afvis", cand=cand), f"reason_{cand}": "afstand"}
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD2, post.conversation_id, post.activity_id, reject), status=200
    )
    assert answer["value"]["body"][0]["text"] == f"{cand} er allerede godkendt af lead1@kk.dk."
    assert not any(s.text for s in bot.connector.sent[before:])
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.state is FollowUpState.ANSAT


async def test_job_order_from_the_api_becomes_a_card_in_the_channel_and_reminders_run_with_the_app(
    redis_url: str, key_prefix: str
) -> None:
    """The intake worker and the reminder scheduler run inside the app (started and stopped with it)."""
    async with running_bot(
        redis_url,
        key_prefix,
        pool=candidates(),
        members=[m for m in MEMBERS if m.account is not LEAD2],
        install=False,
        clock=Clock(START),
        retry_wait=wait_none(),
        run_scheduler=True,
        reminder_interval=0.05,
        JOBORDRE_API_KEYS="test-key",
        INTAKE_CLAIM_IDLE_MS=200,
    ) as bot:
        client, connector, clock = bot.client, bot.connector, bot.clock
        rounds = CallCounter(bot.services.scheduler, "run_once")
        r = await client.post("/api/messages", json=fc.install_in_team(connector.url, LEAD))
        assert r.status == 201
        job = job_order().model_dump(mode="json")
        r = await client.post("/api/jobordrer", json=job, headers={"Authorization": "Bearer test-key"})
        assert r.status == 202, await r.text()
        await connector.wait_for(lambda: bool(connector.of_kind("create")))
        post = connector.of_kind("create")[0]
        card = post.card or {}
        assert "Shortlist: Lagermedarbejder hos Nordlager ApS" in card_text(card)
        assert_valid(card)
        approve = find_action(card, "godkend")
        activity = fc.invoke_action(connector.url, LEAD, post.conversation_id, post.activity_id, approve)
        assert (await client.post("/api/messages", json=activity)).status == 200
        send = bot.sign({"verb": "send_godkendte", "job": "JO-2026-0101"})
        activity = fc.invoke_action(connector.url, LEAD, post.conversation_id, post.activity_id, send)
        assert (await client.post("/api/messages", json=activity)).status == 200
        # No progress for weeks: the scheduler running inside the app sends the reminder, once.
        clock.now += timedelta(days=14)

        def reminders() -> list[fc.Sent]:
            return [s for s in connector.sent if "Påmindelse" in card_text(s.card or {})]

        await connector.wait_for(lambda: bool(reminders()))
        await rounds.more(5)  # several more scheduler rounds
        assert len(reminders()) == 1 and approve["cand"] in card_text(reminders()[0].card or {})
        assert "arbejdsdage siden" in card_text(reminders()[0].card or {})  # the follow-up engine's text


async def test_the_sdk_stock_transport_still_works(redis_url: str, key_prefix: str) -> None:
    """The benchmark's baseline (the SDK's own per-turn clients) delivers the same cards."""
    async with running_bot(
        redis_url,
        key_prefix,
        pool=candidates(),
        job_orders=[job_order()],
        members=[m for m in MEMBERS if m.account is LEAD],
        install=False,
        stock_transport=True,
        warm_pool=False,
        INTAKE_WORKER=False,
    ) as bot:
        client, connector = bot.client, bot.connector
        assert (
            await client.post("/api/messages", json=fc.install_in_team(connector.url, LEAD))
        ).status == 201
        activity = fc.message(connector.url, LEAD, "match JO-2026-0101", channel=True, thread="5")
        assert (await client.post("/api/messages", json=activity)).status == 201
    post = connector.of_kind("create")[0]
    assert isinstance(post.card, dict) and "Nordlager ApS" in card_text(post.card)
    assert_valid(post.card)


# --- times, revisions, leads, start-up checks --------------------------------------------------------


async def test_every_time_on_the_cards_is_copenhagen_time_in_winter_and_summer(bot: RunningBot) -> None:
    """The clock says 09:00 UTC on 23 November: a caseworker in Copenhagen reads 10:00 (CET), and in
    June 08:00 UTC is 10:00 (CEST). Decision lines, hand-over, status notes and reminders alike."""
    await install(bot)
    post = await post_shortlist(bot)
    assert "Revideret" not in card_text(post.card or {})  # never revised: no note
    approve = find_action(post.card or {}, "godkend")
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve), status=200
    )
    assert "Godkendt af lead1@kk.dk 23.11.2026 kl. 10:00" in card_text(answer["value"])
    send = find_action(answer["value"], "send_godkendte")
    answer = await bot.post(
        fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, send), status=200
    )
    assert "sendt til sin jobkonsulent af lead1@kk.dk 23.11.2026 kl. 10:00" in card_text(answer["value"])
    handover = next(s for s in bot.connector.sent if "Ny kandidat til dig" in card_text(s.card or {}))
    assert "(opdateret 23.11.2026 kl. 10:00)" in card_text(handover.card or {})
    bot.clock.now += timedelta(days=14)  # no progress: the reminder card says when the status was set
    assert await bot.services.scheduler.run_once(bot.clock.now) >= 1
    reminder = [s for s in bot.connector.sent if "Påmindelse" in card_text(s.card or {})][-1]
    assert "(opdateret 23.11.2026 kl. 10:00)" in card_text(reminder.card or {})

    bot.clock.now = datetime(2027, 6, 1, 8, 0, tzinfo=UTC)  # summer time: UTC+2
    consultant = KONS_A if "kons-a" in handover.conversation_id else KONS_B
    kontaktet = find_action(handover.card or {}, "status", to="kontaktet")
    answer = await bot.post(
        fc.invoke_action(
            bot.service_url, consultant, handover.conversation_id, handover.activity_id, kontaktet
        ),
        status=200,
    )
    text = card_text(answer["value"])
    assert "(opdateret 01.06.2027 kl. 10:00)" in text and "01.06.2027 kl. 10:00." in text, text
    assert "kl. 09:00" not in "".join(card_text(c) for c in bot.connector.cards())  # the UTC reading


async def test_a_revised_job_order_says_so_on_every_redraw_of_its_card(
    redis_url: str, key_prefix: str
) -> None:
    """A changed job order from the API gets a new card marked "Revideret jobordre" with the time of the
    revision, and the mark stays when the card is redrawn after a decision or "Vis flere"."""
    async with the_day(
        redis_url, key_prefix, JOBORDRE_API_KEYS="test-key", INTAKE_WORKER=True, INTAKE_CLAIM_IDLE_MS=200
    ) as bot:
        await install(bot)
        bot.clock.now = datetime(2026, 11, 23, 11, 30, tzinfo=UTC)  # 12:30 in Copenhagen
        changed = {**job_order().model_dump(mode="json"), "hours_per_week": 30}
        r = await bot.client.post("/api/jobordrer", json=changed, headers={"X-API-Key": "test-key"})
        assert r.status == 202 and (await r.json())["jobordrer"][0]["resultat"] == "revised"
        await bot.connector.wait_for(lambda: bool(bot.connector.of_kind("create")))
        post = bot.connector.of_kind("create")[0]
        note = "Revideret jobordre 23.11.2026 kl. 12:30"
        assert note in card_text(post.card or {})

        bot.clock.now += timedelta(hours=1)  # later redraws keep the time of the revision
        approve = find_action(post.card or {}, "godkend")
        answer = await bot.post(
            fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve),
            status=200,
        )
        assert note in card_text(answer["value"]) and "Godkendt af lead1@kk.dk" in card_text(answer["value"])
        updated = bot.connector.of_kind("update", post.conversation_id)[-1]
        assert note in card_text(updated.card or {})
        more = find_action(answer["value"], "vis_flere")
        answer = await bot.post(
            fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, more), status=200
        )
        assert note in card_text(answer["value"])
        # A job order changed by hand in Teams (the form) is revised too, with the same mark.
        bot.clock.now = datetime(2026, 11, 24, 8, 15, tzinfo=UTC)
        form = {**job_order().model_dump(mode="json"), "hours_per_week": 32}
        fields = ("id", "title", "company", "employment_type", "hours_per_week", "postcode", "deadline")
        data = {**bot.sign({"verb": "gem_jobordre", "then": "match"}), **{k: str(form[k]) for k in fields}}
        await bot.post(fc.invoke_action(bot.service_url, LEAD, "a:personal-29:lead-1", "x", data), status=200)
        posts = bot.connector.of_kind("create")
        assert len(posts) == 2
        assert "Revideret jobordre 24.11.2026 kl. 09:15" in card_text(posts[-1].card or {})


async def test_only_the_match_units_leads_may_approve_or_reject(redis_url: str, key_prefix: str) -> None:
    async with the_day(redis_url, key_prefix, MATCH_LEADS="Lead1@KK.dk") as bot:
        await install(bot)
        post = await post_shortlist(bot)
        assert "Kun matchenhedens ledere kan godkende og afvise: lead1@kk.dk." in card_text(post.card or {})
        approve = find_action(post.card or {}, "godkend")
        cand = approve["cand"]

        # lead2 is in the channel but not a lead: refused in Danish, card and record untouched.
        before = len(bot.connector.sent)
        answer = await bot.post(
            fc.invoke_action(bot.service_url, LEAD2, post.conversation_id, post.activity_id, approve),
            status=200,
        )
        refusal = texts.DECISION_LEADS_ONLY.format(leads="lead1@kk.dk")
        assert answer["type"] == "application/vnd.microsoft.activity.message" and answer["value"] == refusal
        reject = {**find_action(post.card or {}, "afvis", cand=cand), f"reason_{cand}": "afstand"}
        await bot.post(
            fc.submit(bot.service_url, LEAD2, post.conversation_id, post.activity_id, reject), status=201
        )
        assert bot.connector.sent[-1].text == refusal
        await bot.post(fc.message(bot.service_url, LEAD2, f"status JO-2026-0101 {cand} godkendt"), status=201)
        assert bot.connector.texts()[-1] == refusal
        assert not bot.connector.of_kind("update", post.conversation_id)
        assert all(s.card is None for s in bot.connector.sent[before:])
        fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
        assert fu is not None and fu.state is FollowUpState.FORESLAAET and fu.version == approve["v"]
        audit = await bot.services.stores.followups.audit("JO-2026-0101", cand)
        assert not [a for a in audit if a.action == "transition"]

        # The lead decides as before.
        answer = await bot.post(
            fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve),
            status=200,
        )
        assert "Godkendt af lead1@kk.dk" in card_text(answer["value"])
        fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
        assert fu is not None and fu.state is FollowUpState.GODKENDT


async def test_help_lists_every_command_of_the_registry(bot: RunningBot) -> None:
    await bot.post(fc.message(bot.service_url, KONS_A, "hjælp"), status=201)
    lines = card_text(bot.connector.cards()[-1]).splitlines()
    for spec in commands.COMMANDS.values():  # the usage line, and under it what the command does
        assert lines[lines.index(spec.usage) + 1] == spec.help, spec.name


async def test_start_up_warns_about_an_undurable_redis_and_open_decisions(
    redis_url: str, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The operator reads at start-up when Redis could lose data or anyone may decide; not otherwise."""
    caplog.set_level(logging.WARNING)
    async with the_day(redis_url, key_prefix, MATCH_LEADS="lead1@kk.dk"):
        pass
    assert "redis durability" not in caplog.text and "MATCH_LEADS" not in caplog.text  # the fixture: AOF on

    server = RedisServer()
    server.start()
    try:
        with redis_lib.Redis(port=server.port) as admin:
            admin.config_set("appendonly", "no")
        async with the_day(server.url, key_prefix):
            pass
    finally:
        server.cleanup()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("appendonly is 'no'" in r.getMessage() for r in warnings), caplog.text
    assert any("MATCH_LEADS is empty" in r.getMessage() for r in warnings)


def list_items(card: dict[str, Any]) -> list[list[str]]:
    """The card's list entries (a title and its lines), as a lead reads them on a phone or a laptop."""
    containers = [n for n in card["body"] if n.get("type") == "Container"]
    return [[i["text"] for i in c["items"]] for c in containers]


def table_rows(card: dict[str, Any]) -> list[list[str]]:
    """The cells of the card's Table, row by row, as a lead reads them."""
    table = next(node for node in card["body"] if node.get("type") == "Table")
    return [[" ".join(i["text"] for i in cell["items"]) for cell in row["cells"]] for row in table["rows"]]


async def test_rapport_shows_hires_and_the_share_in_job_in_the_3rd_month_per_scheme(bot: RunningBot) -> None:
    await install(bot, KONS_A, KONS_B)
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    cand = approve["cand"]
    press = fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve)
    await bot.post(press, status=200)
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None
    user = KONS_A if fu.consultant == "kons.a@kk.dk" else KONS_B
    for step in ("kontaktet", "ansoegt", "samtale 2026-11-26", "ansat 2026-12-01", "i_job_3_mdr"):
        await bot.post(fc.message(bot.service_url, user, f"status JO-2026-0101 {cand} {step}"), status=201)
    # The key figure cannot be filled in before the three months have passed …
    early = texts.TRANSITION_CHECK_TOO_EARLY.format(earliest="01.03.2027", start="01.12.2026")
    assert bot.connector.texts()[-1] == early
    bot.clock.now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # … and can on the day they have
    await bot.post(fc.message(bot.service_url, user, f"status JO-2026-0101 {cand} i_job_3_mdr"), status=201)
    # A second scheme, with the administration's figure to compare with: two hires, one stopped.
    store = bot.services.stores
    praktik = {**job_order().model_dump(mode="json"), "id": "JO-PRAKTIK"}
    praktik["employment_type"] = "virksomhedspraktik"
    praktik["referral_with_obligation"] = False  # henvisning med mødepligt is for real jobs only
    praktik["description"] = "Renovering for Københavns Kommune med beskæftigelsesklausul."
    del praktik["employment_clause"]  # the sender did not say: the description does
    await store.job_orders.save_job_order(JobOrder.model_validate(praktik))
    await store.shortlists.save_shortlist("JO-PRAKTIK", [_Ranked("K-1001"), _Ranked("K-1003")])
    for cid, last in (("K-1001", "i_job"), ("K-1003", "hverken")):
        steps = ("godkendt", "kontaktet", "ansoegt", "samtale 26.11.2026", "startet_forloeb 1.12.2026", last)
        for step in steps:
            await bot.post(fc.message(bot.service_url, LEAD, f"status JO-PRAKTIK {cid} {step}"), status=201)

    # The job order's funnel counts the steps reached: the hired candidate was approved, contacted …
    await bot.post(fc.message(bot.service_url, LEAD, "overblik JO-2026-0101", channel=True), status=201)
    path = table_rows(bot.connector.cards(fc.CHANNEL_ID)[-1])
    assert path[0] == ["Trin", "Nået", "Står nu"]
    assert path[1:] == [
        ["Foreslået", "8", "7"],
        ["Godkendt", "1", "0"],
        ["Kontaktet", "1", "0"],
        ["Ansøgt", "1", "0"],
        ["Henvist med mødepligt", "0", "0"],
        ["Til jobsamtale", "1", "0"],
        ["Ansat", "1", "0"],
        ["I job efter 3 måneder", "1", "1"],
    ]
    await bot.post(fc.message(bot.service_url, LEAD, "rapport", channel=True), status=201)
    card = bot.connector.cards(fc.CHANNEL_ID)[-1]
    assert "Resultater pr. ordning" in card_text(card)
    assert "Alle ansættelser og forløb indtil nu" in card_text(card)
    assert not any(n.get("type") == "Table" for n in card["body"])  # seven columns do not fit a phone
    share = "Andel i job el. uddannelse i 3. måned"
    assert list_items(card) == [
        [
            "Ordinært job",
            "1 ansat/startet · 1 i job el. uddannelse · 0 ikke i job/uddannelse · 0 tjek mangler",
            f"{share}: 1 af 1 * · BIF 2017: –",
        ],
        [
            "Virksomhedspraktik",
            "2 ansat/startet · 1 i job el. uddannelse · 1 ikke i job/uddannelse · 0 tjek mangler",
            f"{share}: 1 af 2 * · BIF 2017: 16 %",
        ],
        [
            "I alt",
            "3 ansat/startet · 2 i job el. uddannelse · 1 ikke i job/uddannelse · 0 tjek mangler",
            f"{share}: 2 af 3 * · BIF 2017: –",
        ],
    ]
    assert "Heraf via beskæftigelsesklausul: 2 ansat, 1 i job eller uddannelse efter 3 måneder." in card_text(
        card
    )

    await bot.post(fc.message(bot.service_url, LEAD, "rapport 2026-11", channel=True), status=201)
    card = bot.connector.cards(fc.CHANNEL_ID)[-1]
    assert "Ansættelser og forløb med start i november 2026" in card_text(card)
    assert "Ingen ansættelser eller forløb i perioden endnu." in card_text(card)
    await bot.post(fc.message(bot.service_url, LEAD, "rapprt 2026-12", channel=True), status=201)
    assert "Mente du **rapport 2026-12**?" in bot.connector.texts(fc.CHANNEL_ID)[-1]
    assert list_items(bot.connector.cards(fc.CHANNEL_ID)[-1])[-1][:2] == [
        "I alt",
        "3 ansat/startet · 2 i job el. uddannelse · 1 ikke i job/uddannelse · 0 tjek mangler",
    ]
    await bot.post(fc.message(bot.service_url, LEAD, "rapport 12-2026", channel=True), status=201)
    assert bot.connector.texts(fc.CHANNEL_ID)[-1] == texts.BAD_PERIOD.format(value="12-2026")


@dataclass(frozen=True)
class _Ranked:
    candidate_id: str
    score: float = 90.0
    reasons: tuple[str, ...] = ("Jobønske 'Lagermedarbejder': samme slags arbejde som jobordren",)


async def test_jobordrer_lists_the_latest_job_orders_with_what_waits_for_the_leads(bot: RunningBot) -> None:
    await install(bot, KONS_A, KONS_B)
    await bot.post(fc.message(bot.service_url, LEAD, "jobordrer", channel=True), status=201)
    card = bot.connector.cards(fc.CHANNEL_ID)[-1]
    # not matched yet; a short date and no six-column table (it broke words at 360 px)
    assert list_items(card)[0] == [
        "JO-2026-0101 · Lagermedarbejder · Nordlager ApS",
        "Frist 15.12.26 · 0 til beslutning · 0 i gang · 0 ansat/startet",
    ]
    assert not any(n.get("type") == "Table" for n in card["body"])
    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    press = fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve)
    await bot.post(press, status=200)
    bot.clock.now = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)  # after the deadline
    await bot.post(fc.message(bot.service_url, LEAD, "liste", channel=True), status=201)
    card = bot.connector.cards(fc.CHANNEL_ID)[-1]
    expired = "Frist 15.12.26 (udløbet) · 7 til beslutning · 1 i gang · 0 ansat/startet"
    assert list_items(card)[0][1] == expired
    await bot.post(fc.message(bot.service_url, LEAD, "jobordrer JO-2026-0101", channel=True), status=201)
    assert "Nordlager ApS" in card_text(bot.connector.cards(fc.CHANNEL_ID)[-1])  # that job order's card


async def test_odd_input_gets_a_danish_answer_and_changes_nothing(bot: RunningBot) -> None:
    """Each of these once crashed a turn, echoed too much or did the wrong thing."""
    await install(bot, KONS_A, KONS_B)

    async def say(text: str, user: dict[str, Any] = KONS_A) -> str:
        await bot.post(fc.message(bot.service_url, user, text), status=201)
        sent = bot.connector.sent[-1]
        return sent.text or card_text(sent.card or {})

    assert await say("rapport 0000") == texts.BAD_PERIOD.format(value="0000")
    assert await say("rapport 9999-12") == texts.BAD_PERIOD.format(value="9999-12")
    assert texts.UNKNOWN_COMMAND in await say("...")  # not "hjælp": punctuation is no alias of "?"
    assert "Det kan jeg" in await say("?")
    assert "Nordlager ApS" in await say("jobordre jo-2026-0101")  # ids as KEH writes them
    assert "truckcertifikat" in (await say("hvorfor jo-2026-0101 k-2000")).lower()  # K-2000 lacks one
    long_typo = await say("matc " + "x" * 5000)
    assert "Mente du" in long_typo and len(long_typo) < 200
    assert await say("matc 010190<b></b>1234") == texts.CPR_REFUSED
    assert await say("hvorfor JO-2026-0101 010190\u20131234") == texts.CPR_REFUSED

    post = await post_shortlist(bot)
    approve = find_action(post.card or {}, "godkend")
    cand = approve["cand"]
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None
    owner = KONS_A if fu.consultant == "kons.a@kk.dk" else KONS_B
    # "mine" lists only what a lead has handed over: a proposed candidate is not the consultant's yet.
    await bot.post(fc.message(bot.service_url, owner, "mine"), status=201)
    assert texts.CARD_MINE_EMPTY in card_text(bot.connector.cards()[-1])

    async def press(data: dict[str, Any]) -> Any:
        return await bot.post(
            fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, data), status=200
        )

    # Signed as a card would carry it (a version no card has): still checked after the signature.
    assert (await press(bot.sign({**approve, "v": "abc"})))["value"] == cards.plain_text(texts.ACTION_UNKNOWN)
    reject = {
        **find_action(post.card or {}, "afvis", cand=cand),
        f"reason_{cand}": "<script>alert(1)</script>",
    }
    assert (await press(reject))["value"] == texts.REJECT_NEEDS_REASON
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.state is FollowUpState.FORESLAAET  # nothing applied
    more = find_action(post.card or {}, "vis_flere")
    shown = card_text((await press(bot.sign({**more, "shown": -100})))["value"])
    assert all(f"**{rank}. K-" in shown for rank in range(1, 9))  # the next page, not one candidate

    await press(approve)
    status = bot.sign({"verb": "status", "job": "JO-2026-0101", "cand": cand, "v": approve["v"] + 1})
    no_to = (await press(status))["value"]  # no "to": not a list of codes
    assert no_to == cards.plain_text(texts.ACTION_UNKNOWN)
    await bot.post(fc.message(bot.service_url, owner, f"status JO-2026-0101 {cand} kontaktet"), status=201)
    await bot.post(fc.message(bot.service_url, owner, f"status JO-2026-0101 {cand} ansoegt"), status=201)
    typed = await say(f"status JO-2026-0101 {cand} samtale 9999-12-31", owner)
    assert typed == texts.BAD_DATE.format(value="9999-12-31")
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None
    to_interview = {**bot.sign({**status, "to": "samtale", "v": fu.version}), "dato": "31.02.2026"}
    personal = f"a:personal-{owner['id']}"
    answer = await bot.post(fc.invoke_action(bot.service_url, owner, personal, "x", to_interview), status=200)
    assert answer["value"] == texts.BAD_DATE.format(value="31.02.2026")
    fu = await bot.services.stores.followups.get_followup("JO-2026-0101", cand)
    assert fu is not None and fu.state is FollowUpState.ANSOEGT


async def test_match_twice_keeps_one_card_and_a_double_click_posts_once(bot: RunningBot) -> None:
    await install(bot, KONS_A)
    match = bot.sign({"verb": "match", "job": "JO-2026-0101"})
    presses = [fc.invoke_action(bot.service_url, LEAD, "a:personal-29:lead-1", "x", match) for _ in range(2)]
    await asyncio.gather(*(bot.post(p, status=200) for p in presses))  # a double click on "Match nu"
    posts = bot.connector.of_kind("create")
    assert len(posts) == 1
    approve = find_action(posts[0].card or {}, "godkend")
    await bot.post(
        fc.invoke_action(bot.service_url, LEAD, posts[0].conversation_id, posts[0].activity_id, approve)
    )
    updates_before = len(bot.connector.of_kind("update", posts[0].conversation_id))

    await bot.post(fc.message(bot.service_url, LEAD, "match JO-2026-0101"), status=201)
    assert bot.connector.texts()[-1] == texts.SHORTLIST_UPDATED.format(job_order_id="JO-2026-0101")
    assert len(bot.connector.of_kind("create")) == 1  # no second card to decide on
    updates = bot.connector.of_kind("update", posts[0].conversation_id)
    assert len(updates) == updates_before + 1
    assert "Godkendt af lead1@kk.dk" in card_text(updates[-1].card or {})  # the decision survives


async def test_a_button_pressed_while_redis_is_down_gets_a_danish_answer(key_prefix: str) -> None:
    """The turn used to fail and the SDK answered the invoke with an empty 501 (Teams shows its own error)."""
    server = RedisServer()
    server.start()
    try:
        async with the_day(server.url, key_prefix) as bot:
            await install(bot, KONS_A)
            post = await post_shortlist(bot)
            approve = find_action(post.card or {}, "godkend")
            server.stop()
            response = await bot.client.post(
                "/api/messages",
                json=fc.invoke_action(bot.service_url, LEAD, post.conversation_id, post.activity_id, approve),
            )
            assert response.status == 200
            answer = await response.json()
            assert answer == {
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": texts.ERROR_GENERIC,
            }
    finally:
        server.cleanup()
