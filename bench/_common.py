"""What the benchmark scripts share: a Redis for the run, the sample pool, percentiles, the table.

The scripts put the repository root and ``bench/`` on ``sys.path`` before importing this.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_matching import resample, synthesise

from matching.io import load_candidates
from matching.models import CandidateProfile
from matching.taxonomy import Taxonomy
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def redis_for_run() -> Iterator[str]:
    """``REDIS_URL`` when set, else a redis-server started for this run and removed after it."""
    url = os.environ.get("REDIS_URL", "")
    if url:
        yield url
        return
    server = RedisServer()
    server.start()
    try:
        yield server.url
    finally:
        server.cleanup()


def sample_pool(n: int, tax: Taxonomy) -> list[CandidateProfile]:
    """``n`` profiles resampled from ``data/candidates.jsonl`` (synthesised when there is no sample)."""
    sample = ROOT / "data" / "candidates.jsonl"
    base = load_candidates(sample) if sample.exists() else synthesise(2000, tax)
    return resample(base, n, tax)


def print_table(rows: list[tuple[str, str, str]], value_header: str = "value") -> None:
    """The rows as the Markdown table ``bench/RESULTS.md`` takes."""
    print(f"| measure | {value_header} | target |")
    print("|---|---|---|")
    for measure, value, target in rows:
        print(f"| {measure} | {value} | {target} |")
