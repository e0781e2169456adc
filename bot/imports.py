"""`matchbot import candidates|job-orders FILE`: exports from the case systems into the bot.

Why row by row: an export of 100k candidates with three bad rows should import the good ones and
tell the operator exactly which rows to fix (line, field, Danish reason), not stop at the first.
Candidates go in through an atomic pool swap (``bot.store.pool``), so a running bot never matches
against half an import and reloads the new pool by itself (``pool_version`` moves). Job orders go
through the same intake as the API (``bot.intake.accept_job_order``): saved, queued, shortlisted once.

Formats: ``.jsonl`` (one object per line), ``.json`` (an object or a list), ``.csv`` (header row
with the model's field names; list fields split on ';' or '|'; empty cells mean "not given").
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import time
import types
import typing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from bot import texts
from matching.io import (
    MSG_BAD_JSON,
    MSG_DUPLICATE_ID,
    MSG_NOT_FOUND,
    MSG_NOT_OBJECT,
    MSG_NOT_UTF8,
    InputFileError,
)
from matching.models import CandidateProfile, JobOrder, da_number, field_errors
from matching.privacy import redact_cpr

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
Progress = Callable[[int], None]
PhaseProgress = Callable[[str, int], None]  # ("parse" | "write", count)

_LIST_SPLIT = str.maketrans({"|": ";"})
_TRUE = {"true", "1", "ja", "j", "yes", "y", "sand"}
_FALSE = {"false", "0", "nej", "n", "no", "falsk"}


@dataclass
class ParseResult(Generic[T]):
    rows: int = 0
    valid: list[T] = field(default_factory=list)
    problems: list[InputFileError] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    kind: Literal["candidates", "job-orders"]
    path: str
    rows: int
    accepted: int
    problems: list[InputFileError]
    seconds: float
    deactivated: int = 0
    pool_size: int = 0
    pool_version: int = 0
    queued: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def _list_fields(model: type[BaseModel]) -> frozenset[str]:
    out = set()
    for name, info in model.model_fields.items():
        ann = info.annotation
        options = typing.get_args(ann) if isinstance(ann, types.UnionType) else (ann,)
        if any(typing.get_origin(a) is list for a in options):
            out.add(name)
    return frozenset(out)


def _bool_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(n for n, i in model.model_fields.items() if i.annotation is bool)


def _csv_row(row: dict[str | Any, str | Any], lists: frozenset[str], bools: frozenset[str]) -> dict[str, Any]:
    """A CSV row as the JSON the model expects: lists split, Danish yes/no, empty cells omitted."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:  # more cells than headers
            out["(ekstra kolonner)"] = value
            continue
        name = str(key).strip()
        if value is None:
            continue
        text = str(value).strip()
        if text == "":
            continue
        if name in lists:
            out[name] = [part.strip() for part in text.translate(_LIST_SPLIT).split(";") if part.strip()]
        elif name in bools and text.lower() in _TRUE | _FALSE:
            out[name] = text.lower() in _TRUE
        else:
            out[name] = text
    return out


def _records(path: Path, model: type[BaseModel]) -> Iterator[tuple[int, Any]]:
    """(line, record) pairs; a record that cannot be read at all is an InputFileError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield 0, InputFileError(path, None, None, exc.strerror or str(exc))
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield 0, InputFileError(path, None, None, MSG_NOT_UTF8)
        return
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sample = text[:4096]
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        lists, bools = _list_fields(model), _bool_fields(model)
        for row in reader:
            yield reader.line_num, _csv_row(row, lists, bools)
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield exc.lineno, InputFileError(path, exc.lineno, None, MSG_BAD_JSON.format(error=exc.msg))
            return
        for no, item in enumerate(data if isinstance(data, list) else [data], start=1):
            yield no, item
    else:  # .jsonl and anything else: one JSON object per line, parsed by pydantic itself (faster)
        for no, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield no, _RawJson(line)


class _RawJson(str):
    """A JSONL line not parsed yet: validated with ``model_validate_json`` in one step."""


# Below this many records validation runs in this process; above, in a process per core (validation
# is CPU-bound Python: the CPR check on every text field dominates an import of 100k candidates).
PARALLEL_MIN_RECORDS = 20_000
PARALLEL_CHUNK = 5_000
_MODELS: dict[str, type[BaseModel]] = {"CandidateProfile": CandidateProfile, "JobOrder": JobOrder}

Checked = tuple[list[tuple[int, BaseModel]], list[tuple[int, str | None, str]]]


def _validate_chunk(model_name: str, items: list[tuple[int, Any]]) -> Checked:
    """Validate records; returns (line, model) for good ones and (line, field, Danish reason) for bad."""
    model = _MODELS[model_name]
    good: list[tuple[int, BaseModel]] = []
    bad: list[tuple[int, str | None, str]] = []
    for no, record in items:
        try:
            if isinstance(record, _RawJson):
                good.append((no, model.model_validate_json(record)))
            elif isinstance(record, dict):
                good.append((no, model.model_validate(record)))
            else:
                bad.append((no, None, MSG_NOT_OBJECT))
        except ValidationError as exc:
            invalid_json = [e for e in exc.errors() if e["type"] == "json_invalid"]
            if invalid_json:
                error = str((invalid_json[0].get("ctx") or {}).get("error", "JSON"))
                bad.append((no, None, MSG_BAD_JSON.format(error=error)))
            elif any(e["type"] in ("model_type", "model_attributes_type") for e in exc.errors()):
                bad.append((no, None, MSG_NOT_OBJECT))
            else:
                bad.extend((no, fld, redact_cpr(message)) for fld, message in field_errors(exc))
    return good, bad


def _validate_all(model: type[BaseModel], items: list[tuple[int, Any]], progress: Progress | None) -> Checked:
    if len(items) < PARALLEL_MIN_RECORDS or (os.cpu_count() or 1) < 2:
        checked = _validate_chunk(model.__name__, items)
        if progress is not None:
            progress(len(items))
        return checked
    good: list[tuple[int, BaseModel]] = []
    bad: list[tuple[int, str | None, str]] = []
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


def parse_file(path: str | Path, model: type[M], progress: Progress | None = None) -> ParseResult[M]:
    """Validate every record; bad ones become problems (line, field, Danish reason), good ones pass."""
    path = Path(path)
    result: ParseResult[M] = ParseResult()
    items: list[tuple[int, Any]] = []
    for no, record in _records(path, model):
        if isinstance(record, InputFileError):
            result.problems.append(record)
            if record.line is None:
                break
            result.rows += 1
            continue
        result.rows += 1
        items.append((no, record))
    good, bad = _validate_all(model, items, progress)
    result.problems += [InputFileError(path, no, fld, message) for no, fld, message in bad]
    seen: dict[str, int] = {}
    for no, item in good:
        item_id = str(getattr(item, "id", ""))
        if item_id in seen:
            result.problems.append(
                InputFileError(path, no, "id", MSG_DUPLICATE_ID.format(id=item_id, line=seen[item_id]))
            )
            continue
        seen[item_id] = no
        result.valid.append(item)  # type: ignore[arg-type]
    result.problems.sort(key=lambda p: p.line or 0)
    return result


def problem_lines(report: ImportReport) -> list[tuple[int | None, str, str]]:
    """(line, field, reason) for the validation report table."""
    return [(p.line, p.field or "", p.message) for p in report.problems]


def write_report_csv(report: ImportReport, path: str | Path) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([texts.IMPORT_COL_LINE, texts.IMPORT_COL_FIELD, texts.IMPORT_COL_REASON])
        for line, fld, reason in problem_lines(report):
            writer.writerow([line if line is not None else "", fld, reason])


def _phase(progress: PhaseProgress | None, phase: str) -> Progress | None:
    if progress is None:
        return None
    return lambda n: progress(phase, n)


async def import_candidates(
    swapper: Any,
    path: str | Path,
    mode: Literal["upsert", "replace"],
    progress: PhaseProgress | None = None,
) -> ImportReport:
    """Parse, then swap the good rows in atomically (``bot.store.pool.PoolSwapper``)."""
    started = time.perf_counter()
    parsed = parse_file(path, CandidateProfile, _phase(progress, "parse"))
    if not parsed.valid:
        return ImportReport(
            "candidates", str(path), parsed.rows, 0, parsed.problems, time.perf_counter() - started
        )
    swap = await swapper.swap_in(parsed.valid, mode, _phase(progress, "write"))
    return ImportReport(
        "candidates",
        str(path),
        parsed.rows,
        swap.written,
        parsed.problems,
        time.perf_counter() - started,
        deactivated=swap.deactivated,
        pool_size=swap.total,
        pool_version=swap.version,
    )


async def import_job_orders(
    store: Any,
    queue: Any,
    metrics: Any,
    path: str | Path,
    progress: PhaseProgress | None = None,
) -> ImportReport:
    """Every valid job order goes through the API's intake: saved, queued, shortlisted exactly once."""
    from bot.intake import accept_job_order

    started = time.perf_counter()
    parsed = parse_file(path, JobOrder, _phase(progress, "parse"))
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
        str(path),
        parsed.rows,
        len(parsed.valid),
        parsed.problems,
        time.perf_counter() - started,
        queued=queued,
        outcomes=outcomes,
    )


# --- command line ----------------------------------------------------------------------------------

REPORT_ROWS_SHOWN = 20


async def run_import_cli(settings: Any, what: str, file: str, mode: str, report_path: str | None) -> int:
    """`matchbot import …`: progress bar, then the validation report and a one-line summary (Danish)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from bot.observability import Metrics
    from bot.store.connection import connect
    from bot.store.followup import FollowUpStore
    from bot.store.intake import IntakeQueue
    from bot.store.pool import PoolSwapper

    console = Console(stderr=False)
    path = Path(file)
    if not path.exists():
        console.print(escape(str(InputFileError(path, None, None, MSG_NOT_FOUND))))
        return 2
    total_rows = max(
        sum(1 for line in path.open("rb") if line.strip()) - (1 if path.suffix == ".csv" else 0), 1
    )
    if not settings.redis_url:  # the embedded store would vanish with this process: nothing imported
        console.print(texts.NEEDS_REDIS_URL)
        return 2
    redis = await connect(settings)
    try:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as bar:
            parse_task = bar.add_task(texts.IMPORT_PHASE_PARSE, total=total_rows)
            write_task = bar.add_task(
                texts.IMPORT_PHASE_WRITE if what == "candidates" else texts.IMPORT_PHASE_WRITE_JOBS,
                total=None,
            )

            def progress(phase: str, n: int) -> None:
                bar.advance(parse_task if phase == "parse" else write_task, n)

            if what == "candidates":
                report = await import_candidates(
                    PoolSwapper(redis, settings.redis_key_prefix),
                    path,
                    "replace" if mode == "replace" else "upsert",
                    progress,
                )
            else:
                store = FollowUpStore(redis, settings.redis_key_prefix)
                queue = IntakeQueue(redis, settings.redis_key_prefix)
                await queue.ensure_group()
                report = await import_job_orders(store, queue, Metrics(), path, progress)
            bar.update(write_task, total=report.accepted, completed=report.accepted)
    finally:
        await redis.aclose()

    if report.problems:
        table = Table(title=texts.IMPORT_REPORT_TITLE.format(path=escape(str(path))))
        for column in (texts.IMPORT_COL_LINE, texts.IMPORT_COL_FIELD, texts.IMPORT_COL_REASON):
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
        console.print(texts.IMPORT_NOTHING_VALID.format(path=escape(str(path))))
        return 2
    if what == "candidates":
        console.print(
            texts.IMPORT_SUMMARY_CANDIDATES.format(
                accepted=report.accepted,
                rows=report.rows,
                mode=texts.IMPORT_MODE[mode],
                seconds=da_number(report.seconds),
                rejected=rejected_rows,
                deactivated=report.deactivated,
                pool_size=report.pool_size,
                version=report.pool_version,
            )
        )
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
                rejected=rejected_rows,
            )
        )
    return 0
