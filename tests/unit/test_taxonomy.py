"""Taxonomy loading: a broken occupations file stops start-up with the file and the field named."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from config import ConfigError, config_path
from matching.rules import load_rules
from matching.taxonomy import MIN_OCCUPATIONS, Taxonomy, default_taxonomy

GOOD = """
[[occupation]]
id = "lagermedarbejder"
title = "Lagermedarbejder"
sector = "lager_logistik"
variants = ["Lagerarbejder", "Lagerassistent", "Warehouse worker"]
related = ["pakkerimedarbejder"]
certificates = ["truckcertifikat"]
skills = ["plukning"]

[[occupation]]
id = "pakkerimedarbejder"
title = "Pakkerimedarbejder"
sector = "lager_logistik"
variants = ["Pakker"]

[[occupation]]
id = "social_og_sundhedshjaelper"
title = "Social- og sundhedshjælper"
sector = "pleje_omsorg"
variants = ["SOSU-hjælper", "Hjemmehjælper"]
"""


def _load(tmp_path: Path, text: str, min_occupations: int = 0) -> Taxonomy:
    path = tmp_path / "occupations.toml"
    path.write_text(text, encoding="utf-8")
    return Taxonomy.load(path, min_occupations=min_occupations)


def test_lookup_by_any_spelling(tmp_path: Path) -> None:
    tax = _load(tmp_path, GOOD)
    lookup = {
        t: (o.id if (o := tax.lookup(t)) else None)
        for t in [
            "Lagerarbejdere til travlt lager i Brøndby",
            "SOSU-hjælpere til hjemmeplejen",
            "Pakkere",
            "Lagermedarbejdere",
            "Lagerassistenter",
            "Skuespiller",
        ]
    }
    assert lookup == {
        "Lagerarbejdere til travlt lager i Brøndby": "lagermedarbejder",
        "SOSU-hjælpere til hjemmeplejen": "social_og_sundhedshjaelper",
        "Pakkere": "pakkerimedarbejder",
        "Lagermedarbejdere": "lagermedarbejder",
        "Lagerassistenter": "lagermedarbejder",
        "Skuespiller": None,
    }


def test_fuzzy_lookup_for_a_misspelling(tmp_path: Path) -> None:
    tax = _load(tmp_path, GOOD)
    hit = tax.lookup("Pakkerimedarbjeder")
    assert hit is not None and hit.id == "pakkerimedarbejder"


def test_related_is_symmetric(tmp_path: Path) -> None:
    tax = _load(tmp_path, GOOD)
    assert tax.related("lagermedarbejder") == {"pakkerimedarbejder"}
    assert tax.related("pakkerimedarbejder") == {"lagermedarbejder"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (('id = "pakkerimedarbejder"', 'id = "lagermedarbejder"'), "occupation.1.id", "bruges også"),
        (
            ('related = ["pakkerimedarbejder"]', 'related = ["pakker"]'),
            "occupation.0.related.0",
            "ukendt erhverv",
        ),
        (
            ('certificates = ["truckcertifikat"]', 'certificates = ["flyvercertifikat"]'),
            "occupation.0.certificates.0",
            "ukendt certifikatkode",
        ),
        (
            ('variants = ["Pakker"]', 'variants = ["Pakker", "Lagerarbejdere"]'),
            "occupation.1.variants.1",
            "hører allerede til erhvervet 'lagermedarbejder'",
        ),
        (('sector = "pleje_omsorg"', 'sector = "pleje"'), "occupation.2.sector", ""),
        (('id = "pakkerimedarbejder"', 'id = "Pakkeri medarbejder"'), "occupation.1.id", ""),
        (('skills = ["plukning"]', 'skils = ["plukning"]'), "occupation.0.skils", ""),
        (('variants = ["Pakker"]', 'variants = ["Søges"]'), "occupation.1.variants.0", "tom"),
    ],
)
def test_errors_name_file_and_field(tmp_path: Path, change: tuple[str, str], field: str, words: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, GOOD.replace(old, new, 1))
    message = str(info.value)
    assert "occupations.toml" in message
    assert f"'{field}'" in message
    assert words in message


def test_too_few_occupations(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mindst 200 erhverv"):
        _load(tmp_path, GOOD, min_occupations=MIN_OCCUPATIONS)


def test_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="findes ikke"):
        Taxonomy.load(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="ugyldig TOML"):
        _load(tmp_path, "[[occupation]\nid=")


@pytest.mark.skipif(
    not config_path("occupations.toml").exists(), reason="config/occupations.toml mangler endnu"
)
def test_the_real_taxonomy_loads_and_is_large_enough() -> None:
    tax = default_taxonomy()
    assert len(tax) >= MIN_OCCUPATIONS
    hit = tax.lookup("SOSU-hjælpere til hjemmeplejen")
    assert hit is not None and "sundhedshjælper" in hit.title.lower()


# --- ambiguous fuzzy hits (real taxonomy) -------------------------------------------------------------

# Occupations whose variant keys are near-identical, and small typos of each. A typo may resolve to the
# occupation meant or to none, never to its look-alike: that would give synonym credit for another trade.
LOOK_ALIKE_TYPOS = [
    # (meant, look-alike, typos of a title of the meant occupation)
    ("bryggeriarbejder", "byggearbejder", ["Btyggeriarbejder", "Brygeriarbejder", "Bryggeriarbjder"]),
    ("byggearbejder", "bryggeriarbejder", ["Bygeriarbejder", "Byggeriarbjder", "Byggeriarbejdder"]),
    ("undervisningsassistent", "kassemedarbejder", ["Koasseassistent", "Kkasseassistent", "Klaseassistent"]),
    ("kassemedarbejder", "undervisningsassistent", ["Kasseasistent", "Kaseassistent", "Kassseassistent"]),
    ("havnearbejder", "gartner", ["Havnearbejer", "Havnarbejder", "Havmearbejder", "Havnearbeider"]),
    ("gartner", "havnearbejder", ["Havearbejer", "Haavearbejder", "Havearbejdr"]),
    ("telefonist", "eventmedarbejder", ["Onstillingsmedarbejder", "Obstillingsmedarbejder"]),
    ("eventmedarbejder", "telefonist", ["Opstilingsmedarbejder", "Opstillingsmedarbjeder"]),
]


@pytest.mark.parametrize(("meant", "look_alike", "typos"), LOOK_ALIKE_TYPOS)
def test_a_typo_never_becomes_the_look_alike_occupation(
    meant: str, look_alike: str, typos: list[str]
) -> None:
    tax = default_taxonomy()
    assert tax.get(meant) is not None and tax.get(look_alike) is not None
    found = {t: (o.id if (o := tax.lookup(t)) else None) for t in typos}
    assert all(occ in (meant, None) for occ in found.values()), found


def test_typos_between_look_alikes_get_no_occupation() -> None:
    """One keystroke from either trade: no guess (the old lookup gave the other trade's synonym credit)."""
    tax = default_taxonomy()
    for title in ["Btyggeriarbejder", "Koasseassistent", "Onstillingsmedarbejder", "Klasseasistent"]:
        assert tax.lookup(title) is None, title


def test_unambiguous_misspellings_still_find_their_occupation() -> None:
    tax = default_taxonomy()
    found = {
        t: (o.id if (o := tax.lookup(t)) else None)
        for t in ["Lagermedarbejer", "Rengøringsasistent", "SOSU-hjælpr", "Rengørinsassistent", "Buschaufør"]
    }
    assert found == {
        "Lagermedarbejer": "lagermedarbejder",
        "Rengøringsasistent": "rengoeringsassistent",
        "SOSU-hjælpr": "sosu_hjaelper",
        "Rengørinsassistent": "rengoeringsassistent",
        "Buschaufør": "buschauffoer",
    }
    # Exact variants are untouched by the margin, however close a look-alike is.
    assert {t: tax.lookup(t).id for t in ["Bryggeriarbejder", "Byggeriarbejder"]} == {  # type: ignore[union-attr]
        "Bryggeriarbejder": "bryggeriarbejder",
        "Byggeriarbejder": "byggearbejder",
    }


LOOK_ALIKES = """
[[occupation]]
id = "bryggeriarbejder"
title = "Bryggeriarbejder"
sector = "produktion_industri"

[[occupation]]
id = "byggearbejder"
title = "Byggeriarbejder"
sector = "bygge_anlaeg"
"""


def test_the_margin_is_what_refuses_the_guess(tmp_path: Path) -> None:
    path = tmp_path / "occupations.toml"
    path.write_text(LOOK_ALIKES, encoding="utf-8")
    guessing = Taxonomy.load(path, min_occupations=0, fuzzy_margin=0)
    careful = Taxonomy.load(path, min_occupations=0, fuzzy_margin=4)
    hit = guessing.lookup("Btyggeriarbejder")  # "Bryggeriarbejder" with r -> t
    assert hit is not None and hit.id == "byggearbejder"
    assert careful.lookup("Btyggeriarbejder") is None
    # The exact titles are no guess and resolve as before.
    titles = ["Bryggeriarbejdere", "Byggeriarbejder"]
    found = {t: (o.id if (o := careful.lookup(t)) else None) for t in titles}
    assert found == {"Bryggeriarbejdere": "bryggeriarbejder", "Byggeriarbejder": "byggearbejder"}


@pytest.mark.parametrize("value", ["-1", "21", "'fire'"])
def test_taxonomy_margin_is_validated(tmp_path: Path, value: str) -> None:
    path = tmp_path / "matching.toml"
    path.write_text(f"[title]\ntaxonomy_margin = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"matching.toml: felt 'title.taxonomy_margin'"):
        load_rules(path)


def test_the_length_shortcut_scores_exactly_like_a_full_cdist() -> None:
    """The batched lookup skips variants too long or short to reach the floor; every other score,
    and so every occupation found for a misspelt title, must be what a full ``cdist`` gives."""

    tax = default_taxonomy()
    rng = random.Random(13)
    keys = list(tax._keys)
    typos = []
    for key in keys:  # one slip each (dropped, doubled or replaced letter), as pools have them
        i = rng.randrange(len(key))
        typos += [
            key[:i] + key[i + 1 :],
            key[:i] + key[i] + key[i:],
            key[:i] + rng.choice("aeiløn") + key[i + 1 :],
        ]
    keys = sorted({k for k in keys + typos if k}, key=len)
    floor = tax.fuzzy_cutoff - tax.fuzzy_margin
    full = process.cdist(keys, tax._keys, scorer=fuzz.ratio, dtype=np.float32, score_cutoff=floor)
    assert np.array_equal(tax._scores_above(keys, floor), full)
    assert int((full > 0).sum()) > len(keys)  # hits near the floor are among those compared
