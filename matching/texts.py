"""Every Danish sentence the matching package writes for a person, in one place.

Reasons reach shortlist cards, the CLI and ``hvorfor``; exclusion and explanation sentences reach
consultants; validation and file messages reach whoever sent the data; config messages reach the
operator. Keeping them here lets a reviewer read (and a translator change) the wording without
reading the logic, and keeps ``matching`` free of ``bot`` imports. This module imports nothing.
"""

from __future__ import annotations

# --- labels of the coded values (keyed by code: this module imports nothing) -------------------

EMPLOYMENT_TYPE_LABELS: dict[str, str] = {
    "ordinaert_job": "Ordinært job",
    "loentilskud_privat": "Løntilskud, privat arbejdsgiver",
    "loentilskud_offentlig": "Løntilskud, offentlig arbejdsgiver",
    "virksomhedspraktik": "Virksomhedspraktik",
    "nytteindsats": "Nytteindsats",
    "fleksjob": "Fleksjob",
    "jobrotation": "Jobrotation",
    "voksenlaerling": "Voksenlærling",
    "smaajob": "Småjob / job på få timer",
}
BENEFIT_LABELS: dict[str, str] = {
    "dagpenge": "Dagpenge",
    "kontanthjaelp_jobparat": "Kontanthjælp (jobparat)",
    "uddannelseshjaelp": "Uddannelseshjælp",
    "ledighedsydelse": "Ledighedsydelse",
}

# --- reasons: one per score contribution ------------------------------------------------------

# Title reasons, strongest first: exact wish > same occupation > trainee > related > spelling.
TITLE_EXACT_WISH = "{kind} '{title}': ønsker præcis dette job"
TITLE_EXACT_EXPERIENCE = "{kind} '{title}': har haft præcis dette job"
# "Samme slags arbejde", not "samme fag": most job orders are unskilled work, which has no fag.
TITLE_SYNONYM = "{kind} '{title}': samme slags arbejde som jobordren ({occupation})"
TITLE_SAME_OCCUPATION = "{kind} '{title}': samme slags arbejde som jobordren"
TITLE_TRAINEE = "{kind} '{title}': elev/lærling i samme fag ({occupation})"
TITLE_TRAINED = "{kind} '{title}': samme fag som lærepladsen ({occupation})"
TITLE_RELATED_STRONG = "Nært beslægtet arbejde: {occupation} ({kind_lower} '{title}')"
TITLE_RELATED = "Beslægtet arbejde: {occupation} ({kind_lower} '{title}')"
TITLE_FUZZY_CLOSE = "{kind} '{title}' staves næsten som '{job}'"
TITLE_FUZZY = "{kind} '{title}' ligner '{job}'"
TITLE_NONE = "Ingen {kind_plural} ligner '{job}'"
# (capitalised, lower case, plural) for the two kinds of title a candidate has.
KIND_DESIRED = ("Jobønske", "jobønske", "jobønsker")
KIND_EXPERIENCE = ("Erfaring som", "erfaring som", "erfaringer")
SKILLS = "Har {n} af {total} ønskede kompetencer: {skills}"
SKILLS_NONE = "Ingen af de ønskede kompetencer ({skills})"
DISTANCE = "{km} km fra arbejdsstedet"
DISTANCE_NEAR = "Under 1 km fra arbejdsstedet"
CERTIFICATES = "Har {labels}"
CERTIFICATES_NONE = "Har ikke de typiske certifikater ({labels})"
LANGUAGES = "Taler {langs}"
LANGUAGES_NONE = "Taler ikke {langs}"
AND = " og "

# --- exclusions: the first hard filter a candidate fails ----------------------------------------

EXCLUDED_INACTIVE = "Kandidaten er ikke aktiv i puljen"
EXCLUDED_FLEKSJOB_ONLY = "Fleksjob er kun for kandidater på ledighedsydelse (kandidaten får {benefit})"
EXCLUDED_LEDIGHEDSYDELSE = (
    "Kandidater på ledighedsydelse matches til fleksjob og virksomhedspraktik (ordningen er {etype})"
)
EXCLUDED_BENEFIT = "{benefit} giver ikke adgang til {etype}"
EXCLUDED_CERTIFICATES = "Mangler {labels}"
EXCLUDED_HOURS = "Kan arbejde {cand} timer om ugen; jobbet er på {job} timer"
EXCLUDED_DISTANCE = "Bor {km} km fra arbejdsstedet; vil højst pendle {max} km"
EXCLUDED_AVAILABLE = "Først ledig fra {available}; jobbet starter {start}"

# --- explanations: why a named candidate is or is not on a shortlist ----------------------------

EXPLAIN_UNKNOWN = "Kandidaten '{cid}' findes ikke i puljen."
EXPLAIN_EXCLUDED = "Kandidaten '{cid}' er frasorteret: {reason}."
EXPLAIN_NO_TITLE = (
    "Kandidaten '{cid}' opfylder alle krav, men ingen jobønsker eller erfaringer ligner '{job}'."
)
EXPLAIN_BELOW_MIN = "Kandidaten '{cid}' opfylder alle krav, men scoren {score} er under grænsen {min}."
EXPLAIN_BELOW_TOP = (
    "Kandidaten '{cid}' opfylder alle krav og er nr. {rank} med score {score}; listen viser de {top} bedste."
)
EXPLAIN_ON_LIST = "Kandidaten '{cid}' er nr. {rank} på listen med score {score}: {reasons}."

# --- evaluation (matchbot evaluate) -------------------------------------------------------------

EVAL_SUMMARY = "Evalueringssæt: {jobs} jobordrer, {candidates} kandidater, {expected} forventede match"
EVAL_RECALL = "recall@{k}: {value} (forventede kandidater blandt de {k} første)"
EVAL_PRECISION = "præcision@{k}: {value} (andel af de viste, der er forventede)"
EVAL_VIOLATIONS = "Brud på hårde filtre: {n}"
EVAL_MISS = "{job_id} '{title}': mangler {missed}"
EVAL_VIOLATION = "{job_id} '{title}': viser frasorterede {ids}"

# --- CPR guard ----------------------------------------------------------------------------------

CPR_REFUSAL = "CPR-numre må ikke indgå"
CPR_REDACTED = "[CPR fjernet]"
EMAIL_REDACTED = "[e-mail fjernet]"
PHONE_REDACTED = "[telefon fjernet]"
NAME_REDACTED = "[navn fjernet]"

# --- validation of job orders and candidate profiles (field messages) ----------------------------

VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "feltet mangler",
    "extra_forbidden": "ukendt felt",
    "string_type": "skal være tekst",
    "int_type": "skal være et heltal",
    "int_parsing": "skal være et heltal",
    "float_parsing": "skal være et tal",
    "float_type": "skal være et tal",
    "bool_type": "skal være true eller false",
    "bool_parsing": "skal være true eller false",
    "list_type": "skal være en liste",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_type": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "model_type": "skal være et JSON-objekt",
    "dict_type": "skal være et JSON-objekt",
    "json_invalid": "ugyldig JSON",
    "int_from_float": "skal være et heltal",
    "finite_number": "skal være et endeligt tal",
    "date_from_datetime_inexact": "skal være en dato (ÅÅÅÅ-MM-DD) uden klokkeslæt",
    "date_future": "skal være en dato i fremtiden",
    "string_unicode": "indeholder ugyldige tegn",
    "union_tag_invalid": "har en ugyldig værdi",
    "literal_error": "har en ugyldig værdi",
    "enum": "har en ugyldig værdi",
    "bytes_type": "skal være tekst",
    "none_required": "skal være tom",
    "list_too_long": "har for mange elementer",
}
VALIDATION_FALLBACK = "ugyldig værdi"
AT_LEAST = "skal være mindst {limit}"
AT_MOST = "må højst være {limit}"
NOT_EMPTY = "må ikke være tom"
MIN_CHARS = "skal have mindst {n} tegn"
MAX_CHARS = "må højst have {n} tegn"
MAX_ITEMS = "må højst have {n} elementer"
BAD_FORMAT = "har et ugyldigt format"
WHOLE_OBJECT = "(hele objektet)"
ONE_OF = "skal være en af: {valid}"
UNKNOWN_VALUE = "ukendt værdi '{value}'; gyldige værdier: {valid}"
CERTIFICATE_NOT_TEXT = "certifikat skal være tekst"
UNKNOWN_CERTIFICATE = "ukendt certifikat '{value}'; gyldige koder: {valid}"
UNKNOWN_POSTCODE = "'{value}' er ikke et kendt dansk postnummer"
NUMBER_NOT_BOOL = "skal være et tal, ikke true/false"
YEAR_RANGE = "skal ligge mellem år {first} og {last}"
DATE_FORMAT = "skal være en dato (ÅÅÅÅ-MM-DD)"
DEADLINE_AFTER_START = "ansøgningsfristen ('deadline') ligger efter startdatoen ('start_date')"
NO_TITLE = "mindst ét jobønske ('desired_titles') eller én erfaring ('experience_titles')"

# --- input files (job orders, candidate pools) -------------------------------------------------

FILE_NOT_FOUND = "filen findes ikke"
FILE_IS_DIRECTORY = "er en mappe, ikke en fil"
FILE_NO_ACCESS = "ingen adgang til filen"
FILE_OS_ERROR = "kan ikke åbnes (systemfejl {code})"
FILE_NOT_UTF8 = "filen er ikke UTF-8-tekst"
FILE_NOT_TEXT = "filen er hverken UTF-8- eller Windows-1252-tekst"
FILE_BAD_JSON = "ugyldig JSON"
FILE_BAD_JSON_AT = "ugyldig JSON (kolonne {column})"
FILE_BAD_CSV = "ugyldig CSV"
FILE_NOT_OBJECT = "skal være et JSON-objekt"
FILE_DUPLICATE_ID = "{kind} '{id}' findes også på {unit} {line}"
FILE_EMPTY_POOL = "filen indeholder ingen kandidater"
FILE_WHERE_FIELD = ", felt '{field}'"
FILE_MORE_PROBLEMS = " (og {problems})"
FILE_EXTRA_COLUMNS = "(ekstra kolonner)"
LINE = "linje"
ELEMENT = "element"  # a record's place in a JSON list: its line says nothing when the list is one line
ID_CANDIDATE = "kandidat-id"
ID_JOB_ORDER = "jobordre-id"
ID_OTHER = "id"

# --- configuration files (for the operator) ----------------------------------------------------

CONFIG_FIELD = "{source}: felt '{field}': {message}"
CONFIG_MISSING_EMPLOYMENT_TYPES = "mangler regler for ansættelsestyper: {types}"
CONFIG_ELIGIBILITY_INCOMPLETE = "eligibility: alle ansættelsestyper skal have regler"
CONFIG_TOO_FEW_OCCUPATIONS = "mindst {min} erhverv kræves, fandt {found}"
CONFIG_DUPLICATE_OCCUPATION = "id '{id}' bruges også af occupation.{other}"
CONFIG_UNKNOWN_RELATED = "ukendt erhverv '{related}' (i '{occupation}')"
CONFIG_UNKNOWN_CERTIFICATE = "ukendt certifikatkode '{code}' (i '{occupation}'); gyldige: {valid}"
CONFIG_EMPTY_VARIANT = "'{variant}' bliver tom efter normalisering"
CONFIG_VARIANT_TAKEN = "varianten '{variant}' ('{key}') hører allerede til erhvervet '{owner}'"
CONFIG_EMPTY_MODIFIER = "tom frase i modifikatorerne for '{kind}'"
CONFIG_ALIAS_TAKEN = "alias '{alias}' bruges af både {first} og {second}"
CONFIG_POSTCODE_DIGITS = "postnummer '{code}' er ikke 4 cifre"
CONFIG_FILE_NOT_FOUND = "{path}: filen findes ikke"


# --- Copenhagen's pool, profile fields and scheme rules (issue 10) ------------------------------

TARGET_GROUP_LABELS: dict[str, str] = {
    "jobparat": "Jobparat",
    "uddannelsesparat": "Uddannelsesparat",
    "aktivitetsparat": "Aktivitetsparat",
}
AGE_BAND_LABELS: dict[str, str] = {
    "18-24": "18–24 år",
    "25-29": "25–29 år",
    "30-49": "30–49 år",
    "50+": "50+ år",
}
EDUCATION_LABELS: dict[str, str] = {
    "ufaglaert": "Ufaglært",
    "faglaert": "Faglært",
    "videregaaende": "Videregående uddannelse",
}
# The groups forløb lengths are set for (config/schemes.toml max_weeks), in running text.
GROUP_LABELS: dict[str, str] = {
    "jobparat": "jobparate",
    "uddannelsesparat": "uddannelsesparate",
    "aktivitetsparat": "aktivitetsparate",
    "ledighedsydelse": "personer på ledighedsydelse",
}
OTHER_MUNICIPALITY = (
    "'{jobcenter}' hører til {municipality} Kommune; matchenheden matcher kun borgere i Jobcenter "
    "Københavns egne centre"
)
NO_JOBPARAT_UDDANNELSESHJAELP = (
    "uddannelseshjælp gives til uddannelsesparate og aktivitetsparate, ikke jobparate "
    "('target_group' skal være uddannelsesparat eller aktivitetsparat)"
)
UDDANNELSESHJAELP_UNDER_30 = "uddannelseshjælp er for unge under 30 år ('age_band' passer ikke)"
LEDIGHEDSYDELSE_IS_FLEX_APPROVED = (
    "ledighedsydelse får kun personer, der er visiteret til fleksjob ('flex_approved' skal være true)"
)
REFERRAL_NOT_ON_SCHEME = (
    "henvisning med mødepligt gælder jobsamtaler til et rigtigt job, ikke {scheme} "
    "('referral_with_obligation' skal være false)"
)
EXCLUDED_LEDIGHEDSYDELSE_SCHEME = (
    "Personer på ledighedsydelse matches til fleksjob og virksomhedspraktik, ikke {etype}"
)
EXCLUDED_TARGET_GROUP = "Er {group}; {scheme} er for {groups}"
EXCLUDED_NOT_FLEX_APPROVED = "Fleksjob kræver visitation til fleksjob; kandidaten er ikke visiteret"
EXCLUDED_AGE = "Er {band}; {scheme} er for personer på {age} år eller derover"
EXCLUDED_TRAINED = "Er allerede uddannet i faget ({trade}); {scheme} skal løfte ufaglærte til faglærte"
NOTE_EDUCATION_FIRST = "{group} (uddannelseshjælp): uddannelse går forud for job"
NOTE_AGE_UNKNOWN = "Alder ikke oplyst: {scheme} kræver {age} år eller derover"
EXCLUDED_UNEMPLOYMENT = (
    "Har været ledig i {weeks} uger; {scheme} kræver for {group} mindst {need} ugers ledighed"
)
NOTE_UNEMPLOYMENT_UNKNOWN = (
    "Ledighedens længde er ikke registreret: {scheme} kræver for {group} mindst {need} ugers ledighed"
)
NOTE_DURATION = "Forløbet er {weeks} uger; for {group} højst {limit} uger"
WARN_DURATION = "Forløbet er {weeks} uger, længere end {scheme} må vare for {limits}"
GROUP_WEEKS = "{group} ({weeks} uger)"
FACT_FLEX_APPROVED = "visiteret til fleksjob"
FACT_WEEKS_UNEMPLOYED = "ledig i {weeks} uger"
FACT_SEPARATOR = " · "
CONFIG_UNKNOWN_GROUP = "ukendte grupper i {field}: {groups}; gyldige: {valid}"
CONFIG_MIN_WEEKS_SOURCE = "min_weeks_unemployed kræver en kildenote i min_weeks_source (fx 'Tjek LAB § 55')"
CONFIG_SCHEME_EMPTY = "benefits og target_groups må ikke være tomme"
CONFIG_OWN_MUNICIPALITY = "'{name}' står også blandt other_municipalities"
CONFIG_CENTRE_TWICE = "et centernavn eller alias bruges to gange"
CONFIG_CENTRE_POSTCODES = "centret '{name}': postnumrene {lo}-{hi} ligger ikke i kommunens postnumre"
EXPLAIN_NOTES = " Bemærk: {notes}."

# --- employer sector and clause contract (issue 12: reports) --------------------------------------

EMPLOYER_SECTOR_LABELS: dict[str, str] = {
    "privat": "Privat",
    "offentlig_anden": "Offentlig (anden)",
    "bif": "BIF",
    "buf": "BUF",
    "kff": "KFF",
    "sof": "SOF",
    "suf": "SUF",
    "tmf": "TMF",
    "oekf": "ØKF",
}
CONTRACT_NOT_FORVALTNING = "skal være en af Københavns Kommunes forvaltninger: {valid}"
# config/targets.toml (måltal): for the operator, checked at start-up
CONFIG_TARGETS_TYPE_TWICE = "schemes.{code}: '{kind}' tælles allerede af schemes.{other}"
CONFIG_TARGETS_UNKNOWN_SCHEME = "groups.{code}.schemes: ukendt ordning '{scheme}'; kendte: {known}"
CONFIG_TARGETS_SCHEME_TWICE = "groups.{code}.schemes: '{scheme}' hører allerede til groups.{other}"
CONFIG_TARGETS_MIXED_UNITS = "groups.{code}: ordningerne har forskellige enheder ({units})"
CONFIG_TARGETS_NOT_FORVALTNING = "years.{year}.targets.{sector}: ikke en forvaltning; gyldige: {valid}"
CONFIG_TARGETS_UNKNOWN_GROUP = "years.{year}.targets.{sector}.{group}: ukendt gruppe; kendte: {known}"
