"""Taxonomy loading: a broken occupations file stops start-up with the file and the field named."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from config import ConfigError, config_path
from matching.normalize import Normalizer, default_normalizer
from matching.rules import load_rules
from matching.taxonomy import MIN_OCCUPATIONS, Occupation, Sector, Taxonomy, default_taxonomy

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
    keys = sorted({k for k in list(tax._keys) + _typos(tax._keys, random.Random(13)) if k}, key=len)
    floor = tax.fuzzy_cutoff - tax.fuzzy_margin
    full = process.cdist(keys, tax._keys, scorer=fuzz.ratio, dtype=np.float64, score_cutoff=floor)
    ki, vj, raw = tax._hits(keys, floor)
    assert len(set(zip(ki.tolist(), vj.tolist(), strict=True))) == len(ki)  # each pair once
    found = np.zeros_like(full)
    found[ki, vj] = raw
    assert np.array_equal(found, full)
    assert int((full > 0).sum()) > len(keys)  # hits near the floor are among those compared


# --- the batched lookup (index build) against lookup_key ----------------------------------------------


def _typos(keys: list[str], rng: random.Random) -> list[str]:
    """One slip of each kind per key (dropped, doubled, replaced, swapped letter), as pools have them."""
    out = []
    for key in keys:
        i = rng.randrange(len(key))
        j = min(i + 1, len(key) - 1)
        out += [
            key[:i] + key[i + 1 :],
            key[:i] + key[i] + key[i:],
            key[:i] + rng.choice("aeiløn") + key[i + 1 :],
            key[:i] + key[j] + key[i] + key[j + 1 :] if j > i else key,
        ]
    return out


def _one_by_one_and_batched(
    fresh: Callable[[], Taxonomy], keys: list[str]
) -> tuple[list[str | None], list[str | None]]:
    """``lookup_key`` per key and ``lookup_keys`` at once, each on its own taxonomy (no shared cache)."""
    single = fresh()
    return [single.lookup_key(k) for k in keys], fresh().lookup_keys(keys, batch=512)


@pytest.mark.parametrize("margin", [4.0, 0.0])
def test_the_batched_lookup_resolves_every_key_as_lookup_key_does(margin: float) -> None:
    """``lookup_keys`` (the index build) is a vectorised ``lookup_key``: same occupation or None for
    every key, typos, contested look-alikes, generic-head titles and keys matching nothing alike."""
    rules = load_rules().title
    normalizer = default_normalizer()

    def fresh() -> Taxonomy:
        return Taxonomy.load(
            config_path("occupations.toml"),
            normalizer=normalizer,
            fuzzy_cutoff=rules.taxonomy_cutoff,
            fuzzy_margin=margin,
        )

    tax = fresh()
    rng = random.Random(2024)
    own = list(tax._keys)
    # First parts of generic-head keys with a (maybe another) head, and with a typo in the first part
    # only: the cases the first-part cap decides.
    headed = [mod for mod, head in map(normalizer.split_head, own) if head]
    heads = sorted({head for _, head in map(normalizer.split_head, own) if head})
    with_heads = [mod + rng.choice(heads) for mod in headed]
    with_heads += [
        mod + head
        for mod, head in zip(_typos(headed, rng), rng.choices(heads, k=4 * len(headed)), strict=True)
    ]
    look_alikes = [normalizer.title_keys(t)[0] for _, _, typos in LOOK_ALIKE_TYPOS for t in typos]
    nothing = ["", "qxzvjw", "skuespillerinde", "astronautpilot", "x"]
    keys = list(dict.fromkeys(own + _typos(own, rng) + with_heads + look_alikes + nothing))
    rng.shuffle(keys)  # the batch sorts by length itself; duplicates and order must not matter
    keys += keys[:50]
    single, batched = _one_by_one_and_batched(fresh, keys)
    assert batched == single
    # The keys exercise every branch: found by typo, refused, first-part cap, nothing at all.
    found = {k: occ for k, occ in zip(keys, single, strict=True) if tax.lookup_exact(k) is None}
    assert sum(occ is not None for occ in found.values()) > 1000
    assert sum(occ is None for occ in found.values()) > 1000
    assert all(found[k] is None for k in nothing)


@pytest.mark.parametrize("margin", [4.0, 0.0])
def test_the_batched_lookup_agrees_on_look_alikes(tmp_path: Path, margin: float) -> None:
    """Two near-identical occupations: every one-slip typo resolves, or is refused as contested, in
    the batch exactly as one at a time (margin 4 refuses, margin 0 guesses)."""
    path = tmp_path / "occupations.toml"
    path.write_text(LOOK_ALIKES, encoding="utf-8")
    tax = Taxonomy.load(path, min_occupations=0, fuzzy_margin=margin)
    rng = random.Random(5)
    keys = list(dict.fromkeys(tax._keys + [t for _ in range(40) for t in _typos(tax._keys, rng)]))
    single, batched = _one_by_one_and_batched(
        lambda: Taxonomy.load(path, min_occupations=0, fuzzy_margin=margin), keys
    )
    assert batched == single
    assert ("byggearbejder" in single) and ("bryggeriarbejder" in single)
    refused = sum(o is None for o in single)
    assert refused > 0 if margin else refused < len(keys) // 4


def test_the_batched_lookup_breaks_ties_as_lookup_key_does() -> None:
    """A tie on the capped score goes, as ``max`` over ``lookup_key``'s dict, to the occupation met
    first in ``extract``'s order: the one with the better whole-key score, not the first in the file.

    "vinduespudserhjælp" scores 92.3 against "vinduespudserhjælpbil" (no head, no cap) and 94.4
    against "vinduespudsarhjælp", capped to 92.3 by the first parts: a tie the second one wins.
    """
    occupations = [
        Occupation(id="first", title="Vinduespudserhjælpbil", sector=Sector.RENGOERING),
        Occupation(id="second", title="Vinduespudsarhjælper", sector=Sector.RENGOERING),
    ]
    key = Normalizer().title_keys("Vinduespudserhjælper")[0]
    one = Taxonomy(occupations, fuzzy_margin=0)
    assert one.lookup_key(key) == "second"
    assert Taxonomy(occupations, fuzzy_margin=0).lookup_keys([key]) == ["second"]
    # With a margin the tie is contested and nobody gets the key, in both.
    assert Taxonomy(occupations, fuzzy_margin=4).lookup_key(key) is None
    assert Taxonomy(occupations, fuzzy_margin=4).lookup_keys([key]) == [None]


@pytest.mark.parametrize(("margin", "expected"), [(4.0, None), (3.5, "nearer"), (0.0, "nearer")])
def test_the_batched_lookup_contests_a_runner_up_exactly_the_margin_behind(
    margin: float, expected: str | None
) -> None:
    """The key scores 96 against one occupation and 92 against the other: at margin 4 the runner-up is
    within it (≥, as ``lookup_key`` has it) and nobody gets the key, in the batch as one at a time."""
    occupations = [
        Occupation(id="farther", title="Kontorsarvicekoordinatory", sector=Sector.KONTOR_ADMIN),
        Occupation(id="nearer", title="Kontorservicekoordinatory", sector=Sector.KONTOR_ADMIN),
    ]
    key = "kontorservicekoordinatorx"
    assert [fuzz.ratio(key, k) for k in Taxonomy(occupations)._keys] == [92.0, 96.0]
    assert Taxonomy(occupations, fuzzy_margin=margin).lookup_key(key) == expected
    assert Taxonomy(occupations, fuzzy_margin=margin).lookup_keys([key]) == [expected]
