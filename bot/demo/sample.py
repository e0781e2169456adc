"""`matchbot serve --sample-data`: the bundled sample pool and job orders in the embedded store.

Why: a local try-out (the Microsoft 365 Agents Playground, ``make playground``) needs candidates to
match and job orders to name, and the embedded store starts empty and cannot be imported into from
another process (``matchbot import`` refuses without ``REDIS_URL``: the data would vanish). The job
orders are saved without entering the intake queue, so nothing is posted until someone types
``match <jobordre>``: the channel shows only what the person trying it asked for.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.app import SERVICES_KEY
from bot.demo.run import data_dir
from bot.domain.clock import Clock
from bot.features.imports import import_candidates
from bot.store.pool import PoolSwapper
from matching.io import load_job_order

log = logging.getLogger("matchbot.sample")


async def load_sample_data(app: web.Application, folder: Path | None = None) -> tuple[int, int]:
    """Import ``candidates.jsonl`` (replace) and save every ``job_orders/*.json``; returns the counts."""
    services = app[SERVICES_KEY]
    folder = folder or data_dir()
    swapper = PoolSwapper(services.redis, services.settings.redis_key_prefix)
    report = await import_candidates(swapper, folder / "candidates.jsonl", "replace")
    jobs = [load_job_order(path) for path in sorted((folder / "job_orders").glob("*.json"))]
    for job in jobs:
        await services.stores.job_orders.save_job_order(job)
    await services.pool.get()  # the index is built before the first `match`, not during it
    log.info("sample data loaded", extra={"candidates": report.accepted, "job_orders": len(jobs)})
    return report.accepted, len(jobs)


def attach_sample_data(app: web.Application) -> None:
    """Load the sample data when the app starts (after the store and the pool are up)."""

    async def on_startup(app: web.Application) -> None:
        await load_sample_data(app)

    app.on_startup.append(on_startup)


def clock_from(start: datetime) -> Clock:
    """``matchbot serve --sample-data --now …``: the bot's time starts at ``start`` and runs on, so a
    try-out or a browser test sees the sample job orders as on that day (open, not expired) on any
    later date."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)
