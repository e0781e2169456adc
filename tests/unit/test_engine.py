"""The matching engine as the match unit sees it: who is on the list, in which order, and why (not)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import ConfigError
from matching.index import MatchIndex
from matching.models import CandidateProfile, JobOrder
from matching.normalize import Normalizer
from matching.rules import MatchRules, ResultRules, load_rules
from matching.taxonomy import Occupation, Taxonomy

RULES = load_rules()


def make_taxonomy() -> Taxonomy:
    occ = [
        Occupation(
            id="lagermedarbejder",
            title="Lagermedarbejder",
            sector="lager_logistik",
            variants=["Lagerarbejder", "Lagerassistent", "Lagerhjælper"],
            related=["pakkerimedarbejder", "truckfoerer"],
            certificates=["truckcertifikat"],
        ),
        Occupation(
            id="pakkerimedarbejder", title="Pakkerimedarbejder", sector="lager_logistik", variants=["Pakker"]
        ),
        Occupation(id="truckfoerer", title="Truckfører", sector="lager_logistik", variants=["Truckchauffør"]),
        Occupation(
            id="social_og_sundhedshjaelper",
            title="Social- og sundhedshjælper",
            sector="pleje_omsorg",
            variants=["SOSU-hjælper", "Hjemmehjælper"],
        ),
        Occupation(
            id="rengoeringsassistent",
            title="Rengøringsassistent",
            sector="rengoering",
            variants=["Rengøringsmedarbejder", "Rengøringshjælper"],
        ),
        Occupation(
            id="buschauffoer",
            title="Buschauffør",
            sector="transport",
            variants=["Buschauffør"],
            certificates=["koerekort_d"],
        ),
    ]
    return Taxonomy(occ, normalizer=Normalizer(RULES.normalization))


TAX = make_taxonomy()


def cand(n: int | str, **kw: Any) -> CandidateProfile:
    data: dict[str, Any] = {
        "id": n if isinstance(n, str) else f"K{n:05d}",
        "jobcenter": "Jobcenter København",
        "consultant": "konsulent@kk.dk",
        "desired_titles": ["Lagermedarbejder"],
        "postcode": "2605",
        "hours_per_week": 37,
        "benefit": "dagpenge",
        "max_commute_km": 30,
        "certificates": ["truckcertifikat"],
    }
    data.update(kw)
    return CandidateProfile.model_validate(data)


def job(**kw: Any) -> JobOrder:
    data: dict[str, Any] = {
        "id": "JO-1",
        "title": "Lagerarbejdere til travlt lager i Brøndby",
        "company": "Lager A/S",
        "employment_type": "ordinaert_job",
        "hours_per_week": 37,
        "postcode": "2605",
        "required_certificates": ["Truckcertifikat A/B"],
    }
    data.update(kw)
    return JobOrder.model_validate(data)


def index(*profiles: CandidateProfile, rules: MatchRules = RULES) -> MatchIndex:
    return MatchIndex.build(profiles, TAX, rules)


def ids(idx: MatchIndex, j: JobOrder, top: int = 10) -> list[str]:
    return [r.candidate_id for r in idx.match(j, top).results]


# --- hard filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "job_kw", "filter_name", "reason"),
    [
        (cand(1, active=False), {}, "inaktiv", "ikke aktiv"),
        (cand(1, certificates=[]), {}, "certifikat", "Mangler truckcertifikat"),
        (
            cand(1, certificates=["truckcertifikat"]),
            {"required_certificates": ["truckcertifikat", "Kørekort B"]},
            "certifikat",
            "Mangler kørekort B",
        ),
        (cand(1, hours_per_week=20), {}, "timer", "Kan arbejde 20 timer om ugen; jobbet er på 37 timer"),
        (cand(1, postcode="8000"), {}, "afstand", "Bor 148 km fra arbejdsstedet; vil højst pendle 30 km"),
        (
            cand(1, postcode="2300", max_commute_km=5),
            {},
            "afstand",
            "Bor 11 km fra arbejdsstedet; vil højst pendle 5,0 km",
        ),
        (
            cand(1, available_from="2026-03-01"),
            {"start_date": "2026-02-01"},
            "tilgaengelig",
            "Først ledig fra 01.03.2026; jobbet starter 01.02.2026",
        ),
        (
            cand(1, benefit="ledighedsydelse"),
            {},
            "ydelse",
            "Personer på ledighedsydelse matches til fleksjob og virksomhedspraktik, ikke ordinært job",
        ),
        (  # fleksjob follows the visitation, not the benefit (config/schemes.toml)
            cand(1),
            {"employment_type": "fleksjob"},
            "visitation",
            "Fleksjob kræver visitation til fleksjob; kandidaten er ikke visiteret",
        ),
        (
            cand(1, benefit="ledighedsydelse"),
            {"employment_type": "loentilskud_privat"},
            "ydelse",
            "ikke løntilskud, privat arbejdsgiver",
        ),
        (
            cand(1, benefit="ledighedsydelse"),
            {"employment_type": "nytteindsats"},
            "ydelse",
            "ikke nytteindsats",
        ),
        (
            cand(1, target_group="aktivitetsparat"),
            {},
            "maalgruppe",
            "Er aktivitetsparat; ordinært job er for jobparat, uddannelsesparat",
        ),
        (
            cand(1, age_band="18-24"),
            {"employment_type": "voksenlaerling"},
            "alder",
            "Er 18–24 år; voksenlærling er for personer på 25 år eller derover",
        ),
        (
            cand(1, age_band="30-49", education_level="faglaert", trade="Lagermedarbejder"),
            {"employment_type": "voksenlaerling"},
            "uddannet",
            "Er allerede uddannet i faget (Lagermedarbejder); voksenlærling skal løfte ufaglærte",
        ),
    ],
)
def test_each_hard_filter_excludes_with_a_danish_reason(
    profile: CandidateProfile, job_kw: dict[str, Any], filter_name: str, reason: str
) -> None:
    j = job(**job_kw)
    fleks = j.employment_type == "fleksjob"
    other = cand(
        2, certificates=["truckcertifikat", "koerekort_b"], benefit="ledighedsydelse" if fleks else "dagpenge"
    )
    idx = index(profile, other)
    shortlist = idx.match(j)
    assert ids(idx, j) == ["K00002"]
    assert shortlist.excluded == {filter_name: 1}
    assert shortlist.considered == 2
    explanation = idx.explain(j, profile.id)
    assert explanation.status == "excluded"
    assert explanation.exclusion is not None and explanation.exclusion.filter == filter_name
    assert reason in explanation.exclusion.reason
    assert reason in explanation.message


@pytest.mark.parametrize(
    "etype",
    [
        "loentilskud_privat",
        "loentilskud_offentlig",
        "virksomhedspraktik",
        "nytteindsats",
        "ordinaert_job",
        "smaajob",
    ],
)
@pytest.mark.parametrize("benefit", ["dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp"])
def test_subsidised_jobs_are_for_dagpenge_kontanthjaelp_and_uddannelseshjaelp(
    etype: str, benefit: str
) -> None:
    assert ids(index(cand(1, benefit=benefit)), job(employment_type=etype)) == ["K00001"]


def test_fleksjob_matches_ledighedsydelse() -> None:
    idx = index(cand(1, benefit="ledighedsydelse", hours_per_week=15), cand(2, hours_per_week=15))
    assert ids(idx, job(employment_type="fleksjob", hours_per_week=12)) == ["K00001"]


def test_fleksjob_follows_the_visitation_not_the_benefit() -> None:
    """A candidate visiteret til fleksjob on kontanthjælp is matched to a fleksjob; one on dagpenge
    who is not visiteret is not (before: the benefit decided, ledighedsydelse only)."""
    visiteret = cand(1, benefit="kontanthjaelp_jobparat", flex_approved=True, hours_per_week=15)
    idx = index(visiteret, cand(2, hours_per_week=15))
    assert ids(idx, job(employment_type="fleksjob", hours_per_week=12)) == ["K00001"]


def test_ledighedsydelse_candidates_are_matched_to_virksomhedspraktik() -> None:
    idx = index(cand(1, benefit="ledighedsydelse", hours_per_week=15))
    praktik = job(employment_type="virksomhedspraktik", hours_per_week=12)
    assert ids(idx, praktik) == ["K00001"]
    assert idx.exclusion(praktik, idx.get("K00001")) is None  # type: ignore[arg-type]


def test_an_apprentice_list_is_led_by_unskilled_adults() -> None:
    """Voksenlærling: 25+ and not already trained in the trade; the unskilled adult leads the list."""
    trained = cand(1, age_band="30-49", education_level="faglaert", trade="Lagermedarbejder")
    young = cand(2, age_band="18-24", education_level="ufaglaert")
    unskilled = cand(3, age_band="30-49", education_level="ufaglaert", desired_titles=["Lagerhjælper"])
    other_trade = cand(4, age_band="50+", education_level="faglaert", trade="Buschauffør")
    idx = index(trained, young, unskilled, other_trade)
    apprentice = job(employment_type="voksenlaerling", title="Lagermedarbejder")
    shortlist = idx.match(apprentice)
    assert {r.candidate_id for r in shortlist.results} == {"K00003", "K00004"}
    assert shortlist.excluded == {"uddannet": 1, "alder": 1}
    assert "allerede uddannet" not in " ".join(shortlist.results[1].reasons)  # a wish is no training
    # the same job as an ordinary job: the trained candidate is welcome
    assert "K00001" in ids(idx, job(employment_type="ordinaert_job", title="Lagermedarbejder"))


def test_scheme_rules_agree_with_the_index_on_every_field_combination() -> None:
    """The vectorised scheme filters and SchemeRules.failure (used by explain) give the same answer."""
    rng = random.Random(10)
    pool = []
    for i in range(300):
        benefit = rng.choice(
            ["dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp", "ledighedsydelse"]
        )
        group = (
            rng.choice(["uddannelsesparat", "aktivitetsparat"])
            if benefit == "uddannelseshjaelp"
            else rng.choice(["jobparat", "jobparat", "aktivitetsparat"])
        )
        age = rng.choice(
            [None, "18-24", "25-29"]
            if benefit == "uddannelseshjaelp"
            else [None, "18-24", "30-49", "50+"]
        )
        edu = rng.choice([None, "ufaglaert", "faglaert", "videregaaende"])
        pool.append(
            cand(
                i,
                benefit=benefit,
                target_group=group,
                age_band=age,
                education_level=edu,
                trade=rng.choice([None, "Lagermedarbejder", "Buschauffør"]),
                flex_approved=benefit == "ledighedsydelse" or rng.random() < 0.1,
                hours_per_week=37,
                weeks_unemployed=rng.choice([None, 4, 25, 26, 40]),
            )
        )
    idx = index(*pool)
    for etype in [
        "ordinaert_job",
        "fleksjob",
        "virksomhedspraktik",
        "voksenlaerling",
        "nytteindsats",
        "smaajob",
        "loentilskud_privat",
        "loentilskud_offentlig",
    ]:
        j = job(employment_type=etype, title="Lagermedarbejder")
        shown = {r.candidate_id for r in idx.match(j, top=400).results}
        passing = {p.id for p in pool if idx.exclusion(j, p) is None}
        assert shown <= passing
        assert sum(idx.match(j, top=400).excluded.values()) == len(pool) - len(passing)


def test_availability_within_grace_passes_and_no_start_date_filters_nobody() -> None:
    idx = index(cand(1, available_from="2026-02-10"), cand(2, available_from="2027-01-01"))
    assert ids(idx, job(start_date="2026-02-01")) == ["K00001"]
    assert ids(idx, job()) == ["K00001", "K00002"]


def test_commute_limit_is_inclusive_and_more_hours_is_fine() -> None:
    idx = index(cand(1, postcode="2650", max_commute_km=4.2, hours_per_week=40))
    assert ids(idx, job()) == ["K00001"]


# --- scoring and reasons ---------------------------------------------------------------------------


def test_spellings_of_the_job_wish_rank_above_related_and_unrelated() -> None:
    idx = index(
        cand(1, desired_titles=["Lager medarb."]),
        cand(2, desired_titles=["Lagerarbejder"]),
        cand(3, desired_titles=["Pakker"]),
        cand(4, desired_titles=["SOSU-hjælper"]),
        cand(5, desired_titles=["Lagerhjælpere"], postcode="2300"),
    )
    shortlist = idx.match(job())
    got = [r.candidate_id for r in shortlist.results]
    assert got[:2] == ["K00002", "K00001"]  # the same spelling first, then the abbreviation (same occupation)
    assert got.index("K00005") < got.index("K00003")  # same occupation 11 km away beats a related one nearby
    assert "K00004" not in got  # SOSU-hjælper is not a warehouse worker: under the cut-off
    by_id = {r.candidate_id: r for r in shortlist.results}
    assert by_id["K00002"].reasons[0] == "Jobønske 'Lagerarbejder': ønsker præcis dette job"
    assert (
        by_id["K00001"].reasons[0]
        == "Jobønske 'Lager medarb.': samme slags arbejde som jobordren (Lagermedarbejder)"
    )
    assert by_id["K00003"].reasons[0] == "Beslægtet arbejde: Pakkerimedarbejder (jobønske 'Pakker')"
    assert "Under 1 km fra arbejdsstedet" in by_id["K00003"].reasons
    assert "11 km fra arbejdsstedet" in [c.reason for c in by_id["K00005"].contributions]


def test_a_shared_generic_head_is_not_a_similar_trade() -> None:
    # plain ratio: "Slagterimedarbejder" ≈ "Lagermedarbejder" (90); the first parts decide instead
    idx = index(cand(1, desired_titles=["Lagermedarbejder"]), cand(2, desired_titles=["Slagteriarbejder"]))
    j = job(title="Slagterimedarbejdere til udskæring", required_certificates=[])
    assert ids(idx, j) == ["K00002"]
    (top,) = idx.match(j).results
    assert top.reasons[0] == "Jobønske 'Slagteriarbejder' staves næsten som 'Slagterimedarbejdere'"
    lager = idx.explain(j, "K00001")
    assert lager.status == "below_cutoff" and lager.result is not None
    assert lager.result.contributions[0].reason == "Jobønske 'Lagermedarbejder' ligner 'Slagterimedarbejdere'"


def test_ties_break_by_candidate_id() -> None:
    idx = index(cand("B-2"), cand("A-9"), cand("B-10"), cand("A-10"))
    assert ids(idx, job()) == ["A-10", "A-9", "B-10", "B-2"]


def test_synonym_credit_through_the_taxonomy() -> None:
    idx = index(cand(1, desired_titles=["Hjemmehjælper"]), cand(2, desired_titles=["Lagermedarbejder"]))
    shortlist = idx.match(job(title="SOSU-hjælpere til hjemmeplejen", required_certificates=[]))
    assert [r.candidate_id for r in shortlist.results] == ["K00001"]
    top = shortlist.results[0]
    assert top.contributions[0].name == "synonym"
    expected = "Jobønske 'Hjemmehjælper': samme slags arbejde som jobordren (Social- og sundhedshjælper)"
    assert top.reasons[0] == expected


def test_contributions_add_up_to_the_score_and_name_skills_certificates_languages() -> None:
    idx = index(
        cand(
            1,
            desired_titles=["Lagermedarbejder"],
            experience_titles=["Pakker"],
            skills=["Plukning", "Håndscannere"],
            languages=["Dansk", "engelsk"],
            postcode="2650",
        )
    )
    j = job(skills=["plukning", "håndscanner", "varemodtagelse"], languages=["dansk", "polsk"])
    (result,) = idx.match(j).results
    names = [c.name for c in result.contributions]
    assert names == ["synonym", "experience", "skills", "certificates", "languages", "distance"]
    assert abs(sum(c.points for c in result.contributions) - result.score) <= 0.35
    reasons = {c.name: c.reason for c in result.contributions}
    assert reasons["skills"] == "Har 2 af 3 ønskede kompetencer: plukning, håndscanner"
    assert reasons["certificates"] == "Har truckcertifikat"
    assert reasons["languages"] == "Taler dansk"
    assert reasons["distance"] == "4,1 km fra arbejdsstedet"
    assert reasons["experience"] == "Beslægtet arbejde: Pakkerimedarbejder (erfaring som 'Pakker')"
    assert 0 < result.score <= 100 and result.distance_km == 4.1


def test_experience_counts_less_than_a_job_wish() -> None:
    idx = index(
        cand(1, desired_titles=["Buschauffør"], experience_titles=["Lagermedarbejder"]),
        cand(2, desired_titles=["Lagermedarbejder"]),
    )
    assert ids(idx, job()) == ["K00002", "K00001"]


def test_nearer_is_better_when_all_else_is_equal() -> None:
    idx = index(cand(1, postcode="2300"), cand(2, postcode="2650"), cand(3, postcode="2605"))
    assert ids(idx, job()) == ["K00003", "K00002", "K00001"]


def test_top_n_min_score_and_explain_below_the_list() -> None:
    profiles = [cand(i) for i in range(1, 13)] + [
        cand(98, desired_titles=["Buschauffør"], experience_titles=["Pakker"], postcode="2300"),
        cand(99, desired_titles=["Buschauffør"]),
    ]
    idx = index(*profiles)
    j = job()
    assert ids(idx, j, top=3) == ["K00001", "K00002", "K00003"]
    on = idx.explain(j, "K00002", top=3)
    assert (on.status, on.rank) == ("on_list", 2)
    assert on.message.startswith("Kandidaten 'K00002' er nr. 2 på listen med score")
    below = idx.explain(j, "K00012", top=3)
    assert (below.status, below.rank) == ("below_cutoff", 12)
    assert "er nr. 12" in below.message and "de 3 bedste" in below.message
    weak = idx.explain(j, "K00098")
    assert weak.status == "below_cutoff" and "under grænsen 30,0" in weak.message
    assert weak.result is not None and weak.result.contributions[1].reason.startswith(
        "Beslægtet arbejde: Pakkeri"
    )
    unrelated = idx.explain(j, "K00099")
    assert unrelated.status == "below_cutoff"
    assert (
        "ingen jobønsker eller erfaringer ligner 'Lagerarbejdere til travlt lager i Brøndby'"
        in unrelated.message
    )
    unknown = idx.explain(j, "K77777")
    assert unknown.status == "unknown" and "findes ikke i puljen" in unknown.message


def test_upsert_and_remove_without_rebuild_equal_a_fresh_build() -> None:
    idx = index(cand(1), cand(2, postcode="2300"), cand(3, desired_titles=["Pakker"]))
    idx.upsert(cand(2, postcode="2650"))  # moved nearer
    idx.upsert(
        cand(
            4,
            desired_titles=["Lagerassistent"],
            skills=["truckkørsel", "plukning", "pakning", "scanning", "varemodtagelse", "kvalitetskontrol"],
            experience_titles=["Truckfører", "Pakker", "Lagerhjælper"],
        )
    )  # wider than before
    assert idx.remove("K00001") and not idx.remove("K00001")
    for n in range(10, 1500):  # grows past the initial capacity
        idx.upsert(cand(n, desired_titles=["Buschauffør"], certificates=[]))
    fresh = MatchIndex.build([c for i in ["K00002", "K00003", "K00004"] if (c := idx.get(i))], TAX, RULES)
    j = job(skills=["Plukning"])
    assert idx.match(j).results == fresh.match(j).results
    assert len(idx) == 3 + 1490 and idx.get("K00001") is None
    assert idx.get("K00002") is not None and idx.get("K00002").postcode == "2650"  # type: ignore[union-attr]



def test_a_bulk_load_keeps_every_profile_and_place_as_put() -> None:
    """A load interns lists, strings and (postcode, limit) places a chunk at a time: values new to a
    chunk and repeated in it, and a later profile with an id seen before, must come back as put and
    be scored like profiles upserted one by one."""
    lists = [["Pakker"], ["Lagerhjælper", "Truckfører"], [], ["Pakker"], ["Lagerhjælper", "Truckfører"]]
    places = [("2605", 10.0), ("2300", 25.0), ("2605", 25.0), ("2300", 10.0)]
    pool = [
        cand(
            n,
            desired_titles=lists[n % 5] or ["Lagermedarbejder"],
            experience_titles=lists[(n + 1) % 5],
            postcode=places[n % 4][0],
            max_commute_km=places[n % 4][1],
        )
        for n in range(40_000)  # more than one chunk
    ]
    pool.append(cand(7, postcode="2650", desired_titles=["Buschauffør"]))  # id 7 again: this one wins
    bulk = index(*pool)
    assert len(bulk) == 40_000
    for p in pool[:50] + pool[-3:]:
        assert bulk.get(p.id) == (pool[-1] if p.id == "K00007" else p)
    one_by_one = index()
    for p in pool[:400] + pool[-1:]:
        one_by_one.upsert(p)
    small = index(*pool[:400], pool[-1])
    j = job(title="Pakker", skills=["Plukning"])
    assert small.match(j).results == one_by_one.match(j).results
    assert [r.distance_km for r in small.match(j).results] == [
        r.distance_km for r in one_by_one.match(j).results
    ]

# --- rules file --------------------------------------------------------------------------------------


def test_rules_file_errors_name_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "matching.toml"
    path.write_text("[weights]\ntitle = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"matching.toml: felt 'weights.title'"):
        load_rules(path)
    path.write_text("[result]\nmin_scor = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"felt 'result.min_scor'"):
        load_rules(path)


def test_the_shipped_rules_load() -> None:
    rules = load_rules()
    assert rules.weights.title > rules.weights.experience > 0


# --- properties -------------------------------------------------------------------------------------

TITLES = [
    "Lagermedarbejder",
    "Lagerarbejdere",
    "Pakker",
    "Truckfører",
    "SOSU-hjælper",
    "Buschauffør",
    "Rengøringsassistent",
    "Lager medarb.",
    "Kok",
    "Tjener og bartender",
    "Lagerchef",
    "Hjemmehjælper",
]
POSTCODES = ["2605", "2650", "2300", "2100", "2200", "2770", "3000", "8000"]
CERTS = ["truckcertifikat", "koerekort_b", "koerekort_d", "hygiejnebevis"]


@st.composite
def profiles(draw: st.DrawFn, n: int) -> CandidateProfile:
    return cand(
        n,
        desired_titles=draw(st.lists(st.sampled_from(TITLES), min_size=1, max_size=3)),
        experience_titles=draw(st.lists(st.sampled_from(TITLES), max_size=2)),
        skills=draw(
            st.lists(st.sampled_from(["plukning", "pakning", "truckkørsel", "rengøring"]), max_size=3)
        ),
        certificates=draw(st.lists(st.sampled_from(CERTS), max_size=3)),
        languages=draw(st.lists(st.sampled_from(["dansk", "engelsk", "polsk"]), max_size=2)),
        postcode=draw(st.sampled_from(POSTCODES)),
        max_commute_km=draw(st.sampled_from([5, 10, 20, 40, 200])),
        hours_per_week=draw(st.integers(8, 40)),
        benefit=draw(st.sampled_from(["dagpenge", "kontanthjaelp_jobparat", "ledighedsydelse"])),
        active=draw(st.booleans()),
        available_from=draw(st.sampled_from([None, date(2026, 1, 1), date(2026, 6, 1)])),
    )


@st.composite
def pools(draw: st.DrawFn) -> list[CandidateProfile]:
    size = draw(st.integers(1, 25))
    return [draw(profiles(i)) for i in range(size)]


@st.composite
def jobs(draw: st.DrawFn) -> JobOrder:
    return job(
        title=draw(
            st.sampled_from([*TITLES, "Lagerarbejdere til travlt lager i Brøndby", "SOSU-hjælpere søges"])
        ),
        employment_type=draw(st.sampled_from(["ordinaert_job", "fleksjob", "loentilskud_privat", "smaajob"])),
        hours_per_week=draw(st.integers(5, 37)),
        postcode=draw(st.sampled_from(POSTCODES)),
        required_certificates=draw(st.lists(st.sampled_from(CERTS), max_size=1)),
        skills=draw(st.lists(st.sampled_from(["plukning", "pakning", "truckkørsel"]), max_size=2)),
        languages=draw(st.lists(st.sampled_from(["dansk", "polsk"]), max_size=1)),
        start_date=draw(st.sampled_from([None, date(2026, 3, 1)])),
    )


LOW_RULES = RULES.model_copy(update={"result": ResultRules(min_score=0)})
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(pool=pools(), j=jobs())
def test_scores_are_0_to_100_sorted_and_every_result_passes_the_filters(
    pool: list[CandidateProfile], j: JobOrder
) -> None:
    idx = index(*pool, rules=LOW_RULES)
    results = idx.match(j, top=100).results
    keys = [(-r.score, r.candidate_id) for r in results]
    assert keys == sorted(keys)
    for r in results:
        assert 0.0 <= r.score <= 100.0
        assert idx.exclusion(j, idx.get(r.candidate_id)) is None  # type: ignore[arg-type]
    passing = {p.id for p in pool if idx.exclusion(j, p) is None}
    got = {r.candidate_id for r in results}
    assert got <= passing  # the vectorised filters never let through what the written rules exclude
    job_keys = set(TAX.normalizer.title_keys(j.title))
    for p in pool:
        same_title = any(job_keys & set(TAX.normalizer.title_keys(t)) for t in p.desired_titles)
        if p.id in passing and same_title:
            assert p.id in got  # ... and keep everyone who passes and wants exactly this job


@PROPS
@given(pool=pools(), j=jobs(), seed=st.integers(0, 1000))
def test_order_does_not_depend_on_pool_order(pool: list[CandidateProfile], j: JobOrder, seed: int) -> None:
    shuffled = list(pool)
    random.Random(seed).shuffle(shuffled)
    assert index(*pool).match(j).results == index(*shuffled).match(j).results


@PROPS
@given(pool=pools(), j=jobs())
def test_an_irrelevant_profile_never_changes_the_top(pool: list[CandidateProfile], j: JobOrder) -> None:
    before = index(*pool).match(j, top=5).results
    idx = index(*pool)
    # an actor in Aarhus who is not active: fails a filter
    idx.upsert(
        cand("ZZZ-away", desired_titles=["Skuespiller"], postcode="8000", active=False, certificates=[])
    )
    # an actor next door who passes every filter but wants an unrelated job
    benefit = "ledighedsydelse" if j.employment_type == "fleksjob" else "dagpenge"
    idx.upsert(
        cand(
            "AAA-near",
            desired_titles=["Skuespiller"],
            postcode=j.postcode,
            hours_per_week=48,
            certificates=CERTS,
            languages=["dansk", "polsk"],
            benefit=benefit,
            max_commute_km=500,
        )
    )
    assert idx.match(j, top=5).results == before


@PROPS
@given(
    pool=pools(),
    j=jobs(),
    ops=st.lists(st.tuples(st.booleans(), st.integers(0, 30), st.sampled_from(TITLES)), max_size=25),
)
def test_any_sequence_of_upserts_and_removes_equals_a_fresh_build(
    pool: list[CandidateProfile], j: JobOrder, ops: list[tuple[bool, int, str]]
) -> None:
    idx = MatchIndex.build(pool, TAX, RULES, compact_after=4)  # compacts the title index along the way
    state = {p.id: p for p in pool}
    for is_upsert, n, title in ops:
        cid = f"K{n:05d}"
        if is_upsert:
            profile = cand(n, desired_titles=[title], postcode=j.postcode)
            idx.upsert(profile)
            state[cid] = profile
        else:
            assert idx.remove(cid) == (cid in state)
            state.pop(cid, None)
    fresh = MatchIndex.build(state.values(), TAX, RULES)
    assert len(idx) == len(state)
    assert idx.match(j, top=30) == fresh.match(j, top=30)
