"""Real redis-servers for the tests: started on free loopback ports, restartable, AOF on.

``RedisServer`` is the suite's server (unless ``REDIS_URL`` points at one the caller runs; then
restart tests skip). ``SentinelSet`` (a primary, a replica, three sentinels) and ``ClusterSet``
(three primaries joined with ``redis-cli --cluster create``) are the production topologies the
topology tests run the bot against; both only need the ``redis-server`` and ``redis-cli`` binaries
(``redis-server --sentinel`` is a sentinel).
"""

from __future__ import annotations

import functools
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


STARTUP_SECONDS = 10
TOPOLOGY_SECONDS = 30  # sentinels agreeing, a cluster's slots covered, a failover completing


def _binary(name: str) -> str:
    binary = shutil.which(name)
    if binary is None:
        raise RuntimeError(f"{name} mangler: installér med 'apt-get install -y redis-server redis-tools'")
    return binary


def _wait(check: Callable[[], bool], what: str, seconds: float = TOPOLOGY_SECONDS) -> None:
    """Poll ``check`` until it holds (connection errors count as not yet); fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except redis.RedisError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


class RedisServer:
    """One redis-server process with its own directory; ``restart()`` keeps the data (AOF).

    ``extra``: more command-line options (replication, cluster mode, ``min-replicas-to-write`` …).
    """

    def __init__(self, extra: Sequence[str] = ()) -> None:
        self.binary = _binary("redis-server")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="matchbot-redis-"))
        self.proc: subprocess.Popen[bytes] | None = None
        self.extra = list(extra)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
                "--logfile",
                str(self.dir / "redis.log"),
                *self.extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with redis.Redis(port=self.port) as client:
            _wait(client.ping, f"redis-server on port {self.port}", STARTUP_SECONDS)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def kill(self) -> None:
        """Crash, not shutdown: only what AOF already has survives."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


MASTER_NAME = "matchbot"


class SentinelSet:
    """A primary, a replica and three sentinels on loopback, as a small production Sentinel setup.

    The servers refuse writes without a connected replica (``min-replicas-to-write 1``): that is the
    setting that keeps the demoted primary from accepting writes nobody will ever see (README).
    """

    SERVER_OPTIONS = ("--min-replicas-to-write", "1", "--min-replicas-max-lag", "10")

    def __init__(self) -> None:
        self.primary = RedisServer(self.SERVER_OPTIONS)
        self.replica = RedisServer(self.SERVER_OPTIONS)
        self.replica.extra += ["--replicaof", "127.0.0.1", str(self.primary.port)]
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.dir = Path(tempfile.mkdtemp(prefix="matchbot-sentinel-"))
        self.procs: list[subprocess.Popen[bytes]] = []
        self.failovers = 0

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)
        return f"redis+sentinel://{hosts}/{MASTER_NAME}/0"

    def start(self) -> None:
        self.primary.start()
        self.replica.start()
        with redis.Redis(port=self.replica.port) as replica:
            _wait(lambda: replica.info("replication").get("master_link_status") == "up", "replication")
        binary = _binary("redis-server")
        for port in self.sentinel_ports:
            conf = self.dir / f"sentinel-{port}.conf"
            conf.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {self.dir}\nlogfile {self.dir / f'sentinel-{port}.log'}\n"
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.primary.port} 2\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} 2000\n"
                f"sentinel failover-timeout {MASTER_NAME} 10000\n"
            )
            self.procs.append(
                subprocess.Popen(
                    [binary, str(conf), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            )
        for port in self.sentinel_ports:
            _wait(functools.partial(self._sees_everyone, port), f"sentinel {port} to see the set")

    @staticmethod
    def _ask(port: int, *args: str) -> Any:
        """One SENTINEL subcommand on the sentinel at ``port``."""
        with redis.Redis(port=port, decode_responses=True) as sentinel:
            command: Callable[..., Any] = sentinel.execute_command
            return command("SENTINEL", *args)

    def _sees_everyone(self, port: int) -> bool:
        replicas = self._ask(port, "REPLICAS", MASTER_NAME)
        others = self._ask(port, "SENTINELS", MASTER_NAME)
        return len(replicas) == 1 and len(others) == 2

    def primary_port(self, sentinel_port: int | None = None) -> int:
        at = sentinel_port or self.sentinel_ports[0]
        _host, port = self._ask(at, "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
        return int(port)

    def _has_replica(self, port: int) -> bool:
        with redis.Redis(port=port, decode_responses=True) as primary:
            return int(primary.info("replication")["connected_slaves"]) == 1

    def failover(self) -> int:
        """``SENTINEL FAILOVER``; returns the new primary's port once every sentinel names it and it
        has its replica (the demoted primary, reconfigured by sentinel) back."""
        old = self.primary_port()
        self._ask(self.sentinel_ports[0], "FAILOVER", MASTER_NAME)
        _wait(lambda: all(self.primary_port(p) != old for p in self.sentinel_ports), "the failover")
        new = self.primary_port()
        _wait(functools.partial(self._has_replica, new), "the old primary to follow the new one")
        self.failovers += 1
        return new

    def cleanup(self) -> None:
        for proc in self.procs:
            proc.terminate()
            proc.wait(timeout=10)
        self.procs.clear()
        self.primary.cleanup()
        self.replica.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)


class ClusterSet:
    """Three primaries in one Redis Cluster on loopback (no replicas), created with redis-cli."""

    def __init__(self, size: int = 3) -> None:
        self.nodes = []
        for _ in range(size):
            # The cluster bus port is given explicitly: port + 10000 may be past 65535 for a free port.
            node = RedisServer()
            node.extra += [
                "--cluster-enabled", "yes",
                "--cluster-config-file", str(node.dir / "nodes.conf"),
                "--cluster-port", str(free_port()),
                "--cluster-node-timeout", "5000",
            ]
            self.nodes.append(node)

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)

    def start(self) -> None:
        for node in self.nodes:
            node.start()
        subprocess.run(
            [_binary("redis-cli"), "--cluster", "create", *(f"127.0.0.1:{n.port}" for n in self.nodes),
             "--cluster-yes"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TOPOLOGY_SECONDS,
        )
        for node in self.nodes:
            _wait(functools.partial(self._ready, node.port), "the cluster's slots")

    @staticmethod
    def _ready(port: int) -> bool:
        with redis.Redis(port=port, decode_responses=True) as client:
            return bool(client.cluster("info")["cluster_state"] == "ok")

    def cleanup(self) -> None:
        for node in self.nodes:
            node.cleanup()
