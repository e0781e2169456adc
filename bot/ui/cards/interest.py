"""Interest before review and escalation cards: "Er kandidaten interesseret?" 1:1 to the candidate's
consultant (the job's facts, no names), and the 1:1 note a lead gets when a shortlist stays undecided."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.escalation import ANSWERS, Interest, InterestStatus
from bot.ui import texts
from bot.ui.cards.base import (
    VERB_INTEREST,
    Card,
    action,
    adaptive_card,
    bullet,
    no_links,
    text_block,
    title_block,
    when,
)
from bot.ui.cards.job_orders import place
from matching.models import EmploymentType, JobOrder

_BUTTONS = {
    Interest.YES: (texts.INTEREST_YES, "positive"),
    Interest.NO: (texts.INTEREST_NO, "destructive"),
    Interest.NOT_YET: (texts.INTEREST_NOT_YET, None),
}


def interest_facts(job: JobOrder) -> dict[str, Any]:
    """What the consultant needs to ask the candidate: title, scheme, hours, place, start, deadline.
    No company contact, no names."""
    facts = [
        (texts.CARD_FACT_TITLE, job.title),
        (texts.CARD_FACT_TYPE, EmploymentType(job.employment_type).label),
        (texts.CARD_FACT_HOURS, texts.CARD_HOURS.format(hours=job.hours_per_week)),
        (texts.CARD_FACT_PLACE, place(job.postcode)),
        (texts.CARD_FACT_START, when(job.start_date) if job.start_date else texts.CARD_NONE),
        (texts.CARD_FACT_DEADLINE, when(job.deadline) or texts.CARD_NO_DEADLINE),
    ]
    return {"type": "FactSet", "facts": [{"title": t, "value": no_links(v)} for t, v in facts]}


def interest_card(
    job: JobOrder, candidate_id: str, closes_at: datetime, status: InterestStatus | None = None
) -> Card:
    """The question with Ja / Nej / Ved ikke endnu; once answered, the answer (and no buttons after Nej)."""
    body: list[dict[str, Any]] = [
        title_block(texts.INTEREST_TITLE),
        text_block(texts.INTEREST_INTRO.format(candidate_id=candidate_id)),
        interest_facts(job),
        text_block(texts.CARD_JOB_ORDER_ID.format(job_order_id=job.id), isSubtle=True, spacing="None"),
    ]
    answered = status is not None and status.answer in ANSWERS
    if status is not None and answered:
        label = texts.INTEREST_ANSWER_LABELS[status.answer.value]
        body.append(
            text_block(texts.INTEREST_YOUR_ANSWER.format(answer=label, when=when(status.at)), weight="Bolder")
        )
    else:
        body.append(text_block(texts.INTEREST_ANSWER_BY.format(when=when(closes_at)), isSubtle=True))
    actions = []
    if status is None or status.answer is not Interest.NO:
        data = {"job": job.id, "cand": candidate_id, "v": 0}
        for answer, (title, style) in _BUTTONS.items():
            actions.append(action(title, VERB_INTEREST, {**data, "answer": answer.value}, style=style))
    return adaptive_card(body, actions, fallback=texts.INTEREST_TITLE)


def escalation_card(message: str, lines: Sequence[str] = ()) -> Card:
    """A 1:1 note to a lead: what has waited too long (one line each when several), and where to act."""
    body = [title_block(texts.ESCALATION_TITLE), text_block(message)]
    body += [text_block(bullet(line), spacing="None") for line in lines]
    return adaptive_card(body, [], fallback=texts.ESCALATION_TITLE)
