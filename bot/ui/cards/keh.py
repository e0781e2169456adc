"""KEH's card: one 1:1 card per job order for Københavns Erhvervshus's virksomhedskonsulent, updated
in place on every change (shortlist posted, approved, referred, interview, filled), with what KEH can
report back: *Besat* (how many), *Annulleret*, *Ønsker flere kandidater*, and the company's answer per
referred candidate (*Ansat* with a start date / *Afslag* with a reason from the list).

Candidates are pseudonymous ids, as everywhere; the company contact is a role, never a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.job_order_states import REJECTION_REASONS, JobOrderState
from bot.domain.models import Funnel
from bot.domain.states import FollowUpState
from bot.ui import texts
from bot.ui.cards.base import Card, action, adaptive_card, text_block, title_block, when
from matching.models import JobOrder

VERB_KEH_FILLED = "keh_besat"
VERB_KEH_CANCEL = "keh_annulleret"
VERB_KEH_MORE = "keh_flere"
VERB_KEH_HIRED = "keh_ansat"
VERB_KEH_REJECTED = "keh_afslag"
KEH_VERBS = frozenset({VERB_KEH_FILLED, VERB_KEH_CANCEL, VERB_KEH_MORE, VERB_KEH_HIRED, VERB_KEH_REJECTED})
KEH_FILLED_INPUT = "keh_antal"


def start_input(candidate_id: str) -> str:
    """The id of a referred candidate's start date input (read with *Ansat*)."""
    return f"keh_start_{candidate_id}"


def reason_input(candidate_id: str) -> str:
    """The id of a referred candidate's *Afslag* reason input."""
    return f"keh_aarsag_{candidate_id}"


# Where the company has the candidate: referred (henvist), applied (ansøgt) or at an interview.
AT_COMPANY: tuple[FollowUpState, ...] = (FollowUpState.ANSOEGT, FollowUpState.HENVIST, FollowUpState.SAMTALE)


@dataclass(frozen=True)
class ReferredRow:
    """A candidate the company has (or had) in hand: id, state, the record's version."""

    candidate_id: str
    state: FollowUpState
    version: int


@dataclass(frozen=True)
class KehView:
    job: JobOrder
    state: JobOrderState
    funnel: Funnel | None
    referred: Sequence[ReferredRow]
    note: str | None = None


def _progress(funnel: Funnel | None) -> str:
    if funnel is None or not any(funnel.reached.values()):
        return texts.KEH_CARD_NO_SHORTLIST
    reached = funnel.reached
    referred = reached[FollowUpState.HENVIST] + reached[FollowUpState.ANSOEGT]
    return texts.KEH_CARD_PROGRESS.format(
        proposed=reached[FollowUpState.FORESLAAET],
        approved=reached[FollowUpState.GODKENDT],
        referred=referred,
        interview=reached[FollowUpState.SAMTALE],
        hired=reached[FollowUpState.ANSAT],
    )


def _candidate_block(view: KehView, row: ReferredRow) -> list[dict[str, Any]]:
    job, cand = view.job.id, row.candidate_id
    line = text_block(
        texts.KEH_CARD_CANDIDATE.format(candidate_id=cand, label=row.state.label),
        weight="Bolder",
        separator=True,
    )
    if row.state not in AT_COMPANY:  # answered already (or not yet with the company): a line only
        return [line]
    data = {"job": job, "cand": cand, "v": row.version}
    inputs: list[dict[str, Any]] = []
    buttons: list[dict[str, Any]] = []
    if FollowUpState.ANSAT in row.state.allowed_next:
        inputs.append({"type": "Input.Date", "id": start_input(cand), "label": texts.KEH_CARD_START_LABEL})
        buttons.append(action(texts.KEH_BUTTON_HIRED, VERB_KEH_HIRED, data, style="positive"))
    choices = [{"title": texts.KEH_REJECTION_LABELS[r], "value": r} for r in REJECTION_REASONS]
    inputs.append(
        {
            "type": "Input.ChoiceSet",
            "id": reason_input(cand),
            "label": texts.KEH_CARD_REASON_LABEL,
            "choices": choices,
            "placeholder": texts.KEH_CARD_REASON_PLACEHOLDER,
        }
    )
    buttons.append(action(texts.KEH_BUTTON_REJECTED, VERB_KEH_REJECTED, data))
    return [line, *inputs, {"type": "ActionSet", "actions": buttons}]


def keh_card(view: KehView) -> Card:
    job, state = view.job, view.state
    title = texts.KEH_CARD_TITLE.format(job_order_id=job.id, title=job.title)
    facts = [
        {"title": texts.KEH_FACT_COMPANY, "value": job.company},
        {"title": texts.KEH_FACT_STATUS, "value": state.status.label},
        {
            "title": texts.KEH_FACT_FILLED,
            "value": texts.KEH_FILLED_OF.format(filled=state.filled, of=state.positions),
        },
    ]
    if job.company_contact_role:
        facts.append({"title": texts.KEH_FACT_CONTACT_ROLE, "value": job.company_contact_role})
    if job.deadline:
        facts.append({"title": texts.KEH_FACT_DEADLINE, "value": when(job.deadline)})
    body: list[dict[str, Any]] = [title_block(title)]
    if view.note:
        body.append(text_block(view.note, color="Accent", weight="Bolder"))
    body += [{"type": "FactSet", "facts": facts}, text_block(_progress(view.funnel))]
    if view.referred:
        body.append(text_block(texts.KEH_CARD_REFERRED, weight="Bolder"))
        for row in view.referred:
            body += _candidate_block(view, row)
    actions: list[dict[str, Any]] = []
    if state.status.is_final:
        body.append(text_block(texts.KEH_CARD_CLOSED.format(status=state.status.label.lower()), color="Good"))
    else:
        data = {"job": job.id, "v": state.version}
        body.append(
            {
                "type": "Input.Number",
                "id": KEH_FILLED_INPUT,
                "label": texts.KEH_CARD_FILLED_LABEL,
                "min": 1,
                "max": state.positions,
                "value": max(state.filled, 1),
            }
        )
        actions = [
            action(texts.KEH_BUTTON_FILLED, VERB_KEH_FILLED, data, style="positive"),
            action(texts.KEH_BUTTON_CANCEL, VERB_KEH_CANCEL, data, style="destructive"),
            action(texts.KEH_BUTTON_MORE, VERB_KEH_MORE, data),
        ]
    return adaptive_card(body, actions, fallback=title)
