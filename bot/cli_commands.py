"""Handlers of the `matchbot` sub-commands, one function each (`bot/cli.py` registers them).

Exit codes: 0 ok, 2 bad input, configuration or an unreachable database (a Danish message on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from aiohttp import web
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.domain.errors import DomainError
from bot.features.imports import run_import_cli
from bot.store import Stores
from bot.store.connection import connect
from bot.teams.package import PackageError, build_teams_package
from bot.ui import texts
from config import ConfigError
from config.settings import Settings
from matching import texts as mtexts
from matching.evaluation import EvaluationReport, LabelledSet, evaluate, load_set, misses
from matching.geo import postcodes
from matching.index import MatchIndex
from matching.io import InputFileError, load_candidates, load_job_order
from matching.models import CandidateProfile, JobOrder, da_number
from matching.privacy import contains_cpr
from matching.results import MatchResult, Shortlist

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _err(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def _unreachable(exc: BaseException) -> bool:
    """Redis down, refusing or timing out. redis-py's ConnectionError and TimeoutError are no
    OSErrors, and only ``bot/store`` may import redis: so they are known by module and name."""
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    return any(
        c.__module__.startswith("redis") and c.__name__ in ("ConnectionError", "TimeoutError")
        for c in type(exc).__mro__
    )


def _load(args: argparse.Namespace) -> tuple[JobOrder, MatchIndex] | int:
    """Job order + index over the pool, or an exit code after a Danish error message."""
    if not 1 <= args.top <= 500:
        return _err(texts.CLI_BAD_TOP)
    try:
        job = load_job_order(args.job_order)
        profiles = load_candidates(args.candidates)
        index = MatchIndex.build(profiles)
    except InputFileError as exc:
        return _err(texts.CLI_INPUT_ERROR.format(error=exc.describe()))
    except ConfigError as exc:
        return _err(texts.CLI_CONFIG_ERROR.format(error=exc))
    return job, index


_da = da_number


def shortlist_json(shortlist: Shortlist) -> dict[str, object]:
    """The `--json` shape: best first, each with its card reasons."""
    return {
        "job_order_id": shortlist.job_order_id,
        "candidates": [
            {"candidate_id": r.candidate_id, "score": r.score, "reasons": r.reasons}
            for r in shortlist.results
        ],
    }



def _table(job: JobOrder, shortlist: Shortlist, profile: Callable[[str], CandidateProfile | None]) -> Table:
    title = texts.CLI_MATCH_TITLE.format(
        job_order_id=job.id,
        title=job.title,
        company=job.company,
        place=f"{job.postcode} {postcodes().name(job.postcode)}",
    )
    table = Table(title=escape(title), show_lines=True)
    table.add_column(texts.CLI_COL_RANK, justify="right", no_wrap=True)
    table.add_column(texts.CLI_COL_CANDIDATE, no_wrap=True)
    table.add_column(texts.CLI_COL_SCORE, justify="right", no_wrap=True)
    table.add_column(texts.CLI_COL_JOBCENTER, ratio=1)
    table.add_column(texts.CLI_COL_DISTANCE, justify="right", no_wrap=True)
    table.add_column(texts.CLI_COL_REASONS, ratio=3)
    for rank, r in enumerate(shortlist.results, start=1):
        p = profile(r.candidate_id)
        table.add_row(
            str(rank),
            escape(r.candidate_id),
            _da(r.score),
            escape(p.jobcenter) if p else "",
            texts.CLI_KM.format(km=_da(r.distance_km)),
            escape("\n".join(r.reasons)),
        )
    return table


def cmd_match(args: argparse.Namespace) -> int:
    """`matchbot match`: the shortlist as a rich table or JSON."""
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    job, index = loaded
    shortlist = index.match(job, top=args.top)
    if args.json:
        print(json.dumps(shortlist_json(shortlist), ensure_ascii=False, indent=2))
        return EXIT_OK
    console = Console(soft_wrap=False)
    if shortlist.results:
        console.print(_table(job, shortlist, index.get))
    else:
        console.print(texts.CLI_NO_RESULTS)
    console.print(
        escape(
            texts.CLI_SUMMARY.format(
                shown=len(shortlist.results),
                relevant=shortlist.relevant,
                considered=shortlist.considered,
                excluded=texts.excluded_summary(shortlist.excluded),
            )
        ),
        soft_wrap=True,
    )
    return EXIT_OK


def _contribution_lines(result: MatchResult) -> list[str]:
    ranked = sorted(result.contributions, key=lambda c: -c.points)
    return [texts.CLI_EXPLAIN_POINTS.format(points=_da(c.points), reason=c.reason) for c in ranked]


def cmd_explain(args: argparse.Namespace) -> int:
    """`matchbot explain`: why one candidate is (not) on the list, with every part of the score."""
    if contains_cpr(args.candidate):  # refused before anything could echo it back
        return _err(texts.CPR_REFUSED)
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    job, index = loaded
    explanation = index.explain(job, args.candidate, top=args.top)
    if explanation.status == "unknown":
        return _err(explanation.message)
    console = Console(soft_wrap=True)
    console.print(explanation.message, markup=False)
    if explanation.result is not None:
        for line in _contribution_lines(explanation.result):
            console.print("  " + line, markup=False)
    return EXIT_OK


def _print_report(report: EvaluationReport, data: LabelledSet, show_misses: bool) -> None:
    k = report.k
    print(
        mtexts.EVAL_SUMMARY.format(
            jobs=len(data.jobs), candidates=len(data.profiles), expected=report.candidates_expected
        )
    )
    print(mtexts.EVAL_RECALL.format(k=k, value=f"{report.recall:.3f}".replace(".", ",")))
    print(mtexts.EVAL_PRECISION.format(k=k, value=f"{report.precision:.3f}".replace(".", ",")))
    print(mtexts.EVAL_VIOLATIONS.format(n=report.violations))
    for o in misses(report) if show_misses else []:
        if o.missed:
            print(mtexts.EVAL_MISS.format(job_id=o.job_id, title=o.title, missed=", ".join(o.missed)))
        if o.violations:
            print(mtexts.EVAL_VIOLATION.format(job_id=o.job_id, title=o.title, ids=", ".join(o.violations)))


def cmd_evaluate(args: argparse.Namespace) -> int:
    """`matchbot evaluate`: recall@k, precision@k and hard-filter violations on a labelled set."""
    if not 1 <= args.top <= 500:
        return _err(texts.CLI_BAD_TOP)
    try:
        data = load_set(args.dir)
        report = evaluate(data, k=args.top)
    except InputFileError as exc:
        return _err(texts.CLI_INPUT_ERROR.format(error=exc.describe()))
    except ConfigError as exc:
        return _err(texts.CLI_CONFIG_ERROR.format(error=exc))
    except (OSError, ValueError, KeyError, TypeError) as exc:  # labels.json missing or malformed
        return _err(texts.CLI_BAD_LABELS.format(path=Path(args.dir) / "labels.json", error=exc))
    _print_report(report, data, args.misses)
    return EXIT_OK


# --- intake, operations, demo ----------------------------------------------------------------------


def _against_redis(run: Coroutine[Any, Any, int]) -> int:
    """Run a command that needs Redis: an unreachable database is a Danish line and exit 2."""
    try:
        return asyncio.run(run)
    except Exception as exc:
        if not _unreachable(exc):
            raise
        return _err(texts.CLI_DATABASE_UNREACHABLE)


def cmd_import(args: argparse.Namespace) -> int:
    """`matchbot import candidates|job-orders FILE`."""
    return _against_redis(
        run_import_cli(Settings(), args.what, args.file, getattr(args, "mode", "upsert"), args.report)
    )


def cmd_worker(args: argparse.Namespace) -> int:
    """`matchbot worker`: the intake stream worker on its own (scale out next to `serve`)."""
    # Heavy and optional: the Bot Framework SDK (through the messenger); `matchbot match` never loads it.
    from bot.worker import run_worker  # noqa: PLC0415

    return _against_redis(run_worker(Settings()))


def cmd_demo(args: argparse.Namespace) -> int:
    """`matchbot demo`: the match unit's day on the sample data, no Redis and no Teams needed."""
    # Heavy and optional: the whole app with the Bot Framework SDK; `matchbot match` never loads it.
    from bot.demo.run import run_demo  # noqa: PLC0415

    return asyncio.run(run_demo(fast=args.fast))


def cmd_serve(args: argparse.Namespace) -> int:
    """`matchbot serve`: the bot's web app (Teams endpoint, job order API, health, metrics)."""
    # Heavy and optional: the whole app with the Bot Framework SDK; `matchbot match` never loads it.
    from bot.app import create_app  # noqa: PLC0415

    try:
        settings = Settings()
        if args.sample_data and settings.redis_url:  # never mix sample candidates into a real pool
            return _err(texts.SERVE_SAMPLE_DATA_NEEDS_EMBEDDED)
        if args.now is not None and not args.sample_data:  # a real bot never runs on a made-up clock
            return _err(texts.SERVE_NOW_NEEDS_SAMPLE_DATA)
        clock = None
        if args.now is not None:
            from bot.demo.sample import clock_from  # noqa: PLC0415

            clock = clock_from(args.now)
        app = create_app(settings, clock=clock)
    except (ConfigError, ValueError) as exc:
        return _err(str(exc))
    if args.sample_data:
        from bot.demo.sample import attach_sample_data  # noqa: PLC0415

        attach_sample_data(app)
    host, port = args.host or settings.host, args.port or settings.port
    print(texts.SERVE_STARTING.format(host=host, port=port), file=sys.stderr)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
    return EXIT_OK


def cmd_teams_package(args: argparse.Namespace) -> int:
    """`matchbot teams-package`: zip manifest + icons with the bot's app id filled in."""
    try:
        out = build_teams_package(Settings().app_id, Path(args.out))
    except PackageError as exc:
        return _err(str(exc))
    print(texts.TEAMS_PACKAGE_BUILT.format(path=out))
    return EXIT_OK


async def _purge(settings: Settings, candidate_id: str, actor: str) -> int:
    client = await connect(settings)
    try:
        stores = Stores.open(client, settings.redis_key_prefix, retention_days=settings.retention_days)
        report = await stores.retention.purge_candidate(candidate_id, actor)
    finally:
        await client.aclose()
    if not report.found:
        print(texts.PURGE_NOTHING.format(candidate_id=report.candidate_id))
        return EXIT_OK
    print(
        texts.PURGE_DONE.format(
            candidate_id=report.candidate_id,
            records=report.records,
            shortlists=report.shortlists,
            reminders=report.reminders,
            pool=texts.PURGE_POOL_REMOVED if report.pool else texts.PURGE_POOL_ABSENT,
        )
    )
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    """Erase a candidate everywhere (GDPR request); prints counts, never personal data."""
    settings = Settings()
    if not settings.redis_url:
        return _err(texts.PURGE_NO_REDIS)
    actor = args.actor or f"cli:{getpass.getuser()}"
    try:
        return _against_redis(_purge(settings, args.candidate, actor))
    except DomainError as exc:
        return _err(texts.error_text(exc))
    except ConfigError as exc:
        return _err(texts.CLI_CONFIG_ERROR.format(error=exc))
