"""Scheme rules (``config/schemes.toml``): who may be matched to which kind of job, and for how long.

The law as data (issue 10, corrected rules in ``shared/docs/domain.md``): eligibility per scheme by
benefit, target group and visitation (fleksjob needs *visiteret til fleksjob*, not a benefit;
ledighedsydelse also to virksomhedspraktik), voksenlærling 25+ and not already skilled in the
trade, the shortest unemployment before løntilskud for some groups, the longest forløb per group,
and henvisning med mødepligt only on real jobs.

Pure: the hard filters read :meth:`SchemeRules.failure` (the index vectorises the same rules and the
tests check they agree); :func:`candidate_notes` and :func:`job_warnings` are the Danish sentences
for a card and for ``hvorfor``. Imports only config, texts and the models' enums.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config import config_path, validate_file
from matching import texts
from matching.models import (
    Benefit,
    CandidateProfile,
    EducationLevel,
    EmploymentType,
    JobOrder,
    TargetGroup,
)

LEDIGHEDSYDELSE_GROUP = "ledighedsydelse"  # the max_weeks key for people on ledighedsydelse
SKILLED = frozenset({EducationLevel.FAGLAERT, EducationLevel.VIDEREGAAENDE})
Weeks = Annotated[int, Field(ge=1, le=104)]


class Scheme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Annotated[str, Field(min_length=10)]  # where the rule comes from: required
    benefits: frozenset[Benefit]
    target_groups: frozenset[TargetGroup]
    flex_approval: bool = False
    min_age: Annotated[int, Field(ge=15, le=70)] | None = None
    not_trained_in_trade: bool = False
    referral: bool = True
    max_weeks: dict[str, Weeks] = {}
    # The shortest unemployment before the scheme may be offered, per group (løntilskud for jobparate):
    # a recorded weeks_unemployed below it is a hard filter; an unrecorded one is kept with a note.
    min_weeks_unemployed: dict[str, Weeks] = {}
    min_weeks_source: Annotated[str, Field(min_length=10)] | None = None

    @model_validator(mode="after")
    def _groups(self) -> Scheme:
        known = {g.value for g in TargetGroup} | {LEDIGHEDSYDELSE_GROUP}
        by_field = {"max_weeks": self.max_weeks, "min_weeks_unemployed": self.min_weeks_unemployed}
        for name, limits in by_field.items():
            unknown = sorted(set(limits) - known)
            if unknown:
                raise ValueError(
                    texts.CONFIG_UNKNOWN_GROUP.format(
                        field=name, groups=", ".join(unknown), valid=", ".join(sorted(known))
                    )
                )
        if self.min_weeks_unemployed and self.min_weeks_source is None:
            raise ValueError(texts.CONFIG_MIN_WEEKS_SOURCE)
        if not self.benefits or not self.target_groups:
            raise ValueError(texts.CONFIG_SCHEME_EMPTY)
        return self


class Marking(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    target_groups: frozenset[TargetGroup] = frozenset(
        {TargetGroup.UDDANNELSESPARAT, TargetGroup.AKTIVITETSPARAT}
    )


class SchemeRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    marking: Marking = Marking()
    scheme: dict[EmploymentType, Scheme]

    @model_validator(mode="after")
    def _every_type(self) -> SchemeRules:
        missing = [t.value for t in EmploymentType if t not in self.scheme]
        if missing:
            raise ValueError(texts.CONFIG_MISSING_EMPLOYMENT_TYPES.format(types=", ".join(missing)))
        return self

    def of(self, etype: EmploymentType) -> Scheme:
        return self.scheme[etype]

    # --- the hard filters, from the profile's fields (the index vectorises the same) ------------

    def failure(self, job: JobOrder, p: CandidateProfile, trained_in_trade: bool) -> tuple[str, str] | None:
        """(filter, Danish reason) of the first scheme rule ``p`` fails for ``job``, or None.

        ``trained_in_trade``: the candidate is faglært/videregående in the job's own trade (the
        index decides it with the taxonomy; see :func:`is_trained_in`).
        """
        etype = EmploymentType(job.employment_type)
        s = self.of(etype)
        scheme = etype.label.lower()
        if p.benefit not in s.benefits:
            return "ydelse", _benefit_reason(p.benefit, etype, s)
        if p.target_group not in s.target_groups:
            groups = ", ".join(g.label.lower() for g in TargetGroup if g in s.target_groups)
            return "maalgruppe", texts.EXCLUDED_TARGET_GROUP.format(
                group=p.target_group.label.lower(), scheme=scheme, groups=groups
            )
        if s.flex_approval and not p.flex_approved:
            return "visitation", texts.EXCLUDED_NOT_FLEX_APPROVED
        if s.min_age is not None and p.age_band is not None and p.age_band.lowest < s.min_age:
            return "alder", texts.EXCLUDED_AGE.format(band=p.age_band.label, scheme=scheme, age=s.min_age)
        need = s.min_weeks_unemployed.get(candidate_group(p))
        if need is not None and p.weeks_unemployed is not None and p.weeks_unemployed < need:
            return "ledighed", texts.EXCLUDED_UNEMPLOYMENT.format(
                weeks=p.weeks_unemployed, scheme=scheme, group=group_label(candidate_group(p)), need=need
            )
        if s.not_trained_in_trade and trained_in_trade:
            return "uddannet", texts.EXCLUDED_TRAINED.format(trade=p.trade or "", scheme=scheme)
        return None

    # --- forløb lengths ---------------------------------------------------------------------------

    def max_weeks_for(self, etype: EmploymentType, p: CandidateProfile) -> int | None:
        return self.of(etype).max_weeks.get(candidate_group(p))

    def min_unemployment_for(self, etype: EmploymentType, p: CandidateProfile) -> int | None:
        """Weeks of unemployment ``p``'s group needs before this scheme (None: no condition)."""
        return self.of(etype).min_weeks_unemployed.get(candidate_group(p))

    def job_warnings(self, job: JobOrder) -> list[str]:
        """Danish warnings about the job order itself: a forløb longer than the rules allow."""
        etype = EmploymentType(job.employment_type)
        limits = self.of(etype).max_weeks
        if job.duration_weeks is None or not limits:
            return []
        over = {g: w for g, w in limits.items() if job.duration_weeks > w}
        if not over:
            return []
        parts = [
            texts.GROUP_WEEKS.format(group=group_label(g), weeks=w)
            for g, w in sorted(over.items(), key=lambda gw: gw[1])
        ]
        return [
            texts.WARN_DURATION.format(
                weeks=job.duration_weeks, scheme=etype.label.lower(), limits=texts.AND.join(parts)
            )
        ]


def candidate_group(p: CandidateProfile) -> str:
    """The group a forløb length is set for: ledighedsydelse, else the target group."""
    return LEDIGHEDSYDELSE_GROUP if p.benefit is Benefit.LEDIGHEDSYDELSE else p.target_group.value


def group_label(group: str) -> str:
    return texts.GROUP_LABELS.get(group, group)


def _benefit_reason(benefit: Benefit, etype: EmploymentType, s: Scheme) -> str:
    if benefit is Benefit.LEDIGHEDSYDELSE:
        return texts.EXCLUDED_LEDIGHEDSYDELSE_SCHEME.format(etype=etype.label.lower())
    return texts.EXCLUDED_BENEFIT.format(benefit=benefit.label, etype=etype.label.lower())


def is_trained_in(p: CandidateProfile, trade_matches_job: bool) -> bool:
    """Skilled (faglært/videregående) in the job's trade: the trade names the job's occupation."""
    return p.education_level in SKILLED and trade_matches_job


def candidate_notes(rules: SchemeRules, job: JobOrder, p: CandidateProfile) -> list[str]:
    """What a lead must see on the candidate's line (Danish), beyond the score's reasons."""
    etype = EmploymentType(job.employment_type)
    s = rules.of(etype)
    notes: list[str] = []
    if p.target_group in rules.marking.target_groups:
        notes.append(texts.NOTE_EDUCATION_FIRST.format(group=p.target_group.label))
    if s.min_age is not None and p.age_band is None:
        notes.append(texts.NOTE_AGE_UNKNOWN.format(scheme=etype.label.lower(), age=s.min_age))
    need = rules.min_unemployment_for(etype, p)
    if need is not None and p.weeks_unemployed is None:
        notes.append(
            texts.NOTE_UNEMPLOYMENT_UNKNOWN.format(
                scheme=etype.label.lower(), group=group_label(candidate_group(p)), need=need
            )
        )
    limit = rules.max_weeks_for(etype, p)
    if job.duration_weeks is not None and limit is not None and job.duration_weeks > limit:
        notes.append(
            texts.NOTE_DURATION.format(
                weeks=job.duration_weeks, limit=limit, group=group_label(candidate_group(p))
            )
        )
    return notes


def profile_facts(p: CandidateProfile) -> str:
    """'Jobparat · dagpenge · 30–49 år · ufaglært · ledig 34 uger': the profile fields a lead reads."""
    parts = [p.target_group.label, p.benefit.label.lower()]
    if p.flex_approved:
        parts.append(texts.FACT_FLEX_APPROVED)
    if p.age_band is not None:
        parts.append(p.age_band.label)
    if p.education_level is not None:
        level = p.education_level.label.lower()
        parts.append(f"{level} ({p.trade})" if p.trade and p.education_level in SKILLED else level)
    if p.weeks_unemployed is not None:
        parts.append(texts.FACT_WEEKS_UNEMPLOYED.format(weeks=p.weeks_unemployed))
    return texts.FACT_SEPARATOR.join(parts)


def load_schemes(path: Path | None = None) -> SchemeRules:
    """``config/schemes.toml`` validated (cached for the default path); errors name file and field."""
    if path is None:
        return default_schemes()
    return validate_file(SchemeRules, path)


@cache
def default_schemes() -> SchemeRules:
    return validate_file(SchemeRules, config_path("schemes.toml"))
