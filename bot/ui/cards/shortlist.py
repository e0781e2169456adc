"""The shortlist card in the match unit's channel: the job order, the ranked candidates, the leads'
decisions and the buttons to approve, reject, show more and send the approved on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.states import FollowUpState
from bot.ui import texts
from bot.ui.cards.base import (
    NOTICE_GOOD,
    NOTICE_WARNING,
    VERB_APPROVE,
    VERB_REJECT,
    VERB_SEND_APPROVED,
    VERB_SHOW_MORE,
    Card,
    action,
    adaptive_card,
    bullet,
    notice,
    text_block,
    title_block,
    when,
)
from bot.ui.cards.job_orders import job_facts, job_warnings
from matching.models import JobOrder, da_number

SHOW_FIRST = 5
SHOW_STEP = 5


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """One candidate on the shortlist card: pseudonymous id, never a name."""

    rank: int
    candidate_id: str
    jobcenter: str
    consultant: str
    score: float
    reasons: Sequence[str]
    state: str = FollowUpState.FORESLAAET.value
    version: int = 0
    decision_label: str | None = None  # the lead's decision ("Godkendt"/"Afvist" …), None while undecided
    decided_by: str | None = None  # who made that decision, and when (never a later status change)
    decided_at: datetime | None = None
    status_label: str | None = None  # the follow-up status when it has moved on from the decision
    status_by: str | None = None
    status_at: datetime | None = None
    reason: str | None = None
    handed_over: bool = False
    unreachable: bool = False
    # The scheme fields a lead reads ("Jobparat · dagpenge · 30–49 år · ufaglært") and what the
    # scheme rules flag for this candidate on this job order (matching.schemes.candidate_notes).
    profile: str | None = None
    notes: Sequence[str] = ()
    interest: str | None = None  # the consultant's answer to "Er kandidaten interesseret?" as a line
    interest_declined: bool = False  # answered Nej: the row goes below those who may still take the job
    interest_warning: bool = False  # no answer in time, or the consultant cannot be reached


@dataclass(frozen=True, slots=True)
class ShortlistView:
    job: JobOrder
    rows: Sequence[CandidateRow]
    considered: int = 0
    excluded: Mapping[str, int] = field(default_factory=dict)
    shown: int = SHOW_FIRST
    sent_note: str | None = None  # the last "Send godkendte", as stored: "2 godkendte sendt … af …"
    revised_at: datetime | None = None  # from the stored job order: shown on every redraw once revised
    deciders: Sequence[str] = ()  # MATCH_LEADS; empty = everyone in the channel may decide


def _reject_form(job_id: str, row: CandidateRow) -> dict[str, Any]:
    choices = [{"title": label, "value": code} for code, label in texts.CARD_REJECT_REASONS.items()]
    data = {"job": job_id, "cand": row.candidate_id, "v": row.version}
    return {
        "type": "Action.ShowCard",
        "title": texts.CARD_REJECT,
        "card": {
            "type": "AdaptiveCard",
            "body": [
                {
                    "type": "Input.ChoiceSet",
                    "id": f"reason_{row.candidate_id}",
                    "label": texts.CARD_REJECT_REASON,
                    "placeholder": texts.CARD_REJECT_REASON_PLACEHOLDER,
                    "choices": choices,
                    "isRequired": True,
                    "errorMessage": texts.CARD_REJECT_REASON,
                },
                {
                    "type": "Input.Text",
                    "id": f"note_{row.candidate_id}",
                    "isMultiline": False,
                    "maxLength": 300,
                    "placeholder": texts.CARD_REJECT_NOTE_PLACEHOLDER,
                },
            ],
            "actions": [action(texts.CARD_REJECT_CONFIRM, VERB_REJECT, data, style="destructive")],
        },
    }


def _decision_lines(row: CandidateRow) -> list[dict[str, Any]]:
    """The lead's decision, the later status and the hand-over, each only once it exists."""
    lines: list[dict[str, Any]] = []
    if row.decision_label:
        actor = row.decided_by or texts.CARD_UNKNOWN_ACTOR
        decided = texts.CARD_DECIDED.format(label=row.decision_label, actor=actor, when=when(row.decided_at))
        if row.reason:
            decided += texts.CARD_DECIDED_REASON.format(reason=row.reason)
        color = "Good" if row.state != FollowUpState.AFVIST.value else "Attention"
        lines.append(text_block(decided, weight="Bolder", color=color))
    if row.status_label:
        status = texts.CARD_ROW_STATUS.format(
            label=row.status_label, when=when(row.status_at), actor=row.status_by or texts.CARD_UNKNOWN_ACTOR
        )
        lines.append(text_block(status, spacing="None"))
    if row.interest:
        color = "Attention" if row.interest_declined else "Warning" if row.interest_warning else "Default"
        lines.append(text_block(row.interest, spacing="None", color=color))
    if row.handed_over:
        lines.append(text_block(texts.CARD_HANDED_OVER, isSubtle=True, spacing="None"))
    if row.unreachable:
        lines.append(text_block(texts.CARD_UNREACHABLE, color="Warning", weight="Bolder", spacing="None"))
    return lines


def _candidate_block(job_id: str, row: CandidateRow) -> list[dict[str, Any]]:
    line = texts.CARD_CANDIDATE_LINE.format(
        rank=row.rank,
        candidate_id=row.candidate_id,
        jobcenter=row.jobcenter,
        consultant=row.consultant,
        score=da_number(row.score),  # Danish decimal comma, as in "4,5 km"
    )
    items: list[dict[str, Any]] = [text_block(line)]
    if row.profile:
        items.append(text_block(row.profile, spacing="None"))
    for note in row.notes:
        items.append(text_block(texts.CARD_CANDIDATE_NOTE.format(note=note), spacing="None", color="Warning"))
    items += [text_block(bullet(r), spacing="None", isSubtle=True) for r in list(row.reasons)[:3]]
    items += _decision_lines(row)
    if row.state == FollowUpState.FORESLAAET.value:
        data = {"job": job_id, "cand": row.candidate_id, "v": row.version}
        items.append(
            {
                "type": "ActionSet",
                "actions": [
                    action(texts.CARD_APPROVE, VERB_APPROVE, data, style="positive"),
                    _reject_form(job_id, row),
                ],
            }
        )
    return [{"type": "Container", "separator": True, "items": items}]


def _header(view: ShortlistView, shown: int) -> list[dict[str, Any]]:
    """The job order, then what the leads should know before deciding: revision, who decides, counts."""
    job = view.job
    body: list[dict[str, Any]] = [
        title_block(texts.CARD_SHORTLIST_TITLE.format(title=job.title, company=job.company)),
        text_block(texts.CARD_JOB_ORDER_ID.format(job_order_id=job.id), isSubtle=True, spacing="None"),
        job_facts(job),
        *job_warnings(job),
    ]
    if view.revised_at is not None:
        revised = texts.CARD_REVISED.format(when=when(view.revised_at))
        body.append(text_block(revised, weight="Bolder", color="Warning"))
    if view.deciders:
        body.append(text_block(texts.CARD_DECIDERS.format(leads=", ".join(view.deciders)), isSubtle=True))
    if view.considered:
        considered = texts.CARD_CONSIDERED.format(considered=view.considered, shown=shown)
        body.append(text_block(considered, isSubtle=True))
    if view.excluded:
        summary = texts.excluded_summary(view.excluded)
        body.append(text_block(texts.CARD_EXCLUDED.format(summary=summary), isSubtle=True, spacing="None"))
    return body


def shortlist_card(view: ShortlistView) -> Card:
    job = view.job
    # Those who said no to the job go last, after the page of candidates who may still take it, and
    # are always shown (short rows without buttons), so the leads see why the list moved on.
    open_rows = [r for r in view.rows if not r.interest_declined]
    page = open_rows[: max(view.shown, 1)]
    shown = page + [r for r in view.rows if r.interest_declined]
    body = _header(view, len(shown))
    for row in shown:
        body += _candidate_block(job.id, row)
    if view.sent_note:
        body.append(notice(NOTICE_GOOD, view.sent_note, separator=True))
    waiting = sum(1 for r in view.rows if r.unreachable)
    if waiting:  # from the stored hand-over states: gone once the consultants are reached
        body.append(notice(NOTICE_WARNING, texts.CARD_HANDOVER_WAITING.format(count=waiting), spacing="None"))
    actions = []
    if len(open_rows) > len(page):
        actions.append(action(texts.CARD_SHOW_MORE, VERB_SHOW_MORE, {"job": job.id, "shown": len(page)}))
    if any(r.state == FollowUpState.GODKENDT.value and not r.handed_over for r in view.rows):
        actions.append(
            action(texts.CARD_SEND_APPROVED, VERB_SEND_APPROVED, {"job": job.id}, style="positive")
        )
    return adaptive_card(
        body, actions, fallback=texts.CARD_SHORTLIST_TITLE.format(title=job.title, company=job.company)
    )
