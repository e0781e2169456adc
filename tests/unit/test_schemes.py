"""Issue 10: Copenhagen's pool, the profile fields the scheme rules need, and the rules as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from config import ConfigError
from matching.centres import centre_catalog
from matching.evaluation import LabelledSet, evaluate
from matching.index import MatchIndex
from matching.models import AgeBand, CandidateProfile, EducationLevel, JobOrder, TargetGroup, describe_errors
from matching.schemes import candidate_notes, default_schemes, load_schemes, profile_facts

SCHEMES = Path(__file__).resolve().parents[2] / "config" / "schemes.toml"


def cand(**kw: Any) -> CandidateProfile:
    data: dict[str, Any] = {
        "id": "K-A1B2C3",
        "jobcenter": "Jobcenter København – Amager",
        "consultant": "ab12@kk.dk",
        "desired_titles": ["Kontorassistent"],
        "postcode": "2300",
        "hours_per_week": 37,
        "benefit": "dagpenge",
    }
    data.update(kw)
    return CandidateProfile.model_validate(data)


def job(**kw: Any) -> JobOrder:
    data: dict[str, Any] = {
        "id": "JO-1",
        "title": "Kontorassistent",
        "company": "Københavns Kommune",
        "employment_type": "ordinaert_job",
        "hours_per_week": 12,
        "postcode": "2300",
    }
    data.update(kw)
    return JobOrder.model_validate(data)


def refusal(**kw: Any) -> str:
    with pytest.raises(ValidationError) as info:
        cand(**kw)
    return describe_errors(info.value)


# --- the pool is Jobcenter København's ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("jobcenter", "municipality"),
    [
        ("Jobcenter Brøndby", "Brøndby"),
        ("Jobcenter Aarhus", "Aarhus"),
        ("Frederiksberg Kommune, Jobcenter", "Frederiksberg"),
        ("Jobcenter Lyngby-Taarbæk", "Lyngby-Taarbæk"),
        ("Jobcenter Høje Taastrup", "Taastrup"),
    ],
)
def test_a_candidate_of_another_municipality_is_refused_in_danish(jobcenter: str, municipality: str) -> None:
    message = refusal(jobcenter=jobcenter)
    assert f"jobcenter: '{jobcenter}' hører til {municipality} Kommune" in message
    assert "Jobcenter Københavns egne centre" in message


def test_copenhagens_centres_are_data_and_accepted() -> None:
    catalog = centre_catalog()
    assert "Jobcenter København – Karrierecentret" in catalog.names
    assert catalog.by_kind("unge") == ["Jobcenter København – Ungecenter"]
    for name in catalog.names:
        assert cand(jobcenter=name).jobcenter == name
    assert catalog.district_for("2300") == "Jobcenter København – Amager"
    assert catalog.district_for("2605") is None  # Brøndby is not Copenhagen
    assert not catalog.is_copenhagen_postcode("2000")  # Frederiksberg is its own municipality


# --- profile fields: validated, pseudonymous, safe defaults ------------------------------------------


def test_profile_fields_are_read_in_the_case_systems_spellings() -> None:
    p = cand(
        target_group="Jobparat",
        age_band="30–49",
        weeks_unemployed="34",
        education_level="Faglært",
        trade="Elektriker",
        flex_approved=False,
    )
    assert (p.target_group, p.age_band, p.education_level) == (
        TargetGroup.JOBPARAT,
        AgeBand.A30_49,
        EducationLevel.FAGLAERT,
    )
    assert p.weeks_unemployed == 34 and p.trade == "Elektriker"
    assert profile_facts(p) == "Jobparat · dagpenge · 30–49 år · faglært (Elektriker) · ledig i 34 uger"


@pytest.mark.parametrize("old", ["uddannelseshjaelp_jobparat", "Uddannelseshjælp (jobparat)"])
def test_uddannelseshjaelp_is_never_called_jobparat_but_the_old_id_is_still_read(old: str) -> None:
    p = cand(benefit=old, target_group="aktivitetsparat")
    assert p.benefit == "uddannelseshjaelp" and p.benefit.label == "Uddannelseshjælp"
    assert '"benefit":"uddannelseshjaelp"' in p.model_dump_json()  # stored under the new id
    stored_before = p.model_dump_json().replace('"uddannelseshjaelp"', f'"{old}"')
    assert CandidateProfile.model_validate_json(stored_before) == p  # a pool stored before the rename
    assert cand(benefit=old).target_group is TargetGroup.UDDANNELSESPARAT


def test_missing_fields_have_the_documented_safe_defaults() -> None:
    p = cand()
    assert p.target_group is TargetGroup.JOBPARAT and not p.flex_approved
    assert p.age_band is None and p.education_level is None and p.weeks_unemployed is None
    assert cand(benefit="Uddannelseshjælp").target_group is TargetGroup.UDDANNELSESPARAT
    assert cand(benefit="ledighedsydelse").flex_approved


def test_combinations_the_law_does_not_have_are_refused() -> None:
    line = "target_group: uddannelseshjælp gives til uddannelsesparate og aktivitetsparate, ikke jobparate"
    assert line in refusal(benefit="uddannelseshjaelp", target_group="jobparat")
    assert "ikke jobparate" in refusal(benefit="uddannelseshjaelp_jobparat", target_group="jobparat")
    assert "age_band: uddannelseshjælp er for unge under 30 år" in refusal(
        benefit="uddannelseshjaelp", age_band="50+"
    )
    assert "visiteret til fleksjob" in refusal(benefit="ledighedsydelse", flex_approved=False)
    assert "age_band: ukendt værdi '1990-01-01'" in refusal(age_band="1990-01-01")  # never a birth date
    assert "weeks_unemployed: skal være mindst 0" in refusal(weeks_unemployed=-1)
    assert "CPR" in refusal(trade="Elektriker 010190-1234")


# --- the scheme rules file ------------------------------------------------------------------------


def test_every_scheme_has_a_source_note_and_the_corrected_rules() -> None:
    rules = default_schemes()
    assert all(len(s.source) > 20 for s in rules.scheme.values())
    assert rules.of("fleksjob").flex_approval  # type: ignore[arg-type]
    assert "ledighedsydelse" in rules.of("virksomhedspraktik").benefits  # type: ignore[arg-type]
    assert rules.of("voksenlaerling").min_age == 25  # type: ignore[arg-type]
    assert not rules.of("nytteindsats").referral  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            (
                'benefits = ["dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp"]\ntarget',
                'benefits = ["dagpenge", "kontantjælp"]\ntarget',
            ),
            "scheme.ordinaert_job.benefits",
        ),
        (("min_age = 25", "min_age = 5"), "scheme.voksenlaerling.min_age"),
        (("jobparat = 4,", "jobparate = 4,"), "scheme.virksomhedspraktik"),
        (("min_weeks_unemployed = { jobparat = 26 }", "min_weeks_unemployed = { jobparat = 0 }"),
         "scheme.loentilskud_privat.min_weeks_unemployed.jobparat"),
        (("min_weeks_unemployed = { jobparat = 26 }", "min_weeks_unemployed = { ledige = 26 }"),
         "scheme.loentilskud_privat"),
        (("min_weeks_source = ", "min_weeks_kilde = "), "scheme.loentilskud_privat"),
    ],
)
def test_a_wrong_rule_names_the_file_and_the_field(
    tmp_path: Path, change: tuple[str, str], field: str
) -> None:
    text = SCHEMES.read_text(encoding="utf-8")
    assert change[0] in text
    bad = tmp_path / "schemes.toml"
    bad.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"schemes.toml: felt '{field}"):
        load_schemes(bad)


def test_a_rule_without_a_source_is_refused(tmp_path: Path) -> None:
    text = SCHEMES.read_text(encoding="utf-8")
    start = text.index("[scheme.smaajob]\nsource = ")
    end = text.index("\n", text.index("source = ", start))
    bad = tmp_path / "schemes.toml"
    bad.write_text(text[: text.index("source", start)] + text[end + 1 :], encoding="utf-8")
    with pytest.raises(ConfigError, match=r"felt 'scheme.smaajob.source'"):
        load_schemes(bad)


# --- henvisning, forløb lengths, marks on the card --------------------------------------------------


@pytest.mark.parametrize("etype", ["nytteindsats", "virksomhedspraktik"])
def test_henvisning_med_moedepligt_is_refused_on_a_forloeb_that_is_no_real_job(etype: str) -> None:
    with pytest.raises(ValidationError) as info:
        job(employment_type=etype, referral_with_obligation=True)
    assert "henvisning med mødepligt gælder jobsamtaler til et rigtigt job" in describe_errors(info.value)
    assert job(employment_type="ordinaert_job", referral_with_obligation=True).referral_with_obligation


def test_a_forloeb_longer_than_the_rules_allow_is_warned_on_the_job_order_and_the_candidate() -> None:
    praktik = job(employment_type="virksomhedspraktik", duration_weeks=8)
    (warning,) = default_schemes().job_warnings(praktik)
    assert warning == "Forløbet er 8 uger, længere end virksomhedspraktik må vare for jobparate (4 uger)"
    assert default_schemes().job_warnings(job(employment_type="virksomhedspraktik", duration_weeks=4)) == []
    notes = candidate_notes(default_schemes(), praktik, cand())
    assert notes == ["Forløbet er 8 uger; for jobparate højst 4 uger"]
    ledighedsydelse = cand(benefit="ledighedsydelse", hours_per_week=15)
    assert candidate_notes(default_schemes(), praktik, ledighedsydelse) == []  # 13 weeks for them


def test_uddannelsesparate_are_marked_and_an_unknown_age_is_noted_for_an_apprenticeship() -> None:
    young = cand(benefit="uddannelseshjaelp", age_band="25-29")
    assert candidate_notes(default_schemes(), job(), young) == [
        "Uddannelsesparat (uddannelseshjælp): uddannelse går forud for job"
    ]
    apprentice = job(employment_type="voksenlaerling", hours_per_week=37)
    assert candidate_notes(default_schemes(), apprentice, cand()) == [
        "Alder ikke oplyst: voksenlærling kræver 25 år eller derover"
    ]


def test_hvorfor_says_what_the_rules_flag_for_a_candidate_on_the_list() -> None:
    idx = MatchIndex.build([cand(id="K-AAAA01", hours_per_week=37)])
    praktik = job(employment_type="virksomhedspraktik", duration_weeks=8)
    message = idx.explain(praktik, "K-AAAA01").message
    assert message.startswith("Kandidaten 'K-AAAA01' er nr. 1")
    assert message.endswith("Bemærk: Forløbet er 8 uger; for jobparate højst 4 uger.")
    trained = MatchIndex.build(
        [cand(id="K-AAAA02", education_level="faglaert", trade="Kontorassistent", age_band="30-49")]
    )
    why = trained.explain(job(employment_type="voksenlaerling", hours_per_week=37), "K-AAAA02").message
    assert why == (
        "Kandidaten 'K-AAAA02' er frasorteret: Er allerede uddannet i faget (Kontorassistent); "
        "voksenlærling skal løfte ufaglærte til faglærte."
    )


# --- løntilskud's unemployment-length condition ------------------------------------------------------


def test_loentilskud_for_jobparate_needs_26_weeks_of_unemployment_with_a_source_to_check() -> None:
    privat = default_schemes().of("loentilskud_privat")  # type: ignore[arg-type]
    assert privat.min_weeks_unemployed == {"jobparat": 26}
    assert privat.min_weeks_source is not None and "tjek LAB § 55" in privat.min_weeks_source
    assert "måneder" in privat.source  # løntilskud is limited in months (domain.md)


def test_a_recorded_short_unemployment_is_filtered_and_an_unknown_one_is_kept_with_a_note() -> None:
    loentilskud = job(employment_type="loentilskud_privat", hours_per_week=37)
    short = cand(id="K-AAAA11", weeks_unemployed=10)
    enough = cand(id="K-AAAA12", weeks_unemployed=26)
    unknown = cand(id="K-AAAA13")
    young = cand(id="K-AAAA14", benefit="uddannelseshjaelp", weeks_unemployed=3)  # no condition for them
    idx = MatchIndex.build([short, enough, unknown, young])
    shortlist = idx.match(loentilskud, top=10)
    assert {r.candidate_id for r in shortlist.results} == {"K-AAAA12", "K-AAAA13", "K-AAAA14"}
    assert shortlist.excluded == {"ledighed": 1}
    assert idx.explain(loentilskud, "K-AAAA11").message == (
        "Kandidaten 'K-AAAA11' er frasorteret: Har været ledig i 10 uger; løntilskud, privat arbejdsgiver "
        "kræver for jobparate mindst 26 ugers ledighed."
    )
    note = (
        "Ledighedens længde er ikke registreret: løntilskud, privat arbejdsgiver kræver for jobparate "
        "mindst 26 ugers ledighed"
    )
    assert candidate_notes(default_schemes(), loentilskud, unknown) == [note]
    assert candidate_notes(default_schemes(), loentilskud, enough) == []
    assert note in idx.explain(loentilskud, "K-AAAA13").message  # hvorfor says it too
    # an ordinary job has no such condition
    assert "K-AAAA11" in {r.candidate_id for r in idx.match(job(hours_per_week=37), top=10).results}


def test_the_evaluation_counts_a_shown_candidate_below_the_unemployment_condition_as_a_violation() -> None:
    loentilskud = job(id="JO-LT", employment_type="loentilskud_privat", hours_per_week=37)
    pool = [cand(id="K-AAAA21", weeks_unemployed=10), cand(id="K-AAAA22", weeks_unemployed=30)]
    labels = {"K-AAAA21": "kontor", "K-AAAA22": "kontor"}
    data = LabelledSet([loentilskud], pool, {"JO-LT": ["kontor"]}, labels)
    report = evaluate(data)
    assert report.violations == 0 and report.outcomes[0].expected == ("K-AAAA22",)

    class Lenient(MatchIndex):  # an index that forgot the rule: the evaluation must notice
        def _row_filters(self, ctx, table):  # type: ignore[no-untyped-def]
            return [f for f in super()._row_filters(ctx, table) if f[0] != "ledighed"]

    lenient = Lenient.build(pool)
    assert evaluate(data, index=lenient).outcomes[0].violations == ("K-AAAA21",)
