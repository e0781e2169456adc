"""The occupation taxonomy (``config/occupations.toml``): variants, synonyms and related occupations.

It is what lets "SOSU-hjælpere til hjemmeplejen" find a candidate who wants to be a
"Social- og sundhedshjælper", and gives professional breadth through related occupations. Loaded
and validated once; every error names the file and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, process

from config import ConfigError, config_path, format_validation_error, load_toml
from matching import texts
from matching.models import certificate_catalog
from matching.normalize import Normalizer, default_normalizer
from matching.rules import load_rules

MIN_OCCUPATIONS = 200

_Ints = npt.NDArray[np.int64]  # hit and cell indices in the batched lookup
_Floats = npt.NDArray[np.float64]  # their scores, float64 as extract gives lookup_key
# Keys per cdist call in the batched lookup: its scores (keys × a length's variants) then stay in
# the CPU cache for the scan for hits; a whole batch at once was 10 % slower at 65k keys.
_CDIST_ROWS = 256


class Sector(StrEnum):
    LAGER_LOGISTIK = "lager_logistik"
    RENGOERING = "rengoering"
    PLEJE_OMSORG = "pleje_omsorg"
    TRANSPORT = "transport"
    HOTEL_RESTAURANT = "hotel_restaurant"
    DETAIL_HANDEL = "detail_handel"
    BYGGE_ANLAEG = "bygge_anlaeg"
    KONTOR_ADMIN = "kontor_admin"
    BOERNEPASNING_PAEDAGOGIK = "boernepasning_paedagogik"
    SIKKERHED_SERVICE = "sikkerhed_service"
    PRODUKTION_INDUSTRI = "produktion_industri"
    GROEN_DRIFT = "groen_drift"
    IT_KOMMUNIKATION = "it_kommunikation"
    SUNDHED = "sundhed"
    UNDERVISNING = "undervisning"
    HAANDVAERK = "haandvaerk"
    OEVRIGE = "oevrige"


class Occupation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    title: Annotated[str, Field(min_length=1)]
    sector: Sector
    variants: list[Annotated[str, Field(min_length=1)]] = []
    related: list[str] = []
    # Related occupations a lead would nearly always suggest too (JobTech's "high substitutability").
    strongly_related: list[str] = []
    certificates: list[str] = []
    skills: list[str] = []


class _TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occupation: list[Occupation]


class Taxonomy:
    """Validated occupations plus a lookup from normalised title keys to occupations."""

    def __init__(
        self,
        occupations: Iterable[Occupation],
        *,
        normalizer: Normalizer | None = None,
        source: str = "<taxonomy>",
        min_occupations: int = 0,
        fuzzy_cutoff: float = 90.0,
        fuzzy_margin: float = 0.0,
    ) -> None:
        self.occupations: list[Occupation] = list(occupations)
        self.normalizer = normalizer or Normalizer()
        self.fuzzy_cutoff = fuzzy_cutoff
        self.fuzzy_margin = fuzzy_margin
        self._validate(source, min_occupations)
        self.by_id: dict[str, Occupation] = {o.id: o for o in self.occupations}
        self.index_of: dict[str, int] = {o.id: i for i, o in enumerate(self.occupations)}
        # Related occupations both ways: breadth is symmetric even if the data lists one side.
        related: dict[str, set[str]] = {
            o.id: set(o.related) | set(o.strongly_related) for o in self.occupations
        }
        strong: dict[str, set[str]] = {o.id: set(o.strongly_related) for o in self.occupations}
        for o in self.occupations:
            for r in o.related:
                related[r].add(o.id)
            for r in o.strongly_related:
                related[r].add(o.id)
                strong[r].add(o.id)
        self._related = {k: frozenset(v - {k}) for k, v in related.items()}
        self._strong = {k: frozenset(v - {k}) for k, v in strong.items()}
        # Variant keys grouped by occupation, for the batched fuzzy lookup (one cdist for many keys).
        self._keys = sorted(self._variant_keys, key=lambda k: self.index_of[self._variant_keys[k]])
        self._key_occ = [self._variant_keys[k] for k in self._keys]
        split = [self.normalizer.split_head(k) for k in self._keys]
        self._key_mods = [m for m, _ in split]
        self._key_has_head = np.array([bool(h) for _, h in split], dtype=bool)
        self._key_len = np.fromiter(map(len, self._keys), dtype=np.int64, count=len(self._keys))
        occ_index = np.array([self.index_of[o] for o in self._key_occ], dtype=np.int64)
        self._group_starts = (
            np.flatnonzero(np.r_[True, occ_index[1:] != occ_index[:-1]]) if self._keys else None
        )
        self._group_occ = (
            [self._key_occ[i] for i in self._group_starts] if self._group_starts is not None else []
        )
        # Per variant key: its group (occupation) number in _group_starts' order.
        self._key_group = np.cumsum(np.r_[False, occ_index[1:] != occ_index[:-1]])[: len(self._keys)]
        self._lookup_cache: dict[str, str | None] = {}
        self._length_cols: dict[tuple[int, float], tuple[_Ints, list[str]]] = {}

    # --- validation --------------------------------------------------------------------------

    def _validate(self, source: str, min_occupations: int) -> None:
        def fail(field: str, message: str) -> ConfigError:
            return ConfigError(texts.CONFIG_FIELD.format(source=source, field=field, message=message))

        if len(self.occupations) < min_occupations:
            found = len(self.occupations)
            raise fail(
                "occupation", texts.CONFIG_TOO_FEW_OCCUPATIONS.format(min=min_occupations, found=found)
            )
        ids: dict[str, int] = {}
        for i, occ in enumerate(self.occupations):
            if occ.id in ids:
                message = texts.CONFIG_DUPLICATE_OCCUPATION.format(id=occ.id, other=ids[occ.id])
                raise fail(f"occupation.{i}.id", message)
            ids[occ.id] = i
        known_certs = {c.code for c in certificate_catalog().certificate}
        self._variant_keys: dict[str, str] = {}
        for i, occ in enumerate(self.occupations):
            for name, rels in (("related", occ.related), ("strongly_related", occ.strongly_related)):
                for j, rel in enumerate(rels):
                    if rel not in ids:
                        message = texts.CONFIG_UNKNOWN_RELATED.format(related=rel, occupation=occ.id)
                        raise fail(f"occupation.{i}.{name}.{j}", message)
            for j, cert in enumerate(occ.certificates):
                if cert not in known_certs:
                    valid = ", ".join(sorted(known_certs))
                    message = texts.CONFIG_UNKNOWN_CERTIFICATE.format(
                        code=cert, occupation=occ.id, valid=valid
                    )
                    raise fail(f"occupation.{i}.certificates.{j}", message)
            for j, variant in enumerate([occ.title, *occ.variants]):
                field = f"occupation.{i}.title" if j == 0 else f"occupation.{i}.variants.{j - 1}"
                keys = self.normalizer.title_keys(variant)
                if not keys:
                    raise fail(field, texts.CONFIG_EMPTY_VARIANT.format(variant=variant))
                key = keys[0]
                owner = self._variant_keys.get(key)
                if owner is not None and owner != occ.id:
                    message = texts.CONFIG_VARIANT_TAKEN.format(variant=variant, key=key, owner=owner)
                    raise fail(field, message)
                self._variant_keys[key] = occ.id

    # --- lookups -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.occupations)

    def get(self, occupation_id: str) -> Occupation | None:
        return self.by_id.get(occupation_id)

    def related(self, occupation_id: str) -> frozenset[str]:
        return self._related.get(occupation_id, frozenset())

    def strongly_related(self, occupation_id: str) -> frozenset[str]:
        return self._strong.get(occupation_id, frozenset())

    def is_trainee_key(self, key: str) -> bool:
        """A trainee/apprentice spelling of an occupation that is itself no trainee occupation.

        "Tømrerlærling" is a trainee of Tømrer; "SOSU-elev" names the occupation Social- og
        sundhedselev, whose title is a trainee title itself, so it is that occupation proper.
        """
        if not self.normalizer.is_trainee(key):
            return False
        occ = self.lookup_key(key)
        if occ is None:
            return True
        return not self.normalizer.is_trainee(self.normalizer.title_key(self.by_id[occ].title))

    def lookup_exact(self, key: str) -> str | None:
        """Occupation id of a key that is exactly one of the taxonomy's spellings."""
        return self._variant_keys.get(key)

    def lookup_key(self, key: str) -> str | None:
        """Occupation id for a normalised key: exact variant first, then rapidfuzz over variants.

        The fuzzy step refuses to guess: if another occupation's variant scores within
        ``fuzzy_margin`` points of the best one, the key is ambiguous and gets no occupation, since a
        typo of "Bryggeriarbejder" must not earn synonym credit as a "Byggearbejder". The title then
        counts only on its own similarity.
        """
        if not key:
            return None
        hit = self._variant_keys.get(key)
        if hit is not None or not self._keys:
            return hit
        if key in self._lookup_cache:
            return self._lookup_cache[key]
        # Same rule as the index: when both end in a generic head ("-medarbejder") the first parts
        # must be as similar as the whole, or "Slagterimedarbejder" would be a "Lagermedarbejder".
        split = self.normalizer.split_head
        mod, head = split(key)
        # Best score per occupation, capped (the ranking) and raw. Runners-up below the cutoff count
        # too: 95 against 91 is as ambiguous as 95 against 93. The raw score is checked as well because
        # the cap can make a near tie look decisive: "bayggeriarbejd" is one typo from "byggeri" and
        # one from "bryggeri", yet capped on the short first parts they are 93 against 88.
        floor = self.fuzzy_cutoff - self.fuzzy_margin
        best: dict[str, tuple[float, float]] = {}
        hits = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=floor, limit=None)
        for choice, score, i in hits:
            choice_mod, choice_head = split(choice)
            capped = min(score, fuzz.ratio(mod, choice_mod)) if head and choice_head else score
            occ_id = self._key_occ[i]
            seen = best.get(occ_id, (-1.0, -1.0))
            best[occ_id] = (max(seen[0], capped), max(seen[1], score))
        occ: str | None = None
        if best:
            winner = max(best, key=lambda o: best[o][0])
            capped_top, raw_top = best[winner]
            contested = any(
                capped >= capped_top - self.fuzzy_margin or raw >= raw_top - self.fuzzy_margin
                for other, (capped, raw) in best.items()
                if other != winner
            )
            if capped_top >= self.fuzzy_cutoff and not (contested and self.fuzzy_margin > 0):
                occ = winner
        self._lookup_cache[key] = occ
        return occ

    def lookup_keys(self, keys: Sequence[str], batch: int = 2048) -> list[str | None]:
        """:meth:`lookup_key` for many keys at once: one ``cdist`` per batch instead of one
        ``extract`` per key (a pool with spelling noise has tens of thousands of distinct titles)."""
        todo = [
            k
            for k in dict.fromkeys(keys)
            if k and k not in self._variant_keys and k not in self._lookup_cache
        ]
        todo.sort(key=len)  # a batch then holds few lengths: see _hits
        for start in range(0, len(todo), batch):
            self._lookup_batch(todo[start : start + batch])
        return [self.lookup_key(k) for k in keys]

    def _lookup_batch(self, keys: list[str]) -> None:
        """The rule of :meth:`lookup_key`, vectorised over ``keys``; results go to the cache.

        Sparse end to end: a key has a handful of variants above the floor, not thousands, so only
        those hits are kept and reduced per (key, occupation) cell; dense keys × variants and
        keys × occupations arrays cost more than the ``cdist`` itself at 70k distinct titles.
        """
        if self._group_starts is None:
            for key in keys:
                self._lookup_cache[key] = None
            return
        floor = self.fuzzy_cutoff - self.fuzzy_margin
        ki, vj, raw = self._hits(keys, floor)
        found_occ: list[str | None] = [None] * len(keys)
        if len(ki):
            cell_key, cell_occ, cell_cap, cell_raw = self._best_per_cell(keys, ki, vj, raw)
            for k, occ in self._winners(cell_key, cell_occ, cell_cap, cell_raw):
                found_occ[k] = self._group_occ[occ]
        for key, occ_id in zip(keys, found_occ, strict=True):
            self._lookup_cache[key] = occ_id

    def _best_per_cell(
        self,
        keys: list[str],
        ki: _Ints,
        vj: _Ints,
        raw: _Floats,
    ) -> tuple[_Ints, _Ints, _Floats, _Floats]:
        """Best capped and best raw score per (key, occupation) among the hits, cells sorted by key
        then occupation: what :meth:`lookup_key` keeps in its ``best`` dict, for all keys at once."""
        cap = raw.copy()
        # The first-part cap only where both key and variant end in a generic head: one pairwise
        # ``cpdist`` over those hits (the same ``fuzz.ratio`` numbers, without a call per hit).
        both = np.flatnonzero(self._key_has_head.take(vj))  # variant with a head; key checked next
        if len(both):
            hit_keys, key_of_hit = np.unique(ki.take(both), return_inverse=True)
            split = [self.normalizer.split_head(keys[k]) for k in hit_keys.tolist()]
            key_has_head = np.array([bool(head) for _, head in split], dtype=bool).take(key_of_hit)
            both, key_of_hit = both[key_has_head], key_of_hit[key_has_head]
            first_parts = process.cpdist(
                [split[k][0] for k in key_of_hit.tolist()],
                [self._key_mods[j] for j in vj.take(both).tolist()],
                scorer=fuzz.ratio,
                dtype=np.float64,
            )
            cap[both] = np.minimum(cap.take(both), first_parts)
        groups = len(self._group_occ)
        cell = ki * groups + self._key_group.take(vj)
        order = np.argsort(cell, kind="stable")  # hits usually come sorted already: then cheap
        cell = cell.take(order)
        first = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
        cell_key, cell_occ = np.divmod(cell.take(first), groups)
        cell_cap = np.maximum.reduceat(cap.take(order), first)
        cell_raw = np.maximum.reduceat(raw.take(order), first)
        return cell_key, cell_occ, cell_cap, cell_raw

    def _winners(
        self,
        cell_key: _Ints,
        cell_occ: _Ints,
        cell_cap: _Floats,
        cell_raw: _Floats,
    ) -> list[tuple[int, int]]:
        """(key, occupation group) for every key that :meth:`lookup_key` resolves, from its cells.

        The winner is what ``max`` over ``lookup_key``'s dict gives: best capped score, ties to the
        occupation inserted first, i.e. met first in ``extract``'s order (raw score descending, then
        variant order), so best raw score, then first occupation.
        """
        margin = self.fuzzy_margin
        starts = np.flatnonzero(np.r_[True, cell_key[1:] != cell_key[:-1]])
        run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(cell_key)]))
        ranked = np.lexsort((cell_occ, -cell_raw, -cell_cap, cell_key))
        win = ranked.take(starts)  # the key runs sit at the same places in both orders
        cap_top, raw_top = cell_cap.take(win), cell_raw.take(win)
        close = (cell_cap >= (cap_top - margin).take(run)) | (cell_raw >= (raw_top - margin).take(run))
        close[win] = False
        contested = np.logical_or.reduceat(close, starts)
        found = (cap_top >= self.fuzzy_cutoff) & ~(contested & (margin > 0))
        keys, occs = cell_key.take(starts[found]).tolist(), cell_occ.take(win[found]).tolist()
        return list(zip(keys, occs, strict=True))

    def _hits(self, keys: list[str], floor: float) -> tuple[_Ints, _Ints, _Floats]:
        """Every (key, variant, score) with score ≥ ``floor``, taken from ``cdist`` run only for
        the pairs whose lengths allow it, one key length at a time. ``fuzz.ratio`` is 200·LCS / (both
        lengths) ≤ 200·shorter / (both lengths), so a variant far longer or shorter than a key cannot
        reach the floor (this halves the build's taxonomy lookup). Scores are float64, the numbers
        ``extract`` gives :meth:`lookup_key`."""
        if not keys:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy(), np.zeros(0, dtype=np.float64)
        key_len = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        order = np.argsort(key_len, kind="stable")
        bounds = np.flatnonzero(np.r_[True, np.diff(key_len.take(order)) != 0, True])
        parts: list[tuple[_Ints, _Ints, _Floats]] = []
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            cols, choices = self._variants_for_length(int(key_len[order[lo]]), floor)
            if not choices:
                continue
            # A few hundred keys per cdist: the scores are scanned for hits while still in cache.
            for start in range(lo, hi, _CDIST_ROWS):
                rows = order[start : min(start + _CDIST_ROWS, hi)]
                sub = process.cdist(
                    [keys[i] for i in rows.tolist()],
                    choices,
                    scorer=fuzz.ratio,
                    dtype=np.float64,
                    score_cutoff=floor,
                )
                r, c = np.nonzero(sub >= floor)
                parts.append((rows.take(r), cols.take(c), sub[r, c]))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy(), np.zeros(0, dtype=np.float64)
        return (
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
        )

    def _variants_for_length(self, length: int, floor: float) -> tuple[_Ints, list[str]]:
        """Indices and keys of the variants a key of ``length`` letters can reach ``floor`` against
        (see :meth:`_hits`); kept per length, as every batch asks for the same few lengths."""
        found = self._length_cols.get((length, floor))
        if found is None:
            cols = np.flatnonzero(
                200.0 * np.minimum(self._key_len, length) >= floor * (self._key_len + length) - 1e-6
            )
            found = self._length_cols[(length, floor)] = (cols, [self._keys[j] for j in cols.tolist()])
        return found

    def lookup(self, title: str) -> Occupation | None:
        """The occupation a free-text title names, or None."""
        for key in self.normalizer.title_keys(title):
            occ_id = self.lookup_key(key)
            if occ_id is not None:
                return self.by_id[occ_id]
        return None

    # --- loading -------------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        normalizer: Normalizer | None = None,
        min_occupations: int = MIN_OCCUPATIONS,
        fuzzy_cutoff: float = 90.0,
        fuzzy_margin: float = 0.0,
    ) -> Taxonomy:
        data = load_toml(path)
        try:
            parsed = _TaxonomyFile.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(format_validation_error(exc, source=str(path))) from exc
        return cls(
            parsed.occupation,
            normalizer=normalizer,
            source=str(path),
            min_occupations=min_occupations,
            fuzzy_cutoff=fuzzy_cutoff,
            fuzzy_margin=fuzzy_margin,
        )


@cache
def default_taxonomy() -> Taxonomy:
    """``config/occupations.toml`` with the configured normaliser and cut-offs, loaded once."""
    rules = load_rules().title
    return Taxonomy.load(
        config_path("occupations.toml"),
        normalizer=default_normalizer(),
        fuzzy_cutoff=rules.taxonomy_cutoff,
        fuzzy_margin=rules.taxonomy_margin,
    )
