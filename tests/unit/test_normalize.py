"""Danish title normalisation: the spellings companies and jobcentres use end up as the same key."""

from __future__ import annotations

import pytest

from matching.normalize import Normalizer, default_normalizer, normalize_skill, normalize_title, title_keys
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
