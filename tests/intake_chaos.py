"""A fault run of the intake: job orders through the API, `matchbot worker` processes killed with
SIGKILL, Redis restarted, a Teams that answers some posts slower than the claim idle time; then
every job order's cards are counted (used by the test suite and by ``bench/bench_intake_faults.py``).

Why the ports: a card posted twice is either the one window the README documents (a worker killed
after Teams accepted its card and before Redis recorded it) or a defect. The stand-in connector
records the TCP port each card came from; just before a kill the killed worker's connections are
read (psutil), so a second card is *in the window* only when the extra card came from a worker that
was then killed, before it was killed. Everything else is counted as doubled beyond the window.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil  # type: ignore[import-untyped]

from bot.demo.loopback import Delivered
from bot.store.conversations import ConversationStore
from bot.store.intake import IntakeQueue
from tests.fake_connector import CHANNEL_ID, card_text
from tests.harness import RunningBot, wait_until
from tests.intake_support import job_order_json
from tests.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[1]
KILL_GRACE_SECONDS = 0.5
_JOB_ID = re.compile(r"Jobordre (JO-[A-Za-z0-9._-]+)")


@dataclass
class ChaosResult:
    jobs: int
    workers: int
    kills: int
    restarts: int
    cards: int
    lost: list[str]  # accepted (202) and never a card
    in_window: list[str]  # a second card from a worker killed after posting it (the documented window)
    beyond_window: list[str]  # a second card nothing explains: a defect
    seconds: float

    @property
    def doubled(self) -> int:
        return len(self.in_window) + len(self.beyond_window)


@dataclass
class _Kill:
    at: float
    ports: set[int]


@dataclass
class Workers:
    """`matchbot worker` processes on the bot's Redis, started and SIGKILLed by the run."""

    env: dict[str, str]
    connector_port: int
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    kills: list[_Kill] = field(default_factory=list)
    ports: dict[int, int] = field(default_factory=dict)  # pid -> its /readyz port

    def spawn(self) -> None:
        port = free_port()
        env = {**self.env, "WORKER_PORT": str(port), "HOST": "127.0.0.1"}
        self.procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        self.ports[self.procs[-1].pid] = port

    async def ready(self, http: aiohttp.ClientSession) -> bool:
        """Every live worker answers /readyz 200: pool loaded, stream consumer running."""
        for proc in self.procs:
            try:
                async with http.get(f"http://127.0.0.1:{self.ports[proc.pid]}/readyz") as resp:
                    if resp.status != 200:
                        return False
            except aiohttp.ClientError:
                return False
        return True

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """Freeze, read its connections to Teams (it can open no new one now), then SIGKILL."""
        proc.send_signal(signal.SIGSTOP)
        try:
            conns = psutil.Process(proc.pid).net_connections(kind="tcp")
            ports = {c.laddr.port for c in conns if c.raddr and c.raddr.port == self.connector_port}
        except psutil.Error:
            ports = set()
        proc.send_signal(signal.SIGKILL)  # no clean-up, no release
        proc.wait(timeout=10)
        self.kills.append(_Kill(time.time(), ports))
        self.procs.remove(proc)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self.procs.clear()

    def explains(self, card: Delivered) -> bool:
        """The card came from a worker that was then killed: sent before it died (a dead process
        sends nothing; the grace only covers the connector reading what was already sent)."""
        return any(card.peer_port in k.ports and card.at <= k.at + KILL_GRACE_SECONDS for k in self.kills)


def _job_id(card: Delivered) -> str:
    assert card.card is not None
    found = _JOB_ID.search(card_text(card.card))
    return found.group(1) if found else "?"


def _shortlist_cards(bot: RunningBot) -> list[Delivered]:
    return [
        s
        for s in bot.connector.sent
        if s.kind == "create" and s.conversation_id.startswith(CHANNEL_ID) and s.card is not None
    ]


async def chaos_run(
    bot: RunningBot,
    redis_server: RedisServer,
    prefix: str,
    *,
    jobs: int,
    workers: int = 2,
    kills: int = 3,
    restarts: int = 1,
    seed: int = 9,
    claim_idle_ms: int = 1000,
    settle_timeout: float = 45.0,
) -> ChaosResult:
    """Post ``jobs`` job orders in waves; between waves kill a worker (a new one is started at once)
    or restart Redis; wait until the stream is empty and Teams has answered every post; count.
    The bot (``running_bot`` with ``INTAKE_WORKER=False``) serves the API and plays Teams."""
    started = time.monotonic()
    rng = random.Random(seed)
    connector_port = int(bot.connector.url.rsplit(":", 1)[1].strip("/"))
    env = {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "REDIS_KEY_PREFIX": prefix,
        "MATCH_CHANNEL_ID": bot.services.settings.match_channel_id,
        "INTAKE_CLAIM_IDLE_MS": str(claim_idle_ms),
        "LOG_LEVEL": "ERROR",
    }
    procs = Workers(env, connector_port)
    queue = IntakeQueue(bot.redis, prefix, claim_idle_ms=claim_idle_ms)
    events = ["kill"] * kills + ["restart"] * restarts
    rng.shuffle(events)
    ids = [f"JO-C{i:04d}" for i in range(jobs)]
    waves = [ids[i :: len(events) + 1] for i in range(len(events) + 1)]
    restarted: list[tuple[float, float]] = []
    try:
        for _ in range(workers):
            procs.spawn()
        await wait_until(lambda: procs.ready(bot.http), timeout=60, interval=0.1)
        for wave, event in zip(waves, [*events, None], strict=True):
            resp = await bot.post_jobs([job_order_json(i) for i in wave])
            assert resp.status == 202, await resp.text()
            before = len(_shortlist_cards(bot))
            # the fault lands while the wave is being worked on
            half = before + len(wave) // 2

            def half_done(h: int = half) -> bool:
                return len(_shortlist_cards(bot)) >= h

            await wait_until(half_done, timeout=30)
            if event == "kill":
                victim = rng.choice([p for p in procs.procs if p.poll() is None])
                await asyncio.to_thread(procs.kill, victim)  # the loop (and Teams) keeps running
                procs.spawn()
            elif event == "restart":
                t0 = time.time()
                await asyncio.to_thread(redis_server.restart)
                restarted.append((t0, time.time()))

        async def settled() -> bool:
            stats = await queue.stats()
            return (stats.pending, stats.waiting) == (0, 0) and bot.connector.answering == 0

        await wait_until(settled, timeout=settle_timeout, interval=0.1)
    finally:
        await asyncio.to_thread(procs.stop)
    result = await _count(bot, prefix, ids, procs, workers, kills, restarts, time.monotonic() - started)
    if os.environ.get("CHAOS_DEBUG"):
        print("restarts", restarted, "kills", [(k.at, sorted(k.ports)) for k in procs.kills])
        for c in _shortlist_cards(bot):
            if _job_id(c) in result.beyond_window + result.in_window:
                print(_job_id(c), c.at, c.peer_port, c.activity_id)
    return result


async def _count(
    bot: RunningBot,
    prefix: str,
    ids: list[str],
    procs: Workers,
    workers: int,
    kills: int,
    restarts: int,
    seconds: float,
) -> ChaosResult:
    cards = _shortlist_cards(bot)
    by_job: dict[str, list[Delivered]] = {}
    for card in cards:
        by_job.setdefault(_job_id(card), []).append(card)
    conversations = ConversationStore(bot.redis, prefix)
    in_window: list[str] = []
    beyond: list[str] = []
    for job_id, posted in by_job.items():
        if len(posted) < 2:
            continue
        location = await conversations.get_card(job_id)
        recorded = location.activity_id if location else ""
        extra = [c for c in posted if c.activity_id != recorded] or posted[1:]
        (in_window if all(procs.explains(c) for c in extra) else beyond).append(job_id)
    return ChaosResult(
        jobs=len(ids),
        workers=workers,
        kills=kills,
        restarts=restarts,
        cards=len(cards),
        lost=[i for i in ids if i not in by_job],
        in_window=in_window,
        beyond_window=beyond,
        seconds=seconds,
    )
