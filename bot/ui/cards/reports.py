"""The leads' overviews: the latest job orders (``jobordrer``) and the results per scheme (``rapport``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.domain.outcomes import OutcomeReport, OutcomeRow
from bot.domain.states import HIRED_STATES, FollowUpState
from bot.ui import texts
from bot.ui.cards.base import (
    NOTICE_WARNING,
    Card,
    adaptive_card,
    date_text,
    list_item,
    notice,
    text_block,
    title_block,
)
from matching.models import JobOrder

# Follow-ups between the leads' approval and an answer from the company: the list's "I forløb" column.
_IN_PROGRESS = (
    FollowUpState.GODKENDT,
    FollowUpState.KONTAKTET,
    FollowUpState.ANSOEGT,
    FollowUpState.HENVIST,
    FollowUpState.SAMTALE,
)


def _job_item(job: JobOrder, counts: Mapping[FollowUpState, int], today: date) -> dict[str, Any]:
    """One job order as two lines (a six-column table broke words at 360 px and on a laptop)."""
    deadline = texts.CARD_JOB_LIST_NO_DEADLINE
    if job.deadline is not None:
        expired = job.deadline < today
        form = texts.CARD_JOB_LIST_DEADLINE_EXPIRED if expired else texts.CARD_JOB_LIST_DEADLINE
        deadline = form.format(deadline=date_text(job.deadline, short=True))
    counts_line = texts.CARD_JOB_LIST_COUNTS.format(
        deadline=deadline,
        waiting=counts.get(FollowUpState.FORESLAAET, 0),
        in_progress=sum(counts.get(s, 0) for s in _IN_PROGRESS),
        hired=sum(counts.get(s, 0) for s in HIRED_STATES),
    )
    title = texts.CARD_JOB_LIST_ITEM.format(job_order_id=job.id, title=job.title, company=job.company)
    return list_item(title, [counts_line])


def job_list_card(jobs: Sequence[tuple[JobOrder, Mapping[FollowUpState, int]]], today: date) -> Card:
    """The latest job orders with what waits for the leads, what is in progress and who got the job."""
    body: list[dict[str, Any]] = [title_block(texts.CARD_JOB_LIST_TITLE)]
    if not jobs:
        body.append(text_block(texts.CARD_JOB_LIST_EMPTY))
        return adaptive_card(body, fallback=texts.CARD_JOB_LIST_TITLE)
    body += [_job_item(job, counts, today) for job, counts in jobs]
    body.append(text_block(texts.CARD_JOB_LIST_NOTE, isSubtle=True, size="Small", separator=True))
    return adaptive_card(body, fallback=texts.CARD_JOB_LIST_TITLE)


def _percent(value: float | None) -> str:
    return texts.CARD_REPORT_NONE if value is None else texts.CARD_PERCENT.format(value=value)


def _share(report: OutcomeReport, row: OutcomeRow) -> str:
    """The share in percent, or "1 af 1 *" when too few were checked for a percentage to mean much."""
    if report.too_few(row):
        return texts.CARD_REPORT_FEW.format(in_job=row.in_job, checked=row.checked)
    return _percent(row.share)


def _report_item(
    report: OutcomeReport, row: OutcomeRow, name: str, reference: str, *, total: bool = False
) -> dict[str, Any]:
    """One scheme as a title and two lines (seven columns do not fit a phone): counts, then the share
    next to the administration's figure."""
    counts = texts.CARD_REPORT_COUNTS.format(
        hired=row.hired, in_job=row.in_job, stopped=row.stopped, waiting=row.pending + row.check_overdue
    )
    share = texts.CARD_REPORT_SHARE.format(
        share=_share(report, row), reference=reference, reference_share=_percent(row.reference)
    )
    item = list_item(name, [counts, share])
    if total:
        item["style"] = "emphasis"
    return item


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
    reference = report.reference_label
    named = [(r, r.employment_type.label) for r in report.rows if r.employment_type]
    body += [_report_item(report, r, name, reference) for r, name in named]
    body.append(_report_item(report, report.total, texts.CARD_REPORT_TOTAL, reference, total=True))
    if report.clause_hired:
        clause = texts.CARD_REPORT_CLAUSE.format(hired=report.clause_hired, in_job=report.clause_in_job)
        body.append(text_block(clause))
    if report.total.check_overdue:
        overdue = texts.CARD_REPORT_OVERDUE.format(count=report.total.check_overdue)
        body.append(notice(NOTICE_WARNING, overdue))
    if any(report.too_few(r) for r in (*report.rows, report.total)):
        few = texts.CARD_REPORT_FEW_NOTE.format(min=report.min_count_for_share, source=report.few_source)
        body.append(text_block(few, isSubtle=True, size="Small"))
    note = texts.CARD_REPORT_NOTE.format(reference=report.reference_label, source=report.reference_source)
    body.append(text_block(note, isSubtle=True, size="Small"))
    return adaptive_card(body, fallback=texts.CARD_REPORT_TITLE)
