"""Benchmark of the matching engine against the loop a user would otherwise write.

Run: ``python3 bench/bench_matching.py [--sizes 10000 100000] [--baseline-sample 5000]``

Pool: ``data/candidates.jsonl`` resampled with new ids (and, for half the titles, another spelling
of the same occupation from the taxonomy, so the title vocabulary grows like a real pool's); when
the sample data is missing, profiles are synthesised from the taxonomy. Job orders:
``data/job_orders/*.json`` (or synthesised from the taxonomy's variants).

Measured in one process: index build time, median time per job order (``MatchIndex.match``, top 10
with reasons), peak RSS, and the baseline: a Python loop of ``thefuzz.fuzz.token_set_ratio`` between
the job title and every title of every profile, then a sort. The baseline runs on a sample of
profiles and is extrapolated linearly (it is linear in the number of titles), which the output says.
A second baseline is the vectorised naive way: ``rapidfuzz.process.cdist`` of the job title against
every title of every profile (measured on the whole pool, 10 job orders, after the peak RSS is read).

``--noise 0.05`` gives 5 % of the titles one typo (≈ 60k distinct titles at a million profiles, the
vocabulary of a real pool); ``--stream`` writes the pool to a JSONL file first and builds the index
from it line by line, as the bot loads its pool, so no list of a million profile objects is held;
the time spent parsing and validating the JSON lines is reported apart from the index build (the
index is built from validated profiles, as after ``matchbot import``), and both are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rapidfuzz import fuzz as rf_fuzz  # noqa: E402
from rapidfuzz import process  # noqa: E402
from thefuzz import fuzz as thefuzz  # noqa: E402

from matching.geo import postcodes  # noqa: E402
from matching.index import MatchIndex  # noqa: E402
from matching.io import load_candidates, load_job_order  # noqa: E402
from matching.models import CandidateProfile, JobOrder  # noqa: E402
from matching.taxonomy import Taxonomy, default_taxonomy  # noqa: E402

COPENHAGEN_POSTCODES = [code for code in postcodes().codes if code.isdigit() and 1000 <= int(code) <= 3670]


def _variant_picker(tax: Taxonomy, rng: random.Random) -> dict[str, list[str]]:
    spellings: dict[str, list[str]] = {}
    for occ in tax.occupations:
        names = [occ.title, *occ.variants]
        for name in names:
            spellings[name] = names
    return spellings


def typo(title: str, rng: random.Random) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    i = rng.randrange(len(title))
    kind = rng.randrange(4)
    if kind == 0 and len(title) > 3:
        return title[:i] + title[i + 1 :]
    if kind == 1:
        return title[:i] + title[i] + title[i:]
    if kind == 2 and i + 1 < len(title):
        return title[:i] + title[i + 1] + title[i] + title[i + 2 :]
    return title[:i] + rng.choice("aeiouyæøårnstdlkgm") + title[i + 1 :]


def iter_resample(
    base: list[CandidateProfile], n: int, tax: Taxonomy, seed: int = 7, noise: float = 0.0
) -> Iterator[CandidateProfile]:
    """``n`` profiles drawn from ``base`` with new ids, half the wishes respelt within the occupation,
    and a share ``noise`` of all titles with one typo (how a pool's title vocabulary really grows)."""
    rng = random.Random(seed)
    picker = _variant_picker(tax, rng)
    occupation_of = {t: tax.lookup(t) for p in base for t in p.desired_titles}
    for i in range(n):
        p = rng.choice(base)
        desired = []
        for t in p.desired_titles:
            occ = occupation_of[t]
            if occ is not None and rng.random() < 0.5:
                t = rng.choice(picker[occ.title])
            if noise and rng.random() < noise:
                t = typo(t, rng)
            desired.append(t)
        experience = [typo(t, rng) if noise and rng.random() < noise else t for t in p.experience_titles]
        update = {
            "id": f"B{i:07d}",
            "desired_titles": list(dict.fromkeys(desired)),
            "experience_titles": list(dict.fromkeys(experience)),
        }
        yield p.model_copy(update=update)


def resample(
    base: list[CandidateProfile], n: int, tax: Taxonomy, seed: int = 7, noise: float = 0.0
) -> list[CandidateProfile]:
    return list(iter_resample(base, n, tax, seed, noise))


def synthesise(n: int, tax: Taxonomy, seed: int = 7) -> list[CandidateProfile]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        occs = rng.sample(tax.occupations, k=rng.choice([1, 1, 2, 3]))
        desired = [rng.choice([o.title, *o.variants]) for o in occs]
        earlier = rng.sample(tax.occupations, k=rng.choice([0, 1, 2]))
        exp = [rng.choice([o.title, *o.variants]) for o in earlier]
        certs = sorted({c for o in occs for c in o.certificates if rng.random() < 0.6})
        skills = sorted({s for o in occs for s in o.skills if rng.random() < 0.5})
        out.append(
            CandidateProfile(
                id=f"S{i:07d}",
                jobcenter="Jobcenter København",
                consultant="konsulent@kk.dk",
                desired_titles=desired,
                experience_titles=exp,
                skills=skills,
                certificates=certs,
                languages=["dansk"] + (["engelsk"] if rng.random() < 0.6 else []),
                postcode=rng.choice(COPENHAGEN_POSTCODES),
                max_commute_km=rng.choice([10, 15, 20, 30, 40]),
                hours_per_week=rng.choice([15, 20, 25, 30, 37, 37, 37]),
                benefit=rng.choice(["dagpenge", "dagpenge", "kontanthjaelp_jobparat", "ledighedsydelse"]),
            )
        )
    return out


def job_orders(tax: Taxonomy) -> list[JobOrder]:
    files = sorted((ROOT / "data" / "job_orders").glob("*.json"))
    if files:
        return [load_job_order(f) for f in files]
    rng = random.Random(3)
    jobs = []
    for i, occ in enumerate(rng.sample(tax.occupations, 30)):
        jobs.append(
            JobOrder(
                id=f"JO-BENCH-{i:03d}",
                title=rng.choice([occ.title, *occ.variants]) + " søges",
                company="Bench A/S",
                employment_type="ordinaert_job",
                hours_per_week=rng.choice([20, 30, 37]),
                postcode=rng.choice(COPENHAGEN_POSTCODES),
                skills=occ.skills[:3],
            )
        )
    return jobs


def baseline(job: JobOrder, profiles: list[CandidateProfile], top: int = 10) -> list[str]:
    """What a user would write: token_set_ratio against every title of every profile, then sort."""
    scored = []
    for p in profiles:
        best = 0
        for t in (*p.desired_titles, *p.experience_titles):
            best = max(best, thefuzz.token_set_ratio(job.title, t))
        scored.append((best, p.id))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [cid for _, cid in scored[:top]]


def cdist_baseline(jobs: list[JobOrder], profiles: Iterable[CandidateProfile], top: int = 10) -> float:
    """The vectorised naive way: ``rapidfuzz.process.cdist`` of the job title against every title of
    every profile (token_set_ratio, as the loop), best per profile, top 10. Median ms per job order."""
    titles: list[str] = []
    owner: list[int] = []
    for i, p in enumerate(profiles):
        for t in (*p.desired_titles, *p.experience_titles):
            titles.append(t)
            owner.append(i)
    starts = np.flatnonzero(np.r_[True, np.diff(np.asarray(owner)) != 0])
    times = []
    for job in jobs:
        t0 = time.perf_counter()
        scores = process.cdist([job.title], titles, scorer=rf_fuzz.token_set_ratio, dtype=np.float32)[0]
        best = np.maximum.reduceat(scores, starts)
        np.argpartition(-best, top)[:top]
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def timed_parse(lines: Iterator[str], spent: list[float], batch: int = 1000) -> Iterator[CandidateProfile]:
    """Read and validate JSONL lines into profiles, ``batch`` lines at a time, adding the wall and
    CPU seconds spent reading and parsing to ``spent[0]`` and ``spent[1]``.

    Lets the streamed build report reading the file and JSON parsing and validation (every field,
    CPR-like text included) apart from building the index out of validated profiles. Timed per
    batch: timed per line, four clock calls a line and reading the next line fell outside the
    parse's window and were counted as the index build (≈ 1 s CPU at a million lines).
    """
    parse = CandidateProfile.model_validate_json
    while True:
        t0, c0 = time.perf_counter(), time.process_time()
        profiles = list(map(parse, islice(lines, batch)))
        spent[0] += time.perf_counter() - t0
        spent[1] += time.process_time() - c0
        if not profiles:
            return
        yield from profiles


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--baseline-sample", type=int, default=5_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--noise", type=float, default=0.0, help="share of titles with one typo")
    ap.add_argument(
        "--stream",
        action="store_true",
        help="build from a JSONL file read line by line (as the bot loads its pool), not a list",
    )
    args = ap.parse_args()

    tax = default_taxonomy()
    sample = ROOT / "data" / "candidates.jsonl"
    base = load_candidates(sample) if sample.exists() else None
    jobs = job_orders(tax)
    source = f"{sample.relative_to(ROOT)} resamplet" if base else "syntetiseret fra taksonomien"
    print(f"pulje: {source}; {len(jobs)} jobordrer; rss før: {peak_rss_mb():.0f} MB")
    rows = []
    for n in args.sizes:
        if args.stream and base:
            with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
                for p in iter_resample(base, n, tax, noise=args.noise):
                    fh.write(p.model_dump_json() + "\n")
            pool_file = Path(fh.name)
            profiles = resample(base, min(args.baseline_sample, n), tax, noise=args.noise)  # baseline only
            parsing = [0.0, 0.0]
            t0, c0 = time.perf_counter(), time.process_time()
            with pool_file.open(encoding="utf-8") as lines:
                index = MatchIndex.build(timed_parse(lines, parsing), workers=args.workers)
            total_s, build_cpu_s = time.perf_counter() - t0, time.process_time() - c0
            parse_s = parsing[0]
            build_s = total_s - parse_s  # the index from validated profiles, as after `matchbot import`
            build_cpu_s -= parsing[1]  # CPU minus CPU (it subtracted the parse's wall time before)
            pool_file.unlink()
        else:
            profiles = resample(base, n, tax, noise=args.noise) if base else synthesise(n, tax)
            t0, c0 = time.perf_counter(), time.process_time()
            index = MatchIndex.build(profiles, workers=args.workers)
            build_s, build_cpu_s = time.perf_counter() - t0, time.process_time() - c0
            parse_s = 0.0
        index.match(jobs[0])  # warm caches (normaliser, taxonomy lookups of job titles)
        times, cpu = [], []
        for _ in range(args.rounds):
            for job in jobs:
                t0, c0 = time.perf_counter(), time.process_time()
                index.match(job, top=10)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        median_ms = statistics.median(times) * 1000
        cpu_ms = statistics.median(cpu) * 1000
        p95_ms = sorted(times)[int(0.95 * len(times)) - 1] * 1000
        rss = peak_rss_mb()

        k = min(args.baseline_sample, n)
        subset = profiles[:k]
        btimes = []
        for job in jobs:
            t0 = time.perf_counter()
            baseline(job, subset)
            btimes.append(time.perf_counter() - t0)
        base_ms = statistics.median(btimes) * 1000 * (n / k)
        extrapolated = k < n
        ratio = base_ms / median_ms
        # After the peak RSS is read: the naive cdist needs every title of every profile in memory.
        pool = iter_resample(base, n, tax, noise=args.noise) if args.stream and base else profiles
        cdist_ms = cdist_baseline(jobs[:10], pool)
        rows.append(
            (
                n,
                build_s,
                build_cpu_s,
                parse_s,
                median_ms,
                cpu_ms,
                p95_ms,
                rss,
                base_ms,
                extrapolated,
                ratio,
                index.distinct_titles,
                cdist_ms,
            )
        )
        print(
            f"n={n}: build {build_s:.2f} s (cpu {build_cpu_s:.2f}; JSON-parsing derudover {parse_s:.2f} s), "
            f"match median {median_ms:.2f} ms "
            f"(cpu {cpu_ms:.2f}, p95 {p95_ms:.2f}), load {os.getloadavg()[0]:.1f}, "
            f"distinct titles {index.distinct_titles}, peak RSS {rss:.0f} MB, baseline {base_ms:.0f} ms"
            f"{' (extrapoleret fra ' + str(k) + ')' if extrapolated else ''}, ratio {ratio:.0f}x, "
            f"cdist over alle titler {cdist_ms:.0f} ms ({cdist_ms / median_ms:.0f}x)",
            flush=True,
        )
        del index, profiles
    print(
        json.dumps(
            [
                dict(
                    zip(
                        [
                            "profiles",
                            "build_s",
                            "build_cpu_s",
                            "json_parse_s",
                            "median_ms",
                            "median_cpu_ms",
                            "p95_ms",
                            "peak_rss_mb",
                            "baseline_ms",
                            "baseline_extrapolated",
                            "ratio",
                            "distinct_titles",
                            "cdist_all_titles_ms",
                        ],
                        r,
                        strict=True,
                    )
                )
                for r in rows
            ],
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
