"""A job order on a card: its facts, the card with the Match button, and the form to type one in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.ui import texts
from bot.ui.cards.base import (
    VERB_MATCH,
    VERB_SAVE_JOB_ORDER,
    Card,
    action,
    adaptive_card,
    date_input,
    no_links,
    text_block,
    title_block,
    when,
)
from matching.geo import postcodes
from matching.models import FORVALTNINGER, EmployerSector, EmploymentType, JobOrder, certificate_label
from matching.schemes import default_schemes

# The form's inputs by id: JobOrder's field names, in the order the form shows them.
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
    # Reports (issue 12): employer sector and the clause contract (three inputs, one nested field).
    "employer_sector",
    "contract_id",
    "contract_forvaltning",
    "contract_required_positions",
)
CONTRACT_FORM_FIELDS = {
    "contract_id": "id",
    "contract_forvaltning": "forvaltning",
    "contract_required_positions": "required_positions",
}


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
    facts += _report_facts(job)
    return {"type": "FactSet", "facts": [{"title": t, "value": no_links(v)} for t, v in facts]}


def job_warnings(job: JobOrder) -> list[dict[str, Any]]:
    """What the scheme rules say about the job order itself (a forløb longer than allowed)."""
    return [
        text_block(texts.CARD_JOB_WARNING.format(warning=w), color="Warning", weight="Bolder")
        for w in default_schemes().job_warnings(job)
    ]


def job_order_card(job: JobOrder) -> Card:
    title = texts.CARD_JOB_ORDER_TITLE.format(job_order_id=job.id, title=job.title)
    body: list[dict[str, Any]] = [title_block(title), job_facts(job), *job_warnings(job)]
    if job.description:
        body.append(text_block(job.description[:1000]))
    return adaptive_card(
        body, [action(texts.CARD_MATCH_BUTTON, VERB_MATCH, {"job": job.id}, style="positive")], fallback=title
    )


def _required_text(field: str, label: str, max_length: int) -> dict[str, Any]:
    return {
        "type": "Input.Text",
        "id": field,
        "label": label,
        "isRequired": True,
        "maxLength": max_length,
        "errorMessage": label,
    }


def _toggle(field: str, title: str) -> dict[str, Any]:
    return {
        "type": "Input.Toggle",
        "id": field,
        "title": title,
        "value": "false",
        "valueOn": "true",
        "valueOff": "false",
    }


def _form_inputs() -> list[dict[str, Any]]:
    """The form's inputs, fresh for every card (``_refill`` writes into them)."""
    types = [{"title": t.label, "value": t.value} for t in EmploymentType]
    return [
        _required_text("id", texts.CARD_FORM_ID, 64),
        _required_text("title", texts.CARD_FORM_TITLE_FIELD, 200),
        _required_text("company", texts.CARD_FORM_COMPANY, 200),
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
        date_input("deadline", texts.CARD_FORM_DEADLINE),
        date_input("start_date", texts.CARD_FORM_START),
        # Optional numbers carry no min/max: Web Chat then refuses the whole form while the field is
        # empty. The bounds are JobOrder's, checked when the form is saved (a Danish error per field).
        {"type": "Input.Number", "id": "duration_weeks", "label": texts.CARD_FORM_DURATION},
        {"type": "Input.Number", "id": "positions", "label": texts.CARD_FORM_POSITIONS, "value": 1},
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
        _toggle("referral_with_obligation", texts.CARD_FORM_REFERRAL),
        _toggle("employment_clause", texts.CARD_FORM_CLAUSE),
        *_report_inputs(),
    ]


# --- employer sector and clause contract (issue 12: reports) ---------------------------------------


def _report_facts(job: JobOrder) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if job.employer_sector is not None:
        facts.append((texts.CARD_FACT_SECTOR, job.employer_sector.label))
    if job.contract is not None:
        contract = texts.CARD_CONTRACT.format(
            id=job.contract.id,
            forvaltning=job.contract.forvaltning.label,
            required=job.contract.required_positions,
        )
        facts.append((texts.CARD_FACT_CONTRACT, contract))
    return facts


def _report_inputs() -> list[dict[str, Any]]:
    """Employer sector (for måltal per forvaltning) and, for clause work, the contract."""
    sectors = [{"title": s.label, "value": s.value} for s in EmployerSector]
    forvaltninger = [{"title": f.label, "value": f.value} for f in FORVALTNINGER]
    return [
        {
            "type": "Input.ChoiceSet",
            "id": "employer_sector",
            "label": texts.CARD_FORM_SECTOR,
            "choices": sectors,
        },
        {"type": "Input.Text", "id": "contract_id", "label": texts.CARD_FORM_CONTRACT_ID, "maxLength": 64},
        {
            "type": "Input.ChoiceSet",
            "id": "contract_forvaltning",
            "label": texts.CARD_FORM_CONTRACT_FORVALTNING,
            "choices": forvaltninger,
        },
        {
            "type": "Input.Number",
            "id": "contract_required_positions",
            "label": texts.CARD_FORM_CONTRACT_POSITIONS,
            "min": 1,
            "max": 10000,
        },
    ]


def job_order_form_card(error: str | None = None, values: Mapping[str, Any] | None = None) -> Card:
    """A form to type a job order in by hand; the inputs' ids are JobOrder's field names.

    ``values``: what the user typed, shown again with the error, so a typo costs one field, not all.
    """
    body: list[dict[str, Any]] = [
        title_block(texts.CARD_FORM_TITLE),
        text_block(texts.CARD_FORM_INTRO, isSubtle=True),
    ]
    if error:
        body.append(text_block(error, color="Attention", weight="Bolder"))
    body += _form_inputs()
    for element in body:
        _refill(element, (values or {}).get(element.get("id", "")))
    actions = [
        action(texts.CARD_FORM_SUBMIT, VERB_SAVE_JOB_ORDER, {"then": ""}),
        action(texts.CARD_FORM_MATCH, VERB_SAVE_JOB_ORDER, {"then": "match"}, style="positive"),
    ]
    return adaptive_card(body, actions, fallback=texts.CARD_FORM_TITLE)


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
        if name in CONTRACT_FORM_FIELDS:
            contract = out.setdefault("contract", {})
            contract[CONTRACT_FORM_FIELDS[name]] = raw.strip() if isinstance(raw, str) else raw
        elif name == "required_certificates":
            out[name] = [c.strip() for c in str(raw).split(",") if c.strip()]
        elif name in ("referral_with_obligation", "employment_clause"):
            out[name] = str(raw).lower() == "true"
        else:
            out[name] = raw.strip() if isinstance(raw, str) else raw
    return out
