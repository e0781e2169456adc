"""The leads' overviews: the latest job orders (``jobordrer``) and the results per scheme (``rapport``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.domain.outcomes import OutcomeReport, OutcomeRow
from bot.domain.states import HIRED_STATES, FollowUpState
from bot.ui import texts
from bot.ui.cards.base import Card, adaptive_card, table, text_block, title_block, when
from matching.models import JobOrder

# Follow-ups between the leads' approval and an answer from the company: the list's "I forløb" column.
_IN_PROGRESS = (
    FollowUpState.GODKENDT,
    FollowUpState.KONTAKTET,
    FollowUpState.ANSOEGT,
    FollowUpState.HENVIST,
    FollowUpState.SAMTALE,
)


def _job_row(job: JobOrder, counts: Mapping[FollowUpState, int], today: date) -> list[str]:
    deadline = when(job.deadline)
    if job.deadline is not None and job.deadline < today:
        deadline = texts.CARD_JOB_LIST_EXPIRED.format(deadline=deadline)
    return [
        job.id,
        texts.CARD_JOB_LIST_JOB.format(title=job.title, company=job.company),
        deadline or texts.CARD_REPORT_NONE,
        str(counts.get(FollowUpState.FORESLAAET, 0)),
        str(sum(counts.get(s, 0) for s in _IN_PROGRESS)),
        str(sum(counts.get(s, 0) for s in HIRED_STATES)),
    ]


def job_list_card(jobs: Sequence[tuple[JobOrder, Mapping[FollowUpState, int]]], today: date) -> Card:
    """The latest job orders with what waits for the leads, what is in progress and who got the job."""
    body: list[dict[str, Any]] = [title_block(texts.CARD_JOB_LIST_TITLE)]
    if not jobs:
        body.append(text_block(texts.CARD_JOB_LIST_EMPTY))
        return adaptive_card(body, fallback=texts.CARD_JOB_LIST_TITLE)
    rows = [list(texts.CARD_JOB_LIST_COLUMNS)]
    rows += [_job_row(job, counts, today) for job, counts in jobs]
    body.append(table(rows, [2, 4, 2, 1, 1, 1]))
    body.append(text_block(texts.CARD_JOB_LIST_NOTE, isSubtle=True, size="Small"))
    return adaptive_card(body, fallback=texts.CARD_JOB_LIST_TITLE)


def _percent(value: float | None) -> str:
    return texts.CARD_REPORT_NONE if value is None else texts.CARD_PERCENT.format(value=value)


def _report_cells(row: OutcomeRow, name: str) -> list[str]:
    waiting = row.pending + row.check_overdue
    counts = [row.hired, row.in_job, row.stopped, waiting]
    return [name, *map(str, counts), _percent(row.share), _percent(row.reference)]


def report_card(report: OutcomeReport) -> Card:
    """Hires per scheme and the share in job in the 3rd month, next to the administration's figure.

    A Table (Adaptive Cards 1.5): status against a reference in percent is the format leads know.
    """
    period = report.period
    scope = texts.CARD_REPORT_ALL
    if period:
        scope = texts.CARD_REPORT_PERIOD.format(period=texts.period_text(period))
    body: list[dict[str, Any]] = [title_block(texts.CARD_REPORT_TITLE), text_block(scope, isSubtle=True)]
    if not report.rows:
        body.append(text_block(texts.CARD_REPORT_EMPTY))
        return adaptive_card(body, fallback=texts.CARD_REPORT_TITLE)
    header = [c.format(reference=report.reference_label) for c in texts.CARD_REPORT_COLUMNS]
    rows = [header, *(_report_cells(r, r.employment_type.label) for r in report.rows if r.employment_type)]
    rows.append(_report_cells(report.total, texts.CARD_REPORT_TOTAL))
    body.append(table(rows, [3, 1, 1, 1, 1, 1, 1], bold_last=True))
    if report.clause_hired:
        clause = texts.CARD_REPORT_CLAUSE.format(hired=report.clause_hired, in_job=report.clause_in_job)
        body.append(text_block(clause))
    if report.total.check_overdue:
        overdue = texts.CARD_REPORT_OVERDUE.format(count=report.total.check_overdue)
        body.append(text_block(overdue, color="Warning"))
    note = texts.CARD_REPORT_NOTE.format(reference=report.reference_label, source=report.reference_source)
    body.append(text_block(note, isSubtle=True, size="Small"))
    return adaptive_card(body, fallback=texts.CARD_REPORT_TITLE)
