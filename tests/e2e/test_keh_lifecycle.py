"""Issue 11: the job order's lifecycle (hires fill it, the deadline expires it), each change signed and
delivered to KEH's system at least once — also across a restart — and the change feed for pollers.

Everything goes through the bot's real endpoints (``/api/messages`` with Teams activity JSON, the job
order API) against a real Redis; KEH's system is a loopback aiohttp server that verifies signatures.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import jsonschema
import pytest

from bot.ui import texts
from tests.e2e.test_intake_api import _check
from tests.fake_connector import message
from tests.followup_support import cph
from tests.harness import Clock, RunningBot, running_bot, wait_until
from tests.intake_support import API_KEY, LEAD, candidates, job_order_json
from tests.keh_support import KEY_NEW, KEY_OLD, Receiver, webhook_settings

JO = "JO-KEH-1"
KEH = "vk@erhvervshus.kk.dk"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    clock_holder: list[Clock] = []
    hook = Receiver(dict([KEY_NEW, KEY_OLD]), lambda: clock_holder[0].now)
    hook.clock_holder = clock_holder  # type: ignore[attr-defined]
    await hook.start()
    yield hook
    await hook.close()


def _clock(receiver: Receiver, clock: Clock) -> Clock:
    receiver.clock_holder.append(clock)  # type: ignore[attr-defined]
    return clock


async def _say(bot: RunningBot, text: str) -> None:
    await bot.post(message(bot.service_url, LEAD, text), status=201)


async def _last_text(bot: RunningBot) -> str:
    return [s.text for s in bot.connector.sent if s.text][-1]


async def _hire(bot: RunningBot, cand: str) -> None:
    for step in ("godkendt", "kontaktet", "ansoegt", "samtale 2026-12-08", "ansat 2026-12-15"):
        await _say(bot, f"status {JO} {cand} {step}")
        assert "opdateret" in (await _last_text(bot)).lower() or "er nu" in (await _last_text(bot)).lower(), (
            await _last_text(bot)
        )


async def _candidates_on(bot: RunningBot, job_id: str, n: int) -> list[str]:
    async def listed() -> bool:
        return len(await bot.services.shortlists.rows(job_id)) >= n

    await wait_until(listed)
    return [r.candidate_id for r in await bot.services.shortlists.rows(job_id)][:n]


async def _spec(bot: RunningBot) -> dict[str, Any]:
    spec: dict[str, Any] = await (await bot.http.get(bot.url("/api/openapi.json"))).json()
    return spec


def _schema_of(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return {**spec["components"]["schemas"][name], "components": spec["components"]}


async def _get(bot: RunningBot, path: str) -> tuple[int, Any]:
    resp = await bot.http.get(bot.url(path), headers={"Authorization": f"Bearer {API_KEY}"})
    return resp.status, await resp.json()


async def test_hires_fill_the_job_order_and_every_change_reaches_keh_signed(
    redis_url: str, key_prefix: str, receiver: Receiver
) -> None:
    clock = _clock(receiver, Clock(cph(2026, 12, 2, 10)))
    settings = webhook_settings(receiver, KEY_NEW, KEY_OLD)
    async with running_bot(
        redis_url, key_prefix, pool=candidates(), clock=clock, run_scheduler=True, **settings
    ) as bot:
        job = job_order_json(
            JO, positions=2, deadline="2026-12-18", keh_consultant=KEH, company_contact_role="HR"
        )
        assert (await bot.post_jobs(job)).status == 202
        first, second = await _candidates_on(bot, JO, 2)

        status, state = await _get(bot, f"/api/jobordrer/{JO}")
        assert status == 200
        assert (state["jobordre_status"], state["besatte"], state["stillinger"]) == ("aaben", 0, 2)

        await _hire(bot, first)
        status, state = await _get(bot, f"/api/jobordrer/{JO}")
        assert (state["jobordre_status"], state["jobordre_status_tekst"], state["besatte"]) == (
            "delvist_besat", "Delvist besat", 1,
        )  # fmt: skip
        # The same hire typed again changes nothing: still one position filled.
        await _say(bot, f"status {JO} {first} ansat 2026-12-15")
        await _hire(bot, second)
        status, state = await _get(bot, f"/api/jobordrer/{JO}")
        assert (state["jobordre_status"], state["besatte"]) == ("besat", 2)

        await wait_until(lambda: len(receiver.events) == 2)
        assert receiver.statuses(JO) == ["delvist_besat", "besat"]
        assert receiver.bad == 0
        assert all(e["aarsag"] == "ansat" for e in receiver.events.values())
        assert "@" not in str(receiver.events)  # no e-mail, no names in what leaves the unit

        # The feed tells a polling system the same, and nothing more after its cursor.
        resp = await bot.http.get(bot.url("/api/jobordrer?since=0"), headers={"X-API-Key": API_KEY})
        page = await _check(bot, resp, "/api/jobordrer", "get")  # the shape the OpenAPI description promises
        assert resp.status == 200
        for event in receiver.events.values():  # webhook bodies are StatusChange objects too
            jsonschema.validate(event, _schema_of(await _spec(bot), "StatusChange"))
        assert [e["status"] for e in page["aendringer"]] == ["delvist_besat", "besat"]
        status, after = await _get(bot, f"/api/jobordrer?since={page['naeste']}")
        assert (status, after["aendringer"], after["naeste"]) == (200, [], page["naeste"])
        status, bad = await _get(bot, "/api/jobordrer?since=i-går")
        assert (status, bad["fejl"]) == (400, texts.FEED_BAD_CURSOR)
        no_key = await bot.http.get(bot.url("/api/jobordrer?since=0"))
        assert no_key.status == 401


async def test_deadline_passes_with_nothing_filled_expires_once_on_a_working_day(
    redis_url: str, key_prefix: str, receiver: Receiver
) -> None:
    # Friday 4 December 2026: the deadline is today, so the job order is open over the weekend.
    clock = _clock(receiver, Clock(cph(2026, 12, 4, 15)))
    settings = webhook_settings(receiver, KEY_NEW)
    async with (
        running_bot(redis_url, key_prefix, clock=clock, run_scheduler=True, **settings) as bot,
        running_bot(
            redis_url, key_prefix, clock=clock, run_scheduler=True, install=False, **settings
        ) as replica,
    ):
        assert (await bot.post_jobs(job_order_json("JO-EXP", deadline="2026-12-04"))).status in (200, 202)
        clock.now = cph(2026, 12, 6, 23, 59)  # Sunday night: still open
        rounds = bot.services.keh
        await rounds.expire_due()
        await replica.services.keh.expire_due()
        assert (await _get(bot, "/api/jobordrer/JO-EXP"))[1]["jobordre_status"] == "aaben"

        clock.now = cph(2026, 12, 7, 0, 1)  # Monday, the first working day after the deadline
        await wait_until(lambda: len(receiver.events) == 1)
        state = (await _get(replica, "/api/jobordrer/JO-EXP"))[1]
        assert (state["jobordre_status"], state["jobordre_status_tekst"]) == ("udloebet", "Udløbet")
        # Both replicas ran their expiry loop: exactly one expiry in the audit and one event.
        clock.now += timedelta(hours=1)
        await bot.services.keh.expire_due()
        await replica.services.keh.expire_due()
        audit = await bot.services.stores.followups.audit("JO-EXP")
        assert [a.action for a in audit].count("job_order_udloebet") == 1
        assert receiver.statuses("JO-EXP") == ["udloebet"]


async def test_no_change_is_lost_when_keh_is_down_and_the_bot_restarts(
    redis_url: str, key_prefix: str, receiver: Receiver
) -> None:
    clock = _clock(receiver, Clock(cph(2026, 12, 8, 10)))
    settings = webhook_settings(receiver, KEY_NEW)
    receiver.refuse = True  # KEH's system answers 503 to everything
    jobs = [job_order_json(f"JO-R{i}", deadline="2026-12-01") for i in range(3)]
    async with running_bot(redis_url, key_prefix, clock=clock, run_scheduler=True, **settings) as bot:
        assert (await bot.post_jobs(jobs)).status == 202
        await wait_until(lambda: len(receiver.attempts) == 3)  # all three expired and tried once
        assert await bot.services.stores.webhooks.pending() == 3
    assert receiver.events == {}

    # Restarted (a new app on the same Redis), KEH back: the back-off has passed, every change arrives.
    receiver.refuse = False
    clock.now += timedelta(minutes=5)
    async with running_bot(redis_url, key_prefix, clock=clock, run_scheduler=True, **settings) as bot:
        await wait_until(lambda: len(receiver.events) == 3)
        await wait_until(lambda: _drained(bot))
        assert sorted(receiver.events) == ["JO-R0:1", "JO-R1:1", "JO-R2:1"]
        assert all(receiver.attempts[i] == 2 for i in receiver.events)  # once refused, once delivered


async def _drained(bot: RunningBot) -> bool:
    return await bot.services.stores.webhooks.pending() == 0
