"""The Agents Playground try-out (``make playground``) as written: its config names people who exist in
the sample data, agrees with the bot's settings for it, and ``matchbot serve --sample-data`` loads
the sample pool and job orders (and only into the embedded store). No browser needed here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import yaml

from bot.demo.sample import load_sample_data
from bot.ui import texts
from tests.harness import RunningBot

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = ROOT / "teams" / "playground"
CONFIG = PLAYGROUND / ".m365agentsplayground.yml"  # the name the Playground reads from its cwd


def playground_env() -> dict[str, str]:
    """teams/playground/playground.env: the bot's settings for the Playground."""
    pairs = (line.split("=", 1) for line in PLAYGROUND.joinpath("playground.env").read_text().splitlines())
    return {k.strip(): v.strip() for k, v in (p for p in pairs if len(p) == 2 and not p[0].startswith("#"))}


def consultants() -> dict[str, str]:
    """Candidate id → consultant UPN in the sample pool."""
    lines = (ROOT / "data" / "candidates.jsonl").read_text().splitlines()
    rows = (json.loads(line) for line in lines if line)
    return {row["id"]: row["consultant"] for row in rows}


def test_playground_config_has_the_team_the_channel_and_sample_data_people() -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    env = playground_env()
    assert config["team"]["name"] == "Matchenheden"
    channel_ids = [c["id"] for c in config["team"]["channels"]]
    assert env["MATCH_CHANNEL_ID"] in channel_ids
    assert env["MicrosoftAppId"] == "" and env["REDIS_URL"] == ""  # local mode, embedded store
    me = config["currentUser"]["userPrincipleName"]  # sic: the Playground's field name
    leads = env["MATCH_LEADS"].split(",")
    assert me in leads
    upns = {u["userPrincipleName"] for u in config["users"]}
    known = set(consultants().values())
    assert me in known and len(upns & known) >= 4  # consultants who exist in the sample data
    assert len(config["users"]) >= 5  # the Playground refuses fewer
    for user in [config["currentUser"], *config["users"]]:  # its schema wants strings, not YAML numbers
        assert all(isinstance(value, str) for value in user.values()), user
    # The README's walk-through: JO-2026-0001's top candidate is the Playground user's own.
    # (`matchbot match --job-order data/job_orders/JO-2026-0001.json` names it; after the sample data
    # is regenerated, put its consultant in .m365agentsplayground.yml, playground.env and the README.)
    assert consultants()["K-F82F3D"] == me
    assert (PLAYGROUND / "package-lock.json").exists()


def test_serve_sample_data_refuses_a_real_redis() -> None:
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "MicrosoftAppId": ""}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--sample-data", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert done.returncode == 2
    assert texts.SERVE_SAMPLE_DATA_NEEDS_EMBEDDED in done.stderr
    assert "Traceback" not in done.stderr


async def test_sample_data_loads_pool_and_job_orders_without_posting(
    start_bot: Callable[..., AbstractAsyncContextManager[RunningBot]],
) -> None:
    async with start_bot(warm_pool=False) as bot:
        candidates, job_orders = await load_sample_data(bot.app, ROOT / "data")
        files = len(list((ROOT / "data" / "job_orders").glob("*.json")))
        rows = len((ROOT / "data" / "candidates.jsonl").read_text().splitlines())
        assert (candidates, job_orders) == (rows, files)
        recent = await bot.services.stores.job_orders.recent_job_orders(limit=files + 10)
        assert len(recent) == files
        assert len(await bot.services.pool.get()) == rows
        assert bot.shortlist_cards() == []  # saved, not queued: nothing posted until `match`
