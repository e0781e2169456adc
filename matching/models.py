"""Domain models: the JSON that other systems send us, validated at the edge.

Field names are the import format (English); error messages are Danish because
they reach caseworkers. Every free-text field is checked for CPR numbers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from config import ConfigError, config_path, load_toml
from matching import texts
from matching.centres import check_copenhagen_jobcenter
from matching.geo import postcodes
from matching.privacy import check_no_cpr, redact_contact_data, redact_cpr


class EmploymentType(StrEnum):
    ORDINAERT_JOB = "ordinaert_job"
    LOENTILSKUD_PRIVAT = "loentilskud_privat"
    LOENTILSKUD_OFFENTLIG = "loentilskud_offentlig"
    VIRKSOMHEDSPRAKTIK = "virksomhedspraktik"
    NYTTEINDSATS = "nytteindsats"
    FLEKSJOB = "fleksjob"
    JOBROTATION = "jobrotation"
    VOKSENLAERLING = "voksenlaerling"
    SMAAJOB = "smaajob"

    @property
    def label(self) -> str:
        return EMPLOYMENT_TYPE_LABELS[self]


# Every type has a label: a missing one fails at import, not on a card.
EMPLOYMENT_TYPE_LABELS: dict[EmploymentType, str] = {
    t: texts.EMPLOYMENT_TYPE_LABELS[t.value] for t in EmploymentType
}


class Benefit(StrEnum):
    DAGPENGE = "dagpenge"
    KONTANTHJAELP_JOBPARAT = "kontanthjaelp_jobparat"
    UDDANNELSESHJAELP = "uddannelseshjaelp"
    LEDIGHEDSYDELSE = "ledighedsydelse"

    @property
    def label(self) -> str:
        return BENEFIT_LABELS[self]


BENEFIT_LABELS: dict[Benefit, str] = {b: texts.BENEFIT_LABELS[b.value] for b in Benefit}


# --- profile fields the scheme rules need (issue 10): coded, pseudonymous, never a birth date ----


class TargetGroup(StrEnum):
    """The jobcentre's assessment (målgruppe): the match unit's main pool is the jobparate."""

    JOBPARAT = "jobparat"
    UDDANNELSESPARAT = "uddannelsesparat"
    AKTIVITETSPARAT = "aktivitetsparat"

    @property
    def label(self) -> str:
        return texts.TARGET_GROUP_LABELS[self.value]


class AgeBand(StrEnum):
    """An age band, not a birth date (minimum data): what the 25+ and under-30 rules need."""

    A18_24 = "18-24"
    A25_29 = "25-29"
    A30_49 = "30-49"
    A50 = "50+"

    @property
    def label(self) -> str:
        return texts.AGE_BAND_LABELS[self.value]

    @property
    def lowest(self) -> int:
        """The youngest age in the band (18, 25, 30, 50)."""
        return int(self.value.split("-")[0].rstrip("+"))


class EducationLevel(StrEnum):
    UFAGLAERT = "ufaglaert"
    FAGLAERT = "faglaert"
    VIDEREGAAENDE = "videregaaende"

    @property
    def label(self) -> str:
        return texts.EDUCATION_LABELS[self.value]


TARGET_GROUP_LABELS: dict[TargetGroup, str] = {g: g.label for g in TargetGroup}
AGE_BAND_LABELS: dict[AgeBand, str] = {a: a.label for a in AgeBand}
EDUCATION_LABELS: dict[EducationLevel, str] = {e: e.label for e in EducationLevel}
# "18–24" (en dash), "18 - 24 år", "over 50": the spellings of a case system's export.
AGE_BAND_ALIASES: dict[str, AgeBand] = {
    "18–24": AgeBand.A18_24,
    "25–29": AgeBand.A25_29,
    "30–49": AgeBand.A30_49,
    "50 og derover": AgeBand.A50,
    "over 50": AgeBand.A50,
}
EDUCATION_ALIASES: dict[str, EducationLevel] = {
    "ufaglært": EducationLevel.UFAGLAERT,
    "faglært": EducationLevel.FAGLAERT,
    "videregående": EducationLevel.VIDEREGAAENDE,
    "akademiker": EducationLevel.VIDEREGAAENDE,
}


def da_number(value: float, decimals: int = 1) -> str:
    """A number with the Danish decimal comma ('4,5'): every number a caseworker reads."""
    return f"{value:.{decimals}f}".replace(".", ",")


def fold(text: str) -> str:
    """Case-fold and strip everything but letters and digits: the key for alias lookups."""
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[^0-9a-zæøå]+", "", text)


# Other spellings senders use (and the labels of earlier versions), accepted as input.
EMPLOYMENT_TYPE_ALIASES: dict[str, EmploymentType] = {
    "Løntilskud (privat)": EmploymentType.LOENTILSKUD_PRIVAT,
    "Privat løntilskud": EmploymentType.LOENTILSKUD_PRIVAT,
    "Løntilskud (offentlig)": EmploymentType.LOENTILSKUD_OFFENTLIG,
    "Offentligt løntilskud": EmploymentType.LOENTILSKUD_OFFENTLIG,
    "Praktik": EmploymentType.VIRKSOMHEDSPRAKTIK,
    "Job på få timer": EmploymentType.SMAAJOB,
}


def _enum_parser(enum: type[StrEnum], labels: dict[Any, str], aliases: dict[str, Any] | None = None) -> Any:
    """Accept the code, the Danish label or a known alias in any case; else name the valid codes."""
    lookup: dict[str, StrEnum] = {fold(alias): member for alias, member in (aliases or {}).items()}
    for member in enum:
        lookup[fold(member.value)] = member
        lookup[fold(labels[member])] = member

    def parse(value: Any) -> Any:
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and (hit := lookup.get(fold(value))):
            return hit
        valid = ", ".join(m.value for m in enum)
        if not isinstance(value, str):  # null, a list, a number: say what is expected, not "'None'"
            raise ValueError(texts.ONE_OF.format(valid=valid))
        raise ValueError(texts.UNKNOWN_VALUE.format(value=value, valid=valid))

    return parse


# --- certificates -------------------------------------------------------------------


class CertificateInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: str
    aliases: list[str] = []


class CertificateCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid")
    certificate: list[CertificateInfo]

    @model_validator(mode="after")
    def _unique(self) -> CertificateCatalog:
        seen: dict[str, str] = {}
        for cert in self.certificate:
            for alias in [cert.code, cert.label, *cert.aliases]:
                key = fold(alias)
                if seen.get(key, cert.code) != cert.code:
                    raise ValueError(
                        texts.CONFIG_ALIAS_TAKEN.format(alias=alias, first=seen[key], second=cert.code)
                    )
                seen[key] = cert.code
        return self

    def lookup(self) -> dict[str, str]:
        return {fold(a): c.code for c in self.certificate for a in [c.code, c.label, *c.aliases]}

    def labels(self) -> dict[str, str]:
        return {c.code: c.label for c in self.certificate}


@cache
def certificate_catalog() -> CertificateCatalog:
    path = config_path("certificates.toml")
    try:
        return CertificateCatalog.model_validate(load_toml(path))
    except ValidationError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


@cache
def _certificate_lookup() -> dict[str, str]:
    return certificate_catalog().lookup()


def canonical_certificate(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(texts.CERTIFICATE_NOT_TEXT)
    code = _certificate_lookup().get(fold(value))
    if code is None:
        valid = ", ".join(sorted(certificate_catalog().labels()))
        raise ValueError(texts.UNKNOWN_CERTIFICATE.format(value=value, valid=valid))
    return code


def certificate_label(code: str) -> str:
    return certificate_catalog().labels().get(code, code)


# --- reusable field types --------------------------------------------------------------


def _known_postcode(value: str) -> str:
    if value not in postcodes():
        raise ValueError(texts.UNKNOWN_POSTCODE.format(value=value))
    return value


def _clean_text(value: str) -> str:
    """One space between words, no control or invisible format characters (NUL, zero-width space,
    right-to-left override): they hide text on a card or make a title look empty."""
    visible = value
    if not value.isprintable():  # rare: only then look at each character
        visible = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf") or c.isspace())
    cleaned = " ".join(visible.split())
    # The same object when nothing changed: the JSON parser hands out one object per repeated
    # string, and a pool repeats its titles and jobcentres, so the index's interning then hashes
    # and compares each value once instead of once per profile (the 1M build, bench/RESULTS.md).
    return check_no_cpr(value if cleaned == value else cleaned)


def _clean_short(value: str) -> str:
    cleaned = _clean_text(value)
    if not cleaned:
        raise ValueError(texts.NOT_EMPTY)
    return cleaned


def _not_bool(value: Any) -> Any:
    """JSON true is not the number 1: a sender's type error must not become 1 hour a week."""
    if isinstance(value, bool):
        raise ValueError(texts.NUMBER_NOT_BOOL)
    return value


DATE_YEARS = range(2000, 2101)  # 1900-01-01 or 9999-12-31 is a typing error, not a plan


def _plausible_year(value: date | None) -> date | None:
    if value is not None and value.year not in DATE_YEARS:
        raise ValueError(texts.YEAR_RANGE.format(first=DATE_YEARS.start, last=DATE_YEARS.stop - 1))
    return value


def _date_text(value: Any) -> Any:
    """A date is written ÅÅÅÅ-MM-DD: a number (0, 20261201) is not read as a Unix timestamp."""
    if isinstance(value, int | float):
        raise ValueError(texts.DATE_FORMAT)
    return value


def _dedupe(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)


# The JSON schema of a field says what the validators accept (the job order API's OpenAPI description
# is generated from it): constraints come before a BeforeValidator (after one, pydantic can only put
# them into the schema as unknown keywords, "ge": 1, which JSON Schema ignores), and lists the
# validators check against data (postcodes, certificates) are given as enums.


def _postcode_schema(schema: dict[str, Any]) -> None:
    schema.update(type="string", pattern=r"^\d{4}$", enum=sorted(postcodes().codes))


def _certificate_schema(schema: dict[str, Any]) -> None:
    spellings = {s for c in certificate_catalog().certificate for s in [c.code, c.label, *c.aliases]}
    schema.update(type="string", enum=sorted(spellings))


def _visible_text_schema(schema: dict[str, Any]) -> None:
    schema["pattern"] = r"\S"  # at least one visible character (blank text is refused)


Text = Annotated[str, AfterValidator(_clean_text)]
ShortText = Annotated[
    str,
    Field(min_length=1, max_length=200, json_schema_extra=_visible_text_schema),
    AfterValidator(_clean_short),
]
LongText = Annotated[str, Field(max_length=5000), AfterValidator(_clean_text)]
Identifier = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
    AfterValidator(check_no_cpr),
]
PostcodeStr = Annotated[
    str,
    Field(pattern=r"^\d{4}$", json_schema_extra=_postcode_schema),
    BeforeValidator(lambda v: str(v).strip() if isinstance(v, int | str) else v),
    AfterValidator(_known_postcode),
]
Hours = Annotated[int, Field(ge=1, le=48), BeforeValidator(_not_bool)]
DateField = Annotated[
    date | None,
    # The years DATE_YEARS allows (2000-2100), as a pattern the schema can carry.
    Field(
        json_schema_extra={
            "anyOf": [{"type": "string", "format": "date", "pattern": r"^(20\d\d|2100)-"}, {"type": "null"}]
        }
    ),
    BeforeValidator(_date_text),
    AfterValidator(_plausible_year),
]
Certificate = Annotated[
    str, Field(json_schema_extra=_certificate_schema), BeforeValidator(canonical_certificate)
]
LANGUAGE_MIN_CHARS = 2


def _lower(text: str) -> str:
    """``text.lower()``, as the same object when already lower case (see _clean_text)."""
    lowered = text.lower()
    return text if lowered == text else lowered


def _clean_language(value: str) -> str:
    """The length is checked on the cleaned text too: 'x' plus a control character passes
    ``min_length`` but is stored as 'x', which the stored job order would then fail on its next read."""
    cleaned = _lower(_clean_text(value))
    if len(cleaned) < LANGUAGE_MIN_CHARS:
        raise ValueError(texts.MIN_CHARS.format(n=LANGUAGE_MIN_CHARS))
    return cleaned


Language = Annotated[
    str, Field(min_length=LANGUAGE_MIN_CHARS, max_length=40), AfterValidator(_clean_language)
]
Upn = Annotated[
    str,
    Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"),
    AfterValidator(lambda v: _lower(check_no_cpr(v))),
]
# A company contact's role ("HR", "butikschef"), never a name: contact data in it is redacted.
ContactRole = Annotated[str, Field(max_length=80), AfterValidator(redact_contact_data)]
TitleList = Annotated[list[ShortText], Field(max_length=30), AfterValidator(_dedupe)]
CertificateList = Annotated[list[Certificate], Field(max_length=30), AfterValidator(_dedupe)]
LanguageList = Annotated[list[Language], Field(max_length=20), AfterValidator(_dedupe)]


# "beskæftigelsesklausul", "uddannelses- og beskæftigelsesklausuler", "social klausul", "sociale klausuler".
_CLAUSE_RE = re.compile(r"beskæftigelses-?\s?klausul|sociale?\s+klausul", re.IGNORECASE)
# "ingen/uden/ikke (nogen) beskæftigelsesklausul", "Beskæftigelsesklausul: nej/ingen".
_NEGATED_BEFORE = re.compile(r"\b(?:ingen|uden|ikke(?:\s+nogen)?)\s+(?:\S+\s+)?$", re.IGNORECASE)
_NEGATED_AFTER = re.compile(r"^[a-zæøå]*\s*[:=-]?\s*(?:nej|ingen|ikke)\b", re.IGNORECASE)


def mentions_employment_clause(text: str) -> bool:
    """True when the text names a beskæftigelsesklausul (or social klausul) and does not deny it."""
    for found in _CLAUSE_RE.finditer(text):
        before = " ".join(text[: found.start()].split()[-3:]) + " "
        if not (_NEGATED_BEFORE.search(before) or _NEGATED_AFTER.match(text[found.end() :])):
            return True
    return False


@cache
def _referral_schemes() -> frozenset[EmploymentType]:
    """The schemes where henvisning med mødepligt is possible (``referral`` in config/schemes.toml).

    Read here without :mod:`matching.schemes` (which imports this module); that module validates
    the whole file at start-up, so a typo is reported there with file and field.
    """
    schemes = load_toml(config_path("schemes.toml")).get("scheme", {})
    return frozenset(t for t in EmploymentType if schemes.get(t.value, {}).get("referral", True) is not False)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --- employer sector and clause contract (reports: måltal per forvaltning, clauses per contract) ---


class EmployerSector(StrEnum):
    """Who employs: a private company, another public employer, or one of Københavns Kommune's seven
    forvaltninger (the måltal for the special job schemes are set per forvaltning)."""

    PRIVAT = "privat"
    OFFENTLIG_ANDEN = "offentlig_anden"
    BIF = "bif"
    BUF = "buf"
    KFF = "kff"
    SOF = "sof"
    SUF = "suf"
    TMF = "tmf"
    OEKF = "oekf"

    @property
    def label(self) -> str:
        return EMPLOYER_SECTOR_LABELS[self]

    @property
    def is_forvaltning(self) -> bool:
        return self in FORVALTNINGER


EMPLOYER_SECTOR_LABELS: dict[EmployerSector, str] = {
    s: texts.EMPLOYER_SECTOR_LABELS[s.value] for s in EmployerSector
}
# Københavns Kommune's forvaltninger, in the order the 2017 status report lists them.
FORVALTNINGER: tuple[EmployerSector, ...] = tuple(
    s for s in EmployerSector if s not in (EmployerSector.PRIVAT, EmployerSector.OFFENTLIG_ANDEN)
)
EMPLOYER_SECTOR_ALIASES: dict[str, EmployerSector] = {
    "Privat arbejdsgiver": EmployerSector.PRIVAT,
    "Offentlig": EmployerSector.OFFENTLIG_ANDEN,
    "Anden offentlig": EmployerSector.OFFENTLIG_ANDEN,
    "ØKF": EmployerSector.OEKF,
}
_parse_sector = _enum_parser(EmployerSector, EMPLOYER_SECTOR_LABELS, EMPLOYER_SECTOR_ALIASES)


def _forvaltning_only(value: EmployerSector) -> EmployerSector:
    if not value.is_forvaltning:
        valid = ", ".join(f.value for f in FORVALTNINGER)
        raise ValueError(texts.CONTRACT_NOT_FORVALTNING.format(valid=valid))
    return value


Sector = Annotated[EmployerSector, BeforeValidator(_parse_sector)]
Forvaltning = Annotated[
    EmployerSector,
    Field(json_schema_extra={"enum": [f.value for f in FORVALTNINGER]}),
    BeforeValidator(_parse_sector),
    AfterValidator(_forvaltning_only),
]


class ClauseContract(_Model):
    """The municipal contract a job order with a beskæftigelsesklausul fills positions for: the 2021
    answer found no count per contract of clause positions required and filled (``rapport klausuler``)."""

    id: Identifier
    forvaltning: Forvaltning
    required_positions: Annotated[int, Field(ge=1, le=10_000), BeforeValidator(_not_bool)]


class JobOrder(_Model):
    """A company's recruitment request as received by Københavns Erhvervshus."""

    id: Identifier
    title: ShortText
    company: ShortText
    employment_type: Annotated[
        EmploymentType,
        BeforeValidator(_enum_parser(EmploymentType, EMPLOYMENT_TYPE_LABELS, EMPLOYMENT_TYPE_ALIASES)),
    ]
    hours_per_week: Hours
    positions: Annotated[int, Field(ge=1, le=500), BeforeValidator(_not_bool)] = 1
    postcode: PostcodeStr
    # Contact data from the sending system (a contact person's name, e-mail, phone) is replaced before
    # anything is stored: the match unit needs the job, not who to call (``redact_contact_data``).
    description: Annotated[LongText, AfterValidator(redact_contact_data)] = ""
    skills: TitleList = []
    required_certificates: CertificateList = []
    languages: LanguageList = []
    start_date: DateField = None
    deadline: DateField = None
    # How long a forløb lasts (virksomhedspraktik, løntilskud, nytteindsats, jobrotation): the
    # administration counts "i job eller uddannelse i 3. måned efter forløbet", from its end.
    duration_weeks: Annotated[int, Field(ge=1, le=104), BeforeValidator(_not_bool)] | None = None
    cvr: Annotated[str | None, Field(pattern=r"^\d{8}$")] = None
    referral_with_obligation: bool = False
    employment_clause: bool = False
    # --- KEH's side of the job order (issue 11): who at Københavns Erhvervshus owns it (their e-mail/UPN,
    # who gets the job order's card in Teams) and the company contact's role, never a name ("HR",
    # "butikschef"; a name or an e-mail in it is redacted like the description). Both optional.
    keh_consultant: Upn | None = None
    company_contact_role: ContactRole | None = None
    # Reports (issue 12): who employs, and for clause work the contract it fills positions for.
    employer_sector: Sector | None = None
    contract: ClauseContract | None = None

    @model_validator(mode="before")
    @classmethod
    def _contract_is_clause(cls, data: Any) -> Any:
        """A job order under a clause contract is clause work (an explicit false stands)."""
        if isinstance(data, dict) and data.get("contract") and data.get("employment_clause") is None:
            return {**data, "employment_clause": True}
        return data

    @model_validator(mode="before")
    @classmethod
    def _recognise_clause(cls, data: Any) -> Any:
        """A job order that names an employment clause in its text is one, flag or no flag.

        Why: KEH's systems often pass the contract's wording on in the description and leave the
        flag unset; the match unit must still see it on the card (and count it in ``rapport``).
        """
        if isinstance(data, dict) and data.get("employment_clause") is None:  # an explicit false stands
            text = " ".join(str(data.get(f) or "") for f in ("title", "description"))
            if mentions_employment_clause(text):
                return {**data, "employment_clause": True}
        return data

    @model_validator(mode="after")
    def _dates(self) -> JobOrder:
        if self.start_date and self.deadline and self.deadline > self.start_date:
            raise ValueError(texts.DEADLINE_AFTER_START)
        return self

    @model_validator(mode="after")
    def _referral_on_a_real_job(self) -> JobOrder:
        """Henvisning med mødepligt is to a job interview for a real job (config/schemes.toml)."""
        if self.referral_with_obligation and self.employment_type not in _referral_schemes():
            raise ValueError(texts.REFERRAL_NOT_ON_SCHEME.format(scheme=self.employment_type.label.lower()))
        return self


# Job types that are a forløb with an end (a tilbud or a time-limited job on special terms), not a job.
FORLOEB_TYPES: frozenset[EmploymentType] = frozenset(
    {
        EmploymentType.VIRKSOMHEDSPRAKTIK,
        EmploymentType.LOENTILSKUD_PRIVAT,
        EmploymentType.LOENTILSKUD_OFFENTLIG,
        EmploymentType.NYTTEINDSATS,
        EmploymentType.JOBROTATION,
    }
)


def _optional(parse: Any) -> Any:
    """An enum parser that lets a missing value (null, empty) through as None."""

    def parse_optional(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse(value)

    return parse_optional


# The id and label of earlier versions: uddannelseshjælp was wrongly called "jobparat" (there is no
# jobparat uddannelseshjælp, domain.md). Stored pools and case-system exports keep working.
BENEFIT_ALIASES: dict[str, Benefit] = {
    "uddannelseshjaelp_jobparat": Benefit.UDDANNELSESHJAELP,
    "Uddannelseshjælp (jobparat)": Benefit.UDDANNELSESHJAELP,
}
_parse_benefit = _enum_parser(Benefit, BENEFIT_LABELS, BENEFIT_ALIASES)


class CandidateProfile(_Model):
    """A job-ready candidate as the jobcentre's case system exports them: no name, no CPR."""

    id: Identifier
    # One of Jobcenter København's centres (config/centres.toml); another municipality's is refused.
    jobcenter: Annotated[ShortText, AfterValidator(check_copenhagen_jobcenter)]
    consultant: Upn
    desired_titles: TitleList = []
    experience_titles: TitleList = []
    skills: TitleList = []
    certificates: CertificateList = []
    languages: LanguageList = []
    postcode: PostcodeStr
    max_commute_km: Annotated[float, Field(ge=0, le=500), BeforeValidator(_not_bool)] = 30.0
    hours_per_week: Hours
    available_from: DateField = None
    benefit: Annotated[Benefit, BeforeValidator(_parse_benefit)]
    active: bool = True
    # What the scheme rules need (issue 10; config/schemes.toml). Missing values have a safe default,
    # documented in data/README.md: target group from the benefit (uddannelseshjælp ->
    # uddannelsesparat, else jobparat), visiteret til fleksjob = on ledighedsydelse, and the rest
    # "not recorded" (None): an unknown age band keeps the candidate on a voksenlærling list with a
    # note on the card, an unknown education level is not treated as skilled in the trade.
    target_group: Annotated[TargetGroup, BeforeValidator(_enum_parser(TargetGroup, TARGET_GROUP_LABELS))] = (
        TargetGroup.JOBPARAT
    )
    age_band: Annotated[
        AgeBand | None, BeforeValidator(_optional(_enum_parser(AgeBand, AGE_BAND_LABELS, AGE_BAND_ALIASES)))
    ] = None
    weeks_unemployed: Annotated[int, Field(ge=0, le=1040), BeforeValidator(_not_bool)] | None = None
    education_level: Annotated[
        EducationLevel | None,
        BeforeValidator(_optional(_enum_parser(EducationLevel, EDUCATION_LABELS, EDUCATION_ALIASES))),
    ] = None
    trade: ShortText | None = None  # the trade or degree of a faglært/videregående ("Elektriker")
    flex_approved: bool = False  # visiteret til fleksjob

    @model_validator(mode="before")
    @classmethod
    def _defaults_from_benefit(cls, data: Any) -> Any:
        """Target group and visitation, when not given, follow the benefit (the safe default)."""
        if not isinstance(data, dict):
            return data
        try:
            benefit = _parse_benefit(data.get("benefit"))
        except ValueError:
            return data  # the benefit field reports it
        filled = dict(data)
        if filled.get("target_group") in (None, ""):
            young = benefit is Benefit.UDDANNELSESHJAELP
            filled["target_group"] = TargetGroup.UDDANNELSESPARAT if young else TargetGroup.JOBPARAT
        if filled.get("flex_approved") in (None, ""):
            filled["flex_approved"] = benefit is Benefit.LEDIGHEDSYDELSE
        return filled

    @model_validator(mode="after")
    def _has_a_title(self) -> CandidateProfile:
        if not self.desired_titles and not self.experience_titles:
            raise ValueError(texts.NO_TITLE)
        return self

    @field_validator("target_group")
    @classmethod
    def _no_jobparat_uddannelseshjaelp(cls, value: TargetGroup, info: ValidationInfo) -> TargetGroup:
        """Uddannelseshjælp is uddannelsesparat/aktivitetsparat, never jobparat (domain.md).

        A field validator (benefit is declared first), so an import's report line names the field
        to correct, ``target_group``, not the whole row.
        """
        if info.data.get("benefit") is Benefit.UDDANNELSESHJAELP and value is TargetGroup.JOBPARAT:
            raise ValueError(texts.NO_JOBPARAT_UDDANNELSESHJAELP)
        return value

    @field_validator("age_band")
    @classmethod
    def _uddannelseshjaelp_under_30(cls, value: AgeBand | None, info: ValidationInfo) -> AgeBand | None:
        if info.data.get("benefit") is Benefit.UDDANNELSESHJAELP and value is not None and value.lowest >= 30:
            raise ValueError(texts.UDDANNELSESHJAELP_UNDER_30)
        return value

    @model_validator(mode="after")
    def _consistent_scheme_fields(self) -> CandidateProfile:
        """Combinations the law does not have: refused with a sentence naming the fields."""
        if self.benefit is Benefit.LEDIGHEDSYDELSE and not self.flex_approved:
            raise ValueError(texts.LEDIGHEDSYDELSE_IS_FLEX_APPROVED)
        return self


def job_digest(job: JobOrder) -> str:
    """Content fingerprint: same content → same digest, whatever the key order in the JSON."""
    return hashlib.sha256(job.model_dump_json().encode()).hexdigest()[:32]


# --- Danish validation messages ---------------------------------------------------------


def _da_message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in ("greater_than_equal", "greater_than"):
        return texts.AT_LEAST.format(limit=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return texts.AT_MOST.format(limit=ctx.get("le", ctx.get("lt")))
    if kind == "string_too_short":
        return texts.NOT_EMPTY if ctx.get("min_length") == 1 else texts.MIN_CHARS.format(n=ctx["min_length"])
    if kind == "string_too_long":
        return texts.MAX_CHARS.format(n=ctx["max_length"])
    if kind == "too_long":
        return texts.MAX_ITEMS.format(n=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        return texts.BAD_FORMAT
    return texts.VALIDATION_MESSAGES.get(kind, texts.VALIDATION_FALLBACK)  # never pydantic's English text


def field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, Danish message) pairs for a validation error; the field is dotted, e.g. 'skills.2'."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or texts.WHOLE_OBJECT
        out.append((redact_cpr(loc), _da_message(err)))  # an unknown key may itself be a CPR number
    return out


def describe_errors(exc: ValidationError) -> str:
    return "; ".join(f"{f}: {m}" for f, m in field_errors(exc))
