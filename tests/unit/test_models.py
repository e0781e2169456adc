"""Validation at the edge: what a consultant or an importing system sees for bad data."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from matching.models import CandidateProfile, JobOrder, certificate_label, describe_errors, field_errors
from matching.privacy import contains_cpr, redact_cpr
from matching.texts import CPR_REFUSAL


def job(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "JO-2026-0001",
        "title": "Lagerarbejdere (m/k) søges",
        "company": "Nordlager A/S",
        "employment_type": "ordinaert_job",
        "hours_per_week": 37,
        "postcode": "2605",
    }
    return base | over


def candidate(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "K-7F3A9C",
        "jobcenter": "Jobcenter København – Amager",
        "consultant": "AB12@kk.dk",
        "desired_titles": ["Lagermedarbejder"],
        "postcode": "2300",
        "hours_per_week": 37,
        "benefit": "dagpenge",
    }
    return base | over


def errors_of(model: type[JobOrder] | type[CandidateProfile], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return dict(field_errors(info.value))


@pytest.mark.parametrize(
    "typed, code",
    [
        ("Kørekort B", "koerekort_b"),
        ("B-kørekort", "koerekort_b"),
        ("b kørekort", "koerekort_b"),
        ("Truckcertifikat A/B", "truckcertifikat"),
        ("truckkort", "truckcertifikat"),
        ("Kørekort C/E", "koerekort_ce"),
        ("Hygiejnebevis", "hygiejnebevis"),
        ("vagtcertifikat", "vagtcertifikat"),
        ("koerekort_d", "koerekort_d"),
    ],
)
def test_certificates_accept_the_spellings_people_type(typed: str, code: str) -> None:
    order = JobOrder.model_validate(job(required_certificates=[typed]))
    assert order.required_certificates == [code]


def test_certificate_label_is_danish() -> None:
    assert certificate_label("truckcertifikat") == "Truckcertifikat"


def test_unknown_certificate_names_the_valid_codes() -> None:
    errs = errors_of(JobOrder, job(required_certificates=["Pilotcertifikat"]))
    msg = errs["required_certificates.0"]
    assert "ukendt certifikat 'Pilotcertifikat'" in msg and "koerekort_b" in msg


def test_unknown_employment_type_lists_the_valid_ones() -> None:
    errs = errors_of(JobOrder, job(employment_type="deltid"))
    assert "ukendt værdi 'deltid'" in errs["employment_type"]
    for code in ("ordinaert_job", "fleksjob", "smaajob", "voksenlaerling"):
        assert code in errs["employment_type"]


def test_employment_type_and_benefit_accept_danish_labels() -> None:
    assert JobOrder.model_validate(job(employment_type="Løntilskud (privat)")).employment_type == (
        "loentilskud_privat"
    )
    assert CandidateProfile.model_validate(candidate(benefit="Ledighedsydelse")).benefit == "ledighedsydelse"


@pytest.mark.parametrize("postcode", ["0000", "123", "12345", "abcd", "1000"])
def test_postcode_must_be_a_known_danish_postcode(postcode: str) -> None:
    assert "postcode" in errors_of(JobOrder, job(postcode=postcode))


def test_postcode_given_as_number_is_accepted() -> None:
    assert JobOrder.model_validate(job(postcode=2605)).postcode == "2605"


@pytest.mark.parametrize("hours, ok", [(0, False), (1, True), (48, True), (49, False)])
def test_hours_between_1_and_48(hours: int, ok: bool) -> None:
    if ok:
        assert JobOrder.model_validate(job(hours_per_week=hours)).hours_per_week == hours
    else:
        assert "hours_per_week" in errors_of(JobOrder, job(hours_per_week=hours))


@pytest.mark.parametrize("field", ["id", "title", "company", "description"])
def test_cpr_numbers_refused_in_job_order_fields(field: str) -> None:
    errs = errors_of(
        JobOrder, job(**{field: "Kontakt 010190-1234"}) if field != "id" else job(id="0101901234")
    )
    assert errs[field] == CPR_REFUSAL


def test_cpr_numbers_refused_in_candidate_lists_and_ids() -> None:
    errs = errors_of(CandidateProfile, candidate(id="2512881234", skills=["truck", "cpr 311299 1234"]))
    assert errs["id"] == CPR_REFUSAL
    assert errs["skills.1"] == CPR_REFUSAL


def test_missing_fields_and_unknown_fields_are_named_in_danish() -> None:
    data = job(extra_field=1)
    del data["company"]
    errs = errors_of(JobOrder, data)
    assert errs["company"] == "feltet mangler"
    assert errs["extra_field"] == "ukendt felt"


def test_deadline_after_start_is_refused() -> None:
    errs = errors_of(JobOrder, job(start_date="2027-01-01", deadline="2027-01-15"))
    assert "deadline" in next(iter(errs.values()))


def test_candidate_needs_a_title_and_a_valid_upn() -> None:
    assert "consultant" in errors_of(CandidateProfile, candidate(consultant="ikke en mail"))
    errs = errors_of(CandidateProfile, candidate(desired_titles=[]))
    assert any("jobønske" in m for m in errs.values())


def test_consultant_upn_is_lowercased_and_titles_deduplicated() -> None:
    c = CandidateProfile.model_validate(candidate(desired_titles=["Lagermedarbejder", "Lagermedarbejder"]))
    assert c.consultant == "ab12@kk.dk"
    assert c.desired_titles == ["Lagermedarbejder"]


def test_describe_errors_is_one_readable_line() -> None:
    with pytest.raises(ValidationError) as info:
        JobOrder.model_validate(job(hours_per_week=99, postcode="9999"))
    text = describe_errors(info.value)
    assert "hours_per_week: må højst være 48" in text
    assert "postcode: '9999' er ikke et kendt dansk postnummer" in text


@given(
    st.integers(1, 28),
    st.integers(1, 12),
    st.integers(0, 99),
    st.integers(0, 9999),
    st.sampled_from(
        [
            *["-", "", " ", "\u2013", "\u2014", "/", ".", " - ", "\u00a0", "&nbsp;", "<b></b>"],
            *["\u200b", "-\u200d", "\u2060", "\u00ad"],  # zero-width space/joiner, word joiner, soft hyphen
        ]
    ),
)
def test_every_cpr_shape_is_detected_and_redacted(
    day: int, month: int, year: int, seq: int, sep: str
) -> None:
    cpr = f"{day:02d}{month:02d}{year:02d}{sep}{seq:04d}"
    text = f"borger {cpr} ringede"
    assert contains_cpr(text)
    assert cpr not in redact_cpr(text) and not contains_cpr(redact_cpr(text))
    wide = text.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})  # full-width digits
    assert contains_cpr(wide) and not contains_cpr(redact_cpr(wide))


@pytest.mark.parametrize(
    "text",
    [
        "CVR 12345678",
        "K-7F3A9C",
        "tlf 33 66 33 66",
        "2300 København S",
        "JO-2026-0001",
        "samtale 01.12.2026 kl. 10:00",
        "start 1.12.2026, 37 timer",
        "løn 150.000,00 kr.",
    ],
)
def test_ordinary_numbers_are_not_cpr(text: str) -> None:
    assert not contains_cpr(text)


@pytest.mark.parametrize(
    ("description", "flag", "expected"),
    [
        ("Kontrakten har en beskæftigelsesklausul.", None, True),
        ("Uddannelses- og beskæftigelsesklausuler gælder for opgaven", None, True),
        ("Opgaven er omfattet af sociale klausuler", None, True),
        ("Der er ingen beskæftigelsesklausul på opgaven", None, False),
        ("Kontrakten har ikke nogen beskæftigelsesklausul.", None, False),
        ("Der er INGEN  beskæftigelsesklausul", None, False),
        ("Beskæftigelsesklausul: nej", None, False),
        ("Opgaven er uden sociale klausuler", None, False),
        ("Kontrakten har en beskæftigelsesklausul.", False, False),  # the sender's explicit false stands
        ("Lager med travlt miljø", None, False),
        ("Lager med travlt miljø", True, True),
    ],
)
def test_a_job_order_that_names_an_employment_clause_is_flagged(
    description: str, flag: bool | None, expected: bool
) -> None:
    data = job(title="Tømrer", description=description)
    if flag is not None:
        data["employment_clause"] = flag
    assert JobOrder.model_validate(data).employment_clause is expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours_per_week", True, "skal være et tal, ikke true/false"),
        ("hours_per_week", 37.5, "skal være et heltal"),
        ("deadline", 0, "skal være en dato (ÅÅÅÅ-MM-DD)"),
        ("start_date", 20261201, "skal være en dato (ÅÅÅÅ-MM-DD)"),
        ("start_date", "9999-12-31", "skal ligge mellem år 2000 og 2100"),
        ("deadline", "1900-01-01", "skal ligge mellem år 2000 og 2100"),
        ("title", "\u200b", "må ikke være tom"),
        ("employment_type", None, "skal være en af: ordinaert_job"),
    ],
)
def test_type_errors_of_a_sender_are_refused_in_danish(field: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        JobOrder.model_validate(job(**{field: value}))
    [(where, text)] = field_errors(info.value)
    assert where == field and text.startswith(message)


def test_invisible_and_control_characters_are_removed_from_text() -> None:
    cleaned = JobOrder.model_validate(job(title="Tøm\u200brer\u202e", company="Byg\x00 A/S"))
    assert (cleaned.title, cleaned.company) == ("Tømrer", "Byg A/S")


@pytest.mark.parametrize(
    "text",
    [
        "Kontakt <010190\u20131234>",  # inside angle brackets that are no tag
        "010190&#8209;1234",  # an HTML entity for a non-breaking hyphen
        "0101\u034f90-1234",  # a combining grapheme joiner between the digits
    ],
)
def test_cpr_numbers_hidden_by_markup_entities_or_combining_marks_are_found(text: str) -> None:
    assert contains_cpr(text) and not contains_cpr(redact_cpr(text))


def test_a_date_at_a_line_end_and_a_postcode_below_is_no_cpr_number() -> None:
    assert not contains_cpr("Opstart 010326\n2300 København S")


@pytest.mark.parametrize("typed", ["x\u0003", "x\u200b", " x "])
def test_a_language_that_is_too_short_once_cleaned_is_refused_not_stored(typed: str) -> None:
    # Stored as 'x', it would fail validation on its next read: the job order could no longer be revised.
    with pytest.raises(ValidationError) as info:
        JobOrder.model_validate(job(languages=[typed]))
    assert "mindst 2 tegn" in describe_errors(info.value)


def test_a_cleaned_job_order_validates_again_as_stored() -> None:
    stored = JobOrder.model_validate(job(languages=["Dansk\u0003", "engelsk"]))
    assert JobOrder.model_validate_json(stored.model_dump_json()) == stored
