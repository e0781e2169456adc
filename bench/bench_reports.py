"""Benchmark of the report computations over a generated history (``tests/report_support.py``).

Run: ``python3 bench/bench_reports.py [--followups 100000] [--repeats 7]``

Measures the pure computation of each report (``bot.domain.reports``) over ``--followups`` follow-up
records (about 40 % of them hired), the card view and chart (matplotlib PNG) for ``rapport måltal``, and the
Excel export. The goal: ``rapport måltal`` over 100 000 follow-ups in under 1 s. Prints medians (and
the fastest and slowest run) and the machine's load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.outcomes import Period, parse_period  # noqa: E402
from bot.domain.reports import clause_report, results_report, target_report, time_report  # noqa: E402
from bot.domain.targets import load_targets  # noqa: E402
from bot.ui.charts import render_png  # noqa: E402
from bot.ui.exports import to_xlsx  # noqa: E402
from bot.ui.report_views import target_view  # noqa: E402
from tests.report_support import generated_history  # noqa: E402

PER_JOB = 5


def timed(run: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followups", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    data = generated_history(seed=1, jobs=args.followups // PER_JOB, per_job=PER_JOB)
    hired = sum(1 for r in data.records if any(h.to_state.value == "ansat" for h in r.history))
    print(
        f"history: {len(data.records)} follow-ups ({hired} hired), {len(data.jobs)} job orders, "
        f"generated in {time.perf_counter() - started:.1f} s"
    )
    targets = load_targets()
    month = parse_period("2026-11")
    year = parse_period("2026")
    assert isinstance(month, Period) and isinstance(year, Period)
    report = target_report(data, month=month, config=targets)
    view = target_view(report)
    chart = view.chart
    assert chart is not None
    runs: list[tuple[str, Callable[[], object]]] = [
        ("rapport måltal (compute)", lambda: target_report(data, month=month, config=targets)),
        (
            "rapport måltal (compute + view)",
            lambda: target_view(target_report(data, month=month, config=targets)),
        ),
        ("rapport resultater 2026 (compute)", lambda: results_report(data, period=year)),
        ("rapport tid 2026 (compute)", lambda: time_report(data, period=year)),
        ("rapport klausuler (compute)", lambda: clause_report(data)),
        ("måltal chart PNG (matplotlib)", lambda: render_png(chart)),
        ("måltal Excel export (openpyxl)", lambda: to_xlsx(view)),
    ]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")
    print(f"{'what':36} {'median':>9} {'min':>9} {'max':>9}")
    for name, run in runs:
        med, lo, hi = timed(run, args.repeats)
        print(f"{name:36} {med * 1000:8.1f}ms {lo * 1000:8.1f}ms {hi * 1000:8.1f}ms")
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"chart PNG: {len(render_png(chart))} bytes; Excel: {len(to_xlsx(view))} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
