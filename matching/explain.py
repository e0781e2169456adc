"""Why, in Danish: score contributions, hard-filter exclusions and explanations of one candidate.

The index finds the numbers (which title earned the credit, which skills matched, how far away);
this module turns them into named contributions and sentences, and reads the hard filters off a
profile's fields so that an exclusion reads like the rule. It never imports the index, so the index
can call it for the candidates it shows. Every sentence comes from :mod:`matching.texts`.

The evidence types are named tuples: one set is built per shown candidate of every match, and a
named tuple is cheaper to build than a frozen dataclass.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, NamedTuple

from matching import texts
from matching.geo import PostcodeTable
from matching.models import CandidateProfile, JobOrder, certificate_label, da_number
from matching.results import Contribution, Exclusion, Explanation, MatchResult
from matching.rules import MatchRules
from matching.schemes import SchemeRules

Kind = tuple[str, str, str]  # (capitalised, lower case, plural)
# How a candidate's title relates to the job order's: the exact title, the same occupation, a trainee
# of it (or the trained occupation for an apprenticeship), a (strongly) related one, or spelling only.
Relation = Literal["exact", "same", "trainee", "trained", "related_strong", "related", "none"]


class TitleEvidence(NamedTuple):
    """The best of a candidate's titles for a job order; ``credit`` 0 means none resembles it."""

    title: str
    credit: float  # 0–1, what the title earned
    fuzzy_credit: float  # what its spelling alone would earn
    similarity: float  # best rapidfuzz ratio against the job title
    occupation: str  # the taxonomy occupation's title when ``relation`` is not "none"
    relation: Relation


CLOSE_SPELLING = 90.0  # from this rapidfuzz ratio a title "ligner meget" the job title

NO_TITLE = TitleEvidence("", 0.0, 0.0, 0.0, "", "none")


class Overlap(NamedTuple):
    """What the job order asks for and what the candidate has of it, as display labels."""

    have: Sequence[str]
    wanted: Sequence[str]


class Evidence(NamedTuple):
    """Everything the reasons of one shown candidate are written from."""

    candidate_id: str
    score: float
    points: dict[str, float]  # per score component the job order uses
    job_title: str  # the job title as written, minus noise and context
    desired: TitleEvidence
    experience: TitleEvidence
    skills: Overlap | None  # None: the job order names no skills
    certificates: Overlap | None
    languages: Overlap | None
    distance_km: float


# --- Danish formatting --------------------------------------------------------------------------


def km_text(value: float) -> str:
    return str(round(value)) if value >= 10 else da_number(value)


def lower_label(label: str) -> str:
    """'Truckcertifikat' -> 'truckcertifikat', but keep 'ADR-bevis' as it is."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def join_da(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + texts.AND + items[-1]


def da_date(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def certificate_text(code: str) -> str:
    """A certificate as it reads inside a sentence."""
    return lower_label(certificate_label(code))


# --- contributions ------------------------------------------------------------------------------


def title_contribution(
    ev: TitleEvidence, name: str, points: float, kind: Kind, job_title: str
) -> Contribution:
    """Which title earned the credit, and why, as a sentence without raw scores."""
    if ev.credit <= 0:
        return Contribution(name, 0.0, texts.TITLE_NONE.format(kind_plural=kind[2], job=job_title))
    desired = name == "title"
    if ev.relation == "exact":
        template = texts.TITLE_EXACT_WISH if desired else texts.TITLE_EXACT_EXPERIENCE
        return Contribution(name, points, template.format(kind=kind[0], title=ev.title))
    by_taxonomy = ev.credit > ev.fuzzy_credit
    if ev.relation == "same" and by_taxonomy:
        if ev.title.strip().casefold() == ev.occupation.casefold():
            reason = texts.TITLE_SAME_OCCUPATION.format(kind=kind[0], title=ev.title)
        else:
            reason = texts.TITLE_SYNONYM.format(kind=kind[0], title=ev.title, occupation=ev.occupation)
        return Contribution("synonym" if desired else name, points, reason)
    if ev.relation in ("trainee", "trained") and by_taxonomy:
        template = texts.TITLE_TRAINEE if ev.relation == "trainee" else texts.TITLE_TRAINED
        reason = template.format(kind=kind[0], title=ev.title, occupation=ev.occupation)
        return Contribution(ev.relation if desired else name, points, reason)
    if ev.relation in ("related", "related_strong") and by_taxonomy:
        template = texts.TITLE_RELATED_STRONG if ev.relation == "related_strong" else texts.TITLE_RELATED
        reason = template.format(occupation=ev.occupation, kind_lower=kind[1], title=ev.title)
        return Contribution("related" if desired else name, points, reason)
    template = texts.TITLE_FUZZY_CLOSE if ev.similarity >= CLOSE_SPELLING else texts.TITLE_FUZZY
    reason = template.format(kind=kind[0], title=ev.title, job=job_title)
    return Contribution(name, points, reason)


def _skills_reason(skills: Overlap) -> str:
    if skills.have:
        return texts.SKILLS.format(
            n=len(skills.have), total=len(skills.wanted), skills=", ".join(skills.have)
        )
    return texts.SKILLS_NONE.format(skills=", ".join(skills.wanted))


def _certificates_reason(certs: Overlap) -> str:
    if certs.have:
        return texts.CERTIFICATES.format(labels=join_da(certs.have))
    return texts.CERTIFICATES_NONE.format(labels=", ".join(certs.wanted))


def _languages_reason(langs: Overlap) -> str:
    if langs.have:
        return texts.LANGUAGES.format(langs=join_da(langs.have))
    return texts.LANGUAGES_NONE.format(langs=join_da(langs.wanted))


def _distance_reason(km: float) -> str:
    return texts.DISTANCE_NEAR if km < 1 else texts.DISTANCE.format(km=km_text(km))


def match_result(ev: Evidence, reasons_on_card: int) -> MatchResult:
    """A shown candidate's score split into named contributions, each with its Danish reason."""
    pts = ev.points
    contributions = [
        title_contribution(ev.desired, "title", pts["title"], texts.KIND_DESIRED, ev.job_title),
        title_contribution(
            ev.experience, "experience", pts["experience"], texts.KIND_EXPERIENCE, ev.job_title
        ),
    ]
    if ev.skills is not None:
        contributions.append(Contribution("skills", pts["skills"], _skills_reason(ev.skills)))
    if ev.certificates is not None:
        reason = _certificates_reason(ev.certificates)
        contributions.append(Contribution("certificates", pts["certificates"], reason))
    if ev.languages is not None:
        contributions.append(Contribution("languages", pts["languages"], _languages_reason(ev.languages)))
    contributions.append(Contribution("distance", pts["distance"], _distance_reason(ev.distance_km)))
    return MatchResult(
        candidate_id=ev.candidate_id,
        score=ev.score,
        contributions=tuple(contributions),
        distance_km=round(ev.distance_km, 1),
        reasons_on_card=reasons_on_card,
    )


# --- exclusions ---------------------------------------------------------------------------------


def exclusion(
    job: JobOrder,
    p: CandidateProfile,
    rules: MatchRules,
    postcodes: PostcodeTable,
    schemes: SchemeRules,
    trained_in_trade: bool = False,
) -> Exclusion | None:
    """The first hard filter ``p`` fails for ``job`` with a Danish reason, or None.

    Written from the profile's fields (not the index's arrays) so that it reads like the rule; the
    index's vectorised filters must agree with it, which the tests check. The scheme rules
    (benefit, target group, visitation, age, already skilled) come from ``config/schemes.toml``.
    """
    if not p.active:
        return Exclusion(p.id, "inaktiv", texts.EXCLUDED_INACTIVE)
    failed = schemes.failure(job, p, trained_in_trade)
    if failed is not None:
        return Exclusion(p.id, failed[0], failed[1])
    missing = [c for c in job.required_certificates if c not in p.certificates]
    if missing:
        labels = join_da([certificate_text(c) for c in missing])
        return Exclusion(p.id, "certifikat", texts.EXCLUDED_CERTIFICATES.format(labels=labels))
    if p.hours_per_week < job.hours_per_week:
        reason = texts.EXCLUDED_HOURS.format(cand=p.hours_per_week, job=job.hours_per_week)
        return Exclusion(p.id, "timer", reason)
    km = postcodes.distance_km(p.postcode, job.postcode)
    if km > p.max_commute_km + 1e-9:
        reason = texts.EXCLUDED_DISTANCE.format(km=km_text(km), max=km_text(p.max_commute_km))
        return Exclusion(p.id, "afstand", reason)
    if job.start_date is not None and p.available_from is not None:
        grace = rules.filters.availability_grace_days
        if p.available_from.toordinal() > job.start_date.toordinal() + grace:
            reason = texts.EXCLUDED_AVAILABLE.format(
                available=da_date(p.available_from), start=da_date(job.start_date)
            )
            return Exclusion(p.id, "tilgaengelig", reason)
    return None


# --- explanations -------------------------------------------------------------------------------


def unknown(candidate_id: str) -> Explanation:
    message = texts.EXPLAIN_UNKNOWN.format(cid=candidate_id)
    return Explanation(candidate_id, "unknown", None, None, None, message)


def excluded(ex: Exclusion) -> Explanation:
    message = texts.EXPLAIN_EXCLUDED.format(cid=ex.candidate_id, reason=ex.reason)
    return Explanation(ex.candidate_id, "excluded", None, None, ex, message)


def no_title(result: MatchResult, job_title: str) -> Explanation:
    """Passes every filter, but nothing in the candidate's titles resembles the job order."""
    message = texts.EXPLAIN_NO_TITLE.format(cid=result.candidate_id, job=job_title)
    return Explanation(result.candidate_id, "below_cutoff", None, result, None, message)


def ranked(result: MatchResult, rank: int, *, min_score: float, top: int) -> Explanation:
    """On the list, below the minimum score, or ranked below the ``top`` shown."""
    cid, score = result.candidate_id, da_number(result.score)
    if result.score < min_score:
        message = texts.EXPLAIN_BELOW_MIN.format(cid=cid, score=score, min=da_number(min_score))
        return Explanation(cid, "below_cutoff", rank, result, None, message)
    if rank > top:
        message = texts.EXPLAIN_BELOW_TOP.format(cid=cid, rank=rank, score=score, top=top)
        return Explanation(cid, "below_cutoff", rank, result, None, message)
    message = texts.EXPLAIN_ON_LIST.format(cid=cid, rank=rank, score=score, reasons="; ".join(result.reasons))
    return Explanation(cid, "on_list", rank, result, None, message)
