"""Danish title normalisation: the spellings companies and jobcentres use end up as the same key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching.normalize import (
    Normalizer,
    _fold,
    default_normalizer,
    normalize_skill,
    normalize_title,
    title_keys,
)
from matching.rules import NormalizationRules
from matching.taxonomy import default_taxonomy


@pytest.mark.parametrize(
    ("company_wrote", "jobcentre_wrote"),
    [
        ("Lagerarbejdere til travlt lager i Brøndby", "Lagerarbejder"),
        ("Rengøringsmedarbejder (m/k) søges", "Rengøringsmedarbejder"),
        ("Pakkeri medarbejdere", "Pakkerimedarbejder"),
        ("Rengørings assistent", "Rengøringsassistent"),
        ("SOSU-hjælpere til hjemmeplejen", "Social- og sundhedshjælper"),
        ("SOSU hjælper", "Social- og sundhedshjælper"),
        ("sosu-assistenter", "Social- og sundhedsassistent"),
        ("Lager medarb.", "Lagermedarbejder"),
        ("Medarbejdere til travlt lager i Brøndby", "Lagermedarbejder"),
        ("Vi søger 2 erfarne buschauffører til Movia", "Buschauffør"),
        ("Kok (deltid) - Nørrebro", "Kok"),
        ("KOKKE", "kok"),
        ("Butiks ass.", "Butiksassistent"),
        ("Pædagogmedhjælpere søges pr. omgående", "Pædagogmedhjælper"),
        ("Chauffører med kørekort C", "Chauffør"),
    ],
)
def test_company_wording_and_jobcentre_wording_give_the_same_key(
    company_wrote: str, jobcentre_wrote: str
) -> None:
    assert normalize_title(company_wrote) == normalize_title(jobcentre_wrote) != ""


def test_different_occupations_keep_different_keys() -> None:
    keys = {
        normalize_title(t) for t in ["Lagermedarbejder", "Lagerchef", "Buschauffør", "Taxichauffør", "Kok"]
    }
    assert len(keys) == 5


def test_slash_lists_alternatives() -> None:
    assert title_keys("Chauffør/lagermedarbejder") == (
        normalize_title("Chauffør"),
        normalize_title("Lagermedarbejder"),
    )


def test_og_lists_alternatives_but_not_across_a_suspension_hyphen() -> None:
    keys = title_keys("Tjener og bartender")
    assert normalize_title("Tjener") in keys and normalize_title("Bartender") in keys
    # "Social- og sundhedshjælper" is one occupation, not "social" or "sundhedshjælper"
    assert title_keys("Social- og sundhedshjælper") == (normalize_title("SOSU-hjælper"),)


def test_title_of_only_noise_is_empty() -> None:
    assert normalize_title("Søges (m/k)") == ""
    assert title_keys("") == ()


def test_skills_keep_their_context_words() -> None:
    assert normalize_skill("Kørsel med truck") != normalize_skill("Kørsel")
    assert normalize_skill("Håndscannere") == normalize_skill("håndscanner")


def test_vocabulary_comes_from_the_rules() -> None:
    plain = Normalizer(NormalizationRules(abbreviations={}))
    custom = Normalizer(NormalizationRules(abbreviations={"pm": "projektmedarbejder"}))
    assert plain.title_key("PM") != custom.title_key("PM") == custom.title_key("Projektmedarbejdere")


def test_keys_are_cached() -> None:
    n = Normalizer()
    n.title_keys("Lagerarbejdere")
    n.title_keys("Lagerarbejdere")
    assert n.title_keys.cache_info().hits >= 1


@pytest.mark.parametrize(
    ("title", "head"),
    [
        ("Lagerarbejdere til travlt lager i Brøndby", "Lagerarbejdere"),
        ("Rengøringsmedarbejder (m/k) søges", "Rengøringsmedarbejder"),
        ("Vi søger 2 erfarne buschauffører til Movia", "buschauffører"),
        ("Kok (deltid) - Nørrebro", "Kok"),
        ("Medarbejdere til travlt lager", "Medarbejdere til travlt lager"),
        ("Søges", "Søges"),
    ],
)
def test_display_head_is_what_reasons_quote(title: str, head: str) -> None:
    assert default_normalizer().display_head(title) == head


def test_licence_classes_survive_stemming() -> None:
    """A CE driver is not a C driver: the stemmer must not eat the class letter."""
    taxonomy = default_taxonomy()
    ce = {normalize_title(t) for t in ("Chauffør kat. CE", "Chauffør kat. C/E", "Chauffør kat C+E")}
    assert len(ce) == 1
    assert normalize_title("Chauffør kat. C") not in ce
    for spelling in ("Chauffør kat. CE", "Chauffør kat. C/E"):
        occupation = taxonomy.lookup(spelling)
        assert occupation is not None and occupation.id == "lastvognstogchauffoer"
    c = taxonomy.lookup("Chauffør kat. C")
    assert c is not None and c.id == "lastbilchauffoer"


def _spellings_seen() -> set[str]:
    """Every title the project knows: the taxonomy's spellings, the sample pool's and job orders'
    titles, the evaluation set's, the rule words themselves, in capitals and with spaces around."""

    root = Path(__file__).resolve().parents[2]
    titles: set[str] = set()
    for occ in default_taxonomy().occupations:
        titles.update([occ.title, *occ.variants])
    for pool in (root / "data" / "candidates.jsonl", root / "data" / "evaluation" / "candidates.jsonl"):
        for line in pool.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                titles.update(record.get("desired_titles", []) + record.get("experience_titles", []))
    for path in (root / "data" / "job_orders").glob("*.json"):
        titles.add(json.loads(path.read_text(encoding="utf-8"))["title"])
    for line in (root / "data" / "evaluation" / "job_orders.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            titles.add(json.loads(line)["title"])
    rules = default_normalizer().rules
    titles.update([*rules.noise_phrases, *rules.abbreviations, *rules.alternative_separators])
    titles.update([*rules.tail_connectors, *rules.generic_heads])
    for phrases in rules.modifiers.kinds.values():
        titles.update(phrases)
    titles.update([t.upper() for t in list(titles)] + [f"  {t} " for t in list(titles)])
    titles.update(["Kok", "Lagermedarbejdere", "Vikar", "Deltid", "Og", "Søges", "Pm", "Kokke1", "Café"])
    return titles


def test_one_word_titles_get_the_same_parse_as_through_every_rule() -> None:
    """The shortcut for one plain word (most of a large pool's distinct titles, typos included)
    must give exactly what the full rules give, or the index would find other people."""

    n = Normalizer(default_normalizer().rules)
    titles = _spellings_seen()
    one_word = [t for t in titles if len(t.split()) == 1]
    assert len(one_word) > 1000  # the comparison covers the shortcut, not only the full path
    differ = [t for t in titles if n._title_parse(t) != n._full_title_parse(_fold(t))]
    assert differ == []
    # The words the rules treat specially are not taken by the shortcut.
    assert n.title_parse("Vikar").keys == n._full_title_parse("vikar").keys
    assert n.title_parse("Søges").keys == ()
