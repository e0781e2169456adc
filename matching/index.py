"""The match index: hard filters and a 0–100 score with named parts, vectorised over the pool.

Built for a pool of 100k candidates (see :mod:`matching.columns`): a job order costs one
``rapidfuzz.process.cdist`` over the title vocabulary, then numpy over the rows that have a relevant
title. Reasons (Danish text, :mod:`matching.explain`) are only produced for the candidates shown
(the top N) and for ``explain``.

Decision on ``available_from``: a hard filter ("tilgaengelig") when the candidate is first available
more than ``filters.availability_grace_days`` days after the job order's ``start_date``; a job order
without a start date filters nobody. Consultants can then see exactly why with ``explain``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from config import ConfigError
from matching import explain, texts
from matching.columns import (
    BENEFIT_CODE,
    BENEFITS,
    CATEGORIES,
    BitArray,
    BoolArray,
    CandidateColumns,
    FloatArray,
    IntArray,
    RowArray,
    category_fields,
    colmax,
    color,
    popcount,
    select,
)
from matching.explain import Evidence, Overlap, Relation, TitleEvidence
from matching.geo import PostcodeTable, postcodes
from matching.models import Benefit, CandidateProfile, EmploymentType, JobOrder
from matching.normalize import language_key
from matching.profile_store import AGE_BANDS, EDUCATION_CODE, TARGET_CODE
from matching.results import Exclusion, Explanation, MatchResult, Shortlist
from matching.rules import MatchRules, load_rules
from matching.schemes import (
    LEDIGHEDSYDELSE_GROUP,
    SKILLED,
    Scheme,
    SchemeRules,
    candidate_notes,
    default_schemes,
)
from matching.taxonomy import Taxonomy, default_taxonomy

MAX_BITS = 63  # skills/languages of one job order are bits of an int64


@dataclass(slots=True)
class _JobContext:
    """Everything computed once per job order."""

    job: JobOrder
    title_val: FloatArray  # per title vocab entry: 0–1 credit
    title_sim: FloatArray  # per title vocab entry: best rapidfuzz ratio
    job_occ: frozenset[int]
    related_occ: frozenset[int]
    strong_occ: frozenset[int]
    apprenticeship: bool  # trainees first: a voksenlærling job order or a trainee title
    skill_keys: list[str]
    skill_bits: BitArray | None
    lang_keys: list[str]
    lang_bits: BitArray | None
    wanted_certs: int
    distances: FloatArray  # per postcode index
    weight_total: float
    groups: tuple[int, ...] = ()  # occupation groups scored (candidate generation); () = every title


@dataclass(slots=True, frozen=True)
class _CategoryTable:
    """Per category code (a row's active, benefit, target group, visitation, age and education) what
    the scheme of one employment type makes of it; built once per employment type."""

    names: list[str]  # the categorical filters, in the order of MatchIndex._filter_masks
    reason: npt.NDArray[np.int8]  # 0: passes them all, else 1 + the position of the first it fails
    min_weeks: npt.NDArray[np.int16]  # weeks of unemployment the row's group needs (0: none)


@dataclass(slots=True)
class _Evaluation:
    ctx: _JobContext
    excluded: dict[str, int]
    rows: RowArray  # rows passing every filter with some title credit
    scores: FloatArray  # their scores, rounded to 1 decimal
    considered: int
    relevant: int


class MatchIndex:
    """A candidate pool prepared for fast matching; one per pool version.

    ``taxonomy`` and ``rules`` default to the configured ones; pass them in to match with others.
    """

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        rules: MatchRules | None = None,
        *,
        postcode_table: PostcodeTable | None = None,
        workers: int = 1,
        compact_after: int = 10_000,
        schemes: SchemeRules | None = None,
    ) -> None:
        self.rules = rules or load_rules()
        self.schemes = schemes or default_schemes()
        self.taxonomy = taxonomy or default_taxonomy()
        self.normalizer = self.taxonomy.normalizer
        self.postcodes = postcode_table or postcodes()
        self.workers = workers
        if len(self.schemes.scheme) != len(EmploymentType):
            raise ConfigError(texts.CONFIG_ELIGIBILITY_INCOMPLETE)
        self._cols = CandidateColumns(self.taxonomy, self.postcodes, compact_after=compact_after)
        self._cert_texts = {code: explain.certificate_text(code) for code in self._cols.cert_bits}
        self._category_tables: dict[EmploymentType, _CategoryTable] = {}

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
        schemes: SchemeRules | None = None,
    ) -> MatchIndex:
        """Index a whole pool; a later profile with the same id replaces the earlier one."""
        index = cls(
            taxonomy,
            rules,
            postcode_table=postcode_table,
            workers=workers,
            compact_after=compact_after,
            schemes=schemes,
        )
        index._cols.load(profiles)
        return index

    # --- the pool ----------------------------------------------------------------------------------

    def upsert(self, profile: CandidateProfile) -> None:
        """Add or replace one profile in place."""
        self._cols.upsert(profile)

    def remove(self, candidate_id: str) -> bool:
        return self._cols.remove(candidate_id)

    def get(self, candidate_id: str) -> CandidateProfile | None:
        return self._cols.get(candidate_id)

    def __len__(self) -> int:
        return len(self._cols)

    @property
    def distinct_titles(self) -> int:
        """Size of the title vocabulary (what one job order's fuzzy pass runs over)."""
        return len(self._cols.titles)

    # --- per job order -----------------------------------------------------------------------------

    def _title_similarity(self, job_keys: list[str], groups: list[int] | None = None) -> FloatArray:
        """Best similarity of any job title key to each title vocabulary entry.

        With ``groups`` (candidate generation) only the titles of those occupation groups are
        scored; the rest stay 0, which is exact when they could earn nothing anyway (see _context).
        """
        cols = self._cols
        if not job_keys:
            return np.zeros(len(cols.titles))
        every = range(len(cols.title_group_ptr) - 1)
        at = cols.titles_within_reach(job_keys, every if groups is None else groups, self.rules.title.floor)
        keys = cols.titles.keys
        full = np.zeros(len(cols.titles))
        full[at] = self._similarity_over(job_keys, list(map(keys.__getitem__, at.tolist())), at)
        return full

    def _similarity_over(self, job_keys: list[str], keys: Sequence[str], at: IntArray | None) -> FloatArray:
        """Similarities of the job keys to ``keys`` (vocabulary ids ``at``, or the whole vocabulary)."""
        cols = self._cols
        floor = self.rules.title.floor
        has_head = cols.title_has_head if at is None else cols.title_has_head[at]
        sims = process.cdist(
            job_keys,
            keys,
            scorer=fuzz.ratio,
            dtype=np.float32,
            workers=self.workers,
            score_cutoff=floor,  # below the floor a title earns nothing on spelling: not worth exact
        )
        # Compounds with the same generic head ("-medarbejder", "-hjælper") look alike to a plain
        # ratio ("Slagterimedarbejder" ≈ "Lagermedarbejder" (90)); the similarity of the first
        # parts caps it, so only spellings of the same trade stay high.
        # (Only when both titles have such a head: a misspelt head must not hide a good match. Only
        # computed where the whole title is above the floor: a few columns, not the vocabulary.)
        for i, key in enumerate(job_keys):
            mod, head = self.normalizer.split_head(key)
            if not head:
                continue
            hit = np.flatnonzero((sims[i] >= floor) & has_head)
            if len(hit):
                vocab = hit if at is None else at[hit]
                mods = process.cdist([mod], [cols.title_mods[j] for j in vocab.tolist()], scorer=fuzz.ratio)
                sims[i, hit] = np.minimum(sims[i, hit], mods[0])
        sim: FloatArray = sims.max(axis=0).astype(np.float64)
        return sim

    def _skill_bits(self, skill_keys: list[str]) -> BitArray | None:
        """Per skill vocabulary entry: bit j set when it is close enough to the job's skill j."""
        if not skill_keys:
            return None
        cutoff = self.rules.skills.cutoff
        hits = (
            process.cdist(
                skill_keys,
                self._cols.skills.keys,
                scorer=fuzz.ratio,
                dtype=np.float32,
                score_cutoff=cutoff,
                workers=self.workers,
            )
            >= cutoff
        )
        hits[:, 0] = False
        weights = (np.int64(1) << np.arange(len(skill_keys), dtype=np.int64))[:, None]
        bits: BitArray = (hits.astype(np.int64) * weights).sum(axis=0).astype(np.int64)
        return bits

    def _lang_bits(self, lang_keys: list[str]) -> BitArray | None:
        """Per language vocabulary entry: bit j set when it is the job's language j."""
        if not lang_keys:
            return None
        langs = self._cols.languages
        bits = np.zeros(len(langs), dtype=np.int64)
        for j, key in enumerate(lang_keys):
            i = langs.index.get(key)
            if i:  # never entry 0, the padding (the columns past NARROW rely on it being 0)
                bits[i] |= np.int64(1) << np.int64(j)
        return bits

    def _job_occupations(self, job: JobOrder) -> tuple[list[str], list[str], bool]:
        """The job title's keys, the occupations it names, and whether it is an apprenticeship.

        Modifiers (hours, shift, contract) are not part of the keys; a "til <funktion>" phrase adds
        the function when the taxonomy knows it as an occupation ("Lagermedarbejder til truckkørsel").
        """
        parse = self.normalizer.title_parse(job.title)
        job_keys = list(parse.keys)
        occ_ids = list(
            dict.fromkeys(o for o in (self.taxonomy.lookup_key(k) for k in job_keys) if o is not None)
        )
        for key in parse.function_keys:
            occ = self.taxonomy.lookup_exact(key)
            if occ is not None and occ not in occ_ids:
                occ_ids.append(occ)
                job_keys.append(key)
        apprenticeship = job.employment_type is EmploymentType.VOKSENLAERLING or any(
            self.taxonomy.is_trainee_key(k) for k in parse.keys
        )
        return job_keys, occ_ids, apprenticeship

    def _title_credit(
        self, sim: FloatArray, occ_ids: list[str], apprenticeship: bool, at: IntArray | None = None
    ) -> tuple[FloatArray, frozenset[int], frozenset[int], frozenset[int]]:
        """Graded credit per title vocabulary entry: exact > same occupation > trainee > related.

        The spelling gives (sim - floor) / (100 - floor), 1.0 for the exact title; the taxonomy raises
        it to the credit of the title's relation to the job's occupations, and caps it for a title the
        taxonomy knows as another, unrelated occupation. With ``at`` (the titles of the groups scored
        in candidate generation) only those are computed: every other title has no similarity and
        an occupation that earns nothing, so its credit is 0.
        """
        cols, t, tax = self._cols, self.rules.title, self.taxonomy
        floor = t.floor
        title_occ = cols.title_occ if at is None else cols.title_occ.take(at)
        title_trainee = cols.title_trainee if at is None else cols.title_trainee.take(at)
        if at is not None:
            sim = sim.take(at)
        val = np.clip((sim - floor) / (100.0 - floor), 0.0, 1.0)
        occ_set = set(occ_ids)
        related = set().union(*(tax.related(o) for o in occ_ids)) - occ_set if occ_ids else set()
        strong = set().union(*(tax.strongly_related(o) for o in occ_ids)) & related if occ_ids else set()
        job_idx = frozenset(tax.index_of[o] for o in occ_set)
        related_idx = frozenset(tax.index_of[o] for o in related)
        strong_idx = frozenset(tax.index_of[o] for o in strong)
        # Credit per occupation (last slot: titles without an occupation, index -1), then one gather.
        trained = np.zeros(len(tax) + 1)
        trained[list(related_idx)] = t.related_credit
        trained[list(strong_idx)] = t.related_strong_credit
        trainee = trained.copy()
        own, other = (
            (t.trainee_credit, t.synonym_credit) if apprenticeship else (t.synonym_credit, t.trainee_credit)
        )
        trained[list(job_idx)] = own
        trainee[list(job_idx)] = other
        if job_idx:
            cap = np.full(len(tax) + 1, t.other_occupation_cap)
            cap[list(job_idx | related_idx)] = 1.0
            cap[-1] = 1.0
            val = np.minimum(val, cap.take(title_occ))
        occ_credit = np.where(title_trainee, trainee.take(title_occ), trained.take(title_occ))
        val = np.maximum(val, occ_credit)
        if at is not None:
            full = np.zeros(len(cols.title_occ))
            full[at] = val
            val = full
        val[0] = 0.0
        return val, job_idx, related_idx, strong_idx

    def _context(self, job: JobOrder) -> _JobContext:
        cols = self._cols
        cols.sync_title_occ()
        rules = self.rules
        job_keys, occ_ids, apprenticeship = self._job_occupations(job)
        groups = None
        if occ_ids and rules.title.other_occupation_cap == 0:
            # Candidate generation: titles of another, unrelated occupation earn nothing, so only
            # titles without an occupation and those of the job's and related occupations are scored.
            tax = self.taxonomy
            near = set(occ_ids).union(*(tax.related(o) for o in occ_ids))
            groups = [0, *(tax.index_of[o] + 1 for o in near)]
        sim = self._title_similarity(job_keys, groups)
        sim[0] = 0.0
        at = cols.title_group_subset(groups) if groups is not None else None
        val, job_occ_idx, related_idx, strong_idx = self._title_credit(sim, occ_ids, apprenticeship, at)

        skill_keys = list(dict.fromkeys(k for k in (self.normalizer.skill_key(s) for s in job.skills) if k))
        skill_keys = skill_keys[:MAX_BITS]
        lang_keys = list(dict.fromkeys(language_key(lang) for lang in job.languages))[:MAX_BITS]
        wanted = 0
        for c in job.required_certificates:
            wanted |= cols.cert_bits.get(c, 0)
        for o in occ_ids:
            for c in self.taxonomy.by_id[o].certificates:
                wanted |= cols.cert_bits.get(c, 0)

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
            strong_occ=strong_idx,
            apprenticeship=apprenticeship,
            skill_keys=skill_keys,
            skill_bits=self._skill_bits(skill_keys),
            lang_keys=lang_keys,
            lang_bits=self._lang_bits(lang_keys),
            wanted_certs=wanted,
            distances=self.postcodes.distances_from_index(self.postcodes.index_of(job.postcode)),
            weight_total=total if total > 0 else 1.0,
            groups=tuple(groups or ()),
        )

    def _relevance(self, ctx: _JobContext, rows: RowArray | None = None) -> tuple[FloatArray, FloatArray]:
        """Best desired-title and experience-title credit per row (all used rows when ``rows`` is None).

        Slot arrays are column-major, so each slot column is one contiguous gather.
        """
        cols = self._cols
        return (
            colmax(ctx.title_val, cols.slots["desired"], cols.n, rows, cols.wide_desired),
            colmax(ctx.title_val, cols.slots["experience"], cols.n, rows, cols.wide_experience),
        )

    def _filter_masks(self, ctx: _JobContext, rows: RowArray) -> list[tuple[str, BoolArray]]:
        """The hard filters over ``rows``, in the order their reason is reported (the first failing wins).

        The plain form: matching uses :meth:`_passing`, which must give what applying these in order
        gives (tests/unit/test_candidate_generation.py). Must agree with
        :func:`matching.explain.exclusion`, which words the same rules.
        """
        job, cols = ctx.job, self._cols
        req = 0
        for c in job.required_certificates:
            req |= cols.cert_bits.get(c, 0)
        masks: list[tuple[str, BoolArray]] = [("inaktiv", cols.active[rows])]
        masks += self._scheme_masks(ctx, rows)
        masks += [
            ("certifikat", (cols.certs[rows] & req) == req),
            ("timer", cols.hours[rows] >= job.hours_per_week),
            ("afstand", ctx.distances[cols.pc[rows]] <= cols.commute[rows] + 1e-9),
        ]
        if job.start_date is not None:
            latest = job.start_date.toordinal() + self.rules.filters.availability_grace_days
            masks.append(("tilgaengelig", cols.avail[rows] <= latest))
        return masks

    def _passing(self, ctx: _JobContext, rows: RowArray) -> tuple[RowArray, dict[str, int]]:
        """The rows that pass every hard filter, and how many each filter excluded (the first failing
        one counts), exactly as applying :meth:`_filter_masks` in order; cheaper at a million rows.

        The filters on a row's categorical fields (active, benefit, target group, visitation, age)
        are one lookup in a table over the field combinations (the row's category code), and each
        later filter reads only the rows that passed the ones before it.
        """
        cols, job = self._cols, ctx.job
        excluded: dict[str, int] = {}
        table = self._category_table(EmploymentType(job.employment_type))
        reason = table.reason.take(cols.category.take(rows))
        if reason.any():
            for k, name in enumerate(table.names, start=1):  # a few passes over int8: cheaper than bincount
                if count := int(np.count_nonzero(reason == k)):
                    excluded[name] = count
            rows = select(rows, reason == 0)
        for name, ok in self._row_filters(ctx, table):
            passed = ok(rows)
            failing = len(rows) - int(np.count_nonzero(passed))
            if failing:
                excluded[name] = failing
                rows = select(rows, passed)
        return rows, excluded

    def _category_table(self, employment: EmploymentType) -> _CategoryTable:
        """The categorical filters of ``employment``'s scheme over every category code (cached)."""
        found = self._category_tables.get(employment)
        if found is not None:
            return found
        f, scheme = category_fields(), self.schemes.of(employment)
        allowed = np.zeros(len(BENEFITS), dtype=bool)
        allowed[[BENEFIT_CODE[b] for b in scheme.benefits]] = True
        groups = np.zeros(len(TARGET_CODE), dtype=bool)
        groups[[TARGET_CODE[g] for g in scheme.target_groups]] = True
        tests: list[tuple[str, BoolArray]] = [
            ("inaktiv", f["active"] == 1),
            ("ydelse", allowed[f["benefit"]]),
            ("maalgruppe", groups[f["target"]]),
        ]
        if scheme.flex_approval:
            tests.append(("visitation", f["flex"] == 1))
        if scheme.min_age is not None:
            old_enough = np.array([a is None or a.lowest >= scheme.min_age for a in AGE_BANDS])
            tests.append(("alder", old_enough[f["age"]]))
        reason = np.zeros(CATEGORIES, dtype=np.int8)
        for k in range(len(tests), 0, -1):  # earlier filters overwrite later ones: the first wins
            reason[~tests[k - 1][1]] = k
        # The unemployment a row's group needs: ledighedsydelse for people on it, else the target
        # group (as schemes.candidate_group and _unemployed_long_enough).
        need_by_target = np.zeros(len(TARGET_CODE), dtype=np.int16)
        for group, code in TARGET_CODE.items():
            need_by_target[code] = scheme.min_weeks_unemployed.get(group.value, 0)
        on_ly = f["benefit"] == BENEFIT_CODE[Benefit.LEDIGHEDSYDELSE]
        ly_need = scheme.min_weeks_unemployed.get(LEDIGHEDSYDELSE_GROUP, 0)
        min_weeks = np.where(on_ly, ly_need, need_by_target[f["target"]]).astype(np.int16)
        found = _CategoryTable([name for name, _ in tests], reason, min_weeks)
        self._category_tables[employment] = found
        return found

    def _row_filters(
        self, ctx: _JobContext, table: _CategoryTable
    ) -> list[tuple[str, Callable[[RowArray], BoolArray]]]:
        """The filters after the categorical ones, in order, as tests over rows."""
        job, cols = ctx.job, self._cols
        scheme = self.schemes.of(EmploymentType(job.employment_type))
        tests: list[tuple[str, Callable[[RowArray], BoolArray]]] = []
        if scheme.min_weeks_unemployed:  # weeks not recorded (-1) pass, noted on the card

            def long_enough(r: RowArray) -> BoolArray:
                weeks = cols.weeks.take(r)
                ok: BoolArray = (weeks < 0) | (weeks >= table.min_weeks.take(cols.category.take(r)))
                return ok

            tests.append(("ledighed", long_enough))
        if scheme.not_trained_in_trade and ctx.job_occ:
            skilled = np.zeros(len(EDUCATION_CODE), dtype=bool)
            skilled[[EDUCATION_CODE[e] for e in SKILLED]] = True
            own = np.zeros(len(self.taxonomy) + 1, dtype=bool)  # trade_occ -1 (none) reads the last
            own[list(ctx.job_occ)] = True
            tests.append(
                (
                    "uddannet",
                    lambda r: ~(skilled.take(cols.education.take(r)) & own.take(cols.trade_occ.take(r))),
                )
            )
        req = 0
        for c in job.required_certificates:
            req |= cols.cert_bits.get(c, 0)
        if req:  # no certificate required: nobody fails it
            tests.append(("certifikat", lambda r: (cols.certs.take(r) & req) == req))
        hours = job.hours_per_week
        tests.append(("timer", lambda r: cols.hours.take(r) >= hours))
        near = ctx.distances.take(cols.place_pc) <= cols.place_commute + 1e-9  # per place, as per row
        tests.append(("afstand", lambda r: near.take(cols.place.take(r))))
        if job.start_date is not None:
            latest = job.start_date.toordinal() + self.rules.filters.availability_grace_days
            tests.append(("tilgaengelig", lambda r: cols.avail.take(r) <= latest))
        return tests

    def _scheme_masks(self, ctx: _JobContext, rows: RowArray) -> list[tuple[str, BoolArray]]:
        """The scheme rules of ``config/schemes.toml`` over ``rows`` (as :meth:`SchemeRules.failure`)."""
        cols, scheme = self._cols, self.schemes.of(EmploymentType(ctx.job.employment_type))
        allowed = np.zeros(len(BENEFITS), dtype=bool)
        allowed[[BENEFIT_CODE[b] for b in scheme.benefits]] = True
        groups = np.zeros(len(TARGET_CODE), dtype=bool)
        groups[[TARGET_CODE[g] for g in scheme.target_groups]] = True
        masks: list[tuple[str, BoolArray]] = [
            ("ydelse", allowed[cols.benefit[rows]]),
            ("maalgruppe", groups[cols.target[rows]]),
        ]
        if scheme.flex_approval:
            masks.append(("visitation", cols.flex[rows]))
        if scheme.min_age is not None:  # an age band not recorded (code 0) passes, noted on the card
            old_enough = np.array([a is None or a.lowest >= scheme.min_age for a in AGE_BANDS])
            masks.append(("alder", old_enough[cols.age[rows]]))
        if scheme.min_weeks_unemployed:  # weeks not recorded (-1) pass, noted on the card
            masks.append(("ledighed", self._unemployed_long_enough(scheme, rows)))
        if scheme.not_trained_in_trade and ctx.job_occ:
            skilled = np.zeros(len(EDUCATION_CODE), dtype=bool)
            skilled[[EDUCATION_CODE[e] for e in SKILLED]] = True
            own_trade = np.isin(cols.trade_occ[rows], np.fromiter(ctx.job_occ, dtype=np.int32))
            masks.append(("uddannet", ~(skilled[cols.education[rows]] & own_trade)))
        return masks

    def _unemployed_long_enough(self, scheme: Scheme, rows: RowArray) -> BoolArray:
        """Per row: weeks unemployed not recorded, or at least the scheme's minimum for the row's group
        (ledighedsydelse for people on it, else the target group, as :func:`schemes.candidate_group`)."""
        cols = self._cols
        need_by_target = np.zeros(len(TARGET_CODE), dtype=np.int16)
        for group, code in TARGET_CODE.items():
            need_by_target[code] = scheme.min_weeks_unemployed.get(group.value, 0)
        need = need_by_target[cols.target[rows]]
        on_ly = cols.benefit[rows] == BENEFIT_CODE[Benefit.LEDIGHEDSYDELSE]
        need = np.where(on_ly, scheme.min_weeks_unemployed.get(LEDIGHEDSYDELSE_GROUP, 0), need)
        weeks = cols.weeks[rows]
        ok: BoolArray = (weeks < 0) | (weeks >= need)
        return ok

    def trained_in_trade(self, job: JobOrder, p: CandidateProfile) -> bool:
        """Skilled (faglært/videregående) in the job order's own trade, by the taxonomy."""
        if p.education_level not in SKILLED or not p.trade:
            return False
        occ = self._cols.trade_occupation(p.trade)
        _, occ_ids, _ = self._job_occupations(job)
        return occ >= 0 and occ in {self.taxonomy.index_of[o] for o in occ_ids}

    def _scores(
        self, ctx: _JobContext, rows: RowArray, title: FloatArray, experience: FloatArray
    ) -> dict[str, FloatArray]:
        """Component values 0–1 for ``rows`` (already filtered); title parts computed by the caller."""
        cols = self._cols
        out: dict[str, FloatArray] = {"title": title, "experience": experience}
        d = ctx.distances[cols.pc[rows]]
        out["distance"] = np.power(0.5, d / self.rules.distance.half_km)
        if ctx.skill_bits is not None:
            bits = color(ctx.skill_bits, cols.slots["skills"], rows, cols.wide_skills)
            out["skills"] = popcount(bits) / len(ctx.skill_keys)
        if ctx.lang_bits is not None:
            bits = color(ctx.lang_bits, cols.slots["languages"], rows, cols.wide_languages)
            out["languages"] = popcount(bits) / len(ctx.lang_keys)
        if ctx.wanted_certs:
            have = cols.certs[rows] & np.int64(ctx.wanted_certs)
            out["certificates"] = popcount(have) / bin(ctx.wanted_certs).count("1")
        return out

    def _total(self, ctx: _JobContext, parts: dict[str, FloatArray], size: int) -> FloatArray:
        w = self.rules.weights
        total = np.zeros(size)
        for name, values in parts.items():
            weight: float = getattr(w, name)
            total += weight * values
        result: FloatArray = np.round(100.0 * total / ctx.weight_total, 1)
        return result

    def _evaluate(self, job: JobOrder, top: int | None = None) -> _Evaluation:
        """Relevance by title, then the hard filters, then the score of everyone who is left.

        Rows from an occupation block whose every title earns credit are relevant without a look
        at their titles; the title columns are read for the other candidates and for those who pass.
        With ``top``, only the rows that can still reach the best ``top`` are scored in full (see
        :meth:`_contenders`); ``explain`` needs every score and passes none.
        """
        ctx = self._context(job)
        cols = self._cols
        rows, known = cols.candidate_rows(
            np.flatnonzero(ctx.title_val > 0).astype(np.int32), ctx.groups, self._sure_groups(ctx)
        )
        if not known.all():
            check = np.flatnonzero(~known)
            title, experience = self._relevance(ctx, rows[check])
            relevant = known.copy()
            relevant[check] = (title > 0) | (experience > 0)  # also drops stale postings
            rows = select(rows, relevant)
        passing, excluded = self._passing(ctx, rows)
        title, experience = self._relevance(ctx, passing)
        if top is not None:
            passing, title, experience = self._contenders(ctx, passing, title, experience, top)
        parts = self._scores(ctx, passing, title, experience)
        scores = self._total(ctx, parts, len(passing))
        return _Evaluation(ctx, excluded, passing, scores, len(cols), len(rows))

    def _contenders(
        self, ctx: _JobContext, rows: RowArray, title: FloatArray, experience: FloatArray, top: int
    ) -> tuple[RowArray, FloatArray, FloatArray]:
        """The rows whose score can still reach the ``top`` best: most candidates of a broad job order
        cannot, and their skills, languages and certificates need not be read.

        Title, experience and distance give a lower bound of each score (the other parts are ≥ 0)
        and, with the weight of the parts not read yet, an upper bound; a row whose upper bound is
        below the ``top``-th best lower bound by more than the rounding to 0.1 cannot be shown or
        tie with one shown, so the shortlist is exactly the one scoring every row gives.
        """
        if top <= 0 or len(rows) <= top:
            return rows, title, experience
        w, cols = self.rules.weights, self._cols
        # The distance credit once per (postcode, commute limit) place, then one gather per row.
        near = np.power(0.5, ctx.distances.take(cols.place_pc) / self.rules.distance.half_km)
        low = w.title * title + w.experience * experience + w.distance * near.take(cols.place.take(rows))
        rest = (
            (w.skills if ctx.skill_bits is not None else 0.0)
            + (w.languages if ctx.lang_bits is not None else 0.0)
            + (w.certificates if ctx.wanted_certs else 0.0)
        )
        kth = float(np.partition(low, len(low) - top)[len(low) - top])
        scale = 100.0 / ctx.weight_total
        keep = (low + rest) * scale >= kth * scale - 0.2  # 0.1 rounding either side, and float slack
        return select(rows, keep), select(title, keep), select(experience, keep)

    def _sure_groups(self, ctx: _JobContext) -> list[int]:
        """The groups of ``ctx.groups`` whose every title has credit > 0 (so each of its rows has)."""
        cols, sure = self._cols, []
        ptr = cols.title_group_ptr
        for g in ctx.groups:
            lo, hi = int(ptr[g]), int(ptr[g + 1])
            if g > 0 and hi > lo and ctx.title_val.take(cols.title_order[lo:hi]).min() > 0:
                sure.append(g)
        return sure

    def _ranked(self, rows: RowArray, scores: FloatArray, top: int) -> list[tuple[int, float]]:
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
        pairs.sort(key=lambda rs: (-rs[1], self._cols.id_of(rs[0])))
        return pairs[:top]

    # --- public queries ----------------------------------------------------------------------------

    def match(self, job: JobOrder, top: int = 10) -> Shortlist:
        """The shortlist for a job order: the best ``top`` candidates who pass every hard filter.

        Candidates whose job wishes and experience resemble the job order in no way (title credit 0)
        are never shortlisted; ``Shortlist.excluded`` counts the hard-filter exclusions among the
        others ("of the people who fit by title, 12 live too far away"), which is what a lead acts on.
        """
        ev = self._evaluate(job, top)
        results = self._results(ev.ctx, self._ranked(ev.rows, ev.scores, top))
        return Shortlist(
            job_order_id=job.id,
            results=results,
            excluded=ev.excluded,
            considered=ev.considered,
            relevant=ev.relevant,
        )

    def exclusion(self, job: JobOrder, p: CandidateProfile) -> Exclusion | None:
        """The first hard filter ``p`` fails for ``job`` with a Danish reason, or None."""
        trained = self.schemes.of(EmploymentType(job.employment_type)).not_trained_in_trade and (
            self.trained_in_trade(job, p)
        )
        return explain.exclusion(job, p, self.rules, self.postcodes, self.schemes, trained)

    def explain(self, job: JobOrder, candidate_id: str, top: int = 10) -> Explanation:
        """Why a named candidate is or is not on the shortlist of ``top``, with what the scheme rules
        flag for a candidate who passes them (``matching.schemes.candidate_notes``)."""
        found = self._explain(job, candidate_id, top)
        p = self.get(candidate_id)
        if p is None or found.status in ("unknown", "excluded"):
            return found
        notes = candidate_notes(self.schemes, job, p)
        if not notes:
            return found
        return replace(found, message=found.message + texts.EXPLAIN_NOTES.format(notes="; ".join(notes)))

    def _explain(self, job: JobOrder, candidate_id: str, top: int) -> Explanation:
        row = self._cols.row_of.get(candidate_id)
        if row is None:
            return explain.unknown(candidate_id)
        found = self.exclusion(job, self._cols.profile(row))
        if found is not None:
            return explain.excluded(found)
        ev = self._evaluate(job)
        hit = np.flatnonzero(ev.rows == row)
        if len(hit) == 0:  # passes the filters but nothing in its titles resembles the job order
            one = np.array([row], dtype=np.intp)
            zero = np.zeros(1)
            score = float(self._total(ev.ctx, self._scores(ev.ctx, one, zero, zero), 1)[0])
            (result,) = self._results(ev.ctx, [(row, score)])
            return explain.no_title(result, job.title)
        score = float(ev.scores[int(hit[0])])
        (result,) = self._results(ev.ctx, [(row, score)])
        ties = np.flatnonzero(ev.scores == score)
        tied_before = sum(1 for i in ties if self._cols.id_of(int(ev.rows[i])) < candidate_id)
        rank = int(np.count_nonzero(ev.scores > score)) + tied_before + 1
        return explain.ranked(result, rank, min_score=self.rules.result.min_score, top=top)

    # --- evidence for the shown candidates (top N only) --------------------------------------------

    def _title_evidence(self, ctx: _JobContext, titles: Sequence[str]) -> TitleEvidence:
        """The title with the highest credit, and where its credit comes from."""
        best: tuple[float, str, int] = (0.0, "", 0)
        index = self._cols.titles.index
        for title in titles:
            for key in self.normalizer.title_keys(title):
                i = index.get(key)
                if i is not None and ctx.title_val[i] > best[0]:
                    best = (float(ctx.title_val[i]), title, i)
        value, title, i = best
        if value <= 0:
            return explain.NO_TITLE
        occ = int(self._cols.title_occ[i])
        sim = float(ctx.title_sim[i])
        floor = self.rules.title.floor
        fuzzy = max(0.0, (sim - floor) / (100.0 - floor))
        name = self.taxonomy.occupations[occ].title if occ >= 0 else ""
        if sim >= 100.0:
            return TitleEvidence(title, value, fuzzy, sim, name, "exact")
        if occ in ctx.job_occ:
            if bool(self._cols.title_trainee[i]) != ctx.apprenticeship:
                relation: Relation = "trained" if ctx.apprenticeship else "trainee"
                return TitleEvidence(title, value, fuzzy, sim, name, relation)
            return TitleEvidence(title, value, fuzzy, sim, name, "same")
        if occ in ctx.strong_occ:
            return TitleEvidence(title, value, fuzzy, sim, name, "related_strong")
        if occ in ctx.related_occ:
            return TitleEvidence(title, value, fuzzy, sim, name, "related")
        return TitleEvidence(title, value, fuzzy, sim, "", "none")

    def _job_skill_labels(self, ctx: _JobContext) -> dict[str, str]:
        labels: dict[str, str] = {}
        for s in ctx.job.skills:
            key = self.normalizer.skill_key(s)
            if key and key not in labels:
                labels[key] = s.lower()
        return {k: labels[k] for k in ctx.skill_keys}

    def _results(self, ctx: _JobContext, ranked: Sequence[tuple[int, float]]) -> list[MatchResult]:
        """Named contributions and Danish reasons, for the shown candidates only."""
        if not ranked:
            return []
        cols = self._cols
        rows = np.array([r for r, _ in ranked], dtype=np.intp)
        title, experience = self._relevance(ctx, rows)
        parts = self._scores(ctx, rows, title, experience)
        skill_bits = color(ctx.skill_bits, cols.slots["skills"], rows) if ctx.skill_bits is not None else None
        labels = self._job_skill_labels(ctx) if ctx.skill_keys else {}
        cert_codes = [c for c, bit in cols.cert_bits.items() if ctx.wanted_certs & bit]
        cert_texts = [self._cert_texts[c] for c in cert_codes]
        wanted_skills = list(labels.values())
        weights = self.rules.weights
        weighted = [(name, float(getattr(weights, name)), values) for name, values in parts.items()]
        total = ctx.weight_total
        job_title = self.normalizer.display_head(ctx.job.title)
        out = []
        for i, (row, score) in enumerate(ranked):
            p = cols.profile(row)
            points = {
                name: round(100.0 * weight * float(values[i]) / total, 1) for name, weight, values in weighted
            }
            skills = certificates = languages = None
            if skill_bits is not None:
                bits = int(skill_bits[i])
                matched = [labels[k] for j, k in enumerate(ctx.skill_keys) if bits >> j & 1]
                skills = Overlap(matched, wanted_skills)
            if "certificates" in parts:
                have = [text for c, text in zip(cert_codes, cert_texts, strict=True) if c in p.certificates]
                certificates = Overlap(have, cert_texts)
            if "languages" in parts:
                spoken = {language_key(lang) for lang in p.languages}
                languages = Overlap([k for k in ctx.lang_keys if k in spoken], ctx.lang_keys)
            evidence = Evidence(
                p.id,
                score,
                points,
                job_title,
                self._title_evidence(ctx, p.desired_titles),
                self._title_evidence(ctx, p.experience_titles),
                skills,
                certificates,
                languages,
                float(ctx.distances[cols.pc[row]]),
            )
            out.append(explain.match_result(evidence, self.rules.result.reasons_on_card))
        return out
