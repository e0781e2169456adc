"""Evaluation of the matcher on a labelled set: recall@k, precision@k and hard-filter violations.

The set (``data/evaluation/``, see its README) is job orders written as companies write them, a
candidate pool, and labels written by hand: the occupation(s) a lead would fill each job order with,
and each candidate's occupation. A candidate is *expected* for a job order when its label is one of
the job order's targets and it passes the hard filters (the law, not the ranking: read off the
profile by :func:`matching.explain.exclusion`). A shown candidate that fails a hard filter is a
*violation*. Pure: the caller reads the files (:func:`load_set`) and prints the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from matching.index import MatchIndex
from matching.io import first_error, load_candidates, read_records, validate_record
from matching.models import CandidateProfile, JobOrder


@dataclass(frozen=True, slots=True)
class JobOutcome:
    job_id: str
    title: str
    expected: tuple[str, ...]  # candidate ids a lead would expect (eligible, right occupation)
    shown: tuple[str, ...]  # the top k, best first
    violations: tuple[str, ...]  # shown candidates that fail a hard filter

    @property
    def hits(self) -> int:
        return len(set(self.expected) & set(self.shown))

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(c for c in self.expected if c not in self.shown)


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    k: int
    outcomes: tuple[JobOutcome, ...]

    @property
    def recall(self) -> float:
        """Pooled recall@k: expected found in the top k / expected that fit in k."""
        wanted = sum(min(self.k, len(o.expected)) for o in self.outcomes)
        return sum(o.hits for o in self.outcomes) / wanted if wanted else 1.0

    @property
    def precision(self) -> float:
        """Pooled precision@k: expected among the shown / shown (a list shorter than k counts as shown)."""
        shown = sum(len(o.shown) for o in self.outcomes)
        return sum(o.hits for o in self.outcomes) / shown if shown else 1.0

    @property
    def violations(self) -> int:
        return sum(len(o.violations) for o in self.outcomes)

    @property
    def candidates_expected(self) -> int:
        return sum(len(o.expected) for o in self.outcomes)


@dataclass(frozen=True, slots=True)
class LabelledSet:
    jobs: list[JobOrder]
    profiles: list[CandidateProfile]
    targets: dict[str, list[str]]  # job order id -> occupation labels a lead would fill it with
    labels: dict[str, str]  # candidate id -> occupation label


def load_set(directory: str | Path) -> LabelledSet:
    """``job_orders.jsonl``, ``candidates.jsonl`` and ``labels.json`` of an evaluation folder.

    Raises :class:`matching.io.InputFileError` (file, line, field in Danish) for bad records and
    ``OSError``/``ValueError`` for a missing or malformed labels file.
    """
    folder = Path(directory)
    records = read_records(folder / "job_orders.jsonl", JobOrder)
    jobs: list[JobOrder] = []
    for no, record in records.items:
        job = validate_record(JobOrder, record)
        if isinstance(job, list):
            raise first_error(records.path, no, job, records.unit)
        jobs.append(job)
    profiles = load_candidates(folder / "candidates.jsonl")
    raw = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return LabelledSet(jobs, profiles, dict(raw["job_orders"]), dict(raw["candidates"]))


def evaluate(data: LabelledSet, k: int = 10, index: MatchIndex | None = None) -> EvaluationReport:
    """Match every job order of the set and compare the top ``k`` with the labels."""
    index = index or MatchIndex.build(data.profiles)
    by_id = {p.id: p for p in data.profiles}
    outcomes: list[JobOutcome] = []
    for job in data.jobs:
        targets = set(data.targets.get(job.id, ()))
        expected = tuple(
            p.id
            for p in data.profiles
            if data.labels.get(p.id) in targets and index.exclusion(job, p) is None
        )
        shown = tuple(r.candidate_id for r in index.match(job, k).results)
        violations = tuple(c for c in shown if index.exclusion(job, by_id[c]) is not None)
        outcomes.append(JobOutcome(job.id, job.title, expected, shown, violations))
    return EvaluationReport(k, tuple(outcomes))


def misses(report: EvaluationReport) -> list[JobOutcome]:
    """Job orders whose top k lacks an expected candidate that would have fitted, or shows a violation."""
    return [o for o in report.outcomes if o.hits < min(report.k, len(o.expected)) or o.violations]
