"""`matchbot import candidates|job-orders FILE`: exports from the case systems into the bot.

Why row by row: an export of 100k candidates with three bad rows should import the good ones and
tell the operator exactly which rows to fix (line, field, Danish reason), not stop at the first.
Candidates go in through an atomic pool swap (``bot.store.pool``), so a running bot never matches
against half an import and reloads the new pool by itself (``pool_version`` moves). A rejected row
whose id can still be read leaves that candidate as they are, even in replace mode: a typo in a
postcode is no reason to take someone out of the pool. Job orders go through the same intake as the
API (``bot.features.intake.accept_job_order``): saved, queued, shortlisted once.

Formats (``matching.io.read_records``, shared with ``matchbot match``): ``.jsonl``, ``.json`` (an
object or a list), ``.csv`` (UTF-8 or Excel's Windows-1252; lists split on ';' or '|').
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as ProgressBar
from rich.table import Table

from bot.features.intake import JobOrderWriter, accept_job_order
from bot.observability import Metrics
from bot.store import JobOrderStore, StoreContext
from bot.store.connection import connect
from bot.store.intake import IntakeQueue
from bot.store.pool import PoolSwapper
from bot.ui import texts
from config.settings import Settings
from matching.io import (
    CP1252,
    InputFileError,
    JsonLine,
    Records,
    duplicate_id,
    os_error_reason,
    read_records,
    validate_record,
)
from matching.models import CandidateProfile, JobOrder, da_number
from matching.privacy import redact_cpr
from matching.texts import ELEMENT, LINE

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
Progress = Callable[[int], None]
PhaseProgress = Callable[[str, int], None]  # ("parse" | "write", count)
Source = str | Path | Records


@dataclass
class ParseResult(Generic[T]):
    rows: int = 0
    valid: list[T] = field(default_factory=list)
    problems: list[InputFileError] = field(default_factory=list)
    unit: str = LINE  # what the problems' numbers count: lines, or elements of a JSON list
    encoding: str = "utf-8"
    rejected_ids: frozenset[str] = frozenset()  # readable ids of rejected rows (none of a valid row)


@dataclass(frozen=True)
class ImportReport:
    kind: Literal["candidates", "job-orders"]
    path: str
    rows: int
    accepted: int
    problems: list[InputFileError]
    seconds: float
    deactivated: int = 0
    kept: int = 0  # candidates whose row was rejected and who stay as they were in the pool
    pool_size: int = 0
    pool_version: int = 0
    queued: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    unit: str = LINE
    encoding: str = "utf-8"


def _raw_id(record: Any) -> str | None:
    """The id of a record that failed validation, when it can still be read."""
    if isinstance(record, JsonLine):
        try:
            record = json.loads(record)
        except ValueError:
            return None
    value = record.get("id") if isinstance(record, dict) else None
    return (value.strip() or None) if isinstance(value, str) else None


# Below this many records validation runs in this process; above, in a process per core (validation
# is CPU-bound Python: the CPR check on every text field dominates an import of 100k candidates).
PARALLEL_MIN_RECORDS = 20_000
PARALLEL_CHUNK = 5_000
_MODELS: dict[str, type[BaseModel]] = {"CandidateProfile": CandidateProfile, "JobOrder": JobOrder}

Checked = tuple[list[tuple[int | None, BaseModel]], list[tuple[int | None, str | None, str]]]


def _validate_chunk(model_name: str, items: list[tuple[int | None, Any]]) -> Checked:
    """Validate records; returns (line, model) for good ones and (line, field, Danish reason) for bad."""
    model = _MODELS[model_name]
    good: list[tuple[int | None, BaseModel]] = []
    bad: list[tuple[int | None, str | None, str]] = []
    for no, record in items:
        checked = validate_record(model, record)
        if isinstance(checked, list):
            bad.extend((no, fld, message) for fld, message in checked)
        else:
            good.append((no, checked))
    return good, bad


def _validate_all(
    model: type[BaseModel], items: list[tuple[int | None, Any]], progress: Progress | None
) -> Checked:
    if len(items) < PARALLEL_MIN_RECORDS or (os.cpu_count() or 1) < 2:
        checked = _validate_chunk(model.__name__, items)
        if progress is not None:
            progress(len(items))
        return checked
    good: list[tuple[int | None, BaseModel]] = []
    bad: list[tuple[int | None, str | None, str]] = []
    chunks = [items[i : i + PARALLEL_CHUNK] for i in range(0, len(items), PARALLEL_CHUNK)]
    context = multiprocessing.get_context("fork")  # children only validate: no sockets or loop used
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 2, 4), mp_context=context) as pool:
        for chunk, (g, b) in zip(
            chunks, pool.map(_validate_chunk, [model.__name__] * len(chunks), chunks), strict=True
        ):
            good += g
            bad += b
            if progress is not None:
                progress(len(chunk))
    return good, bad


def parse_file(source: Source, model: type[M], progress: Progress | None = None) -> ParseResult[M]:
    """Validate every record; bad ones become problems (line, field, Danish reason), good ones pass."""
    try:
        records = source if isinstance(source, Records) else read_records(source, model)
    except InputFileError as exc:  # the file as a whole: nothing to validate
        return ParseResult(problems=[exc])
    path, unit = records.path, records.unit
    result: ParseResult[M] = ParseResult(rows=len(records.items), unit=unit, encoding=records.encoding)
    good, bad = _validate_all(model, records.items, progress)
    result.problems += [InputFileError(path, no, fld, message, unit) for no, fld, message in bad]
    seen: dict[str, int | None] = {}
    for no, item in good:
        item_id = str(getattr(item, "id", ""))
        if item_id in seen:
            message = duplicate_id(model, item_id, unit, seen[item_id])
            result.problems.append(InputFileError(path, no, "id", message, unit))
            continue
        seen[item_id] = no
        result.valid.append(item)  # type: ignore[arg-type]
    bad_lines = {no for no, _, _ in bad}
    raw_ids = (_raw_id(record) for no, record in records.items if no in bad_lines)
    result.rejected_ids = frozenset(i for i in raw_ids if i is not None and i not in seen)
    result.problems.sort(key=lambda p: p.line or 0)
    return result


def problem_lines(report: ImportReport) -> list[tuple[int | None, str, str]]:
    """(line, field, reason) for the validation report table."""
    return [(p.line, p.field or "", p.message) for p in report.problems]


def location_column(report: ImportReport) -> str:
    """The report's first column: lines, or elements of a JSON list (whose line says nothing)."""
    return texts.IMPORT_COL_ELEMENT if report.unit == ELEMENT else texts.IMPORT_COL_LINE


def write_report_csv(report: ImportReport, path: str | Path) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([location_column(report), texts.IMPORT_COL_FIELD, texts.IMPORT_COL_REASON])
        for line, fld, reason in problem_lines(report):
            writer.writerow([line if line is not None else "", fld, reason])


def report_path_problem(path: str | Path) -> str | None:
    """Why the report cannot be written there, or None. Checked before importing: finding out after
    the pool has changed would leave the operator without the list of rows to fix."""
    path = Path(path)
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        return os_error_reason(exc, missing=texts.IMPORT_REPORT_NO_FOLDER)
    if not existed:
        path.unlink(missing_ok=True)
    return None


def _phase(progress: PhaseProgress | None, phase: str) -> Progress | None:
    if progress is None:
        return None
    return lambda n: progress(phase, n)


async def import_candidates(
    swapper: PoolSwapper,
    source: Source,
    mode: Literal["upsert", "replace"],
    progress: PhaseProgress | None = None,
) -> ImportReport:
    """Parse, then swap the good rows in atomically (``bot.store.pool.PoolSwapper``)."""
    started = time.perf_counter()
    parsed = parse_file(source, CandidateProfile, _phase(progress, "parse"))
    path = str(source.path if isinstance(source, Records) else source)
    if not parsed.valid:
        return ImportReport(
            "candidates", path, parsed.rows, 0, parsed.problems, time.perf_counter() - started,
            unit=parsed.unit, encoding=parsed.encoding,
        )
    swap = await swapper.swap_in(parsed.valid, mode, _phase(progress, "write"), keep=parsed.rejected_ids)
    return ImportReport(
        "candidates",
        path,
        parsed.rows,
        swap.written,
        parsed.problems,
        time.perf_counter() - started,
        deactivated=swap.deactivated,
        kept=swap.kept,
        pool_size=swap.total,
        pool_version=swap.version,
        unit=parsed.unit,
        encoding=parsed.encoding,
    )


async def import_job_orders(
    store: JobOrderWriter,
    queue: IntakeQueue,
    metrics: Metrics,
    source: Source,
    progress: PhaseProgress | None = None,
) -> ImportReport:
    """Every valid job order goes through the API's intake: saved, queued, shortlisted exactly once."""
    started = time.perf_counter()
    parsed = parse_file(source, JobOrder, _phase(progress, "parse"))
    write = _phase(progress, "write")
    outcomes: dict[str, int] = {}
    queued = 0
    for job in parsed.valid:
        outcome, was_queued = await accept_job_order(store, queue, metrics, job, source="import")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        queued += int(was_queued)
        if write is not None:
            write(1)
    return ImportReport(
        "job-orders",
        str(source.path if isinstance(source, Records) else source),
        parsed.rows,
        len(parsed.valid),
        parsed.problems,
        time.perf_counter() - started,
        queued=queued,
        outcomes=outcomes,
        unit=parsed.unit,
        encoding=parsed.encoding,
    )


# --- command line ----------------------------------------------------------------------------------

REPORT_ROWS_SHOWN = 20


async def run_import_cli(
    settings: Settings, what: str, file: str, mode: str, report_path: str | None
) -> int:
    """`matchbot import …`: progress bar, then the validation report and a one-line summary (Danish).

    Everything that can be checked before the database is touched is: the file can be read, the
    report can be written, REDIS_URL is set. Redis being unreachable is ``cmd_import``'s to report.
    """
    console = Console(stderr=False)
    path = Path(file)
    shown = escape(redact_cpr(str(path)))
    try:
        records = read_records(path, CandidateProfile if what == "candidates" else JobOrder)
    except InputFileError as exc:
        console.print(escape(exc.describe()))
        return 2
    if report_path and (reason := report_path_problem(report_path)) is not None:
        console.print(
            texts.IMPORT_REPORT_UNWRITABLE.format(path=escape(redact_cpr(report_path)), reason=reason)
        )
        return 2
    if not settings.redis_url:  # the embedded store would vanish with this process: nothing imported
        console.print(texts.NEEDS_REDIS_URL)
        return 2
    if records.encoding == CP1252:
        console.print(texts.IMPORT_READ_AS_CP1252.format(path=shown))
    redis = await connect(settings)
    try:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with ProgressBar(*columns, console=console, transient=False) as bar:
            parse_task = bar.add_task(texts.IMPORT_PHASE_PARSE, total=max(len(records.items), 1))
            write_task = bar.add_task(
                texts.IMPORT_PHASE_WRITE if what == "candidates" else texts.IMPORT_PHASE_WRITE_JOBS,
                total=None,
            )

            def progress(phase: str, n: int) -> None:
                bar.advance(parse_task if phase == "parse" else write_task, n)

            if what == "candidates":
                report = await import_candidates(
                    PoolSwapper(redis, settings.redis_key_prefix),
                    records,
                    "replace" if mode == "replace" else "upsert",
                    progress,
                )
            else:
                store = JobOrderStore(StoreContext(redis, settings.redis_key_prefix))
                queue = IntakeQueue(redis, settings.redis_key_prefix)
                await queue.ensure_group()
                report = await import_job_orders(store, queue, Metrics(), records, progress)
            bar.update(write_task, total=report.accepted, completed=report.accepted)
    finally:
        await redis.aclose()

    if report.problems:
        table = Table(title=texts.IMPORT_REPORT_TITLE.format(path=shown))
        for column in (location_column(report), texts.IMPORT_COL_FIELD, texts.IMPORT_COL_REASON):
            table.add_column(column)
        for line, fld, reason in problem_lines(report)[:REPORT_ROWS_SHOWN]:
            table.add_row(str(line or ""), escape(fld), escape(reason))
        console.print(table)
        if len(report.problems) > REPORT_ROWS_SHOWN:
            console.print(texts.IMPORT_MORE_PROBLEMS.format(count=len(report.problems) - REPORT_ROWS_SHOWN))
    if report_path:
        write_report_csv(report, report_path)
    rejected_rows = len({p.line for p in report.problems})
    if report.accepted == 0:
        console.print(texts.IMPORT_NOTHING_VALID.format(path=shown))
        return 2
    if what == "candidates":
        summary = texts.IMPORT_SUMMARY_CANDIDATES.format(
            accepted=report.accepted,
            rows=report.rows,
            mode=texts.IMPORT_MODE[mode],
            seconds=da_number(report.seconds),
            rejected=texts.count_rows(rejected_rows),
            deactivated=report.deactivated,
            pool_size=report.pool_size,
            version=report.pool_version,
        )
        if report.kept:
            summary += " " + texts.IMPORT_KEPT_REJECTED.format(kept=report.kept)
        console.print(summary)
    else:
        outcomes = ", ".join(
            f"{n} {texts.INTAKE_OUTCOME.get(k, k)}" for k, n in sorted(report.outcomes.items())
        )
        console.print(
            texts.IMPORT_SUMMARY_JOB_ORDERS.format(
                accepted=report.accepted,
                rows=report.rows,
                seconds=da_number(report.seconds),
                outcomes=outcomes,
                queued=report.queued,
                rejected=texts.count_rows(rejected_rows),
            )
        )
    return 0
