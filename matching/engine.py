"""The matching engine: hard filters, a 0–100 score with named parts, and Danish reasons.

Built for a pool of 100k candidates: the index keeps each *distinct* normalised title once, so a
job order costs one ``rapidfuzz.process.cdist`` over the title vocabulary; everything per candidate
(filters, the best title per candidate, skills, distance) is numpy over fixed-width arrays, so
``upsert``/``remove`` change one row and never rebuild. Reasons (Danish text) are only produced for
the candidates shown (the top N) and for ``explain``.

Decision on ``available_from``: a hard filter ("tilgaengelig") when the candidate is first available
more than ``filters.availability_grace_days`` days after the job order's ``start_date``; a job order
without a start date filters nobody. Consultants can then see exactly why with ``explain``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator
from rapidfuzz import fuzz, process

from config import ConfigError, config_path, validate_file
from matching.geo import PostcodeTable, postcodes
from matching.models import (
    Benefit,
    CandidateProfile,
    EmploymentType,
    JobOrder,
    certificate_catalog,
    certificate_label,
    da_number,
)
from matching.normalize import NormalizationRules, Normalizer
from matching.taxonomy import Taxonomy

# --- rules (config/matching.toml) ------------------------------------------------------------

Weight = Annotated[float, Field(ge=0, le=100)]
Unit = Annotated[float, Field(ge=0, le=1)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Weights(_Section):
    title: Weight = 50.0
    experience: Weight = 20.0
    skills: Weight = 12.0
    distance: Weight = 10.0
    certificates: Weight = 4.0
    languages: Weight = 4.0


class TitleRules(_Section):
    floor: Annotated[float, Field(ge=0, lt=100)] = 70.0
    synonym_credit: Unit = 0.95
    related_credit: Unit = 0.55
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


def _default_eligibility() -> dict[EmploymentType, frozenset[Benefit]]:
    ordinary = frozenset(
        {Benefit.DAGPENGE, Benefit.KONTANTHJAELP_JOBPARAT, Benefit.UDDANNELSESHJAELP_JOBPARAT}
    )
    rules = {t: ordinary for t in EmploymentType}
    rules[EmploymentType.FLEKSJOB] = frozenset({Benefit.LEDIGHEDSYDELSE})
    return rules


class MatchRules(_Section):
    """Weights, thresholds and eligibility: the knobs a match unit lead may want to turn."""

    weights: Weights = Weights()
    title: TitleRules = TitleRules()
    skills: SkillRules = SkillRules()
    distance: DistanceRules = DistanceRules()
    filters: FilterRules = FilterRules()
    result: ResultRules = ResultRules()
    eligibility: dict[EmploymentType, frozenset[Benefit]] = Field(default_factory=_default_eligibility)
    normalization: NormalizationRules = NormalizationRules()

    @field_validator("eligibility")
    @classmethod
    def _every_type(
        cls, value: dict[EmploymentType, frozenset[Benefit]]
    ) -> dict[EmploymentType, frozenset[Benefit]]:
        missing = [t.value for t in EmploymentType if t not in value]
        if missing:
            raise ValueError(f"mangler regler for ansættelsestyper: {', '.join(missing)}")
        return value


def load_rules(path: Path | None = None) -> MatchRules:
    """``config/matching.toml`` validated (cached for the default path)."""
    if path is None:
        return _default_rules()
    return validate_file(MatchRules, path)


@cache
def _default_rules() -> MatchRules:
    return validate_file(MatchRules, config_path("matching.toml"))


# --- Danish texts of this module (reasons reach cards, the CLI and explain) -----------------------

T_TITLE_FUZZY = "{kind} '{title}' ≈ '{job}' ({sim:.0f})"
T_TITLE_SYNONYM = "{kind} '{title}': samme fag som jobordren ({occupation})"
T_TITLE_SAME_OCCUPATION = "{kind} '{title}': samme fag som jobordren"
T_TITLE_RELATED = "Beslægtet fag: {occupation} ({kind_lower} '{title}')"
T_TITLE_NONE = "Ingen {kind_plural} ligner '{job}'"
KIND_DESIRED = ("Jobønske", "jobønske", "jobønsker")
KIND_EXPERIENCE = ("Erfaring som", "erfaring som", "erfaringer")
T_SKILLS = "Har {n} af {total} ønskede kompetencer: {skills}"
T_SKILLS_NONE = "Ingen af de ønskede kompetencer ({skills})"
T_DISTANCE = "{km} km fra arbejdsstedet"
T_DISTANCE_NEAR = "Under 1 km fra arbejdsstedet"
T_CERTS = "Har {labels}"
T_CERTS_NONE = "Har ikke de typiske certifikater ({labels})"
T_LANGS = "Taler {langs}"
T_LANGS_NONE = "Taler ikke {langs}"
X_INACTIVE = "Kandidaten er ikke aktiv i puljen"
X_FLEKS_ONLY = "Fleksjob er kun for kandidater på ledighedsydelse (kandidaten får {benefit})"
X_LEDIGHEDSYDELSE = "Kandidater på ledighedsydelse matches kun til fleksjob (jobbet er {etype})"
X_BENEFIT = "{benefit} giver ikke adgang til {etype}"
X_CERTS = "Mangler {labels}"
X_HOURS = "Kan arbejde {cand} timer om ugen; jobbet er på {job} timer"
X_DISTANCE = "Bor {km} km fra arbejdsstedet; vil højst pendle {max} km"
X_AVAILABLE = "Først ledig fra {available}; jobbet starter {start}"
E_UNKNOWN = "Kandidaten '{cid}' findes ikke i puljen."
E_EXCLUDED = "Kandidaten '{cid}' er frasorteret: {reason}."
E_NO_TITLE = "Kandidaten '{cid}' opfylder alle krav, men ingen jobønsker eller erfaringer ligner '{job}'."
E_BELOW_MIN = "Kandidaten '{cid}' opfylder alle krav, men scoren {score} er under grænsen {min}."
E_BELOW_TOP = (
    "Kandidaten '{cid}' opfylder alle krav og er nr. {rank} med score {score}; listen viser de {top} bedste."
)
E_ON_LIST = "Kandidaten '{cid}' er nr. {rank} på listen med score {score}: {reasons}."

FILTERS = ("inaktiv", "ydelse", "certifikat", "timer", "afstand", "tilgaengelig")




def _km(value: float) -> str:
    return str(round(value)) if value >= 10 else da_number(value)


def _lower_label(label: str) -> str:
    """'Truckcertifikat' -> 'truckcertifikat', but keep 'ADR-bevis' as it is."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def _join_da(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contribution:
    """One named part of a score; the points of a result's contributions add up to its score."""

    name: str
    points: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    candidate_id: str
    score: float
    contributions: tuple[Contribution, ...]
    distance_km: float
    reasons_on_card: int = 3

    @property
    def reasons(self) -> list[str]:
        """The strongest Danish reasons, for cards."""
        ranked = sorted((c for c in self.contributions if c.points > 0), key=lambda c: -c.points)
        return [c.reason for c in ranked[: self.reasons_on_card]]


@dataclass(frozen=True, slots=True)
class Exclusion:
    candidate_id: str
    filter: str
    reason: str


@dataclass(frozen=True)
class Shortlist:
    job_order_id: str
    results: list[MatchResult]
    excluded: dict[str, int]  # filter -> count, among the candidates relevant by title
    considered: int  # candidates in the pool
    relevant: int = 0  # candidates whose job wishes or experience resemble the job order


@dataclass(frozen=True)
class Explanation:
    candidate_id: str
    status: Literal["on_list", "below_cutoff", "excluded", "unknown"]
    rank: int | None
    result: MatchResult | None
    exclusion: Exclusion | None
    message: str


# --- the index -----------------------------------------------------------------------------------

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
MAX_BITS = 63  # skills/languages of one job order are bits of an int64


class _Vocab:
    """Distinct keys, index 0 = the empty key used to pad rows. Keys are never removed (cheap)."""

    def __init__(self) -> None:
        self.keys: list[str] = [""]
        self.index: dict[str, int] = {"": 0}

    def add(self, key: str) -> int:
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.keys)
            self.keys.append(key)
        return i

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(slots=True)
class _Encoded:
    active: bool
    hours: int
    postcode: int
    commute: float
    benefit: int
    certs: int
    available: int
    desired: list[int]
    experience: list[int]
    skills: list[int]
    languages: list[int]


@dataclass(slots=True)
class _JobContext:
    """Everything computed once per job order."""

    job: JobOrder
    title_val: FloatArray  # per title vocab entry: 0–1 credit
    title_sim: FloatArray  # per title vocab entry: best rapidfuzz ratio
    job_occ: frozenset[int]
    related_occ: frozenset[int]
    skill_keys: list[str]
    skill_bits: npt.NDArray[np.int64] | None
    lang_keys: list[str]
    lang_bits: npt.NDArray[np.int64] | None
    wanted_certs: int
    distances: FloatArray  # per postcode index
    weight_total: float


@dataclass(slots=True)
class _Evaluation:
    ctx: _JobContext
    excluded: dict[str, int]
    rows: IntArray  # rows passing every filter with some title credit
    scores: FloatArray  # their scores, rounded to 1 decimal
    considered: int
    relevant: int


def _colmax(values: FloatArray, slots: IntArray, n: int, rows: IntArray | None) -> FloatArray:
    """Row-wise max of ``values[slots]``, one contiguous column at a time (fast for narrow slots)."""
    out: FloatArray = values[slots[:n, 0] if rows is None else slots[rows, 0]]
    for k in range(1, slots.shape[1]):
        np.maximum(out, values[slots[:n, k] if rows is None else slots[rows, k]], out=out)
    return out


def _color(bits: npt.NDArray[np.int64], slots: IntArray, rows: IntArray) -> npt.NDArray[np.int64]:
    """Row-wise OR of ``bits[slots]`` for ``rows``."""
    out: npt.NDArray[np.int64] = bits[slots[rows, 0]]
    for k in range(1, slots.shape[1]):
        np.bitwise_or(out, bits[slots[rows, k]], out=out)
    return out


_BENEFITS = list(Benefit)
_BENEFIT_CODE = {b: i for i, b in enumerate(_BENEFITS)}
_NO_DATE = 0


def _cert_bits() -> dict[str, int]:
    return {c.code: 1 << i for i, c in enumerate(certificate_catalog().certificate)}


def _popcount(values: npt.NDArray[np.int64]) -> IntArray:
    return np.bitwise_count(values.astype(np.uint64)).astype(np.int32)


class MatchIndex:
    """A candidate pool prepared for fast matching; one per pool version."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        rules: MatchRules | None = None,
        *,
        postcode_table: PostcodeTable | None = None,
        workers: int = 1,
        compact_after: int = 10_000,
    ) -> None:
        self.rules = rules or load_rules()
        if taxonomy is None:
            from matching.taxonomy import default_taxonomy

            taxonomy = default_taxonomy()
        self.taxonomy = taxonomy
        self.normalizer: Normalizer = taxonomy.normalizer
        self.postcodes = postcode_table or postcodes()
        self.workers = workers
        self.compact_after = compact_after  # upserted title postings before the CSR is rebuilt
        if len(self.rules.eligibility) != len(EmploymentType):
            raise ConfigError("eligibility: alle ansættelsestyper skal have regler")
        self._cert_bits = _cert_bits()
        self._cert_labels = {c: _lower_label(label) for c, label in certificate_catalog().labels().items()}
        self._profiles: list[CandidateProfile | None] = []
        self._row_of: dict[str, int] = {}
        self._free: list[int] = []
        self._titles = _Vocab()
        self._title_occ: list[int] = [-1]
        self._title_mods: list[str] = [""]  # per title key: the part before a generic head
        self._title_has_head: list[bool] = [False]
        self._title_has_head_arr: npt.NDArray[np.bool_] = np.zeros(1, dtype=bool)
        self._title_occ_arr: IntArray = np.full(1, -1, dtype=np.int32)
        self._skills = _Vocab()
        self._langs = _Vocab()
        self._memo_titles: dict[tuple[str, ...], list[int]] = {}
        self._memo_skills: dict[tuple[str, ...], list[int]] = {}
        self._memo_langs: dict[tuple[str, ...], list[int]] = {}
        self._n = 0  # rows in use (including freed ones)
        # Inverted index title -> rows (CSR) so a job order only touches candidates with a relevant
        # title. Rows added by upsert after the last compaction wait in ``_post_extra``; entries may be
        # stale (a profile changed its titles) and are re-checked against the slot arrays per query.
        self._post_ptr: IntArray = np.zeros(1, dtype=np.int32)
        self._post_rows: IntArray = np.zeros(0, dtype=np.int32)
        self._post_extra: dict[int, list[int]] = {}
        self._post_extra_count = 0
        self._alloc(1024, {"desired": 2, "experience": 2, "skills": 4, "languages": 2})

    # --- storage -----------------------------------------------------------------------------------

    def _alloc(self, capacity: int, widths: dict[str, int]) -> None:
        self._cap = capacity
        self._present = np.zeros(capacity, dtype=bool)
        self._active = np.zeros(capacity, dtype=bool)
        self._hours = np.zeros(capacity, dtype=np.int16)
        self._pc = np.zeros(capacity, dtype=np.int32)
        self._commute = np.zeros(capacity, dtype=np.float64)
        self._benefit = np.zeros(capacity, dtype=np.int8)
        self._certs = np.zeros(capacity, dtype=np.int64)
        self._avail = np.zeros(capacity, dtype=np.int32)
        self._slots: dict[str, IntArray] = {
            k: np.zeros((capacity, w), dtype=np.int32, order="F") for k, w in widths.items()
        }

    def _grow(self, capacity: int) -> None:
        old_n = self._n
        arrays = {
            name: getattr(self, name)
            for name in ("_present", "_active", "_hours", "_pc", "_commute", "_benefit", "_certs", "_avail")
        }
        slots = self._slots
        self._alloc(capacity, {k: v.shape[1] for k, v in slots.items()})
        for name, arr in arrays.items():
            getattr(self, name)[:old_n] = arr[:old_n]
        for k, v in slots.items():
            self._slots[k][:old_n] = v[:old_n]

    def _widen(self, kind: str, width: int) -> None:
        old = self._slots[kind]
        new = np.zeros((self._cap, width), dtype=np.int32, order="F")
        new[:, : old.shape[1]] = old
        self._slots[kind] = new

    def _title_ids(self, titles: Sequence[str]) -> list[int]:
        """Vocabulary ids of a title list; memoised per list (pools repeat the same lists a lot)."""
        memo = self._memo_titles.get(tuple(titles))
        if memo is not None:
            return memo
        ids: list[int] = []
        for title in titles:
            for key in self.normalizer.title_keys(title):
                before = len(self._titles)
                i = self._titles.add(key)
                if i == before:
                    mod, head = self.normalizer.split_head(key)
                    self._title_mods.append(mod)
                    self._title_has_head.append(bool(head))
                    occ = self.taxonomy.lookup_key(key)
                    self._title_occ.append(self.taxonomy.index_of[occ] if occ is not None else -1)
                if i not in ids:
                    ids.append(i)
        self._memo_titles[tuple(titles)] = ids
        return ids

    def _skill_ids(self, skills: Sequence[str]) -> list[int]:
        memo = self._memo_skills.get(tuple(skills))
        if memo is not None:
            return memo
        ids: list[int] = []
        for s in skills:
            key = self.normalizer.skill_key(s)
            if key and (i := self._skills.add(key)) not in ids:
                ids.append(i)
        self._memo_skills[tuple(skills)] = ids
        return ids

    def _lang_ids(self, languages: Sequence[str]) -> list[int]:
        memo = self._memo_langs.get(tuple(languages))
        if memo is None:
            memo = list(dict.fromkeys(self._langs.add(_lang_key(lang)) for lang in languages))
            self._memo_langs[tuple(languages)] = memo
        return memo

    def _encode(self, p: CandidateProfile) -> _Encoded:
        certs = 0
        for c in p.certificates:
            certs |= self._cert_bits.get(c, 0)
        return _Encoded(
            active=p.active,
            hours=p.hours_per_week,
            postcode=self.postcodes.index_of(p.postcode),
            commute=p.max_commute_km,
            benefit=_BENEFIT_CODE[p.benefit],
            certs=certs,
            available=p.available_from.toordinal() if p.available_from else _NO_DATE,
            desired=self._title_ids(p.desired_titles),
            experience=self._title_ids(p.experience_titles),
            skills=self._skill_ids(p.skills),
            languages=self._lang_ids(p.languages),
        )

    def _write(self, row: int, e: _Encoded) -> None:
        self._present[row] = True
        self._active[row] = e.active
        self._hours[row] = e.hours
        self._pc[row] = e.postcode
        self._commute[row] = e.commute
        self._benefit[row] = e.benefit
        self._certs[row] = e.certs
        self._avail[row] = e.available
        for kind, ids in (
            ("desired", e.desired),
            ("experience", e.experience),
            ("skills", e.skills),
            ("languages", e.languages),
        ):
            if len(ids) > self._slots[kind].shape[1]:
                self._widen(kind, len(ids))
            arr = self._slots[kind]
            arr[row, : len(ids)] = ids
            arr[row, len(ids) :] = 0

    def _sync_title_occ(self) -> None:
        if len(self._title_occ_arr) != len(self._title_occ):
            self._title_occ_arr = np.asarray(self._title_occ, dtype=np.int32)
            self._title_has_head_arr = np.asarray(self._title_has_head, dtype=bool)

    # --- public mutation -----------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        profiles: Iterable[CandidateProfile],
        taxonomy: Taxonomy | None = None,
        rules: MatchRules | None = None,
        *,
        postcode_table: PostcodeTable | None = None,
        workers: int = 1,
        compact_after: int = 10_000,
    ) -> MatchIndex:
        """Index a whole pool; a later profile with the same id replaces the earlier one."""
        index = cls(
            taxonomy, rules, postcode_table=postcode_table, workers=workers, compact_after=compact_after
        )
        latest: dict[str, CandidateProfile] = {}
        for p in profiles:
            latest[p.id] = p
        encoded = [index._encode(p) for p in latest.values()]
        n = len(encoded)
        widths = {
            "desired": max([len(e.desired) for e in encoded] + [1]),
            "experience": max([len(e.experience) for e in encoded] + [1]),
            "skills": max([len(e.skills) for e in encoded] + [1]),
            "languages": max([len(e.languages) for e in encoded] + [1]),
        }
        index._alloc(max(1024, int(n * 1.25)), widths)
        index._present[:n] = True
        index._active[:n] = [e.active for e in encoded]
        index._hours[:n] = [e.hours for e in encoded]
        index._pc[:n] = [e.postcode for e in encoded]
        index._commute[:n] = [e.commute for e in encoded]
        index._benefit[:n] = [e.benefit for e in encoded]
        index._certs[:n] = [e.certs for e in encoded]
        index._avail[:n] = [e.available for e in encoded]
        for kind in widths:
            lists: list[list[int]] = [getattr(e, kind) for e in encoded]
            lengths = np.fromiter((len(ids) for ids in lists), dtype=np.int64, count=n)
            flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int32, count=int(lengths.sum()))
            rows = np.repeat(np.arange(n), lengths)
            cols = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            index._slots[kind][rows, cols] = flat
        index._profiles = list(latest.values())
        index._row_of = {cid: i for i, cid in enumerate(latest)}
        index._n = n
        index._compact_postings()
        return index

    def _compact_postings(self) -> None:
        """Rebuild the title -> rows CSR from the slot arrays (vectorised; no profile is re-read)."""
        n = self._n
        title_cols = [self._slots["desired"][:n], self._slots["experience"][:n]]
        titles = np.concatenate([c.ravel(order="F") for c in title_cols])
        rows = np.concatenate([np.tile(np.arange(n, dtype=np.int32), c.shape[1]) for c in title_cols])
        keep = (titles > 0) & self._present[:n][rows]
        titles, rows = titles[keep], rows[keep]
        order = np.argsort(titles, kind="stable")
        self._post_rows = rows[order].astype(np.int32)
        counts = np.bincount(titles, minlength=len(self._titles))
        self._post_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        self._post_extra = {}
        self._post_extra_count = 0

    def _candidate_rows(self, title_ids: IntArray) -> IntArray:
        """Rows that have (or had) one of ``title_ids``; deduplicated, present rows only."""
        ptr, post = self._post_ptr, self._post_rows
        parts = [post[ptr[t] : ptr[t + 1]] for t in title_ids.tolist() if t + 1 < len(ptr)]
        extra = [r for t in title_ids.tolist() for r in self._post_extra.get(t, ())]
        if extra:
            parts.append(np.asarray(extra, dtype=np.int32))
        if not parts:
            return np.zeros(0, dtype=np.int32)
        mark = np.zeros(self._n, dtype=bool)  # a mask dedups faster than np.unique at this size
        for part in parts:
            mark[part] = True
        mark &= self._present[: self._n]
        result: IntArray = np.flatnonzero(mark).astype(np.int32)
        return result

    def upsert(self, profile: CandidateProfile) -> None:
        """Add or replace one profile in place."""
        encoded = self._encode(profile)
        row = self._row_of.get(profile.id)
        if row is None:
            if self._free:
                row = self._free.pop()
            else:
                if self._n >= self._cap:
                    self._grow(self._cap * 2)
                row = self._n
                self._n += 1
                self._profiles.append(None)
            self._row_of[profile.id] = row
        self._profiles[row] = profile
        self._write(row, encoded)
        for t in (*encoded.desired, *encoded.experience):
            self._post_extra.setdefault(t, []).append(row)
        self._post_extra_count += len(encoded.desired) + len(encoded.experience)
        if self._post_extra_count > max(self.compact_after, len(self._post_rows) // 4):
            self._compact_postings()

    def remove(self, candidate_id: str) -> bool:
        row = self._row_of.pop(candidate_id, None)
        if row is None:
            return False
        self._profiles[row] = None
        self._present[row] = False
        self._free.append(row)
        return True

    def get(self, candidate_id: str) -> CandidateProfile | None:
        row = self._row_of.get(candidate_id)
        return None if row is None else self._profiles[row]

    def __len__(self) -> int:
        return len(self._row_of)

    # --- per job order ----------------------------------------------------------------------------------

    def _context(self, job: JobOrder) -> _JobContext:
        self._sync_title_occ()
        rules = self.rules
        job_keys = list(self.normalizer.title_keys(job.title))
        job_occ = {self.taxonomy.lookup_key(k) for k in job_keys}
        occ_ids = {o for o in job_occ if o is not None}
        related = set().union(*(self.taxonomy.related(o) for o in occ_ids)) - occ_ids if occ_ids else set()
        n_titles = len(self._titles)
        if job_keys:
            sims = process.cdist(
                job_keys, self._titles.keys, scorer=fuzz.ratio, dtype=np.float32, workers=self.workers
            )
            # Compounds with the same generic head ("-medarbejder", "-hjælper") look alike to a plain
            # ratio ("Slagterimedarbejder" ≈ "Lagermedarbejder" (90)); the similarity of the first
            # parts caps it, so only spellings of the same trade stay high.
            # (Only when both titles have such a head: a misspelt head must not hide a good match.)
            job_split = [self.normalizer.split_head(k) for k in job_keys]
            mod_sims = process.cdist(
                [m for m, _ in job_split],
                self._title_mods,
                scorer=fuzz.ratio,
                dtype=np.float32,
                workers=self.workers,
            )
            both = np.array([bool(h) for _, h in job_split])[:, None] & self._title_has_head_arr[None, :]
            sim = np.where(both, np.minimum(sims, mod_sims), sims).max(axis=0).astype(np.float64)
        else:
            sim = np.zeros(n_titles)
        sim[0] = 0.0
        floor = rules.title.floor
        val = np.clip((sim - floor) / (100.0 - floor), 0.0, 1.0)
        occ_arr = self._title_occ_arr
        job_occ_idx = frozenset(self.taxonomy.index_of[o] for o in occ_ids)
        related_idx = frozenset(self.taxonomy.index_of[o] for o in related)
        # Credit per occupation (last slot: titles without an occupation, index -1), then one gather.
        occ_credit = np.zeros(len(self.taxonomy) + 1)
        occ_credit[list(related_idx)] = rules.title.related_credit
        occ_credit[list(job_occ_idx)] = rules.title.synonym_credit
        val = np.maximum(val, occ_credit[occ_arr])
        val[0] = 0.0

        skill_keys = list(dict.fromkeys(k for k in (self.normalizer.skill_key(s) for s in job.skills) if k))
        skill_keys = skill_keys[:MAX_BITS]
        skill_bits = None
        if skill_keys:
            hits = (
                process.cdist(
                    skill_keys,
                    self._skills.keys,
                    scorer=fuzz.ratio,
                    dtype=np.float32,
                    score_cutoff=rules.skills.cutoff,
                    workers=self.workers,
                )
                >= rules.skills.cutoff
            )
            hits[:, 0] = False
            weights = (np.int64(1) << np.arange(len(skill_keys), dtype=np.int64))[:, None]
            skill_bits = (hits.astype(np.int64) * weights).sum(axis=0).astype(np.int64)

        lang_keys = list(dict.fromkeys(_lang_key(lang) for lang in job.languages))[:MAX_BITS]
        lang_bits = None
        if lang_keys:
            lang_bits = np.zeros(len(self._langs), dtype=np.int64)
            for j, key in enumerate(lang_keys):
                i = self._langs.index.get(key)
                if i is not None:
                    lang_bits[i] |= np.int64(1) << np.int64(j)

        wanted = 0
        for c in job.required_certificates:
            wanted |= self._cert_bits.get(c, 0)
        for o in occ_ids:
            for c in self.taxonomy.by_id[o].certificates:
                wanted |= self._cert_bits.get(c, 0)

        w = rules.weights
        total = w.title + w.experience + w.distance
        total += w.skills if skill_keys else 0.0
        total += w.languages if lang_keys else 0.0
        total += w.certificates if wanted else 0.0
        return _JobContext(
            job=job,
            title_val=val,
            title_sim=sim,
            job_occ=job_occ_idx,
            related_occ=related_idx,
            skill_keys=skill_keys,
            skill_bits=skill_bits,
            lang_keys=lang_keys,
            lang_bits=lang_bits,
            wanted_certs=wanted,
            distances=self.postcodes.distances_from_index(self.postcodes.index_of(job.postcode)),
            weight_total=total if total > 0 else 1.0,
        )

    def _relevance(self, ctx: _JobContext, rows: IntArray | None = None) -> tuple[FloatArray, FloatArray]:
        """Best desired-title and experience-title credit per row (all used rows when ``rows`` is None).

        Slot arrays are column-major, so each slot column is one contiguous gather.
        """
        return (
            _colmax(ctx.title_val, self._slots["desired"], self._n, rows),
            _colmax(ctx.title_val, self._slots["experience"], self._n, rows),
        )

    def _filter_masks(self, ctx: _JobContext, rows: IntArray) -> list[tuple[str, npt.NDArray[np.bool_]]]:
        """The hard filters over ``rows``, in the order their reason is reported (the first failing wins)."""
        job = ctx.job
        allowed = np.zeros(len(_BENEFITS), dtype=bool)
        for b in self.rules.eligibility[job.employment_type]:
            allowed[_BENEFIT_CODE[b]] = True
        req = 0
        for c in job.required_certificates:
            req |= self._cert_bits.get(c, 0)
        masks: list[tuple[str, npt.NDArray[np.bool_]]] = [
            ("inaktiv", self._active[rows]),
            ("ydelse", allowed[self._benefit[rows]]),
            ("certifikat", (self._certs[rows] & req) == req),
            ("timer", self._hours[rows] >= job.hours_per_week),
            ("afstand", ctx.distances[self._pc[rows]] <= self._commute[rows] + 1e-9),
        ]
        if job.start_date is not None:
            latest = job.start_date.toordinal() + self.rules.filters.availability_grace_days
            masks.append(("tilgaengelig", self._avail[rows] <= latest))
        return masks

    def _scores(
        self, ctx: _JobContext, rows: IntArray, title: FloatArray, experience: FloatArray
    ) -> dict[str, FloatArray]:
        """Component values 0–1 for ``rows`` (already filtered); title parts computed by the caller."""
        out: dict[str, FloatArray] = {"title": title, "experience": experience}
        d = ctx.distances[self._pc[rows]]
        out["distance"] = np.power(0.5, d / self.rules.distance.half_km)
        if ctx.skill_bits is not None:
            bits = _color(ctx.skill_bits, self._slots["skills"], rows)
            out["skills"] = _popcount(bits) / len(ctx.skill_keys)
        if ctx.lang_bits is not None:
            bits = _color(ctx.lang_bits, self._slots["languages"], rows)
            out["languages"] = _popcount(bits) / len(ctx.lang_keys)
        if ctx.wanted_certs:
            have = self._certs[rows] & np.int64(ctx.wanted_certs)
            out["certificates"] = _popcount(have) / bin(ctx.wanted_certs).count("1")
        return out

    def _total(self, ctx: _JobContext, parts: dict[str, FloatArray], size: int) -> FloatArray:
        w = self.rules.weights
        total = np.zeros(size)
        for name, values in parts.items():
            weight: float = getattr(w, name)
            total += weight * values
        result: FloatArray = np.round(100.0 * total / ctx.weight_total, 1)
        return result

    def _evaluate(self, job: JobOrder) -> _Evaluation:
        """Relevance by title, then the hard filters, then the score of everyone who is left."""
        ctx = self._context(job)
        rows = self._candidate_rows(np.flatnonzero(ctx.title_val > 0).astype(np.int32))
        title, experience = self._relevance(ctx, rows)
        relevant = (title > 0) | (experience > 0)  # drops stale postings
        rows, title, experience = rows[relevant], title[relevant], experience[relevant]
        excluded: dict[str, int] = {}
        keep = np.ones(len(rows), dtype=bool)
        for name, ok in self._filter_masks(ctx, rows):
            failing = int(np.count_nonzero(keep & ~ok))
            if failing:
                excluded[name] = failing
            keep &= ok
        passing = rows[keep]
        parts = self._scores(ctx, passing, title[keep], experience[keep])
        scores = self._total(ctx, parts, len(passing))
        return _Evaluation(ctx, excluded, passing, scores, len(self._row_of), len(rows))

    def _ranked(self, rows: IntArray, scores: FloatArray, top: int) -> list[tuple[int, float]]:
        """Top ``top`` (row, score) above the minimum: score desc, then candidate id asc."""
        if top <= 0:
            return []
        keep = scores >= self.rules.result.min_score
        rows, scores = rows[keep], scores[keep]
        if len(rows) > top:
            kth = np.partition(scores, len(scores) - top)[len(scores) - top]
            sel = scores >= kth  # keeps every tie at the boundary, sorted below by id
            rows, scores = rows[sel], scores[sel]
        pairs = [(int(r), float(s)) for r, s in zip(rows, scores, strict=True)]
        pairs.sort(key=lambda rs: (-rs[1], self._profile(rs[0]).id))
        return pairs[:top]

    def _profile(self, row: int) -> CandidateProfile:
        p = self._profiles[row]
        assert p is not None
        return p

    def match(self, job: JobOrder, top: int = 10) -> Shortlist:
        """The shortlist for a job order: the best ``top`` candidates who pass every hard filter.

        Candidates whose job wishes and experience resemble the job order in no way (title credit 0)
        are never shortlisted; ``Shortlist.excluded`` counts the hard-filter exclusions among the
        others ("of the people who fit by title, 12 live too far away"), which is what a lead acts on.
        """
        ev = self._evaluate(job)
        results = self._results(ev.ctx, self._ranked(ev.rows, ev.scores, top))
        return Shortlist(
            job_order_id=job.id,
            results=results,
            excluded=ev.excluded,
            considered=ev.considered,
            relevant=ev.relevant,
        )

    def explain(self, job: JobOrder, candidate_id: str, top: int = 10) -> Explanation:
        """Why a named candidate is or is not on the shortlist of ``top``."""
        row = self._row_of.get(candidate_id)
        if row is None:
            return Explanation(candidate_id, "unknown", None, None, None, E_UNKNOWN.format(cid=candidate_id))
        exclusion = self.exclusion(job, self._profile(row))
        if exclusion is not None:
            msg = E_EXCLUDED.format(cid=candidate_id, reason=exclusion.reason)
            return Explanation(candidate_id, "excluded", None, None, exclusion, msg)
        ev = self._evaluate(job)
        hit = np.flatnonzero(ev.rows == row)
        if len(hit) == 0:  # passes the filters but nothing in its titles resembles the job order
            one = np.array([row], dtype=np.int32)
            zero = np.zeros(1)
            score = float(self._total(ev.ctx, self._scores(ev.ctx, one, zero, zero), 1)[0])
            (result,) = self._results(ev.ctx, [(row, score)])
            msg = E_NO_TITLE.format(cid=candidate_id, job=job.title)
            return Explanation(candidate_id, "below_cutoff", None, result, None, msg)
        score = float(ev.scores[int(hit[0])])
        (result,) = self._results(ev.ctx, [(row, score)])
        ties = np.flatnonzero(ev.scores == score)
        tied_before = sum(1 for i in ties if self._profile(int(ev.rows[i])).id < candidate_id)
        rank = int(np.count_nonzero(ev.scores > score)) + tied_before + 1
        score_txt = da_number(score)
        min_score = self.rules.result.min_score
        if score < min_score:
            msg = E_BELOW_MIN.format(cid=candidate_id, score=score_txt, min=da_number(min_score))
            return Explanation(candidate_id, "below_cutoff", rank, result, None, msg)
        if rank > top:
            msg = E_BELOW_TOP.format(cid=candidate_id, rank=rank, score=score_txt, top=top)
            return Explanation(candidate_id, "below_cutoff", rank, result, None, msg)
        msg = E_ON_LIST.format(
            cid=candidate_id, rank=rank, score=score_txt, reasons="; ".join(result.reasons)
        )
        return Explanation(candidate_id, "on_list", rank, result, None, msg)

    # --- per-candidate explanations (top N only) ----------------------------------------------------------

    def exclusion(self, job: JobOrder, p: CandidateProfile) -> Exclusion | None:
        """The first hard filter ``p`` fails for ``job`` with a Danish reason, or None.

        Written from the profile's fields (not the arrays) so that ``explain`` reads like the rule.
        """

        def ex(name: str, reason: str) -> Exclusion:
            return Exclusion(p.id, name, reason)

        etype = job.employment_type
        if not p.active:
            return ex("inaktiv", X_INACTIVE)
        if p.benefit not in self.rules.eligibility[etype]:
            if etype is EmploymentType.FLEKSJOB:
                return ex("ydelse", X_FLEKS_ONLY.format(benefit=p.benefit.label.lower()))
            if p.benefit is Benefit.LEDIGHEDSYDELSE:
                return ex("ydelse", X_LEDIGHEDSYDELSE.format(etype=etype.label.lower()))
            return ex("ydelse", X_BENEFIT.format(benefit=p.benefit.label, etype=etype.label.lower()))
        missing = [c for c in job.required_certificates if c not in p.certificates]
        if missing:
            labels = _join_da([_lower_label(certificate_label(c)) for c in missing])
            return ex("certifikat", X_CERTS.format(labels=labels))
        if p.hours_per_week < job.hours_per_week:
            return ex("timer", X_HOURS.format(cand=p.hours_per_week, job=job.hours_per_week))
        km = self.postcodes.distance_km(p.postcode, job.postcode)
        if km > p.max_commute_km + 1e-9:
            return ex("afstand", X_DISTANCE.format(km=_km(km), max=_km(p.max_commute_km)))
        if job.start_date is not None and p.available_from is not None:
            grace = self.rules.filters.availability_grace_days
            if p.available_from.toordinal() > job.start_date.toordinal() + grace:
                return ex(
                    "tilgaengelig",
                    X_AVAILABLE.format(available=_da_date(p.available_from), start=_da_date(job.start_date)),
                )
        return None

    def _title_contribution(
        self, ctx: _JobContext, titles: Sequence[str], name: str, points: float, kind: tuple[str, str, str]
    ) -> Contribution:
        """Which of the titles earned the credit, and why (same spelling, synonym or related)."""
        best: tuple[float, str, int] = (0.0, "", 0)
        for title in titles:
            for key in self.normalizer.title_keys(title):
                i = self._titles.index.get(key)
                if i is not None and ctx.title_val[i] > best[0]:
                    best = (float(ctx.title_val[i]), title, i)
        value, title, i = best
        job_title = self.normalizer.display_head(ctx.job.title)
        if value <= 0:
            return Contribution(name, 0.0, T_TITLE_NONE.format(kind_plural=kind[2], job=job_title))
        occ = int(self._title_occ_arr[i])
        sim = float(ctx.title_sim[i])
        floor = self.rules.title.floor
        fuzzy_val = max(0.0, (sim - floor) / (100.0 - floor))
        if occ in ctx.job_occ and value > fuzzy_val:
            occupation = self.taxonomy.occupations[occ].title
            if title.strip().casefold() == occupation.casefold():
                reason = T_TITLE_SAME_OCCUPATION.format(kind=kind[0], title=title)
            else:
                reason = T_TITLE_SYNONYM.format(kind=kind[0], title=title, occupation=occupation)
            return Contribution("synonym" if name == "title" else name, points, reason)
        if occ in ctx.related_occ and value > fuzzy_val:
            occupation = self.taxonomy.occupations[occ].title
            reason = T_TITLE_RELATED.format(occupation=occupation, kind_lower=kind[1], title=title)
            return Contribution("related" if name == "title" else name, points, reason)
        return Contribution(
            name, points, T_TITLE_FUZZY.format(kind=kind[0], title=title, job=job_title, sim=sim)
        )

    def _results(self, ctx: _JobContext, ranked: Sequence[tuple[int, float]]) -> list[MatchResult]:
        """Named contributions and Danish reasons, for the shown candidates only."""
        if not ranked:
            return []
        rows = np.array([r for r, _ in ranked], dtype=np.int32)
        title, experience = self._relevance(ctx, rows)
        parts = self._scores(ctx, rows, title, experience)
        skill_bits = (
            _color(ctx.skill_bits, self._slots["skills"], rows) if ctx.skill_bits is not None else None
        )
        labels = self._job_skill_labels(ctx) if ctx.skill_keys else {}
        w = self.rules.weights
        total = ctx.weight_total
        out = []
        for i, (row, score) in enumerate(ranked):
            p = self._profile(row)

            def pts(name: str, i: int = i) -> float:
                weight: float = getattr(w, name)
                return round(100.0 * weight * float(parts[name][i]) / total, 1)

            contributions = [
                self._title_contribution(ctx, p.desired_titles, "title", pts("title"), KIND_DESIRED),
                self._title_contribution(
                    ctx, p.experience_titles, "experience", pts("experience"), KIND_EXPERIENCE
                ),
            ]
            if skill_bits is not None:
                bits = int(skill_bits[i])
                matched = [labels[k] for j, k in enumerate(ctx.skill_keys) if bits >> j & 1]
                reason = (
                    T_SKILLS.format(n=len(matched), total=len(ctx.skill_keys), skills=", ".join(matched))
                    if matched
                    else T_SKILLS_NONE.format(skills=", ".join(labels.values()))
                )
                contributions.append(Contribution("skills", pts("skills"), reason))
            if "certificates" in parts:
                codes = [c for c, bit in self._cert_bits.items() if ctx.wanted_certs & bit]
                have = [self._cert_labels[c] for c in codes if c in p.certificates]
                reason = (
                    T_CERTS.format(labels=_join_da(have))
                    if have
                    else T_CERTS_NONE.format(
                        labels=", ".join(_lower_label(certificate_label(c)) for c in codes)
                    )
                )
                contributions.append(Contribution("certificates", pts("certificates"), reason))
            if "languages" in parts:
                cand = {_lang_key(lang) for lang in p.languages}
                spoken = [k for k in ctx.lang_keys if k in cand]
                reason = (
                    T_LANGS.format(langs=_join_da(spoken))
                    if spoken
                    else T_LANGS_NONE.format(langs=_join_da(ctx.lang_keys))
                )
                contributions.append(Contribution("languages", pts("languages"), reason))
            km = float(ctx.distances[self._pc[row]])
            reason = T_DISTANCE_NEAR if km < 1 else T_DISTANCE.format(km=_km(km))
            contributions.append(Contribution("distance", pts("distance"), reason))
            out.append(
                MatchResult(
                    candidate_id=p.id,
                    score=score,
                    contributions=tuple(contributions),
                    distance_km=round(km, 1),
                    reasons_on_card=self.rules.result.reasons_on_card,
                )
            )
        return out

    def _job_skill_labels(self, ctx: _JobContext) -> dict[str, str]:
        labels: dict[str, str] = {}
        for s in ctx.job.skills:
            key = self.normalizer.skill_key(s)
            if key and key not in labels:
                labels[key] = s.lower()
        return {k: labels[k] for k in ctx.skill_keys}


def _lang_key(language: str) -> str:
    return language.strip().casefold()


def _da_date(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"
