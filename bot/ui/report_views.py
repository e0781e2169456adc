"""A report as tables with Danish column names, its period, counting rule and exclusions: one view
that the card, the chart, the CSV and the Excel file are all drawn from (so they show the same numbers).

Cells are typed (text, whole number, decimal, None for "no figure"); formatting (decimal comma,
"–") is the renderer's job. ``small`` marks the rows that stand for fewer than 5 people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.outcomes import Period
from bot.domain.reports import (
    SMALL_N,
    ClauseReport,
    Exclusions,
    ResultsReport,
    TargetReport,
    TimeReport,
)
from bot.ui import texts
from bot.ui.cards.base import when
from matching.models import FORVALTNINGER, EmployerSector

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    columns: tuple[str, ...]
    rows: list[list[Cell]]
    small: list[bool] = field(default_factory=list)  # per row: fewer than 5 people
    bold: list[bool] = field(default_factory=list)  # per row: a total


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars per label: one or two series (e.g. status next to måltal)."""

    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    unit: str = ""


@dataclass(frozen=True, slots=True)
class ReportView:
    kind: str  # maaltal | resultater | tid | klausuler (the API's and the CLI's name)
    title: str
    period: str
    rule: str
    excluded: tuple[str, ...]
    sheets: tuple[Sheet, ...]  # the first one is the card's table
    notes: tuple[str, ...] = ()  # lines shown under the table (sums, sources, warnings)
    chart: Chart | None = None
    widths: tuple[int, ...] = ()  # the card table's column widths


def excluded_lines(ex: Exclusions) -> tuple[str, ...]:
    return tuple(
        texts.EXCLUDED_TEXTS[name].format(n=getattr(ex, name))
        for name in texts.EXCLUDED_TEXTS
        if getattr(ex, name)
    )


def period_label(period: Period | None) -> str:
    return texts.period_text(period) if period else texts.REPORT_ALL_TIME


def _sector(sector: EmployerSector | None) -> str:
    return sector.label if sector else texts.REPORT_NONE


# --- måltal ----------------------------------------------------------------------------------------------


def target_view(report: TargetReport) -> ReportView:
    month = texts.MONTHS[report.month.start.month - 1]
    period = texts.MAALTAL_PERIOD.format(month=month, year=report.month.start.year)
    main: list[list[Cell]] = []
    small: list[bool] = []
    bold: list[bool] = []
    detail: list[list[Cell]] = []
    detail_small: list[bool] = []
    for sector in (*FORVALTNINGER, None):
        name = sector.label if sector else texts.MAALTAL_KK
        for row in (r for r in report.rows if r.forvaltning == sector):
            main.append([name, row.label, row.status, row.target, row.fulfilment])
            small.append(0 < row.people < SMALL_N)
            bold.append(sector is None)
            unit = texts.MAALTAL_UNITS[row.unit]
            for s in row.schemes:
                detail.append([name, s.label, s.status, unit, s.forloeb, s.people])
                detail_small.append(0 < s.people < SMALL_N)
        average = report.averages.get(sector)
        if average is not None:
            main.append([name, texts.MAALTAL_AVERAGE, None, None, average])
            small.append(False)
            bold.append(True)
    notes: list[str] = []
    if not report.has_targets:
        notes.append(texts.MAALTAL_NO_TARGETS.format(year=report.period.start.year))
    if report.source:
        notes.append(texts.REPORT_SOURCE.format(source=report.source))
    if report.note:
        notes.append(report.note)
    places = [r for r in report.rows if r.forvaltning is not None and r.unit == "helaarspersoner"]
    chart = Chart(
        texts.MAALTAL_TITLE,
        tuple(r.forvaltning.label for r in places if r.forvaltning),
        (
            (texts.MAALTAL_CHART_STATUS, tuple(r.status for r in places)),
            (texts.MAALTAL_CHART_TARGET, tuple(r.target or 0.0 for r in places)),
        ),
        texts.MAALTAL_UNITS["helaarspersoner"],
    )
    return ReportView(
        "maaltal",
        texts.MAALTAL_TITLE,
        period,
        texts.MAALTAL_RULE,
        excluded_lines(report.exclusions),
        (
            Sheet(texts.MAALTAL_SHEET, texts.MAALTAL_COLUMNS, main, small, bold),
            Sheet(texts.MAALTAL_SCHEME_SHEET, texts.MAALTAL_SCHEME_COLUMNS, detail, detail_small),
        ),
        tuple(notes),
        chart,
        (2, 4, 2, 2, 2),
    )


# --- resultater --------------------------------------------------------------------------------------------


def results_view(report: ResultsReport) -> ReportView:
    rows: list[list[Cell]] = []
    for r in report.rows:
        rows.append(
            [r.employment_type.label, r.target_group, r.centre, _sector(r.sector), r.hired, r.in_job, r.share]
        )
    full = [[*row, r.stopped, r.pending] for row, r in zip(rows, report.rows, strict=True)]
    small = [r.small for r in report.rows]
    by_scheme: dict[str, list[int]] = {}
    for r in report.rows:
        cell = by_scheme.setdefault(r.employment_type.label, [0, 0])
        cell[0] += r.in_job
        cell[1] += r.checked
    chart = Chart(
        texts.RESULTS_TITLE,
        tuple(by_scheme),
        (
            (
                texts.RESULTS_COLUMNS[6],
                tuple(100.0 * v[0] / v[1] if v[1] else 0.0 for v in by_scheme.values()),
            ),
        ),
        "%",
    )
    return ReportView(
        "resultater",
        texts.RESULTS_TITLE,
        period_label(report.period),
        texts.RESULTS_RULE,
        excluded_lines(report.exclusions),
        (Sheet(texts.RESULTS_SHEET, (*texts.RESULTS_COLUMNS, *texts.RESULTS_EXTRA_COLUMNS), full, small),),
        (),
        chart,
        (3, 2, 3, 2, 1, 1, 1),
    )


# --- tid ---------------------------------------------------------------------------------------------


def time_view(report: TimeReport) -> ReportView:
    rows: list[list[Cell]] = [
        [texts.TIME_STEPS[s.step], s.reached, s.median_days, s.p80_days] for s in report.steps
    ]
    fills: list[list[Cell]] = [
        [f.job_order_id, when(f.received), f.positions, f.hired, f.rate] for f in report.fills
    ]
    rate = report.fill_rate
    notes = (
        texts.TIME_FILL.format(
            filled=report.filled,
            positions=report.positions,
            rate=texts.CARD_PERCENT.format(value=rate) if rate is not None else texts.REPORT_NONE,
            jobs=report.job_orders,
        ),
    )
    chart = Chart(
        texts.TIME_TITLE,
        tuple(texts.TIME_STEPS[s.step] for s in report.steps),
        (
            (texts.TIME_COLUMNS[2], tuple(s.median_days or 0.0 for s in report.steps)),
            (texts.TIME_COLUMNS[3], tuple(s.p80_days or 0.0 for s in report.steps)),
        ),
        "dage",
    )
    return ReportView(
        "tid",
        texts.TIME_TITLE,
        period_label(report.period),
        texts.TIME_RULE,
        excluded_lines(report.exclusions),
        (
            Sheet(texts.TIME_SHEET, texts.TIME_COLUMNS, rows, [s.small for s in report.steps]),
            Sheet(texts.TIME_FILL_SHEET, texts.TIME_FILL_COLUMNS, fills, [False] * len(fills)),
        ),
        notes,
        chart,
        (4, 2, 2, 2),
    )


# --- klausuler ---------------------------------------------------------------------------------------------


def clause_view(report: ClauseReport) -> ReportView:
    rows: list[list[Cell]] = []
    for r in report.rows:
        contract = r.contract_id or texts.CLAUSE_TOTAL.format(forvaltning=r.forvaltning.label)
        rows.append([r.forvaltning.label, contract, r.required, r.filled, r.missing, r.share, r.job_orders])
    contracts = [r for r in report.rows if r.contract_id]
    chart = Chart(
        texts.CLAUSE_TITLE,
        tuple(r.contract_id or "" for r in contracts),
        (
            (texts.CLAUSE_COLUMNS[2], tuple(float(r.required) for r in contracts)),
            (texts.CLAUSE_COLUMNS[3], tuple(float(r.filled) for r in contracts)),
        ),
        "stillinger",
    )
    period = texts.CLAUSE_ONLY.format(contract=report.contract) if report.contract else texts.REPORT_ALL_TIME
    return ReportView(
        "klausuler",
        texts.CLAUSE_TITLE,
        period,
        texts.CLAUSE_RULE,
        excluded_lines(report.exclusions),
        (
            Sheet(
                texts.CLAUSE_SHEET,
                (*texts.CLAUSE_COLUMNS, *texts.CLAUSE_EXTRA_COLUMNS),
                rows,
                [r.small for r in report.rows],
                [r.contract_id is None for r in report.rows],
            ),
        ),
        (),
        chart,
        (2, 3, 1, 1, 1, 1),
    )


def card_columns(view: ReportView) -> int:
    """How many of the first sheet's columns the card shows (the export has them all)."""
    return len(view.widths) or len(view.sheets[0].columns)


def card_rows(sheet: Sheet, columns: int) -> Sequence[list[Cell]]:
    return [row[:columns] for row in sheet.rows]
