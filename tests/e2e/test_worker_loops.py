"""`matchbot worker` on its own runs job order expiry and KEH's webhooks, as `matchbot serve` does.

Why a test of its own: an operator who runs the worker apart from the web process (the README's
scaled-out topology) must get job orders expired and KEH's system told, and with two workers each
change is expired once and delivered once. Started through the CLI (``python -m bot.cli worker``),
against a real Redis; KEH's system is a loopback receiver that verifies the signatures.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.store import Stores
from bot.store.connection import client_from_url
from matching.models import JobOrder
from tests.e2e.test_ops import ROOT, _free_port
from tests.harness import wait_until
from tests.intake_support import job_order_json
from tests.keh_support import KEY_NEW, Receiver, webhook_settings


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver(dict([KEY_NEW]), lambda: datetime.now(UTC))  # the worker runs on the real clock
    await hook.start()
    yield hook
    await hook.close()


async def _worker(redis_url: str, key_prefix: str, receiver: Receiver) -> asyncio.subprocess.Process:
    """A `matchbot worker` process, returned once it listens: its SIGTERM handler is in place by then.

    Returned at once, a SIGTERM sent while the interpreter was still importing killed it (exit -15),
    which failed this test once on a loaded machine although both job orders had been expired once.
    """
    port = _free_port()
    env = {
        **os.environ,
        **{k: str(v) for k, v in webhook_settings(receiver, KEY_NEW).items()},
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "HOST": "127.0.0.1",
        "WORKER_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "worker",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    await wait_until(lambda: _listening(port, proc), timeout=60)
    return proc


async def _listening(port: int, proc: asyncio.subprocess.Process) -> bool:
    if proc.returncode is not None:
        _, stderr = await proc.communicate()
        raise AssertionError(f"the worker stopped before it listened: {stderr.decode()[-2000:]}")
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def test_the_worker_alone_expires_job_orders_and_delivers_the_webhooks_once_across_two(
    redis_url: str, key_prefix: str, receiver: Receiver
) -> None:
    redis = client_from_url(redis_url)
    try:
        stores = Stores.open(redis, key_prefix)
        for job_id in ("JO-W1", "JO-W2"):  # deadlines long past, nothing filled: due to expire
            job = JobOrder.model_validate(job_order_json(job_id, deadline="2026-11-02"))
            await stores.job_orders.save_job_order(job)
        assert (await stores.lifecycle.state("JO-W1")).status.value == "aaben"  # type: ignore[union-attr]

        workers = [await _worker(redis_url, key_prefix, receiver) for _ in range(2)]  # no `serve` at all
        try:
            await wait_until(lambda: len(receiver.events) == 2, timeout=60)
            for job_id in ("JO-W1", "JO-W2"):
                state = await stores.lifecycle.state(job_id)
                assert state is not None and state.status.value == "udloebet"
                assert receiver.statuses(job_id) == ["udloebet"]
            await wait_until(lambda: _drained(stores), timeout=30)
            assert receiver.bad == 0 and all(n == 1 for n in receiver.attempts.values())  # once each
            audit = [a.action for job_id in ("JO-W1", "JO-W2") for a in await stores.followups.audit(job_id)]
            assert audit.count("job_order_udloebet") == 2  # one expiry per job order, two workers
        finally:
            for proc in workers:
                proc.send_signal(signal.SIGTERM)
            for proc in workers:
                _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
                assert proc.returncode == 0, stderr.decode()[-2000:]
                assert b"Traceback" not in stderr
    finally:
        await redis.aclose()


async def _drained(stores: Stores) -> bool:
    return await stores.webhooks.pending() == 0
