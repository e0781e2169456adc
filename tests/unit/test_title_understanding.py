"""Job titles read as companies write them, and graded title credit (exact > same > trainee > related).

Written against the configured taxonomy and rules (config/occupations.toml, config/matching.toml),
because what is tested is the data as much as the code: the modifiers, the everyday names and the
strengths of relations.
"""

from __future__ import annotations

from typing import Any

import pytest

from matching.index import MatchIndex
from matching.models import CandidateProfile, JobOrder
from matching.normalize import default_normalizer

NORM = default_normalizer()


def cand(n: int, title: str, **kw: Any) -> CandidateProfile:
    data: dict[str, Any] = {
        "id": f"K{n:05d}",
        "jobcenter": "Jobcenter København",
        "consultant": "konsulent@kk.dk",
        "desired_titles": [title],
        "postcode": "2300",
        "hours_per_week": 37,
        "benefit": "dagpenge",
        "max_commute_km": 30,
    }
    data.update(kw)
    return CandidateProfile.model_validate(data)


def job(title: str, **kw: Any) -> JobOrder:
    data: dict[str, Any] = {
        "id": "JO-1",
        "title": title,
        "company": "Firma ApS",
        "employment_type": "ordinaert_job",
        "hours_per_week": 15,
        "postcode": "2300",
    }
    data.update(kw)
    return JobOrder.model_validate(data)


def ranked(title: str, *titles: str, **kw: Any) -> list[tuple[str, str]]:
    """(desired title, first reason) best first, for candidates identical but for their wish."""
    pool = [cand(i, t) for i, t in enumerate(titles, 1)]
    index = MatchIndex.build(pool)
    by_id = {p.id: p.desired_titles[0] for p in pool}
    return [(by_id[r.candidate_id], r.contributions[0].reason) for r in index.match(job(title, **kw)).results]


@pytest.mark.parametrize(
    ("title", "hours", "facts"),
    [
        ("Rengøringsassistent 15 timer om ugen", 15.0, ()),
        ("Rengøringsassistent, 20-25 t/uge", 25.0, ()),
        ("Rengøringsassistent på deltid, aften og weekend", None, ("på deltid", "aften", "weekend")),
        ("Fast rengøringsassistent til skole i Valby", None, ("fast",)),
        ("Rengøringsassistent (barselsvikariat)", None, ("barselsvikariat",)),
    ],
)
def test_modifiers_are_facts_not_part_of_the_occupation(
    title: str, hours: float | None, facts: tuple[str, ...]
) -> None:
    parse = NORM.title_parse(title)
    assert parse.keys == NORM.title_parse("Rengøringsassistent").keys
    assert parse.hours == hours
    assert tuple(f for _, f in parse.facts) == facts


def test_a_lone_modifier_word_is_still_a_title() -> None:
    assert NORM.title_keys("Vikar") == ("vikar",)
    assert NORM.title_keys("Vikar til børnehave")[0] == "børnehavevikar"


def test_weekly_hours_in_the_title_still_find_the_exact_wish() -> None:
    order = ranked("Rengøringsassistent 15 timer om ugen", "Pakker", "Rengøringsassistent")
    assert order[0] == ("Rengøringsassistent", "Jobønske 'Rengøringsassistent': ønsker præcis dette job")


def test_a_function_that_is_an_occupation_is_matched_as_the_same_occupation() -> None:
    # "til truckkørsel": the function is the occupation Truckfører; a Plukker is merely related.
    order = ranked("Lagermedarbejder til truckkørsel", "Plukker", "Truckfører")
    assert [t for t, _ in order] == ["Truckfører", "Plukker"]
    assert order[0][1].startswith("Jobønske 'Truckfører': samme slags arbejde")


def test_a_place_after_til_is_context_not_an_occupation() -> None:
    parse = NORM.title_parse("Lagermedarbejder til travlt lager i Brøndby")
    assert parse.keys == NORM.title_keys("Lagermedarbejder")


def test_exact_wish_before_same_occupation_before_strong_before_related() -> None:
    order = ranked("Lagermedarbejder", "Varemodtager", "Plukker", "Lagerarbejder", "Lagermedarbejder")
    assert [t for t, _ in order] == ["Lagermedarbejder", "Lagerarbejder", "Plukker", "Varemodtager"]
    reasons = [r for _, r in order]
    assert reasons[0] == "Jobønske 'Lagermedarbejder': ønsker præcis dette job"
    assert reasons[1] == "Jobønske 'Lagerarbejder': samme slags arbejde som jobordren (Lagermedarbejder)"
    assert reasons[2] == "Nært beslægtet arbejde: Plukker (jobønske 'Plukker')"
    assert reasons[3] == "Beslægtet arbejde: Varemodtager (jobønske 'Varemodtager')"


def test_trained_before_trainee_for_an_ordinary_job() -> None:
    order = ranked("Tømrer", "Tømrerlærling", "Tømrersvend")
    assert [t for t, _ in order] == ["Tømrersvend", "Tømrerlærling"]
    assert order[1][1] == "Jobønske 'Tømrerlærling': elev/lærling i samme fag (Tømrer)"


def test_trainee_before_trained_for_an_apprenticeship() -> None:
    order = ranked("Tømrer", "Tømrerlærling", "Tømrersvend", employment_type="voksenlaerling")
    assert [t for t, _ in order] == ["Tømrerlærling", "Tømrersvend"]
    assert order[1][1] == "Jobønske 'Tømrersvend': samme fag som lærepladsen (Tømrer)"  # a wish, no training
    # A trainee title in the job order makes it an apprenticeship too.
    assert [t for t, _ in ranked("Tømrerlærling", "Tømrersvend", "Tømrerelev")] == [
        "Tømrerelev",
        "Tømrersvend",
    ]


def test_an_everyday_name_finds_the_official_title() -> None:
    order = ranked("Udsmider til natklub, weekend", "Vagt", "Udsender")
    assert order[0][0] == "Vagt"
    assert order[0][1] == "Nært beslægtet arbejde: Vagt (jobønske 'Vagt')"
    guard = ranked("Vægter søges", "Sikkerhedsvagt")[0][1]
    assert guard.startswith("Jobønske 'Sikkerhedsvagt': samme slags arbejde")


def test_title_reasons_carry_no_raw_scores() -> None:
    order = ranked("Lagermedarbejdere", "Lagermedarbejder", "Lagermedarbejderr", "Pakker", "Lagerchauffør")
    for _, reason in order:
        assert not any(ch.isdigit() for ch in reason), reason
