"""Helpers for the intake tests: a running bot (real app, real Redis, fake Teams connector) and data."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from bot.app import SERVICES_KEY, Services, create_app
from bot.store.connection import client_from_url
from config.settings import Settings
from matching.models import CandidateProfile
from tests.fake_connector import CHANNEL_ID, FakeConnector, install_in_team, user_account

API_KEY = "nøgle-1-" + "a" * 24
OLD_KEY = "nøgle-0-" + "b" * 24
LEAD = user_account("29:lead", "aad-lead")


def job_order_json(job_id: str = "JO-2026-0101", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job_id,
        "title": "Lagermedarbejder",
        "company": "Lager A/S",
        "employment_type": "ordinaert_job",
        "hours_per_week": 37,
        "postcode": "2650",
        "description": "Plukning og pakning på lager i Hvidovre.",
    }
    data.update(extra)
    return data


def candidates(n: int = 6) -> list[CandidateProfile]:
    titles = [
        "Lagermedarbejder",
        "Lagerarbejder",
        "Pakkerimedarbejder",
        "Chauffør",
        "Rengøringsassistent",
        "Lagerassistent",
    ]
    return [
        CandidateProfile(
            id=f"K-{1000 + i}",
            jobcenter="Jobcenter København",
            consultant=f"jk{i % 3}@kk.dk",
            desired_titles=[titles[i % len(titles)]],
            postcode="2500",
            hours_per_week=37,
            benefit="dagpenge",
        )
        for i in range(n)
    ]


@dataclass
class RunningBot:
    app: web.Application
    server: TestServer
    connector: FakeConnector
    http: aiohttp.ClientSession
    redis: Redis

    @property
    def services(self) -> Services:
        return self.app[SERVICES_KEY]

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def post_jobs(self, payload: Any, key: str | None = API_KEY, **kw: Any) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        headers.update(kw.pop("headers", {}))
        return await self.http.post(self.url("/api/jobordrer"), json=payload, headers=headers, **kw)

    def shortlist_cards(self) -> list[dict[str, Any]]:
        """Shortlist cards posted as new threads in the match channel."""
        return [
            s.card
            for s in self.connector.sent
            if s.kind == "create" and s.conversation_id.startswith(CHANNEL_ID) and s.card is not None
        ]

    def channel_texts(self) -> list[str]:
        return [s.text for s in self.connector.sent if s.conversation_id.startswith(CHANNEL_ID) and s.text]


@asynccontextmanager
async def running_bot(
    redis_url: str,
    prefix: str,
    *,
    pool: list[CandidateProfile] | None = None,
    install: bool = True,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    """The real app on a free port against real Redis, installed in the match channel of a fake Teams."""
    connector = FakeConnector()
    await connector.start()
    settings = Settings.model_validate(
        {
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "MATCH_CHANNEL_ID": CHANNEL_ID,
            "JOBORDRE_API_KEYS": [API_KEY, OLD_KEY],
            "MAX_REQUEST_BYTES": 64 * 1024,
            "INTAKE_CLAIM_IDLE_MS": 300,
            **overrides,
        }
    )
    redis = client_from_url(redis_url)
    if pool is not None:
        from bot.store.followup import FollowUpStore

        await FollowUpStore(redis, prefix).put_candidates(pool)
    app = create_app(settings, redis=redis, run_scheduler=False, configure_logging=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    http = aiohttp.ClientSession()
    bot = RunningBot(app, server, connector, http, redis)
    try:
        if install:
            connector.add_member(LEAD["id"], LEAD["aadObjectId"], "leder@kk.dk")
            resp = await http.post(bot.url("/api/messages"), json=install_in_team(connector.url, LEAD))
            assert resp.status in (200, 201, 202), await resp.text()
        yield bot
    finally:
        await http.close()
        await server.close()
        await connector.close()
        await redis.aclose()


async def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)
