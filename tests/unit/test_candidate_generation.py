"""Candidate generation by occupation row blocks finds exactly the rows the per-title postings find.

A job order that names an occupation gathers whole occupation blocks (rows that had a title of that
occupation at the last compaction) instead of one posting list per title; after any mix of a bulk
load, upserts (some compacted, some waiting) and removes, both must give the same rows, or a
candidate would silently drop off (or onto) a shortlist.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching import columns
from matching.columns import CandidateColumns
from matching.geo import postcodes
from matching.index import MatchIndex
from matching.models import JobOrder
from tests.unit.test_engine import PROPS, RULES, TAX, TITLES, cand

TYPOS = ["Lagrmedarbejder", "Pakkker", "Truckføer", "Sosu hjælper", "Vinduespudser"]


@PROPS
@given(
    first=st.lists(st.lists(st.sampled_from(TITLES + TYPOS), min_size=1, max_size=3), max_size=30),
    ops=st.lists(
        st.tuples(st.booleans(), st.integers(0, 40), st.lists(st.sampled_from(TITLES + TYPOS), max_size=3)),
        max_size=30,
    ),
)
def test_occupation_blocks_find_the_same_rows_as_per_title_postings(
    first: list[list[str]], ops: list[tuple[bool, int, list[str]]]
) -> None:
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


def test_slot_columns_past_the_narrow_ones_are_read_for_exactly_the_rows_that_need_them() -> None:
    """Title, skill and language credit read the columns past ``NARROW`` only for ``wide`` rows; after
    a bulk load and upserts that widen and narrow rows, that equals reading every column."""
    rng = random.Random(9)
    words = TITLES + TYPOS
    cols = CandidateColumns(TAX, postcodes())
    cols.load(cand(i, desired_titles=rng.sample(words, rng.randint(1, 5))) for i in range(60))
    for i in rng.sample(range(80), 40):
        desired = rng.sample(words, rng.randint(1, 5))
        cols.upsert(cand(i, desired_titles=desired, experience_titles=rng.sample(words, rng.randint(0, 4))))
    rows = np.flatnonzero(cols.present[: cols.n])
    values = np.random.default_rng(3).random(len(cols.titles))
    values[0] = 0.0
    bits = np.random.default_rng(4).integers(0, 8, len(cols.titles))
    bits[0] = 0
    for kind in ("desired", "experience"):
        slots = cols.slots[kind]
        assert slots.shape[1] > columns.NARROW
        full = columns.colmax(values, slots, cols.n, rows)
        assert columns.colmax(values, slots, cols.n, rows, cols.wide).tolist() == full.tolist()
        full_bits = columns.color(bits, slots, rows)
        assert columns.color(bits, slots, rows, cols.wide).tolist() == full_bits.tolist()
