"""The matching rules (``config/matching.toml``): weights, thresholds and vocabulary.

One validated, frozen object that is loaded once at the edge and *passed in* to the normaliser, the
taxonomy and the index; nothing below this module reads the file on its own. Imports only models and
config, so every other matching module can depend on it without a cycle.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from config import config_path, validate_file
from matching import texts

Weight = Annotated[float, Field(ge=0, le=100)]
Unit = Annotated[float, Field(ge=0, le=1)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModifierRules(_Section):
    """Words in a job title that qualify the job rather than name the occupation.

    "Rengøringsassistent 15 timer om ugen, aften og weekend" is a rengøringsassistent; the hours,
    the shift and the contract are facts about the job, kept (:class:`matching.normalize.TitleParse`)
    rather than matched against job wishes.
    """

    # Units after a number that make it weekly hours ("15 timer", "25 t.", "30-37 timer om ugen").
    hour_units: tuple[str, ...] = ("timer", "time", "t")
    # What may follow the unit ("om ugen", "pr. uge", "/uge"); removed with it.
    per_week: tuple[str, ...] = ("om ugen", "pr. uge", "pr uge", "/uge", "/ugen", "ugentligt", "om ug.")
    # Phrase lists per kind of fact: kind -> phrases (matched as whole words, case-insensitively).
    kinds: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # Connectors that introduce a function which may itself be an occupation ("Lager til truckkørsel").
    function_connectors: tuple[str, ...] = ("til",)

    @field_validator("kinds")
    @classmethod
    def _phrases_not_empty(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for kind, phrases in value.items():
            if any(not p.strip() for p in phrases):
                raise ValueError(texts.CONFIG_EMPTY_MODIFIER.format(kind=kind))
        return value


class NormalizationRules(_Section):
    """Vocabulary for normalisation: words caseworkers will want to extend, so data, not code."""

    # Phrases removed anywhere in a title ("(m/k)", "søges", "vi søger", "erfarne", ...).
    noise_phrases: tuple[str, ...] = ("m/k", "k/m", "søges", "vi søger", "søger")
    # Words after which the rest of a title is context ("til travlt lager i Brøndby").
    tail_connectors: tuple[str, ...] = ("til", "i", "hos", "med", "på", "ved", "for", "fra")
    # Heads too generic to stand alone: "Medarbejdere til lager" becomes "lagermedarbejdere".
    generic_heads: tuple[str, ...] = ("medarbejder", "medarbejdere", "hjælper", "hjælpere")
    # Words that separate alternatives in one title ("Chauffør/lagermedarbejder").
    alternative_separators: tuple[str, ...] = ("eller", "og")
    # Abbreviations, without the trailing dot: "medarb" -> "medarbejder".
    abbreviations: dict[str, str] = Field(default_factory=lambda: {"medarb": "medarbejder"})
    # Last words that make a title a trainee/apprentice of the occupation ("Tømrerlærling").
    trainee_suffixes: tuple[str, ...] = ("elev", "lærling")
    modifiers: ModifierRules = ModifierRules()


class Weights(_Section):
    title: Weight = 50.0
    experience: Weight = 20.0
    skills: Weight = 12.0
    distance: Weight = 10.0
    certificates: Weight = 4.0
    languages: Weight = 4.0


class TitleRules(_Section):
    floor: Annotated[float, Field(ge=0, lt=100)] = 70.0
    # Graded credit: exact wish (1.0, the spelling) > same occupation > trainee of it > related.
    synonym_credit: Unit = 0.9
    trainee_credit: Unit = 0.75
    related_strong_credit: Unit = 0.7
    related_credit: Unit = 0.55
    # A title the taxonomy knows as another, unrelated occupation earns at most this on spelling
    # ("Dørmontør" is no "Dørmand"): the taxonomy knows better than the letters.
    other_occupation_cap: Unit = 0.3
    taxonomy_cutoff: Annotated[float, Field(ge=50, le=100)] = 90.0
    # A fuzzy taxonomy hit must beat every other occupation by more than this, else no occupation.
    taxonomy_margin: Annotated[float, Field(ge=0, le=20)] = 4.0


class SkillRules(_Section):
    cutoff: Annotated[float, Field(ge=50, le=100)] = 88.0


class DistanceRules(_Section):
    half_km: Annotated[float, Field(gt=0, le=500)] = 10.0


class FilterRules(_Section):
    availability_grace_days: Annotated[int, Field(ge=0, le=365)] = 14


class ResultRules(_Section):
    min_score: Annotated[float, Field(ge=0, le=100)] = 30.0
    reasons_on_card: Annotated[int, Field(ge=1, le=10)] = 3


class MatchRules(_Section):
    """Weights and thresholds: the knobs a match unit lead may want to turn.

    Who may be matched to which scheme is not here: ``config/schemes.toml`` (:mod:`matching.schemes`).
    """

    weights: Weights = Weights()
    title: TitleRules = TitleRules()
    skills: SkillRules = SkillRules()
    distance: DistanceRules = DistanceRules()
    filters: FilterRules = FilterRules()
    result: ResultRules = ResultRules()
    normalization: NormalizationRules = NormalizationRules()


def load_rules(path: Path | None = None) -> MatchRules:
    """``config/matching.toml`` validated (cached for the default path)."""
    if path is None:
        return _default_rules()
    return validate_file(MatchRules, path)


@cache
def _default_rules() -> MatchRules:
    return validate_file(MatchRules, config_path("matching.toml"))
