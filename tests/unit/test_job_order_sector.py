"""A job order carries its employer sector and, for clause work, the contract: through the API's
model (and its OpenAPI description) and through the job order form, with Danish errors."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.features.intake import openapi_spec
from bot.ui import cards
from matching.models import EmployerSector, JobOrder, describe_errors

BASE = {
    "id": "JO-1",
    "title": "Anlægsgartner",
    "company": "Entreprenør A/S",
    "employment_type": "virksomhedspraktik",
    "hours_per_week": 30,
    "postcode": "2100",
}


def test_sector_and_contract_are_accepted_in_the_words_users_write() -> None:
    job = JobOrder.model_validate(
        {
            **BASE,
            "employer_sector": "ØKF",
            "contract": {"id": "KON-1", "forvaltning": "TMF", "required_positions": 3},
        }
    )
    assert job.employer_sector is EmployerSector.OEKF
    assert job.contract is not None and job.contract.forvaltning is EmployerSector.TMF
    assert job.employment_clause  # a contract makes it clause work
    assert JobOrder.model_validate(BASE).employer_sector is None  # optional: old senders keep working


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"employer_sector": "kommunen"}, "employer_sector"),
        ({"contract": {"id": "K", "forvaltning": "privat", "required_positions": 2}}, "contract.forvaltning"),
        (
            {"contract": {"id": "K", "forvaltning": "bif", "required_positions": 0}},
            "contract.required_positions",
        ),
    ],
)
def test_bad_sector_or_contract_is_refused_in_danish(extra: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        JobOrder.model_validate({**BASE, **extra})
    text = describe_errors(err.value)
    assert text.startswith(field) and "Value error" not in text and "Input should" not in text


def test_the_openapi_description_names_the_new_fields() -> None:
    spec = openapi_spec()
    props = spec["components"]["schemas"]["JobOrder"]["properties"]
    assert "employer_sector" in props and "contract" in props
    contract = spec["components"]["schemas"]["ClauseContract"]
    assert set(contract["required"]) == {"id", "forvaltning", "required_positions"}
    report = spec["paths"]["/api/rapporter/{rapport}"]["get"]  # the exports, behind the same credential
    assert report["parameters"][0]["schema"]["enum"] == ["maaltal", "resultater", "tid", "klausuler"]


def test_the_form_asks_for_sector_and_contract_and_builds_the_job_order() -> None:
    form = cards.job_order_form_card()
    ids = {e.get("id") for e in form["body"]}
    assert {"employer_sector", "contract_id", "contract_forvaltning", "contract_required_positions"} <= ids
    typed = {
        **{k: str(v) for k, v in BASE.items()},
        "employer_sector": "buf",
        "contract_id": "KON-9",
        "contract_forvaltning": "buf",
        "contract_required_positions": "5",
    }
    job = JobOrder.model_validate(cards.job_order_from_form(typed))
    assert job.employer_sector is EmployerSector.BUF
    assert job.contract is not None and (job.contract.id, job.contract.required_positions) == ("KON-9", 5)
    facts = cards.job_order_card(job)["body"][1]["facts"]
    assert {"title": "Klausulkontrakt", "value": "KON-9 (BUF, 5 klausulstillinger)"} in facts
