"""Every Adaptive Card (1.5, what Teams renders) the bot sends, built in one place.

Why plain dicts: the card JSON is the contract with Teams and with the schema tests; a builder
library would hide exactly what we need to see. Cards take small view objects (``CandidateRow``,
``StatusView``) so they never touch Redis or the matcher and are easy to test.

Buttons are ``Action.Execute`` (Teams sends an ``adaptiveCard/action`` invoke and shows the card
we answer with) with an ``Action.Submit`` fallback (older clients send a message with ``value``).
Both carry the same ``data``: ``{"verb": ..., "job": ..., "cand": ..., "v": <version>}``, so one
handler serves both paths. ``v`` is the follow-up version the card was drawn from; together with
the verb it forms the idempotency key that makes a double click harmless.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.models import Funnel
from bot.domain.outcomes import OutcomeReport, OutcomeRow
from bot.domain.states import (
    FUNNEL_EXITS,
    FUNNEL_PATH,
    HIRED_STATES,
    NEEDS_DATE,
    FollowUpState,
    consultant_next,
)
from bot.ui import texts
from matching.geo import postcodes
from matching.models import EmploymentType, JobOrder, certificate_label, da_number

Card = dict[str, Any]

CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# Verbs: the only strings a button can send back.
VERB_APPROVE = "godkend"
VERB_REJECT = "afvis"
VERB_SHOW_MORE = "vis_flere"
VERB_SEND_APPROVED = "send_godkendte"
VERB_STATUS = "status"
VERB_SAVE_JOB_ORDER = "gem_jobordre"
VERB_MATCH = "match"
VERBS = frozenset(
    {
        VERB_APPROVE,
        VERB_REJECT,
        VERB_SHOW_MORE,
        VERB_SEND_APPROVED,
        VERB_STATUS,
        VERB_SAVE_JOB_ORDER,
        VERB_MATCH,
    }
)

# Quick status buttons on hand-over and reminder cards: exactly the steps the state machine allows
# from the current state (bot.domain.states.consultant_next), labels in texts.STATUS_BUTTON_LABELS.

# Date input on consultant cards: interview date for "samtale", start date for "ansat".
STATUS_DATE_INPUT = "dato"
# States in which the hand-over card's "do this before the deadline" line still applies.
_BEFORE_APPLYING = frozenset({FollowUpState.GODKENDT.value, FollowUpState.KONTAKTET.value})

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
    state: str = "foreslaaet"
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


@dataclass(frozen=True, slots=True)
class StatusView:
    """A follow-up as the consultant sees it on hand-over and reminder cards."""

    job_order_id: str
    candidate_id: str
    state: str
    state_label: str
    version: int
    updated_at: datetime | None = None
    deadline: date | None = None
    note: str | None = None  # last change, e.g. "Status sat til Kontaktet af … "
    referred: bool = False  # the candidate was henvist med mødepligt on this job order


@dataclass(frozen=True, slots=True)
class ShortlistView:
    job: JobOrder
    rows: Sequence[CandidateRow]
    considered: int = 0
    excluded: Mapping[str, int] = field(default_factory=dict)
    shown: int = SHOW_FIRST
    sent_note: str | None = None  # this redraw only, e.g. "2 godkendte sendt …"
    revised_at: datetime | None = None  # from the stored job order: shown on every redraw once revised
    deciders: Sequence[str] = ()  # MATCH_LEADS; empty = everyone in the channel may decide


# --- small helpers -----------------------------------------------------------------------------------


# Caseworkers read Copenhagen wall-clock time; the store keeps UTC. Needs the IANA database (the
# ``tzdata`` package provides it where the OS has none, e.g. the slim Docker image).
LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


def local(moment: datetime) -> datetime:
    """A moment in Copenhagen time (CET/CEST by date); a naive datetime is taken to be UTC, as stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_ZONE)


def when(moment: datetime | date | None) -> str:
    """Danish short date/time in Copenhagen time: '23.11.2026 kl. 09:15'; a date stays a date."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):  # before date: a datetime is also a date
        return local(moment).strftime("%d.%m.%Y kl. %H:%M")
    return moment.strftime("%d.%m.%Y")


def with_notice(card: Card, notice: str) -> Card:
    """The card with a notice for the person who pressed on top (Action.Execute answers that person
    only): "allerede godkendt af …" is theirs to read, not a message to the whole channel."""
    body = [_text(notice, color="Warning", weight="Bolder"), *card.get("body", [])]
    return {**card, "body": body}


def attachment(card: Card) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": card}


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None, *, fallback: str) -> Card:
    card: Card = {
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "fallbackText": _no_links(fallback),
    }
    if actions:
        card["actions"] = actions
    return card


def _no_links(text: str) -> str:
    """Break Markdown link syntax: a job title like '[Klik her](http://…)' from outside must not
    become a link on a card in the municipality's channel (our own texts use no links)."""
    return text.replace("](", "] (")


def _text(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": _no_links(text), "wrap": True, **extra}


def _title(text: str) -> dict[str, Any]:
    return _text(text, size="Large", weight="Bolder")


def action(title: str, verb: str, data: Mapping[str, Any], *, style: str | None = None) -> dict[str, Any]:
    """An Action.Execute with an Action.Submit fallback carrying the same data."""
    payload = {"verb": verb, **data}
    submit: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": payload}
    execute: dict[str, Any] = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        "fallback": submit,
    }
    if style:
        execute["style"] = style
        submit["style"] = style
    return execute


def place(postcode: str) -> str:
    table = postcodes()
    return f"{postcode} {table.name(postcode)}" if postcode in table else postcode


def job_facts(job: JobOrder) -> dict[str, Any]:
    flags = [
        label
        for on, label in (
            (job.referral_with_obligation, texts.CARD_FLAG_REFERRAL),
            (job.employment_clause, texts.CARD_FLAG_CLAUSE),
        )
        if on
    ]
    certs = ", ".join(certificate_label(c) for c in job.required_certificates) or texts.CARD_NONE
    facts = [
        (texts.CARD_FACT_COMPANY, job.company),
        (texts.CARD_FACT_TITLE, job.title),
        (texts.CARD_FACT_TYPE, EmploymentType(job.employment_type).label),
        (texts.CARD_FACT_HOURS, texts.CARD_HOURS.format(hours=job.hours_per_week)),
        (texts.CARD_FACT_PLACE, place(job.postcode)),
        (texts.CARD_FACT_DEADLINE, when(job.deadline) or texts.CARD_NO_DEADLINE),
        (texts.CARD_FACT_CERTIFICATES, certs),
    ]
    if job.start_date:
        facts.append((texts.CARD_FACT_START, when(job.start_date)))
    if job.duration_weeks:
        facts.append((texts.CARD_FACT_DURATION, texts.CARD_WEEKS.format(weeks=job.duration_weeks)))
    if job.positions > 1:
        facts.append((texts.CARD_FACT_POSITIONS, str(job.positions)))
    if flags:
        facts.append((texts.CARD_FACT_FLAGS, ", ".join(flags)))
    return {"type": "FactSet", "facts": [{"title": t, "value": _no_links(v)} for t, v in facts]}


# --- shortlist card -------------------------------------------------------------------------------------


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


def _candidate_block(job_id: str, row: CandidateRow) -> list[dict[str, Any]]:
    line = texts.CARD_CANDIDATE_LINE.format(
        rank=row.rank,
        candidate_id=row.candidate_id,
        jobcenter=row.jobcenter,
        consultant=row.consultant,
        score=da_number(row.score),  # Danish decimal comma, as in "4,5 km"
    )
    items: list[dict[str, Any]] = [_text(line)]
    items += [_text(f"• {r}", spacing="None", isSubtle=True) for r in list(row.reasons)[:3]]
    if row.decision_label:
        decided = texts.CARD_DECIDED.format(
            label=row.decision_label, actor=row.decided_by or "?", when=when(row.decided_at)
        )
        if row.reason:
            decided += f" ({row.reason})"
        color = "Good" if row.state != "afvist" else "Attention"
        items.append(_text(decided, weight="Bolder", color=color))
    if row.status_label:
        status = texts.CARD_ROW_STATUS.format(
            label=row.status_label, when=when(row.status_at), actor=row.status_by or "?"
        )
        items.append(_text(status, spacing="None"))
    if row.handed_over:
        items.append(_text(texts.CARD_HANDED_OVER, isSubtle=True, spacing="None"))
    if row.unreachable:
        items.append(_text(texts.CARD_UNREACHABLE, color="Warning", weight="Bolder", spacing="None"))
    if row.state == "foreslaaet":
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


def shortlist_card(view: ShortlistView) -> Card:
    job = view.job
    body: list[dict[str, Any]] = [
        _title(texts.CARD_SHORTLIST_TITLE.format(title=job.title, company=job.company)),
        _text(texts.CARD_JOB_ORDER_ID.format(job_order_id=job.id), isSubtle=True, spacing="None"),
        job_facts(job),
    ]
    if view.revised_at is not None:
        revised = texts.CARD_REVISED.format(when=when(view.revised_at))
        body.append(_text(revised, weight="Bolder", color="Warning"))
    if view.deciders:
        body.append(_text(texts.CARD_DECIDERS.format(leads=", ".join(view.deciders)), isSubtle=True))
    shown = list(view.rows)[: max(view.shown, 1)]
    if view.considered:
        body.append(
            _text(texts.CARD_CONSIDERED.format(considered=view.considered, shown=len(shown)), isSubtle=True)
        )
    if view.excluded:
        summary = texts.excluded_summary(view.excluded)
        body.append(_text(texts.CARD_EXCLUDED.format(summary=summary), isSubtle=True, spacing="None"))
    for row in shown:
        body += _candidate_block(job.id, row)
    if view.sent_note:
        body.append(_text(view.sent_note, weight="Bolder", separator=True))
    actions = []
    if len(view.rows) > len(shown):
        actions.append(action(texts.CARD_SHOW_MORE, VERB_SHOW_MORE, {"job": job.id, "shown": len(shown)}))
    if any(r.state == "godkendt" and not r.handed_over for r in view.rows):
        actions.append(
            action(texts.CARD_SEND_APPROVED, VERB_SEND_APPROVED, {"job": job.id}, style="positive")
        )
    return _card(
        body, actions, fallback=texts.CARD_SHORTLIST_TITLE.format(title=job.title, company=job.company)
    )


# --- consultant cards -------------------------------------------------------------------------------------


def _next_states(status: StatusView) -> tuple[FollowUpState, ...]:
    """The state machine is the only source of what may come next; an unknown code offers nothing."""
    try:
        return consultant_next(FollowUpState(status.state))
    except ValueError:
        return ()


def _status_actions(status: StatusView) -> list[dict[str, Any]]:
    return [
        action(
            texts.STATUS_BUTTON_LABELS[to.value],
            VERB_STATUS,
            {"job": status.job_order_id, "cand": status.candidate_id, "to": to.value, "v": status.version},
        )
        for to in _next_states(status)
    ]


def _status_lines(status: StatusView) -> list[dict[str, Any]]:
    lines = [_text(texts.CARD_STATUS_NOW.format(label=status.state_label, when=when(status.updated_at)))]
    if status.note:
        lines.append(_text(status.note, weight="Bolder", spacing="None"))
    if not _next_states(status):  # closed: no buttons, so say why instead of "opdatér status med knapperne"
        lines.append(_text(texts.CARD_STATUS_CLOSED, isSubtle=True, spacing="None"))
    dated = [texts.STATUS_BUTTON_LABELS[s.value] for s in _next_states(status) if s in NEEDS_DATE]
    if dated:  # only when a possible next step needs a date (interview or start)
        label = texts.CARD_STATUS_DATE.format(labels=texts.quoted_list(dated))
        lines.append({"type": "Input.Date", "id": STATUS_DATE_INPUT, "label": label})
    return lines


def _do_next(job: JobOrder, deadline: date | None) -> list[dict[str, Any]]:
    """What the consultant does next: refer with obligation to attend when the company wants that."""
    if job.referral_with_obligation:
        if deadline:
            return [_text(texts.CARD_HANDOVER_DO_BY_REFERRAL.format(deadline=when(deadline)))]
        return [_text(texts.CARD_HANDOVER_REFERRAL)]
    return [_text(texts.CARD_HANDOVER_DO_BY.format(deadline=when(deadline)))] if deadline else []


def handover_card(job: JobOrder, row: CandidateRow, status: StatusView) -> Card:
    deadline = job.deadline or status.deadline
    body: list[dict[str, Any]] = [
        _title(texts.CARD_HANDOVER_TITLE.format(candidate_id=row.candidate_id)),
        _text(texts.CARD_HANDOVER_INTRO.format(candidate_id=row.candidate_id)),
        job_facts(job),
        _text(texts.CARD_HANDOVER_WHY, weight="Bolder"),
        *[_text(f"• {r}", spacing="None") for r in list(row.reasons)[:3]],
    ]
    if status.state in _BEFORE_APPLYING:  # after applying or referring, the instruction is old news
        body += _do_next(job, deadline)
    if status.state == FollowUpState.UDEBLEVET.value and status.referred:
        body.append(_text(texts.CARD_NO_SHOW_REFERRED, color="Warning"))
    body += _status_lines(status)
    return _card(
        body,
        _status_actions(status),
        fallback=texts.CARD_HANDOVER_TITLE.format(candidate_id=row.candidate_id),
    )


def reminder_card(status: StatusView, message: str) -> Card:
    title = texts.CARD_REMINDER_TITLE.format(
        candidate_id=status.candidate_id, job_order_id=status.job_order_id
    )
    body = [_title(title), _text(texts.CARD_REMINDER_TEXT.format(message=message)), *_status_lines(status)]
    return _card(body, _status_actions(status), fallback=title)


# --- job orders ----------------------------------------------------------------------------------------


def job_order_card(job: JobOrder) -> Card:
    title = texts.CARD_JOB_ORDER_TITLE.format(job_order_id=job.id, title=job.title)
    body: list[dict[str, Any]] = [_title(title), job_facts(job)]
    if job.description:
        body.append(_text(job.description[:1000]))
    return _card(
        body, [action(texts.CARD_MATCH_BUTTON, VERB_MATCH, {"job": job.id}, style="positive")], fallback=title
    )


def job_order_form_card(error: str | None = None, values: Mapping[str, Any] | None = None) -> Card:
    """A form to type a job order in by hand; the inputs' ids are JobOrder's field names.

    ``values``: what the user typed, shown again with the error, so a typo costs one field, not all.
    """
    types = [{"title": t.label, "value": t.value} for t in EmploymentType]
    body: list[dict[str, Any]] = [_title(texts.CARD_FORM_TITLE), _text(texts.CARD_FORM_INTRO, isSubtle=True)]
    if error:
        body.append(_text(error, color="Attention", weight="Bolder"))
    body += [
        {
            "type": "Input.Text",
            "id": "id",
            "label": texts.CARD_FORM_ID,
            "isRequired": True,
            "maxLength": 64,
            "errorMessage": texts.CARD_FORM_ID,
        },
        {
            "type": "Input.Text",
            "id": "title",
            "label": texts.CARD_FORM_TITLE_FIELD,
            "isRequired": True,
            "maxLength": 200,
            "errorMessage": texts.CARD_FORM_TITLE_FIELD,
        },
        {
            "type": "Input.Text",
            "id": "company",
            "label": texts.CARD_FORM_COMPANY,
            "isRequired": True,
            "maxLength": 200,
            "errorMessage": texts.CARD_FORM_COMPANY,
        },
        {
            "type": "Input.ChoiceSet",
            "id": "employment_type",
            "label": texts.CARD_FORM_TYPE,
            "choices": types,
            "value": EmploymentType.ORDINAERT_JOB.value,
        },
        {
            "type": "Input.Number",
            "id": "hours_per_week",
            "label": texts.CARD_FORM_HOURS,
            "min": 1,
            "max": 48,
            "value": 37,
            "isRequired": True,
            "errorMessage": texts.CARD_FORM_HOURS,
        },
        {
            "type": "Input.Text",
            "id": "postcode",
            "label": texts.CARD_FORM_POSTCODE,
            "isRequired": True,
            "maxLength": 4,
            "regex": "^\\d{4}$",
            "errorMessage": texts.CARD_FORM_POSTCODE,
        },
        {"type": "Input.Date", "id": "deadline", "label": texts.CARD_FORM_DEADLINE},
        {"type": "Input.Date", "id": "start_date", "label": texts.CARD_FORM_START},
        {
            "type": "Input.Number",
            "id": "duration_weeks",
            "label": texts.CARD_FORM_DURATION,
            "min": 1,
            "max": 104,
        },
        {
            "type": "Input.Number",
            "id": "positions",
            "label": texts.CARD_FORM_POSITIONS,
            "min": 1,
            "max": 500,
            "value": 1,
        },
        {
            "type": "Input.Text",
            "id": "required_certificates",
            "label": texts.CARD_FORM_CERTIFICATES,
            "maxLength": 300,
        },
        {
            "type": "Input.Text",
            "id": "description",
            "label": texts.CARD_FORM_DESCRIPTION,
            "isMultiline": True,
            "maxLength": 5000,
        },
        {
            "type": "Input.Toggle",
            "id": "referral_with_obligation",
            "title": texts.CARD_FORM_REFERRAL,
            "value": "false",
            "valueOn": "true",
            "valueOff": "false",
        },
        {
            "type": "Input.Toggle",
            "id": "employment_clause",
            "title": texts.CARD_FORM_CLAUSE,
            "value": "false",
            "valueOn": "true",
            "valueOff": "false",
        },
    ]
    for element in body:
        _refill(element, (values or {}).get(element.get("id", "")))
    actions = [
        action(texts.CARD_FORM_SUBMIT, VERB_SAVE_JOB_ORDER, {"then": ""}),
        action(texts.CARD_FORM_MATCH, VERB_SAVE_JOB_ORDER, {"then": "match"}, style="positive"),
    ]
    return _card(body, actions, fallback=texts.CARD_FORM_TITLE)


def _refill(element: dict[str, Any], typed: Any) -> None:
    """Put a typed value back into its input, as the input type wants it (numbers as numbers)."""
    if typed is None or typed == "" or not element.get("type", "").startswith("Input."):
        return
    if element["type"] == "Input.Number":
        try:
            element["value"] = float(typed) if "." in str(typed) else int(typed)
        except (TypeError, ValueError):
            element.pop("value", None)  # not a number: the user sees the empty field and the error
        return
    text = str(typed)
    element["value"] = text[: element["maxLength"]] if "maxLength" in element else text


FORM_FIELDS = (
    "id",
    "title",
    "company",
    "employment_type",
    "hours_per_week",
    "postcode",
    "deadline",
    "start_date",
    "duration_weeks",
    "positions",
    "required_certificates",
    "description",
    "referral_with_obligation",
    "employment_clause",
)


def form_errors(errors: Sequence[tuple[str, str]]) -> str:
    """Validation errors named by the form's Danish field names, not the JSON field names."""
    return "; ".join(f"{texts.CARD_FORM_FIELD_NAMES.get(f.split('.')[0], f)}: {m}" for f, m in errors)


def job_order_from_form(value: Mapping[str, Any]) -> dict[str, Any]:
    """The form's string inputs as JobOrder input (empty fields left out, lists split)."""
    out: dict[str, Any] = {}
    for name in FORM_FIELDS:
        raw = value.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if name == "required_certificates":
            out[name] = [c.strip() for c in str(raw).split(",") if c.strip()]
        elif name in ("referral_with_obligation", "employment_clause"):
            out[name] = str(raw).lower() == "true"
        else:
            out[name] = raw.strip() if isinstance(raw, str) else raw
    return out


# --- lists, help, funnel -----------------------------------------------------------------------------------


def help_card(commands: Sequence[tuple[str, str]], intro: str | None = None) -> Card:
    body: list[dict[str, Any]] = [_title(texts.HELP_TITLE)]
    if intro:
        body.append(_text(intro, weight="Bolder"))
    body.append(_text(texts.HELP_INTRO, isSubtle=True))
    body.append({"type": "FactSet", "facts": [{"title": u, "value": h} for u, h in commands]})
    return _card(body, fallback=texts.HELP_TITLE)


def _table(rows: Sequence[Sequence[str]], widths: Sequence[int], *, bold_last: bool = False) -> Card:
    """A Table whose first row is the header (bold); ``bold_last`` for a total row."""
    last = len(rows) - 1
    return {
        "type": "Table",
        "firstRowAsHeader": True,
        "columns": [{"width": w} for w in widths],
        "rows": [_table_row(r, bold=i == 0 or (bold_last and i == last)) for i, r in enumerate(rows)],
    }


def funnel_card(job_order_id: str, funnel: Funnel) -> Card:
    """The way to a job step by step (how many reached it, how many stand there now), then the ways out."""
    title = texts.CARD_FUNNEL_TITLE.format(job_order_id=job_order_id)
    path = [list(texts.CARD_FUNNEL_COLUMNS)]
    path += [[s.label, str(funnel.reached[s]), str(funnel.current[s])] for s in FUNNEL_PATH]
    exits = [list(texts.CARD_FUNNEL_EXIT_COLUMNS)] + [[s.label, str(funnel.current[s])] for s in FUNNEL_EXITS]
    body = [
        _title(title),
        _table(path, [3, 1, 1]),
        _text(texts.CARD_FUNNEL_EXITS, weight="Bolder"),
        _table(exits, [3, 1]),
        _text(texts.CARD_FUNNEL_NOTE, isSubtle=True, size="Small"),
    ]
    return _card(body, fallback=title)


def _percent(value: float | None) -> str:
    return texts.CARD_REPORT_NONE if value is None else f"{value:.0f} %"


def _table_row(cells: Sequence[str], *, bold: bool = False) -> dict[str, Any]:
    weight = {"weight": "Bolder"} if bold else {}
    return {
        "type": "TableRow",
        "cells": [{"type": "TableCell", "items": [_text(cell, **weight)]} for cell in cells],
    }


_IN_PROGRESS = (
    FollowUpState.GODKENDT,
    FollowUpState.KONTAKTET,
    FollowUpState.ANSOEGT,
    FollowUpState.HENVIST,
    FollowUpState.SAMTALE,
)


def job_list_card(jobs: Sequence[tuple[JobOrder, Mapping[FollowUpState, int]]], today: date) -> Card:
    """The latest job orders with what waits for the leads, what is in progress and who got the job."""
    body: list[dict[str, Any]] = [_title(texts.CARD_JOB_LIST_TITLE)]
    if not jobs:
        body.append(_text(texts.CARD_JOB_LIST_EMPTY))
        return _card(body, fallback=texts.CARD_JOB_LIST_TITLE)
    rows = [list(texts.CARD_JOB_LIST_COLUMNS)]
    for job, counts in jobs:
        deadline = when(job.deadline)
        if job.deadline is not None and job.deadline < today:
            deadline = texts.CARD_JOB_LIST_EXPIRED.format(deadline=deadline)
        rows.append(
            [
                job.id,
                f"{job.title} · {job.company}",
                deadline or texts.CARD_REPORT_NONE,
                str(counts.get(FollowUpState.FORESLAAET, 0)),
                str(sum(counts.get(s, 0) for s in _IN_PROGRESS)),
                str(sum(counts.get(s, 0) for s in HIRED_STATES)),
            ]
        )
    body.append(_table(rows, [2, 4, 2, 1, 1, 1]))
    body.append(_text(texts.CARD_JOB_LIST_NOTE, isSubtle=True, size="Small"))
    return _card(body, fallback=texts.CARD_JOB_LIST_TITLE)


def report_card(report: OutcomeReport) -> Card:
    """Hires per scheme and the share in job in the 3rd month, next to the administration's figure.

    A Table (Adaptive Cards 1.5): status against a reference in percent is the format leads know.
    """
    period = report.period
    scope = texts.CARD_REPORT_PERIOD.format(period=period.text) if period else texts.CARD_REPORT_ALL
    body: list[dict[str, Any]] = [_title(texts.CARD_REPORT_TITLE), _text(scope, isSubtle=True)]
    if not report.rows:
        body.append(_text(texts.CARD_REPORT_EMPTY))
        return _card(body, fallback=texts.CARD_REPORT_TITLE)
    header = [c.format(reference=report.reference_label) for c in texts.CARD_REPORT_COLUMNS]

    def cells(row: OutcomeRow, name: str) -> list[str]:
        waiting = row.pending + row.check_overdue
        counts = [row.hired, row.in_job, row.stopped, waiting]
        return [name, *map(str, counts), _percent(row.share), _percent(row.reference)]

    rows = [header, *(cells(r, r.employment_type.label) for r in report.rows if r.employment_type)]
    rows.append(cells(report.total, texts.CARD_REPORT_TOTAL))
    body.append(_table(rows, [3, 1, 1, 1, 1, 1, 1], bold_last=True))
    if report.clause_hired:
        clause = texts.CARD_REPORT_CLAUSE.format(hired=report.clause_hired, in_job=report.clause_in_job)
        body.append(_text(clause))
    if report.total.check_overdue:
        body.append(
            _text(texts.CARD_REPORT_OVERDUE.format(count=report.total.check_overdue), color="Warning")
        )
    note = texts.CARD_REPORT_NOTE.format(reference=report.reference_label, source=report.reference_source)
    body.append(_text(note, isSubtle=True, size="Small"))
    return _card(body, fallback=texts.CARD_REPORT_TITLE)


def mine_card(lines: Sequence[StatusView]) -> Card:
    body: list[dict[str, Any]] = [_title(texts.CARD_MINE_TITLE)]
    if not lines:
        body.append(_text(texts.CARD_MINE_EMPTY))
    for s in lines:
        applying = s.deadline and s.state in _BEFORE_APPLYING  # after applying the deadline is history
        due = texts.CARD_MINE_DUE.format(deadline=when(s.deadline)) if applying else ""
        body.append(
            _text(
                texts.CARD_MINE_LINE.format(
                    candidate_id=s.candidate_id, job_order_id=s.job_order_id, label=s.state_label, due=due
                )
            )
        )
    return _card(body, fallback=texts.CARD_MINE_TITLE)


def find_action(card: dict[str, Any], verb: str, **match: Any) -> dict[str, Any] | None:
    """The data of the first Action.Execute with ``verb`` (and matching data) anywhere in a card."""
    stack: list[Any] = [card]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if (
                node.get("type") == "Action.Execute"
                and node.get("verb") == verb
                and all(node.get("data", {}).get(k) == v for k, v in match.items())
            ):
                data: dict[str, Any] = dict(node["data"])
                return data
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None
