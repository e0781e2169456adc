"""The logs of a full end-to-end run hold no CPR-like strings and no candidate or job order free text.

The run goes through the real app (real Redis, fake Teams): job orders via the API (one with a CPR
number in it), a shortlist, the lead's approval and a rejection with a note, the hand-over, a status
command with a CPR number typed in, a reminder. Every log line (DEBUG, all loggers) is then scanned.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.observability import RedactCprFilter, request_id_middleware, setup_logging
from matching.models import CandidateProfile
from matching.privacy import contains_cpr, random_id
from tests.fake_connector import find_action, install_personal, invoke_action, message, user_account
from tests.harness import running_bot, wait_until
from tests.intake_support import LEAD, job_order_json

SECRETS = ("XYZZY-beskrivelse", "QWERTY-kompetence", "PLUGH-note", "FROBOZZ-ønske", "Firma GRUE")
CPR = "010190-1234"


def _pool() -> list[CandidateProfile]:
    return [
        CandidateProfile(
            id=f"K-{700 + i}",
            jobcenter="Jobcenter København",
            consultant=f"jk{i}@kk.dk",
            desired_titles=["Lagermedarbejder", "FROBOZZ-ønske"],
            skills=["QWERTY-kompetence"],
            postcode="2500",
            hours_per_week=37,
            benefit="dagpenge",
        )
        for i in range(4)
    ]


@pytest.fixture
def log_buffer() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    handler = setup_logging("DEBUG", buffer)
    try:
        yield buffer
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(logging.WARNING)


async def test_logs_of_a_full_run_hold_no_cpr_and_no_free_text(
    redis_url: str, key_prefix: str, log_buffer: io.StringIO
) -> None:
    async with running_bot(redis_url, key_prefix, pool=_pool()) as bot:
        url = bot.connector.url
        consultant = user_account("29:jk0", "aad-jk0")
        bot.connector.add_member("29:jk0", "aad-jk0", "jk0@kk.dk")
        await bot.http.post(bot.url("/api/messages"), json=install_personal(url, consultant))

        refused = await bot.post_jobs(job_order_json("JO-P1", description=f"Ring til {CPR}"))
        assert refused.status == 422
        resp = await bot.post_jobs(job_order_json("JO-P2", description=SECRETS[0], company=SECRETS[4]))
        assert resp.status == 202
        await wait_until(lambda: len(bot.shortlist_cards()) == 1)
        post = next(s for s in bot.connector.sent if s.kind == "create" and s.card)
        card = post.card or {}

        approve = find_action(card, "godkend", cand="K-700")
        await bot.http.post(
            bot.url("/api/messages"),
            json=invoke_action(url, LEAD, post.conversation_id, post.activity_id, approve),
        )
        reject = find_action(card, "afvis")
        reject.update({f"reason_{reject['cand']}": "andet", f"note_{reject['cand']}": SECRETS[2]})
        await bot.http.post(
            bot.url("/api/messages"),
            json=invoke_action(url, LEAD, post.conversation_id, post.activity_id, reject),
        )
        send = find_action(card, "send_godkendte") if "send_godkendte" in json.dumps(card) else None
        if send is None:
            refreshed = [s.card for s in bot.connector.sent if s.kind == "update" and s.card]
            send = find_action(refreshed[-1], "send_godkendte")
        await bot.http.post(
            bot.url("/api/messages"),
            json=invoke_action(url, LEAD, post.conversation_id, post.activity_id, send),
        )
        await bot.http.post(
            bot.url("/api/messages"), json=message(url, consultant, f"status JO-P2 K-700 kontaktet {CPR}")
        )
        services = bot.services
        await services.scheduler.run_once(services.stores.context.clock() + timedelta(days=10))

    lines = [line for line in log_buffer.getvalue().splitlines() if line.strip()]
    assert len(lines) > 10, "the run must have logged something to scan"
    for line in lines:
        entry = json.loads(line)  # every line is one JSON object …
        assert {"ts", "level", "logger", "msg", "request_id"} <= set(entry)
        assert not contains_cpr(line), line  # … with no CPR-like string …
        for secret in SECRETS:  # … and no free text from job orders, candidates or notes
            assert secret not in line, (secret, line)
    assert any(json.loads(line).get("job_order_id") == "JO-P2" for line in lines)  # ids are logged


def test_the_filter_redacts_cpr_even_when_code_logs_it_by_mistake() -> None:
    buffer = io.StringIO()
    handler = setup_logging("INFO", buffer)
    try:
        log = logging.getLogger("matchbot.test")
        log.info("kandidat %s", CPR, extra={"note": f"cpr {CPR}", "ids": [CPR]})
        try:
            raise ValueError(f"bad {CPR}")
        except ValueError:
            log.exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    text = buffer.getvalue()
    assert not contains_cpr(text)
    first = json.loads(text.splitlines()[0])
    assert first["msg"] == "kandidat [CPR fjernet]" and first["note"] == "cpr [CPR fjernet]"
    assert any(isinstance(f, logging.Filter) for f in handler.filters)
    assert any(isinstance(f, RedactCprFilter) for f in handler.filters)


def test_random_ids_are_never_cpr_shaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hex id can hold a CPR-like run (CI once logged request id 49fe1805627042e4): draw again."""
    draws = iter(["49fe1805627042e4", "0101901234abcdef", "49fe18056270a2e4"])
    monkeypatch.setattr("matching.privacy.secrets.token_hex", lambda n: next(draws))
    assert random_id() == "49fe18056270a2e4"


async def test_a_cpr_shaped_incoming_request_id_is_replaced() -> None:
    async def ping(request: web.Request) -> web.Response:
        return web.Response(text="pong")

    app = web.Application(middlewares=[request_id_middleware])
    app.router.add_get("/ping", ping)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        kept = await client.get("/ping", headers={"X-Request-Id": "abc-123"})
        assert kept.headers["X-Request-Id"] == "abc-123"
        replaced = await client.get("/ping", headers={"X-Request-Id": "req-010190-1234"})
        assert replaced.status == 200
        rid = replaced.headers["X-Request-Id"]
        assert rid != "req-010190-1234" and not contains_cpr(rid)
    finally:
        await client.close()
