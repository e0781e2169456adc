"""Candidate generation by occupation row blocks finds exactly the rows the per-title postings find.

A job order that names an occupation gathers whole occupation blocks (rows that had a title of that
occupation at the last compaction) instead of one posting list per title; after any mix of a bulk
load, upserts (some compacted, some waiting) and removes, both must give the same rows, or a
candidate would silently drop off (or onto) a shortlist.
"""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from matching import columns
from matching.columns import CandidateColumns
from matching.geo import postcodes
from matching.index import MatchIndex
from matching.models import CandidateProfile, JobOrder
from tests.unit.test_engine import CERTS, LOW_RULES, POSTCODES, PROPS, RULES, TAX, TITLES, cand, job

TYPOS = ["Lagrmedarbejder", "Pakkker", "Truckføer", "Sosu hjælper", "Vinduespudser"]


@PROPS
@given(
    first=st.lists(st.lists(st.sampled_from(TITLES + TYPOS), min_size=1, max_size=3), max_size=30),
    ops=st.lists(
        st.tuples(st.booleans(), st.integers(0, 40), st.lists(st.sampled_from(TITLES + TYPOS), max_size=3)),
        max_size=30,
    ),
)
@pytest.mark.parametrize("sort_over_mask", [0, 10**9])  # sure rows: always by a sort, never by one
def test_occupation_blocks_find_the_same_rows_as_per_title_postings(
    first: list[list[str]], ops: list[tuple[bool, int, list[str]]], sort_over_mask: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_SORT_OVER_MASK", sort_over_mask)
        check_blocks(first, ops)


def check_blocks(first: list[list[str]], ops: list[tuple[bool, int, list[str]]]) -> None:
    cols = CandidateColumns(TAX, postcodes(), compact_after=5)
    cols.load(cand(i, desired_titles=titles) for i, titles in enumerate(first))
    for is_upsert, n, titles in ops:
        if is_upsert:
            cols.upsert(cand(n, desired_titles=titles or ["Pakker"], experience_titles=titles[1:]))
        else:
            cols.remove(f"K{n:05d}")
    cols.sync_title_occ()
    occ = cols.title_occ
    for o in range(len(TAX)):
        groups = (0, o + 1)
        ids = np.flatnonzero(np.isin(occ + 1, groups)).astype(np.int32)
        ids = ids[ids > 0]
        by_title, _ = cols.candidate_rows(ids)
        by_block, _ = cols.candidate_rows(ids, groups)
        by_sure_block, sure = cols.candidate_rows(ids, groups, groups)
        assert by_block.tolist() == by_title.tolist() == by_sure_block.tolist()
        # A row marked sure still has a title of the occupation (it was not upserted since).
        for row in by_sure_block[sure].tolist():
            row_titles: list[int] = [
                *cols.slots["desired"][row].tolist(),
                *cols.slots["experience"][row].tolist(),
            ]
            assert any(t > 0 and int(occ[t]) == o for t in row_titles)


def test_a_pool_loaded_in_many_chunks_matches_like_one_upserted_profile_by_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bulk path (chunks, encodings memoised per interned value, tables that grow between chunks)
    ranks exactly like profiles added one at a time."""
    monkeypatch.setattr(columns, "_CHUNK", 7)
    rng = random.Random(5)
    pool = [
        cand(
            i,
            desired_titles=rng.sample(TITLES + TYPOS, rng.randint(1, 4)),
            experience_titles=rng.sample(TITLES + TYPOS, rng.randint(0, 3)),
            skills=rng.sample(["truck", "lager", "pakning", "rengøring", "kørekort"], rng.randint(0, 3)),
            languages=rng.sample(["dansk", "engelsk", "polsk"], rng.randint(1, 2)),
            postcode=rng.choice(["2605", "2100", "1050", "2300"]),
        )
        for i in range(120)
    ]
    pool.append(cand(3, desired_titles=["Pakker"]))  # a later profile with the same id wins
    loaded = MatchIndex.build(pool, TAX, RULES)
    one_by_one = MatchIndex(TAX, RULES)
    for p in pool:
        one_by_one.upsert(p)
    for title in TITLES:
        job = JobOrder(
            id="JO-1",
            title=title,
            company="A/S",
            employment_type="ordinaert_job",
            hours_per_week=20,
            postcode="2605",
            skills=["truck", "lager"],
            languages=["dansk"],
        )
        assert loaded.match(job, top=50) == one_by_one.match(job, top=50)


def test_a_load_with_ids_repeated_inside_and_across_chunks_keeps_the_last_profile_of_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh chunk is numbered in one optimistic step; a chunk that repeats an id (in itself, or
    one loaded in an earlier chunk) must be taken back and loaded so that the later profile wins
    whole, every earlier row keeps its candidate, and no row is left behind for a repeated id."""
    monkeypatch.setattr(columns, "_CHUNK", 7)
    rng = random.Random(11)
    pool = []
    for k in range(90):
        # ids 0-39 first (chunks with no repeat, then chunks that repeat ids inside and from before)
        i = k if k < 40 else rng.choice([rng.randint(0, 39), rng.randint(40, 60)])
        pool.append(cand(i, desired_titles=[rng.choice(TITLES + TYPOS)], postcode=rng.choice(POSTCODES)))
    last = {p.id: p for p in pool}
    cols = CandidateColumns(TAX, postcodes())
    cols.load(pool)
    assert len(cols) == len(last)
    assert {cols.id_of(row) for row in cols.row_of.values()} == set(last)
    for cid, profile in last.items():
        assert cols.id_of(cols.row_of[cid]) == cid
        assert cols.get(cid) == profile
    one_by_one = MatchIndex(TAX, RULES)
    for p in pool:
        one_by_one.upsert(p)
    loaded = MatchIndex.build(pool, TAX, RULES)
    for title in TITLES:
        jo = JobOrder(
            id="JO-1",
            title=title,
            company="A/S",
            employment_type="ordinaert_job",
            hours_per_week=20,
            postcode="2605",
        )
        assert loaded.match(jo, top=100) == one_by_one.match(jo, top=100)


def test_slot_columns_past_the_narrow_ones_are_read_for_exactly_the_rows_that_need_them() -> None:
    """Title, skill and language credit read the columns past ``NARROW`` only for the rows with more
    entries of that kind; after a bulk load and upserts that widen and narrow rows, that equals
    reading every column."""
    rng = random.Random(9)
    words = TITLES + TYPOS
    skills = ["truck", "lager", "pakning", "rengøring", "kørekort", "kasse"]
    langs = ["dansk", "engelsk", "polsk", "arabisk"]

    def some(i: int) -> CandidateProfile:  # each kind wide or narrow on its own
        return cand(
            i,
            desired_titles=rng.sample(words, rng.randint(1, 5)),
            experience_titles=rng.sample(words, rng.randint(0, 4)),
            skills=rng.sample(skills, rng.randint(0, 5)),
            languages=rng.sample(langs, rng.randint(1, 4)),
        )

    cols = CandidateColumns(TAX, postcodes())
    cols.load(some(i) for i in range(60))
    for i in rng.sample(range(80), 40):
        cols.upsert(some(i))
    rows = np.flatnonzero(cols.present[: cols.n])
    for kind, vocab in (
        ("desired", cols.titles),
        ("experience", cols.titles),
        ("skills", cols.skills),
        ("languages", cols.languages),
    ):
        values = np.random.default_rng(3).random(len(vocab))
        values[0] = 0.0
        bits = np.random.default_rng(4).integers(0, 8, len(vocab))
        bits[0] = 0
        slots = cols.slots[kind]
        assert slots.shape[1] > columns.NARROW
        full = columns.colmax(values, slots, cols.n, rows)
        assert columns.colmax(values, slots, cols.n, rows, cols.wide_of(kind)).tolist() == full.tolist()
        full_bits = columns.color(bits, slots, rows)
        assert columns.color(bits, slots, rows, cols.wide_of(kind)).tolist() == full_bits.tolist()


# --- the shortcuts of a match at a million rows give what the plain rules give --------------------


@st.composite
def scheme_profiles(draw: st.DrawFn, n: int) -> CandidateProfile:
    """A profile with every field a hard filter reads, in the combinations the law allows."""
    benefit = draw(
        st.sampled_from(["dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp", "ledighedsydelse"])
    )
    young = benefit == "uddannelseshjaelp"
    return cand(
        n,
        desired_titles=draw(st.lists(st.sampled_from(TITLES + TYPOS), min_size=1, max_size=3)),
        experience_titles=draw(st.lists(st.sampled_from(TITLES), max_size=2)),
        certificates=draw(st.lists(st.sampled_from(CERTS), max_size=2)),
        skills=draw(
            st.lists(st.sampled_from(["plukning", "pakning", "truckkørsel", "rengøring"]), max_size=3)
        ),
        languages=draw(st.lists(st.sampled_from(["dansk", "engelsk", "polsk"]), max_size=2)),
        postcode=draw(st.sampled_from(POSTCODES)),
        max_commute_km=draw(st.sampled_from([5, 10, 12.5, 20, 40, 200])),
        hours_per_week=draw(st.integers(8, 40)),
        benefit=benefit,
        active=draw(st.booleans()),
        available_from=draw(st.sampled_from([None, date(2026, 1, 1), date(2026, 6, 1)])),
        target_group=draw(
            st.sampled_from(
                ["uddannelsesparat", "aktivitetsparat"] if young else ["jobparat", "aktivitetsparat"]
            )
        ),
        age_band=draw(
            st.sampled_from([None, "18-24", "25-29"] if young else [None, "18-24", "30-49", "50+"])
        ),
        weeks_unemployed=draw(st.sampled_from([None, 3, 26, 60])),
        education_level=draw(st.sampled_from([None, "ufaglaert", "faglaert", "videregaaende"])),
        trade=draw(st.sampled_from([None, "Lagermedarbejder", "Buschauffør"])),
        flex_approved=benefit == "ledighedsydelse" or draw(st.booleans()),
    )


@st.composite
def scheme_pools(draw: st.DrawFn) -> list[CandidateProfile]:
    return [draw(scheme_profiles(i)) for i in range(draw(st.integers(1, 30)))]


@st.composite
def any_jobs(draw: st.DrawFn) -> JobOrder:
    etype = draw(
        st.sampled_from(
            [
                "ordinaert_job",
                "fleksjob",
                "loentilskud_privat",
                "virksomhedspraktik",
                "voksenlaerling",
                "smaajob",
            ]
        )
    )
    return job(
        title=draw(st.sampled_from([*TITLES, "Lagerarbejdere til travlt lager i Brøndby"])),
        employment_type=etype,
        hours_per_week=draw(st.integers(5, 37)),
        postcode=draw(st.sampled_from(POSTCODES)),
        required_certificates=draw(st.lists(st.sampled_from(CERTS), max_size=1)),
        skills=draw(st.lists(st.sampled_from(["plukning", "pakning", "truckkørsel"]), max_size=2)),
        languages=draw(st.lists(st.sampled_from(["dansk", "polsk"]), max_size=1)),
        start_date=draw(st.sampled_from([None, date(2026, 3, 1)])),
    )


def plain_filters(idx: MatchIndex, j: JobOrder, rows: np.ndarray) -> tuple[list[int], dict[str, int]]:
    """The hard filters as written (``_filter_masks``, in order, the first failing one counts)."""
    ctx = idx._context(j)
    keep = np.ones(len(rows), dtype=bool)
    excluded: dict[str, int] = {}
    for name, ok in idx._filter_masks(ctx, rows):
        failing = int(np.count_nonzero(keep & ~ok))
        if failing:
            excluded[name] = failing
        keep &= ok
    return rows[keep].tolist(), excluded


@PROPS
@given(
    pool=scheme_pools(),
    j=any_jobs(),
    moves=st.lists(st.tuples(st.integers(0, 40), st.booleans()), max_size=8),
)
def test_category_and_place_tables_exclude_and_count_exactly_like_the_plain_filters(
    pool: list[CandidateProfile], j: JobOrder, moves: list[tuple[int, bool]]
) -> None:
    """The counts a card shows ("3 bor for langt væk") and who passes: the filters through the
    category table (active, benefit, target group, visitation, age) and the place table (postcode,
    commute limit) equal the plain masks, after a bulk load and upserts that move people."""
    idx = MatchIndex.build(pool, TAX, RULES)
    for n, far in moves:  # upserts add new (postcode, commute) places and category codes
        idx.upsert(cand(n, postcode="8000" if far else "2300", max_commute_km=7.5, active=not far))
    rows = np.flatnonzero(idx._cols.present[: idx._cols.n])
    passing, excluded = idx._passing(idx._context(j), rows)
    assert (passing.tolist(), excluded) == plain_filters(idx, j, rows)


@PROPS
@given(pool=scheme_pools(), j=any_jobs(), top=st.sampled_from([1, 2, 3, 10]))
def test_a_shortlist_is_the_top_of_every_candidate_scored_in_full(
    pool: list[CandidateProfile], j: JobOrder, top: int
) -> None:
    """Leaving unscored the rows whose bound cannot reach the top changes no shortlist, ties included."""
    idx = MatchIndex.build(pool, TAX, LOW_RULES)
    full = idx._evaluate(j)  # no top: every passing row scored
    expected = idx._results(full.ctx, idx._ranked(full.rows, full.scores, top))
    assert idx.match(j, top=top).results == expected


@settings(max_examples=60, deadline=None)
@given(
    key=st.text(alphabet="aeiouyæøårnstdlkgm", min_size=1, max_size=14),
    titles=st.lists(st.text(alphabet="aeiouyæøårnstdlkgm", min_size=1, max_size=16), min_size=1, max_size=40),
)
def test_the_character_bound_never_drops_a_title_that_reaches_the_floor(key: str, titles: list[str]) -> None:
    """A title cut before rapidfuzz runs could never have reached the floor, so no candidate whose
    title is a near spelling of the job's goes missing from a shortlist."""
    cols = CandidateColumns(TAX, postcodes())
    cols.load(cand(i, desired_titles=[t]) for i, t in enumerate(titles))
    cols.sync_title_occ()
    floor = RULES.title.floor
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_REACH_MIN", 0)  # the bound on every group, however small
        kept = set(cols.titles_within_reach([key], range(len(cols.title_group_ptr) - 1), floor).tolist())
    for i, vocab_key in enumerate(cols.titles.keys):
        if i and fuzz.ratio(key, vocab_key) >= floor:
            assert i in kept, (key, vocab_key)


def test_a_candidate_whose_skills_lift_them_past_a_nearer_one_is_not_left_unscored() -> None:
    """Distance is read before skills: the nearer candidate has the better lower bound, but the one
    with every skill the job asks for scores higher and must lead the list (and 200 more far away
    without skills must not crowd them out)."""
    near = cand("K-NEAR", postcode="2605", skills=[])
    skilled = cand("K-SKILLED", postcode="2650", skills=["plukning", "pakning"])
    others = [cand(f"K-{i:05d}", postcode="2770", skills=[]) for i in range(200)]
    idx = MatchIndex.build([near, skilled, *others], TAX, RULES)
    j = job(title="Lagermedarbejder", skills=["plukning", "pakning"], postcode="2605")
    assert [r.candidate_id for r in idx.match(j, top=1).results] == ["K-SKILLED"]
    full = idx._evaluate(j)
    assert idx.match(j, top=3).results == idx._results(full.ctx, idx._ranked(full.rows, full.scores, 3))
