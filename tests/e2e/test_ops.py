"""Operations: what can be checked here without Docker (compose file, Dockerfile, image virtualenv)
and the health, readiness and metrics endpoints an orchestrator polls."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.observability import Metrics, Readiness, add_ops_routes, request_id_middleware
from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_compose_runs_bot_and_a_durable_redis() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    redis = compose["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command
    assert "--appendfsync everysec" in command
    assert "--maxmemory-policy noeviction" in command
    assert any(v.endswith(":/data") for v in redis["volumes"])
    assert "redis-data" in compose["volumes"]
    bot = compose["services"]["bot"]
    assert bot["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert bot["depends_on"]["redis"]["condition"] == "service_healthy"


def test_dockerfile_is_multi_stage_slim_non_root_with_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\w+)", text, flags=re.M)
    assert [image for image, _ in stages] == ["python:3.11-slim", "python:3.11-slim"]
    assert re.search(r"^USER matchbot$", text, flags=re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert re.search(r'^CMD \["matchbot", "serve"\]$', text, flags=re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".git" in ignored


@pytest.mark.skipif(shutil.which("git") is None, reason="git mangler")
def test_image_virtualenv_installs_the_wheel_and_runs_the_cli(tmp_path: Path) -> None:
    """Build as the Dockerfile does (copy the same paths, build a wheel, install it in a fresh venv)
    and run the image's command. Dependencies come from the test environment (a .pth entry) to keep this
    offline and fast; the wheel itself (entry point, package data) is what is under test."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("matching", "bot", "config"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # The dependencies come from the environment running the tests (a plain path entry, so that
    # environment's own .pth files, e.g. an editable install of this repo, are not processed).
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "_test_deps.pth").write_text("\n".join(sorted(outer)) + "\n")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(tmp_path / "wheels"), str(src)],
        check=True,
        cwd=tmp_path,
    )
    wheels = list((tmp_path / "wheels").glob("matchbot-*.whl"))
    assert len(wheels) == 1
    subprocess.run([*pip, "install", "--no-deps", "--no-index", str(wheels[0])], check=True, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    out = subprocess.run(
        [str(venv / "bin" / "matchbot"), "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    for command in ("serve", "worker", "import", "demo"):
        assert command in out.stdout
    # the wheel carries the configuration data the bot validates at start-up
    probe = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import config, pathlib; print(pathlib.Path(config.__file__).parent)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    installed = Path(probe.stdout.strip())
    assert installed != ROOT / "config"
    assert (installed / "certificates.toml").exists()

    # the image's CMD serves, and the image's HEALTHCHECK command finds it healthy; SIGTERM ends it cleanly
    port = _free_port()
    serve_env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "REDIS_URL": "", "LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [str(venv / "bin" / "matchbot"), "serve"],
        cwd=tmp_path,
        env=serve_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        found = re.search(r"CMD (\[.*\])\s*$", _healthcheck_line())
        assert found is not None
        healthcheck = json.loads(found.group(1))
        assert healthcheck[0] == "python"
        check = subprocess.run([str(venv / "bin" / "python"), *healthcheck[1:]], env=serve_env, timeout=10)
        assert check.returncode == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr.decode()[-2000:]


def _healthcheck_line() -> str:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return next(line for line in text.splitlines() if line.startswith("HEALTHCHECK"))


# --- health, readiness, metrics ----------------------------------------------------------------


async def _client(readiness: Readiness, metrics: Metrics) -> TestClient[web.Request, web.Application]:
    app = web.Application(middlewares=[request_id_middleware])
    add_ops_routes(app, metrics, readiness)
    client: TestClient[web.Request, web.Application] = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_readyz_fails_with_503_naming_the_failing_check() -> None:
    state = {"redis": True}

    async def redis_ok() -> bool:
        return state["redis"]

    async def broken() -> bool:
        raise ConnectionError("nede")

    readiness = Readiness(timeout=0.5)
    readiness.add_check("redis", redis_ok)
    client = await _client(readiness, Metrics())
    try:
        resp = await client.get("/readyz")
        assert resp.status == 200 and (await resp.json())["checks"] == {"redis": True}
        state["redis"] = False
        readiness.add_check("pool", broken)
        resp = await client.get("/readyz")
        assert resp.status == 503
        assert (await resp.json())["checks"] == {"redis": False, "pool": False}
        assert (await client.get("/healthz")).status == 200  # alive even when not ready
    finally:
        await client.close()


async def test_metrics_are_exposed_in_prometheus_format_per_app() -> None:
    a, b = Metrics(), Metrics()  # two apps in one process must not collide
    a.shortlists_posted.inc(3)
    a.job_orders_received.labels("api", "created").inc()
    client = await _client(Readiness(), a)
    try:
        resp = await client.get("/metrics", headers={"X-Request-Id": "abc-123"})
        text = await resp.text()
        assert resp.headers["X-Request-Id"] == "abc-123"
        assert "matchbot_shortlists_posted_total 3.0" in text
        assert 'matchbot_job_orders_received_total{outcome="created",source="api"} 1.0' in text
        for name in (
            "matchbot_handovers_total",
            "matchbot_reminders_sent_total",
            "matchbot_reminders_failed_total",
            "matchbot_match_seconds_bucket",
            "matchbot_intake_queue_lag_seconds",
            "matchbot_intake_pending_entries",
        ):
            assert name in text
        assert "matchbot_shortlists_posted_total 0.0" in b.render().decode()
    finally:
        await client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return int(resp.status)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_readme_configuration_table_lists_every_setting() -> None:
    """The operator's table must stay true: every setting, under the name the environment uses."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Configuration") : readme.index("### Registering the bot in Teams")]
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        env_name = alias.choices[0] if alias is not None and hasattr(alias, "choices") else name.upper()
        assert f"| `{env_name}` |" in table, f"{env_name} ({name}) is missing from the README table"


# --- `matchbot worker`: the same health, readiness and metrics on WORKER_PORT -------------------------


def _worker_env(redis_url: str, key_prefix: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "HOST": "127.0.0.1",
        "WORKER_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }


def test_worker_process_is_healthy_ready_and_measured_then_stops_cleanly(
    redis_url: str, key_prefix: str
) -> None:
    """What an orchestrator sees of a scaled-out worker: alive, ready (Redis, pool, consumer), the intake
    gauges in /metrics, nothing but the ops routes on its port, and SIGTERM a clean exit."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=ROOT,
        env=_worker_env(redis_url, key_prefix, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_http(f"{base}/healthz") == 200
        assert _wait_http(f"{base}/readyz") == 200  # 503 until the pool is loaded and the consumer runs
        with urllib.request.urlopen(f"{base}/readyz", timeout=5) as resp:
            assert json.load(resp) == {
                "status": "ready",
                "checks": {"redis": True, "pool": True, "stream_consumer": True},
            }
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as resp:
            metrics = resp.read().decode()
        for name in (
            "matchbot_intake_queue_lag_seconds",
            "matchbot_intake_pending_entries",
            "matchbot_intake_dead_letters_total",
            "matchbot_pool_candidates",
        ):
            assert re.search(rf"^{name} \d", metrics, flags=re.M), f"{name} missing from /metrics"
        with pytest.raises(urllib.error.HTTPError) as not_here:  # no Teams or job order API on this port
            urllib.request.urlopen(f"{base}/api/openapi.json", timeout=5)
        assert not_here.value.code == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr[-2000:]
    assert f"http://127.0.0.1:{port}/healthz" in stdout
    assert "Traceback" not in stderr
    with pytest.raises(OSError):  # the port is released with the worker
        urllib.request.urlopen(f"{base}/healthz", timeout=2)


def test_worker_says_in_danish_when_its_port_is_taken(redis_url: str, key_prefix: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "worker"],
            cwd=ROOT,
            env=_worker_env(redis_url, key_prefix, port),
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert f"kan ikke lytte på 127.0.0.1:{port}" in result.stderr and "WORKER_PORT" in result.stderr
    assert "Traceback" not in result.stderr
