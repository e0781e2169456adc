"""The job order API through the real app: auth, limits, Danish 422s, idempotency, revision, OpenAPI."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import jsonschema
import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_openapi
from redis.asyncio import Redis

from bot.app import create_app
from bot.features.intake import openapi_spec
from bot.ui import texts
from config.settings import Settings
from matching.models import JobOrder
from tests.fake_connector import card_text
from tests.harness import RunningBot, running_bot, wait_until
from tests.intake_support import API_KEY, OLD_KEY, candidates, job_order_json
from tests.redis_server import free_port


def _schema(spec: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """The response schema from the served spec, made standalone for jsonschema."""
    response = spec["paths"][path][method]["responses"][str(status)]
    schema = dict(response["content"]["application/json"]["schema"])
    schema["components"] = spec["components"]
    return schema


async def _check(bot: RunningBot, resp: Any, path: str, method: str = "post") -> Any:
    """Every answer must be one the OpenAPI description promises, with the shape it promises."""
    spec = await (await bot.http.get(bot.url("/api/openapi.json"))).json()
    assert str(resp.status) in spec["paths"][path][method]["responses"], resp.status
    body = await resp.json()
    jsonschema.validate(body, _schema(spec, path, method, resp.status))
    return body


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> Any:
    async with running_bot(redis_url, key_prefix, pool=candidates()) as running:
        yield running


async def test_openapi_description_is_valid_and_served(bot: RunningBot) -> None:
    spec = await (await bot.http.get(bot.url("/api/openapi.json"))).json()
    validate_openapi(spec)
    assert set(spec["paths"]) == {
        "/api/jobordrer",
        "/api/jobordrer/{job_order_id}",
        "/api/rapporter/{rapport}",
    }
    # the feed KEH polls and the intake share one path: both are described
    assert set(spec["paths"]["/api/jobordrer"]) == {"get", "post"}
    assert spec == json.loads(json.dumps(openapi_spec(64 * 1024)))


async def test_missing_wrong_and_rotated_keys(bot: RunningBot) -> None:
    resp = await bot.post_jobs(job_order_json(), key=None)
    assert resp.status == 401
    assert (await _check(bot, resp, "/api/jobordrer"))["fejl"] == texts.INTAKE_UNAUTHORIZED
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")

    resp = await bot.post_jobs(job_order_json(), key="forkert-nøgle")
    assert resp.status == 403
    assert (await _check(bot, resp, "/api/jobordrer"))["fejl"] == texts.INTAKE_FORBIDDEN

    # the old key still works during rotation, and so does X-API-Key instead of Bearer
    resp = await bot.post_jobs(job_order_json("JO-OLD"), key=OLD_KEY)
    assert resp.status == 202
    resp = await bot.post_jobs(job_order_json("JO-XKEY"), key=None, headers={"X-API-Key": API_KEY})
    assert resp.status == 202
    get = await bot.http.get(bot.url("/api/jobordrer/JO-OLD"))
    assert get.status == 401


async def test_api_is_closed_when_no_keys_are_configured(redis_url: str, key_prefix: str) -> None:
    async with running_bot(redis_url, key_prefix, JOBORDRE_API_KEYS=[]) as bot:
        resp = await bot.post_jobs(job_order_json(), key="hvad-som-helst")
        assert resp.status == 503
        assert (await resp.json())["fejl"] == texts.INTAKE_DISABLED


async def test_oversized_body_is_413_and_nothing_is_queued(bot: RunningBot) -> None:
    big = job_order_json(description="x" * 4000)
    resp = await bot.post_jobs([dict(big, id=f"JO-BIG-{i}") for i in range(40)])  # ~170 kB > 64 kB
    assert resp.status == 413
    body = await _check(bot, resp, "/api/jobordrer")
    assert "for stor" in body["fejl"]
    assert (await bot.services.stores.job_orders.get_job_order("JO-BIG-0")) is None


async def test_validation_errors_are_422_with_danish_field_messages(bot: RunningBot) -> None:
    bad = job_order_json("JO-BAD", hours_per_week=80, postcode="9999", employment_type="deltid")
    del bad["title"]
    resp = await bot.post_jobs([job_order_json("JO-GOOD"), bad])
    assert resp.status == 422
    body = await _check(bot, resp, "/api/jobordrer")
    assert body["fejl"] == texts.INTAKE_INVALID
    [problem] = body["jobordrer"]
    assert problem["index"] == 1
    fields = {f["felt"]: f["besked"] for f in problem["felter"]}
    assert fields["title"] == "feltet mangler"
    assert fields["hours_per_week"] == "må højst være 48"
    assert fields["postcode"] == "'9999' er ikke et kendt dansk postnummer"
    assert fields["employment_type"].startswith("ukendt værdi 'deltid'")
    # all or nothing: the good one in the same batch was not taken either
    assert (await bot.services.stores.job_orders.get_job_order("JO-GOOD")) is None


async def test_cpr_in_a_job_order_is_refused_and_not_echoed(bot: RunningBot) -> None:
    resp = await bot.post_jobs(job_order_json("JO-CPR", description="Kontakt 010190-1234 for info"))
    assert resp.status == 422
    raw = await resp.text()
    assert "010190-1234" not in raw
    assert "CPR" in raw


async def test_a_cpr_number_as_a_key_is_not_echoed_in_the_422(bot: RunningBot) -> None:
    resp = await bot.post_jobs({**job_order_json("JO-KEY"), "010190-1234": "x"})
    assert resp.status == 422
    raw = await resp.text()
    assert "010190-1234" not in raw and "ukendt felt" in raw


async def test_bad_json_and_bad_shape_are_400(bot: RunningBot) -> None:
    resp = await bot.http.post(
        bot.url("/api/jobordrer"),
        data=b"{ikke json",
        headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
    )
    assert resp.status == 400
    assert (await _check(bot, resp, "/api/jobordrer"))["fejl"] == texts.INTAKE_BAD_JSON
    resp = await bot.post_jobs("en tekst")
    assert resp.status == 400
    resp = await bot.post_jobs([])
    assert resp.status == 422


async def test_same_content_twice_is_one_shortlist_and_a_change_is_a_revision(bot: RunningBot) -> None:
    resp = await bot.post_jobs(job_order_json("JO-IDEM"))
    assert resp.status == 202
    body = await _check(bot, resp, "/api/jobordrer")
    assert body["jobordrer"] == [
        {"id": "JO-IDEM", "resultat": "created", "resultat_tekst": "ny", "i_koe": True}
    ]
    await wait_until(lambda: len(bot.shortlist_cards()) == 1)

    # the same content again (other key order): no-op, 200, no second card
    again = dict(reversed(list(job_order_json("JO-IDEM").items())))
    resp = await bot.post_jobs(again)
    assert resp.status == 200
    body = await _check(bot, resp, "/api/jobordrer")
    assert body["jobordrer"][0]["resultat"] == "unchanged" and not body["jobordrer"][0]["i_koe"]

    state = await bot.http.get(bot.url("/api/jobordrer/JO-IDEM"), headers={"X-API-Key": API_KEY})
    assert state.status == 200
    status = await _check(bot, state, "/api/jobordrer/{job_order_id}", "get")
    assert status["status"] == "shortlisted" and status["status_tekst"] == "shortlist postet"
    assert status["revideret"] is False
    assert sum(status["tragt"].values()) >= 1 and status["tragt"].get("foreslaaet", 0) >= 1

    # changed content: updated, queued again, and the new card says the job order was revised
    resp = await bot.post_jobs(job_order_json("JO-IDEM", hours_per_week=30))
    assert resp.status == 202
    assert (await resp.json())["jobordrer"][0]["resultat"] == "revised"
    await wait_until(lambda: len(bot.shortlist_cards()) == 2)
    assert "revideret" in card_text(bot.shortlist_cards()[-1]).lower()
    assert (await bot.services.stores.job_orders.get_job_order("JO-IDEM")).hours_per_week == 30  # type: ignore[union-attr]
    state = await bot.http.get(bot.url("/api/jobordrer/JO-IDEM"), headers={"X-API-Key": API_KEY})
    assert (await _check(bot, state, "/api/jobordrer/{job_order_id}", "get"))["revideret"] is True


async def test_a_job_order_changed_in_teams_is_revised_in_the_api_too(bot: RunningBot) -> None:
    """The card and the API read the same stored revision: a change through the Teams form (which
    does not go through the intake queue) also makes ``revideret`` true."""
    resp = await bot.post_jobs(job_order_json("JO-FORM"))
    assert resp.status == 202
    await wait_until(lambda: len(bot.shortlist_cards()) == 1)
    form_edit = JobOrder.model_validate(job_order_json("JO-FORM", hours_per_week=25))
    assert (
        await bot.services.stores.job_orders.save_job_order(form_edit) == "revised"
    )  # what the form's save does
    state = await bot.http.get(bot.url("/api/jobordrer/JO-FORM"), headers={"X-API-Key": API_KEY})
    assert (await _check(bot, state, "/api/jobordrer/{job_order_id}", "get"))["revideret"] is True


async def test_unknown_job_order_is_404(bot: RunningBot) -> None:
    for job_id in ("JO-FINDES-IKKE", "010190-1234"):
        resp = await bot.http.get(bot.url(f"/api/jobordrer/{job_id}"), headers={"X-API-Key": API_KEY})
        assert resp.status == 404
        assert (await _check(bot, resp, "/api/jobordrer/{job_order_id}", "get"))[
            "fejl"
        ] == texts.INTAKE_NOT_FOUND


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=15), inner, max_size=5),
    max_leaves=20,
)
_field_names = st.sampled_from(
    [
        *list(job_order_json()),
        "skills",
        "required_certificates",
        "languages",
        "deadline",
        "start_date",
        "cvr",
        "positions",
    ]
)
_mutated = st.builds(
    lambda base, changes: {**base, **changes},
    st.just(job_order_json("JO-HYP")),
    st.dictionaries(_field_names, _json_values, max_size=4),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    payload=st.one_of(_json_values, _mutated, st.lists(_mutated, max_size=3)),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
)
async def test_malformed_payloads_never_give_a_500(bot: RunningBot, payload: Any, raw: bytes | None) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    data = raw if raw is not None else json.dumps(payload).encode()
    resp = await bot.http.post(bot.url("/api/jobordrer"), data=data, headers=headers)
    assert resp.status in (200, 202, 400, 413, 422), (resp.status, await resp.text())
    await _check(bot, resp, "/api/jobordrer")


async def test_a_key_that_is_not_utf8_is_a_403_not_a_500(bot: RunningBot) -> None:
    """Raw header bytes that are not UTF-8 (a client's bug, or a probe) must not reach a 500."""
    host, port = bot.server.host, bot.server.port
    for method, path, header in (
        (b"POST", b"/api/jobordrer", b"X-API-Key: \xff"),
        (b"POST", b"/api/jobordrer", b"Authorization: Bearer \xe6\xff"),
        (b"GET", b"/api/jobordrer/JO-1", b"X-API-Key: \xff"),
    ):
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(
            method
            + b" "
            + path
            + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + header
            + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"
        )
        await writer.drain()
        answer = await reader.read()
        writer.close()
        status_line, _, rest = answer.partition(b"\r\n")
        assert b" 403 " in status_line, answer[:200]
        assert json.loads(rest.partition(b"\r\n\r\n")[2])["fejl"] == texts.INTAKE_FORBIDDEN


async def test_wrong_content_type_is_415_and_a_bom_is_fine(bot: RunningBot) -> None:
    body = json.dumps(job_order_json("JO-BOM")).encode()
    auth = {"Authorization": f"Bearer {API_KEY}"}
    resp = await bot.http.post(
        bot.url("/api/jobordrer"), data=body, headers={**auth, "Content-Type": "text/plain"}
    )
    assert resp.status == 415
    assert (await _check(bot, resp, "/api/jobordrer"))["fejl"] == texts.INTAKE_BAD_CONTENT_TYPE
    assert await bot.services.stores.job_orders.get_job_order("JO-BOM") is None
    resp = await bot.http.post(
        bot.url("/api/jobordrer"),
        data=b"\xef\xbb\xbf" + body,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert resp.status == 202, await resp.text()


async def test_with_redis_unreachable_both_routes_answer_503_in_danish(key_prefix: str) -> None:
    down = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", decode_responses=True, socket_timeout=1)
    settings = Settings.model_validate(
        {"REDIS_URL": "redis://unused", "REDIS_KEY_PREFIX": key_prefix, "JOBORDRE_API_KEYS": [API_KEY]}
    )
    app = create_app(settings, redis=down, run_scheduler=False, warm_pool=False, configure_logging=False)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        auth = {"Authorization": f"Bearer {API_KEY}"}
        post = await client.post("/api/jobordrer", json=job_order_json("JO-DOWN"), headers=auth)
        get = await client.get("/api/jobordrer/JO-DOWN", headers=auth)
        assert (post.status, get.status) == (503, 503)
        assert (await post.json())["fejl"] == texts.INTAKE_UNAVAILABLE  # "… IKKE modtaget: prøv igen"
        assert (await get.json())["fejl"] == texts.INTAKE_UNAVAILABLE_READ  # a read takes nothing in
    finally:
        await client.close()
        await down.aclose()
