"""Every Danish sentence the bot shows a user, grouped by area.

Why one module: caseworkers read these words every day; keeping them together lets one person
review tone and terms (jobordre, shortlist, henvisning …) and lets tests assert on the constants
instead of copies. Code names stay English. A new feature appends its own section.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import singledispatch

from bot.domain import errors
from bot.domain.job_order_states import JOB_STATUS_LABELS
from bot.domain.models import FollowUp, Reminder
from bot.domain.outcomes import Period
from bot.domain.reminders import ReminderRules, reminder_kind, working_days_waited
from bot.domain.states import TRANSITIONS, FollowUpState
from matching.texts import CPR_REFUSAL

# --- bot: general ------------------------------------------------------------------------------

WELCOME_CHANNEL = (
    "Hej! Jeg er Matchbot for den tværgående matchenhed. Jeg lægger shortlister med begrundelser for nye "
    "jobordrer her i kanalen. Skriv **hjælp** for at se, hvad jeg kan."
)
WELCOME_PERSONAL = (
    "Hej! Jeg er Matchbot. Her får du besked, når en af dine kandidater er godkendt til en jobordre, "
    "og påmindelser om opfølgning. Skriv **hjælp** for at se kommandoerne."
)
ERROR_GENERIC = (
    "Beklager, noget gik galt hos mig. Prøv igen om lidt; fortsætter fejlen, så kontakt matchenhedens "
    "administrator."
)
REQUEST_TOO_LARGE = "Beskeden er for stor til, at Matchbot kan behandle den."
BAD_REQUEST_TYPE = "Matchbot modtager kun Bot Framework-aktiviteter som JSON (application/json)."
BAD_REQUEST_JSON = "Forespørgslen er ikke gyldig JSON."
BAD_REQUEST_ENCODING = "Forespørgslens indhold kunne ikke pakkes ud: det passer ikke til Content-Encoding."
INVOKE_NOT_SUPPORTED = "Det kan Matchbot ikke. Skriv **hjælp** til botten for at se, hvad den kan."
UNAUTHORIZED = "Forespørgslen mangler et gyldigt Bot Framework-token."
AUTH_UNAVAILABLE = (
    "Bot Frameworks signeringsnøgler kan ikke hentes lige nu, så tokenet kan ikke tjekkes. Prøv igen om lidt."
)
BAD_REQUEST_NOT_OBJECT = "Forespørgslen er ikke en Bot Framework-aktivitet: den skal være ét JSON-objekt."
BAD_REQUEST_INVALID = "Forespørgslen er ikke en gyldig Bot Framework-aktivitet."
BAD_REQUEST_FIELD = "Forespørgslen er ikke en gyldig Bot Framework-aktivitet: feltet '{field}' {problem}."
BAD_REQUEST_PROBLEMS = {
    "missing": "mangler",
    "empty": "er tomt",
    "text": "skal være tekst",
    "url": "skal være en http- eller https-adresse",
    "object": "skal være et objekt",
    "list": "skal være en liste",
    "invalid": "er ugyldigt",
}
BAD_REQUEST_TOO_DEEP = "Forespørgslen er for dybt indlejret: højst {limit} niveauer af objekter og lister."
CPR_REFUSED = (
    f"{CPR_REFUSAL}: din besked indeholder noget, der ligner et CPR-nummer, så jeg har hverken gemt "
    "eller behandlet den. "
    "Brug kandidatens pseudonyme id (fx K-10234)."
)

# --- bot: commands -------------------------------------------------------------------------------

ECHO_MAX_CHARS = 60


def echo(value: str, limit: int = ECHO_MAX_CHARS) -> str:
    """A user's own text quoted back, cut to ``limit`` characters: a 200 kB message is not repeated."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


HELP_TITLE = "Det kan jeg"
HELP_INTRO = "Skriv en af kommandoerne herunder. Store/små bogstaver og små stavefejl er ok."
CMD_HELP = "vis denne liste"
CMD_JOBORDRE = "vis en jobordre (uden id: formular til at oprette en jobordre)"
CMD_JOBORDRER = "de seneste jobordrer: hvor mange kandidater venter på en beslutning, er i forløb og er ansat"
CMD_MATCH = "match jobordren mod kandidatpuljen og post shortlisten"
CMD_MINE = "dine opfølgninger; dem, der kræver handling, står øverst"
CMD_STATUS = "opdatér en kandidats status på en jobordre"
CMD_HVORFOR = "hvorfor er kandidaten (ikke) på listen?"
CMD_OVERBLIK = "tragten for en jobordre: hvor mange har nået hvert trin, og hvor står de nu"
CMD_RAPPORT = (
    "resultater pr. ordning (periode ÅÅÅÅ-MM eller ÅÅÅÅ); rapport måltal [ÅÅÅÅ-MM], "
    "rapport resultater [periode], rapport tid [periode], rapport klausuler [kontrakt]"
)
USAGE_HJAELP = "hjælp"
USAGE_JOBORDRE = "jobordre «id»"
USAGE_JOBORDRER = "jobordrer"
USAGE_MATCH = "match «jobordre»"
USAGE_MINE = "mine"
USAGE_STATUS = "status «jobordre» «kandidat» «ny status» [«dato»]"
USAGE_HVORFOR = "hvorfor «jobordre» «kandidat»"
USAGE_OVERBLIK = "overblik «jobordre»"
USAGE_RAPPORT = "rapport [måltal / resultater / tid / klausuler] [«periode» / «kontrakt»]"
UNKNOWN_COMMAND = "Den kommando kender jeg ikke."
DID_YOU_MEAN = "Mente du **{suggestion}**?"
USAGE = "Brug: **{usage}**"
EMPTY_MESSAGE = "Jeg fik en tom besked. Skriv **hjælp** for at se kommandoerne."
BAD_ID = "'{value}' er ikke et gyldigt id (bogstaver, tal, punktum, bindestreg; højst 64 tegn)."

# --- bot: job orders and matching ----------------------------------------------------------------

JOB_ORDER_NOT_FOUND = "Jobordre **{job_order_id}** findes ikke."
JOB_ORDER_SAVED = "Jobordre **{job_order_id}** er gemt ({outcome})."
JOB_ORDER_OUTCOME = {"created": "ny", "unchanged": "uændret", "revised": "revideret"}
JOB_ORDER_INVALID = "Jobordren kunne ikke gemmes: {errors}"
SHORTLIST_POSTED = "Shortlisten for **{job_order_id}** er postet i matchenhedens kanal."
SHORTLIST_POSTED_HERE = "Shortlisten for **{job_order_id}** er postet her i samtalen."
SHORTLIST_UPDATED = (
    "Shortlisten for **{job_order_id}** er matchet igen og opdateret på det kort, der allerede er postet; "
    "beslutningerne på kortet er bevaret."
)
SHORTLIST_BEING_POSTED = "Shortlisten for **{job_order_id}** er ved at blive postet. Et øjeblik."
SHORTLIST_EMPTY = "Ingen kandidater opfylder kravene til **{job_order_id}** ({considered} gennemgået)."

# --- bot: cards ------------------------------------------------------------------------------------

CARD_SHORTLIST_TITLE = "Shortlist: {title} hos {company}"
CARD_JOB_ORDER_TITLE = "Jobordre {job_order_id}: {title}"
CARD_FACT_COMPANY = "Virksomhed"
CARD_FACT_TITLE = "Stilling"
CARD_FACT_TYPE = "Ordning"
CARD_FACT_HOURS = "Timer pr. uge"
CARD_FACT_PLACE = "Arbejdssted"
CARD_FACT_DEADLINE = "Ansøgningsfrist"
CARD_FACT_START = "Start"
CARD_FACT_POSITIONS = "Antal stillinger"
CARD_FACT_DURATION = "Varighed"
CARD_WEEKS = "{weeks} uger"
CARD_FACT_CERTIFICATES = "Krævede certifikater"
CARD_FACT_FLAGS = "Særligt"
CARD_FLAG_REFERRAL = "Henvisning med mødepligt"
CARD_FLAG_CLAUSE = "Beskæftigelsesklausul"
CARD_NONE = "ingen"
CARD_NO_DEADLINE = "ingen frist"
CARD_HOURS = "{hours} timer"
CARD_CANDIDATE_LINE = "**{rank}. {candidate_id}** · {jobcenter} · jobkonsulent {consultant} · score {score}"
CARD_JOB_ORDER_ID = "Jobordre {job_order_id}"
CARD_DECIDED = "{label} af {actor} {when}"
CARD_APPROVE = "Godkend"
CARD_REJECT = "Afvis"
CARD_REJECT_REASON = "Begrundelse for afvisning"
CARD_REJECT_REASON_PLACEHOLDER = "Vælg en begrundelse"
CARD_REJECT_NOTE_PLACEHOLDER = "Uddyb evt. (ingen navne eller CPR-numre)"
CARD_REJECT_CONFIRM = "Afvis kandidaten"
CARD_REJECT_REASONS = {
    "kompetencer": "Mangler kompetencer",
    "afstand": "For lang transporttid",
    "timer": "Timetal passer ikke",
    "tilgaengelig": "Kan ikke starte til tiden",
    "andet_forloeb": "Er i gang med andet job eller forløb",
    "andet": "Andet",
}
CARD_SHOW_MORE = "Vis flere"
CARD_SEND_APPROVED = "Send godkendte til jobkonsulenterne"
CARD_SENT_ONE = "1 godkendt kandidat sendt til sin jobkonsulent af {actor} {when}."
CARD_SENT_COUNT = "{count} godkendte kandidater sendt til deres jobkonsulenter af {actor} {when}."
CARD_REVISED = "Revideret jobordre {when}: indholdet er ændret, og shortlisten er lavet igen."
CARD_DECIDERS = "Kun matchenhedens ledere kan godkende og afvise: {leads}."
CARD_UNREACHABLE = "Jobkonsulenten kan ikke nås i Teams endnu"
CARD_HANDED_OVER = "Sendt til jobkonsulenten"
CARD_EXCLUDED = "Frasorteret: {summary}"
CARD_CONSIDERED = "{considered} kandidater gennemgået, {shown} vist."
CARD_HANDOVER_TITLE = "Ny kandidat til dig: {candidate_id}"
CARD_HANDOVER_INTRO = (
    "Matchenheden har godkendt din kandidat **{candidate_id}** til jobordren herunder. "
    "Tag kontakt til kandidaten og opdatér status med knapperne."
)
CARD_HANDOVER_WHY = "Derfor passer kandidaten"
CARD_HANDOVER_DO_BY = "Gør dette inden **{deadline}**: kontakt kandidaten og aftal ansøgning."
CARD_NO_SHOW_REFERRED = (
    "Kandidaten var henvist med mødepligt og udeblev fra jobsamtalen: vurdér, om det har betydning for "
    "rådigheden."
)
CARD_HANDOVER_REFERRAL = (
    "Virksomheden ønsker henvisninger: henvis kandidaten til jobsamtale med mødepligt, og registrér "
    "'Henvist med mødepligt'."
)
CARD_HANDOVER_DO_BY_REFERRAL = (
    "Gør dette inden **{deadline}**: henvis kandidaten til jobsamtale med mødepligt, og registrér "
    "'Henvist med mødepligt'."
)
CARD_STATUS_NOW = "Status nu: **{label}** (opdateret {when})"
CARD_STATUS_SET = "{actor} registrerede **{label}** {when}."
CARD_REMINDER_TITLE = "Påmindelse: {candidate_id} på {job_order_id}"
CARD_REMINDER_TEXT = "{message}"
CARD_FORM_TITLE = "Opret jobordre"
CARD_FORM_INTRO = "Udfyld jobordren fra virksomheden. Skriv ingen navne eller CPR-numre."
CARD_FORM_ID = "Jobordre-id (fx JO-2026-0042)"
CARD_FORM_TITLE_FIELD = "Stillingsbetegnelse"
CARD_FORM_COMPANY = "Virksomhed"
CARD_FORM_TYPE = "Ordning"
CARD_FORM_HOURS = "Timer pr. uge"
CARD_FORM_POSTCODE = "Postnummer for arbejdsstedet"
CARD_FORM_DEADLINE = "Ansøgningsfrist"
CARD_FORM_START = "Startdato"
CARD_FORM_POSITIONS = "Antal stillinger"
CARD_FORM_DURATION = "Varighed i uger (praktik, løntilskud, nytteindsats, jobrotation)"
CARD_FORM_CERTIFICATES = "Krævede certifikater (adskilt med komma, fx truckcertifikat)"
CARD_FORM_DESCRIPTION = "Beskrivelse"
CARD_FORM_REFERRAL = "Henvisning med mødepligt"
CARD_FORM_CLAUSE = "Beskæftigelsesklausul"
CARD_FORM_SUBMIT = "Gem jobordre"
CARD_FORM_MATCH = "Gem og match"
# The form's fields by name, for its error messages (a caseworker never sees "hours_per_week").
CARD_FORM_FIELD_NAMES = {
    "id": "Jobordre-id",
    "title": "Stillingsbetegnelse",
    "company": "Virksomhed",
    "employment_type": "Ordning",
    "hours_per_week": "Timer pr. uge",
    "postcode": "Postnummer",
    "deadline": "Ansøgningsfrist",
    "start_date": "Startdato",
    "positions": "Antal stillinger",
    "duration_weeks": "Varighed",
    "required_certificates": "Krævede certifikater",
    "description": "Beskrivelse",
    "referral_with_obligation": "Henvisning med mødepligt",
    "employment_clause": "Beskæftigelsesklausul",
}
CARD_MATCH_BUTTON = "Match nu"
CARD_FUNNEL_TITLE = "Overblik: {job_order_id}"
CARD_FUNNEL_COLUMNS = ("Trin", "Nået", "Står nu")
CARD_FUNNEL_EXITS = "Ud af forløbet"
CARD_FUNNEL_EXIT_COLUMNS = ("Status", "Antal")
CARD_FUNNEL_NOTE = (
    "Nået = kandidater, der har været på trinnet (også dem, der siden er gået videre eller ud); "
    "Står nu = kandidater med den status nu."
)
CARD_JOB_LIST_TITLE = "Seneste jobordrer"
CARD_JOB_LIST_EMPTY = "Der er ingen jobordrer endnu."
CARD_JOB_LIST_NOTE = (
    "Til beslutning = foreslået, venter på en leders beslutning; i gang = godkendt og endnu ikke ansat, "
    "startet eller afsluttet; ansat/startet = ansat i job eller startet i forløb, også dem der siden er "
    "tjekket efter 3 måneder. Skriv **overblik «jobordre»** for hele tragten."
)
CARD_REPORT_TITLE = "Resultater pr. ordning"
CARD_REPORT_PERIOD = "Ansættelser og forløb med start i {period}"
CARD_REPORT_ALL = "Alle ansættelser og forløb indtil nu"
CARD_REPORT_EMPTY = "Ingen ansættelser eller forløb i perioden endnu."
CARD_REPORT_TOTAL = "I alt"
CARD_REPORT_NONE = "–"
CARD_REPORT_CLAUSE = (
    "Heraf via beskæftigelsesklausul: {hired} ansat, {in_job} i job eller uddannelse efter 3 måneder."
)
# Few checked records: the count instead of a percentage, with a marker and the footnote below.
CARD_REPORT_FEW = "{in_job} af {checked} *"
CARD_REPORT_FEW_NOTE = (
    "* Under {min} tjekkede: for få til at vise en andel i procent ({source})."
)
CARD_REPORT_OVERDUE = (
    "{count} 3-måneders-tjek er ikke registreret til tiden (står stadig som Ansat eller Startet i forløb): "
    "jobkonsulenterne har fået en påmindelse."
)
CARD_REPORT_NOTE = (
    "Andel = i job eller uddannelse i 3. måned blandt de tjekkede (3 måneder efter start; for et forløb "
    "med varighed på jobordren 3 måneder efter forløbets afslutning, som forvaltningen måler); et afbrudt "
    "forløb og 'Hverken job eller uddannelse' tæller som ikke i job/uddannelse; Tjek mangler = ansat "
    "eller startet, 3-måneders-tjekket er ikke registreret endnu. {reference}: {source}."
)
BAD_PERIOD = "'{value}' er ikke en periode. Skriv en måned som ÅÅÅÅ-MM (fx 2026-11) eller et år (fx 2026)."
CARD_MINE_TITLE = "Dine opfølgninger"
CARD_MINE_EMPTY = "Du har ingen åbne opfølgninger."
CARD_MINE_LINE = "**{candidate_id}** på {job_order_id}: {label}{due}"
CARD_MINE_DUE = " · frist {deadline}"

# --- bot: decisions and status ------------------------------------------------------------------

ALREADY_DECIDED = "{candidate_id} er allerede {label} af {actor}."
STATUS_UPDATED = "{candidate_id} på {job_order_id}: status er nu **{label}**."
STATUS_UNKNOWN = "'{value}' er ikke en status. Gyldige: {valid}."
ACTION_UNKNOWN = "Knappen er forældet eller ukendt. Skriv **hjælp**."
# Button data without the bot's signature (forged, changed, or from a card drawn before a new key or a
# restart): refused, to the presser only, and nothing changes (issue 14.4).
ACTION_NOT_SIGNED = (
    "Knappen kunne ikke genkendes som en af Matchbots egne, så intet er ændret. Er kortet fra før en "
    "opdatering af botten, så skriv **status** med jobordre, kandidat og ny status, eller **match** med "
    "jobordren for at tegne shortlisten igen."
)
NOTHING_APPROVED = "Der er ingen godkendte kandidater at sende endnu."
UNKNOWN_CONSULTANT = "ukendt"  # a hand-over waiting for a consultant nobody named
MINE_NO_UPN = (
    "Jeg kender ikke din e-mail i Teams endnu, så jeg kan ikke finde dine opfølgninger. Prøv igen om lidt."
)
BAD_DATE = "'{value}' er ikke en dato. Skriv den som DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD, fx 01.12.2026."
REJECT_NEEDS_REASON = "Vælg en begrundelse for afvisningen."
DECISION_LEADS_ONLY = (
    "Kun matchenhedens ledere kan godkende og afvise kandidater ({leads}). Kortet er ikke ændret; "
    "kontakt en leder, hvis kandidaten skal godkendes eller afvises."
)
CARD_STATUS_DATE = "Dato (kræves for {labels})"
# Status buttons on the consultant's cards, by state code; which ones show comes from the state machine.
STATUS_BUTTON_LABELS = {
    "kontaktet": "Kontaktet",
    "ansoegt": "Ansøgt",
    "henvist": "Henvist med mødepligt",
    "samtale": "Til jobsamtale",
    "ansat": "Ansat",
    "afslag": "Afslag",
    "ikke_interesseret": "Ikke interesseret",
    "trukket": "Trukket tilbage",
    "i_job_3_mdr": "I job efter 3 mdr.",
    "ophoert": "Ophørt",
    "udeblevet": "Udeblevet",
    "startet_forloeb": "Startet i forløb",
    "afbrudt": "Afbrudt",
    "i_job": "I job",
    "i_uddannelse": "I uddannelse",
    "hverken": "Hverken job eller uddannelse",
}
CARD_ROW_STATUS = "Status: {label} (opdateret {when} af {actor})"
CARD_STATUS_CLOSED = "Opfølgningen er afsluttet: der er ikke flere trin at registrere."


def quoted_list(labels: list[str]) -> str:
    """Labels quoted and joined the Danish way: 'Til jobsamtale' og 'Ansat'."""
    quoted = [f"'{label}'" for label in labels]
    return " og ".join(quoted) if len(quoted) < 3 else ", ".join(quoted[:-1]) + " og " + quoted[-1]


TEAMS_PACKAGE_NO_APP_ID = (
    "MicrosoftAppId mangler eller er ikke et GUID: sæt bot-registreringens app-id i miljøet eller .env, "
    "før Teams-pakken bygges."
)
TEAMS_PACKAGE_BUILT = "Teams-pakken er bygget: {path} (upload den i Teams under Apps → Administrer apps)."
SERVE_STARTING = "Matchbot lytter på http://{host}:{port}/api/messages"

# --- follow-up: states, transitions, reminders -------------------------------------------------

TRANSITION_NOT_ALLOWED = (
    "En opfølgning kan ikke gå fra '{current}' til '{target}'. Mulige næste trin: {allowed}."
)
TRANSITION_CLOSED = "Opfølgningen er afsluttet ('{current}') og kan ikke ændres."
TRANSITION_SAME = "Opfølgningen står allerede som '{current}'."
TRANSITION_NEEDS_REASON = "En afvisning kræver en begrundelse."
TRANSITION_NEEDS_INTERVIEW = "Status 'Til jobsamtale' kræver en dato for jobsamtalen."
TRANSITION_NEEDS_START = "Status 'Ansat' kræver en startdato."
TRANSITION_NEEDS_FORLOEB_START = "Status 'Startet i forløb' kræver en startdato."
TRANSITION_CHECK_TOO_EARLY = (
    "'I job efter 3 måneder' kan først registreres fra {earliest} (3 måneder efter start {start}). "
    "Stopper kandidaten før, så registrér 'Ophørt'."
)
TRANSITION_START_TOO_FAR = (
    "Startdatoen {start} ligger mere end et år ude i fremtiden. Tjek datoen, og registrér 'Ansat', når "
    "startdatoen er aftalt."
)
TRANSITION_FORLOEB_TOO_EARLY = (
    "Resultatet 3 måneder efter forløbet ('I job', 'I uddannelse' eller 'Hverken job eller uddannelse') "
    "kan først registreres fra {earliest} (3 måneder efter forløbets afslutning {start}). Stopper "
    "forløbet før tid, så registrér 'Afbrudt'."
)
TRANSITION_WRONG_START = (
    "'{target}' passer ikke til jobordren: et job ender i 'Ansat', et forløb (virksomhedspraktik, "
    "løntilskud, nytteindsats …) i 'Startet i forløb'. Registrér '{fits}'."
)
TRANSITION_TEXT_TOO_LONG = "Noten må højst have {max} tegn."
TRANSITION_BAD_ACTOR = "Ugyldig bruger: '{actor}'."
TRANSITION_CONFLICT = (
    "Opfølgningen er lige blevet ændret af en anden (nu '{current}'). Opdatér visningen og prøv igen."
)
TRANSITION_NOT_FOUND = "Der er ingen opfølgning for {candidate_id} på jobordre {job_order_id}."
STATE_NONE = "ingen"
NOTE_EMPTY = "Noten er tom."
NOTE_CONTACT_DATA = (
    "Noten ser ud til at indeholde et navn, en e-mailadresse eller et telefonnummer. "
    "Skriv den uden personoplysninger: kontaktdata hører til i fagsystemet, ikke i botten."
)
REMINDER_TEXTS = {
    "no_progress": (
        "{candidate_id} blev godkendt til {job_order_id} for {days} arbejdsdage siden, "
        "og status er ikke ændret. Har du kontaktet kandidaten?"
    ),
    "application_deadline": (
        "Ansøgningsfristen for {job_order_id} er {deadline}, og {candidate_id} står endnu ikke som 'Ansøgt'."
    ),
    # the deadline reminder claimed after the deadline (e.g. the scheduler was down): never "er … endnu"
    "application_deadline_passed": (
        "Ansøgningsfristen for {job_order_id} udløb den {deadline}, og {candidate_id} står stadig som "
        "'{label}'. Afslut opfølgningen med 'Ikke interesseret' eller 'Trukket tilbage', "
        "eller opdatér status."
    ),
    "interview_outcome": (
        "{candidate_id} var til jobsamtale på {job_order_id} den {interview}. "
        "Hvordan gik det? Opdatér status (ansat, afslag eller udeblevet)."
    ),
    "three_month_check_forloeb": (
        "{candidate_id} startede i forløbet på {job_order_id} den {start}, og det sluttede den {end}. "
        "Er kandidaten i job eller uddannelse 3 måneder efter forløbet? Opdatér status."
    ),
    "three_month_check": (
        "{candidate_id} startede i job på {job_order_id} den {start}. Er kandidaten stadig i job "
        "efter 3 måneder? Opdatér status."
    ),
}
PURGE_DONE = (
    "Kandidat {candidate_id} er slettet: {records} opfølgninger, {shortlists} shortlister, "
    "{reminders} påmindelser, pulje: {pool}."
)
PURGE_NOTHING = "Der fandtes ingen data om kandidat {candidate_id}."
PURGE_NO_REDIS = "REDIS_URL er ikke sat: der er ingen database at slette fra."

# --- CLI: matchbot match / explain ---------------------------------------------------------------

CLI_MATCH_TITLE = "Shortlist for {job_order_id}: {title} ({company}, {place})"
CLI_COL_RANK = "Nr."
CLI_COL_CANDIDATE = "Kandidat"
CLI_COL_SCORE = "Score"
CLI_COL_JOBCENTER = "Jobcenter"
CLI_COL_DISTANCE = "Afstand"
CLI_COL_REASONS = "Begrundelse"
CLI_KM = "{km} km"
CLI_SUMMARY = (
    "{shown} vist. {relevant} af {considered} kandidater i puljen ligner jobbet; "
    "frasorteret blandt dem: {excluded}"
)
CLI_NOBODY_EXCLUDED = "ingen"
CLI_NO_RESULTS = "Ingen kandidater opfylder kravene og når over scoregrænsen."
CLI_FILTER_LABELS = {
    "inaktiv": "ikke aktive",
    "ydelse": "har en ydelse, der ikke passer til ordningen",
    "certifikat": "mangler certifikat",
    "timer": "for lavt timetal",
    "afstand": "for langt væk",
    "tilgaengelig": "kan ikke starte til tiden",
}


def excluded_summary(excluded: Mapping[str, int]) -> str:
    """'359 mangler certifikat, 37 for lavt timetal': the hard filters' counts in words, largest first."""
    if not excluded:
        return CLI_NOBODY_EXCLUDED
    ranked = sorted(excluded.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{count} {CLI_FILTER_LABELS.get(name, name)}" for name, count in ranked)


CLI_INPUT_ERROR = "Fejl i inddata: {error}"
CLI_CONFIG_ERROR = "Fejl i konfigurationen: {error}"
CLI_BAD_TOP = "--top skal være mellem 1 og 500"
CLI_EXPLAIN_POINTS = "{points} point · {reason}"
CLI_DATABASE_UNREACHABLE = (
    "Databasen (Redis) kan ikke nås: tjek, at Redis kører, og at REDIS_URL er rigtig, "
    "og kør så kommandoen igen."
)
PURGE_POOL_REMOVED = "fjernet"
PURGE_POOL_ABSENT = "var der ikke"

# --- `matchbot --help`: the sub-commands and their options --------------------------------------------
CLI_DESCRIPTION = "Matchbot – tværgående matchenhed"
CLI_METAVAR_COMMAND = "KOMMANDO"
CLI_HELP_MATCH = "match en jobordre mod en kandidatpulje og vis shortlisten"
CLI_HELP_JOB_ORDER_FILE = "jobordre som JSON-fil"
CLI_HELP_POOL_FILE = "kandidatpulje: .jsonl, .json eller .csv (som import)"
CLI_HELP_JSON = "skriv resultatet som JSON"
CLI_HELP_EXPLAIN = "forklar hvorfor en kandidat er (eller ikke er) på listen"
CLI_HELP_EVALUATE = "mål matchningen på et mærket evalueringssæt (recall@10, præcision@10, filterbrud)"
CLI_HELP_EVALUATE_DIR = "mappe med job_orders.jsonl, candidates.jsonl og labels.json"
CLI_HELP_EVALUATE_MISSES = "vis hver jobordre, hvor en forventet kandidat mangler"
CLI_BAD_LABELS = "Fejl i inddata: {path}: {error}"
CLI_HELP_CANDIDATE_ID = "kandidatens pseudonyme id"
CLI_HELP_IMPORT = "importér kandidater eller jobordrer fra en fil (JSONL eller CSV)"
CLI_METAVAR_WHAT = "HVAD"
CLI_HELP_IMPORT_CANDIDATES = "kandidatpulje (CandidateProfile-felter)"
CLI_HELP_IMPORT_JOB_ORDERS = "jobordrer (JobOrder-felter); de matches og postes som via API'et"
CLI_METAVAR_FILE = "FIL"
CLI_HELP_IMPORT_FILE = ".jsonl, .json eller .csv (lister med ';' eller '|')"
CLI_HELP_IMPORT_MODE = "replace: kandidater, der mangler i filen, deaktiveres"
CLI_HELP_IMPORT_REPORT = "skriv valideringsrapporten som CSV hertil"
CLI_HELP_WORKER = "kør kø-workeren alene (matcher jobordrer fra API'et)"
CLI_HELP_DEMO = "matchenhedens dag på eksempeldata: uden Redis og uden Teams"
CLI_HELP_DEMO_FAST = "ingen pauser mellem trinene"
CLI_HELP_PURGE = "slet al data om en kandidat (opfølgninger, shortlister, pulje …)"
CLI_HELP_PURGE_ACTOR = "hvem der sletter (UPN); standard: cli:<brugernavn>"
CLI_HELP_SERVE = "start botten (POST /api/messages, jobordre-API, /healthz, /metrics)"
CLI_HELP_HOST = "standard: HOST fra miljøet (0.0.0.0)"
CLI_HELP_PORT = "standard: PORT fra miljøet (3978)"
CLI_HELP_TEAMS_PACKAGE = "byg Teams-app-pakken (zip) med app-id'et fra MicrosoftAppId"
CLI_HELP_TEAMS_PACKAGE_OUT = "hvor zip-filen skrives"

# --- intake: job order API, queue, imports, demo -----------------------------------------------

INTAKE_UNAUTHORIZED = "Mangler API-nøgle: send 'Authorization: Bearer <nøgle>' eller 'X-API-Key: <nøgle>'."
INTAKE_FORBIDDEN = "API-nøglen er ikke gyldig."
INTAKE_DISABLED = "Jobordre-API'et er slået fra: der er ingen API-nøgler sat (JOBORDRE_API_KEYS)."
INTAKE_TOO_LARGE = "Forespørgslen er for stor (højst {limit} bytes)."
INTAKE_BAD_CONTENT_TYPE = "Send jobordrer som JSON med 'Content-Type: application/json'."
INTAKE_BAD_JSON = "Forespørgslen er ikke gyldig JSON (UTF-8)."
INTAKE_BAD_SHAPE = "Forventede én jobordre (et JSON-objekt) eller en liste af jobordrer."
INTAKE_EMPTY_BATCH = "Listen af jobordrer er tom."
INTAKE_BATCH_TOO_LARGE = "Højst {limit} jobordrer pr. forespørgsel."
INTAKE_INVALID = "Jobordren er ugyldig. Ret felterne og send igen; intet er modtaget."
INTAKE_DUPLICATE_ID = "samme id forekommer flere gange i forespørgslen"
INTAKE_NOT_FOUND = "Jobordren findes ikke."
INTAKE_UNAVAILABLE_READ = "Databasen kan ikke nås lige nu. Prøv igen om lidt."
INTAKE_BAD_ENCODING = (
    "Indholdet kunne ikke pakkes ud: det passer ikke til Content-Encoding "
    "(send gzip-data, eller udelad headeren)."
)
INTAKE_UNAVAILABLE = "Databasen kan ikke nås lige nu, så jobordren er IKKE modtaget. Prøv igen om lidt."
INTAKE_ACCEPTED = "Modtaget: shortlisten postes i matchenhedens kanal."
INTAKE_NOTHING_NEW = "Uændret: jobordren er allerede modtaget med samme indhold."
INTAKE_OUTCOME = {"created": "ny", "unchanged": "uændret", "revised": "revideret"}
INTAKE_STATUS = {
    "queued": "i kø til matchning",
    "shortlisted": "shortlist postet",
    "dead": "kunne ikke behandles",
    "unknown": "ikke i køen",
}
INTAKE_DEAD_LETTER = (
    "⚠️ Jobordre **{job_order_id}** kunne ikke behandles og er lagt til side ({reason}). "
    "Ingen shortlist er postet. Kontakt matchenhedens administrator."
)
INTAKE_DEAD_CRASHES = "behandlingen stoppede {deliveries} gange"
INTAKE_DEAD_ERRORS = "fejlede {attempts} gange ({error})"
INTAKE_DEAD_MISSING = "jobordren findes ikke længere i databasen"
IMPORT_COL_LINE = "linje"
IMPORT_COL_FIELD = "felt"
IMPORT_COL_REASON = "årsag"
IMPORT_PHASE_PARSE = "Validerer rækker"
IMPORT_PHASE_WRITE = "Skriver til puljen"
IMPORT_PHASE_WRITE_JOBS = "Sætter jobordrer i kø"
IMPORT_REPORT_TITLE = "Afviste rækker i {path}"
IMPORT_MORE_PROBLEMS = "… og {count} flere (se --report)"
IMPORT_SUMMARY_CANDIDATES = (
    "{accepted} af {rows} kandidater importeret ({mode}) på {seconds} s; {rejected} afvist; "
    "{deactivated} deaktiveret. Puljen har nu {pool_size} kandidater (version {version}); "
    "botten indlæser den nye pulje af sig selv."
)
IMPORT_SUMMARY_JOB_ORDERS = (
    "{accepted} af {rows} jobordrer modtaget på {seconds} s ({outcomes}); {queued} sat i kø til "
    "matchning; {rejected} afvist."
)
IMPORT_NOTHING_VALID = "Ingen gyldige rækker i {path}: intet er importeret."
IMPORT_MODE = {"upsert": "opdatér/tilføj", "replace": "erstat hele puljen"}
IMPORT_COL_ELEMENT = "element"
def count_rows(n: int) -> str:
    """'1 række' / '3 rækker': Danish plural, not 'rækker' after 1."""
    return f"{n} række" if n == 1 else f"{n} rækker"


IMPORT_KEPT_REJECTED = (
    "{kept} med en afvist række bevarer deres nuværende profil (hverken opdateret eller deaktiveret)."
)
IMPORT_READ_AS_CP1252 = (
    "{path} er ikke UTF-8: filen er læst som Windows-1252 (Excels 'CSV (semikolonsepareret)')."
)
IMPORT_REPORT_NO_FOLDER = "mappen findes ikke"
IMPORT_REPORT_UNWRITABLE = "Valideringsrapporten kan ikke skrives til {path}: {reason}. Intet er importeret."
NEEDS_REDIS_URL = (
    "REDIS_URL er ikke sat: kommandoen skal bruge den samme Redis som botten (den indlejrede demo-database "
    "forsvinder, når kommandoen slutter)."
)
WORKER_STARTED = "Kø-workeren kører ({consumer}). Stop med Ctrl+C; igangværende jobordrer afleveres."
WORKER_OPS_LISTENING = "Sundhed og målinger: http://{host}:{port}/healthz, /readyz og /metrics"
WORKER_PORT_UNAVAILABLE = (
    "Kø-workeren kan ikke lytte på {host}:{port} ({error}). Vælg en ledig port med WORKER_PORT."
)

# --- the job order API's OpenAPI description ---------------------------------------------------------
OPENAPI_TITLE = "Matchbot jobordre-API"
OPENAPI_DESCRIPTION = (
    "Jobordrer fra Københavns Erhvervshus. En modtaget jobordre (202) bliver til præcis én "
    "shortlist i matchenhedens kanal. Samme indhold igen er en no-op (200); ændret indhold "
    "opdaterer jobordren, og shortlisten markeres som revideret. Ordningsreglerne i "
    "config/schemes.toml gælder: henvisning med mødepligt ('referral_with_obligation') afvises (422) "
    "på virksomhedspraktik og nytteindsats, og et forløb ('duration_weeks') længere end reglerne "
    "tillader for en målgruppe, vises med en advarsel på kortet."
)
OPENAPI_QUEUED = "true: en shortlist postes (igen)"
OPENAPI_REVISED = "ændret siden den først blev modtaget"
OPENAPI_FUNNEL = "antal kandidater i hver opfølgningsstatus"
OPENAPI_POST_SUMMARY = "Modtag én jobordre eller en liste"
OPENAPI_GET_SUMMARY = "Jobordrens status og tragt"
OPENAPI_200 = "Uændret: allerede modtaget med samme indhold"
OPENAPI_202 = "Modtaget og sat i kø"
OPENAPI_GET_200 = "Status og tragt"
OPENAPI_400 = "Ikke gyldig JSON eller forkert form"
OPENAPI_401 = "Mangler API-nøgle"
OPENAPI_403 = "Forkert API-nøgle"
OPENAPI_404 = "Jobordren findes ikke"
OPENAPI_413 = "For stor: højst {max_body_bytes} bytes / {max_batch} jobordrer"
OPENAPI_415 = "Content-Type er ikke application/json"
OPENAPI_422 = "Valideringsfejl pr. felt; intet er modtaget"
OPENAPI_503 = "API'et er slået fra, eller databasen kan ikke nås"
DEMO_WARNING_TITLE = "DEMO: indlejret database"
DEMO_EMBEDDED_WARNING = (
    "Demoen kører uden Redis og uden Teams: data ligger i en indlejret database i hukommelsen og er VÆK, "
    "når demoen slutter. Kortene herunder er præcis dem, botten sender til Teams. Brug aldrig dette i drift."
)
DEMO_NO_DATA = (
    "Eksempeldata mangler: forventede data/candidates.jsonl og data/job_orders/*.json "
    "(eller MATCHBOT_DATA_DIR)."
)
DEMO_TIMEOUT = "Demoen ventede forgæves på botten."
DEMO_STEP_POOL = "Kandidatpuljen importeres"
DEMO_STEP_POOL_TEXT = "Eksporten fra jobcentrenes sagssystemer læses ind (matchbot import candidates)."
DEMO_POOL_DONE = "{accepted} af {rows} kandidater i puljen ({seconds} s)."
DEMO_STEP_INSTALL = "Matchbot installeres i matchenhedens kanal"
DEMO_STEP_JOB_ORDERS = "Jobordrer fra Københavns Erhvervshus ankommer"
DEMO_STEP_JOB_ORDERS_TEXT = (
    "Erhvervshusets system sender jobordrerne til API'et; botten poster en shortlist pr. jobordre."
)
DEMO_STEP_DECISIONS = "Lederen gennemgår shortlisten"
DEMO_STEP_DECISIONS_TEXT = "Lederen godkender to kandidater og afviser én på kortet for {job_order_id}."
DEMO_STEP_HANDOVER = "De godkendte sendes til deres egne jobkonsulenter"
DEMO_STEP_HANDOVER_TEXT = (
    "Hver jobkonsulent får en personlig besked i Teams med jobordren og en besked om, hvad de skal gøre."
)
DEMO_STEP_STATUS = "Jobkonsulenten opdaterer status"
DEMO_STEP_STATUS_TEXT = "Mandag og tirsdag: Kontaktet → Ansøgt → Til jobsamtale, fra knapperne på kortet."
DEMO_STEP_HIRED = "Efter samtalen: kandidaten er ansat"
DEMO_STEP_HIRED_TEXT = (
    "Fredag melder jobkonsulenten Ansat med startdato; kortet i kanalen opdateres for alle."
)
DEMO_PRESSED = "{upn} trykkede [{label}] for {candidate_id}"
MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
DEMO_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
DEMO_STEP_REMINDER = "Påmindelse efter to arbejdsdage"
DEMO_STEP_REMINDER_TEXT = (
    "Den anden kandidat blev godkendt fredag, og status er ikke ændret: påmindelsen kommer tirsdag, "
    "2 arbejdsdage "
    "senere (weekenden tæller ikke)."
)
DEMO_REMINDERS_SENT = "Påmindelser sendt: {count}."
DEMO_STEP_DEADLINE = "Ansøgningsfristen nærmer sig"
DEMO_STEP_DEADLINE_TEXT = (
    "To arbejdsdage før fristen {deadline} står den anden kandidat stadig som Godkendt: jobkonsulenten får "
    "en påmindelse og afslutter opfølgningen (kandidaten er ikke interesseret)."
)
DEMO_STEP_3MDR = "Tre måneder efter start: er kandidaten stadig i job?"
DEMO_STEP_3MDR_TEXT = "Forvaltningen måler andelen i job i 3. måned; jobkonsulenten bekræfter."
DEMO_STEP_FUNNEL = "Overblik: jobordrerne, tragten og resultaterne"
DEMO_FUNNEL_TITLE = "Tragt pr. jobordre"
DEMO_FUNNEL_JOB = "Jobordre"
DEMO_FUNNEL_STATE = "Status"
DEMO_FUNNEL_COUNT = "Antal"
DEMO_DONE = "Demoen er slut. Kør `make test` for testene og se README for drift (Redis, Teams, Docker)."
DEMO_WHERE_CHANNEL = "Kanal: Matchenheden"
DEMO_WHERE_PERSONAL = "1:1-chat med {upn}"
DEMO_KIND = {"create": "nyt opslag", "send": "besked", "reply": "svar", "update": "kort opdateret"}


# --- cards: how dates, numbers and list lines read (bot/ui/cards) ------------------------------------
CARD_WHEN_DATETIME = "%d.%m.%Y kl. %H:%M"  # strftime, Copenhagen time: "23.11.2026 kl. 09:15"
CARD_WHEN_DATE = "%d.%m.%Y"  # strftime: "01.12.2026"
CARD_PERCENT = "{value:.0f} %"  # Danish style: a space before the sign
CARD_BULLET = "• {reason}"
CARD_DECIDED_REASON = " ({reason})"
CARD_UNKNOWN_ACTOR = "?"
# --- end of cards: how dates, numbers and list lines read --------------------------------------------


def period_text(period: Period) -> str:
    """"november 2026" or "2026": how a report names its period."""
    if period.is_year:
        return f"{period.start.year}"
    return f"{MONTHS[period.start.month - 1]} {period.start.year}"


def reminder_text(reminder: Reminder, followup: FollowUp, rules: ReminderRules) -> str:
    """The Danish sentence for a reminder (the bot puts it on a card), true at the time it is sent:
    a late delivery counts the working days until it was claimed, a passed deadline is said to have passed."""
    zone = rules.zone
    return REMINDER_TEXTS[reminder_kind(reminder, followup, rules)].format(
        candidate_id=followup.candidate_id,
        job_order_id=followup.job_order_id,
        label=followup.label,
        days=working_days_waited(reminder, followup, rules),
        deadline=followup.deadline.strftime("%d.%m.%Y") if followup.deadline else "",
        interview=followup.interview_at.astimezone(zone).strftime("%d.%m.%Y")
        if followup.interview_at
        else "",
        start=followup.start_date.strftime("%d.%m.%Y") if followup.start_date else "",
        end=followup.ends_on.strftime("%d.%m.%Y") if followup.ends_on else "",
    )


# --- refusals: a typed error from the rules or the store, said in Danish -----------------------------

_DETAIL_REQUIRED = {
    FollowUpState.AFVIST: TRANSITION_NEEDS_REASON,
    FollowUpState.SAMTALE: TRANSITION_NEEDS_INTERVIEW,
    FollowUpState.ANSAT: TRANSITION_NEEDS_START,
    FollowUpState.STARTET_FORLOEB: TRANSITION_NEEDS_FORLOEB_START,
}


def _label(state: str) -> str:
    return FollowUpState(state).label


def _state_names(states: tuple[FollowUpState, ...]) -> str:
    return ", ".join(f"{s.label} ({s.value})" for s in states) or STATE_NONE


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def error_text(err: errors.DomainError) -> str:
    """The sentence a caseworker reads for ``err``; the one place a refusal becomes Danish."""
    return _error_text(err)


@singledispatch
def _error_text(err: errors.DomainError) -> str:
    raise TypeError(f"no Danish text for {type(err).__name__}")  # a new error class needs its sentence


@_error_text.register
def _(err: errors.CprRefused) -> str:
    return CPR_REFUSAL


@_error_text.register
def _(err: errors.ContactDataRefused) -> str:
    return NOTE_CONTACT_DATA


@_error_text.register
def _(err: errors.TextTooLong) -> str:
    return TRANSITION_TEXT_TOO_LONG.format(max=err.max_chars)


@_error_text.register
def _(err: errors.EmptyNote) -> str:
    return NOTE_EMPTY


@_error_text.register
def _(err: errors.BadId) -> str:
    return BAD_ID.format(value=err.value)


@_error_text.register
def _(err: errors.BadActor) -> str:
    return TRANSITION_BAD_ACTOR.format(actor=err.actor)


@_error_text.register
def _(err: errors.UnknownState) -> str:
    valid = _state_names(tuple(s for s in FollowUpState if s is not FollowUpState.FORESLAAET))
    return STATUS_UNKNOWN.format(value=echo(err.value), valid=valid)


@_error_text.register
def _(err: errors.AlreadyInState) -> str:
    return TRANSITION_SAME.format(current=_label(err.state))


@_error_text.register
def _(err: errors.FollowUpClosed) -> str:
    return TRANSITION_CLOSED.format(current=_label(err.state))


@_error_text.register
def _(err: errors.NotAllowed) -> str:
    allowed = _state_names(TRANSITIONS[FollowUpState(err.from_state)])
    return TRANSITION_NOT_ALLOWED.format(
        current=_label(err.from_state), target=_label(err.to_state), allowed=allowed
    )


@_error_text.register
def _(err: errors.WrongKindOfStart) -> str:
    return TRANSITION_WRONG_START.format(target=_label(err.to_state), fits=_label(err.fits))


@_error_text.register
def _(err: errors.DetailRequired) -> str:
    return _DETAIL_REQUIRED[FollowUpState(err.to_state)]


@_error_text.register
def _(err: errors.StartTooFarAhead) -> str:
    return TRANSITION_START_TOO_FAR.format(start=_day(err.start))


@_error_text.register
def _(err: errors.CheckTooEarly) -> str:
    sentence = TRANSITION_FORLOEB_TOO_EARLY if err.after_forloeb else TRANSITION_CHECK_TOO_EARLY
    return sentence.format(earliest=_day(err.earliest), start=_day(err.counted_from))


@_error_text.register
def _(err: errors.Conflict) -> str:
    return TRANSITION_CONFLICT.format(current=_label(err.current))


@_error_text.register
def _(err: errors.FollowUpNotFound) -> str:
    return TRANSITION_NOT_FOUND.format(candidate_id=err.candidate_id, job_order_id=err.job_order_id)


@_error_text.register
def _(err: errors.JobOrderNotFound) -> str:
    return JOB_ORDER_NOT_FOUND.format(job_order_id=err.job_order_id)


@_error_text.register
def _(err: errors.LeadsOnly) -> str:
    return DECISION_LEADS_ONLY.format(leads=", ".join(err.leads))


# --- scheme rules and the candidate's profile on a card (issue 10, items 1-3) ------------------

# The scheme filters of config/schemes.toml, counted on a shortlist card ("3 er ikke visiteret …").
CLI_FILTER_LABELS.update(
    {
        "maalgruppe": "hører til en målgruppe, ordningen ikke er for",
        "visitation": "er ikke visiteret til fleksjob",
        "alder": "er under ordningens alder",
        "ledighed": "har ikke været ledig længe nok til ordningen",
        "uddannet": "er allerede uddannet i faget",
    }
)
CARD_JOB_WARNING = "⚠ {warning}"
CARD_CANDIDATE_NOTE = "⚠ {note}"


# --- KEH: job order lifecycle, KEH's card, webhooks and the change feed (issue 11) ----------------

FEED_BAD_CURSOR = "Ugyldig 'since': brug 'naeste' fra forrige svar, eller udelad den for at starte forfra."
FEED_BAD_LIMIT = "Ugyldig 'limit': skal være et tal fra 1 til {most}."
JOB_CLOSED = "Jobordren er allerede {status}; den kan ikke ændres mere."
JOB_BAD_FILL_COUNT = "Antal besatte stillinger skal være fra {least} til {most} (du skrev {given})."
JOB_CHANGED = "Jobordren er ændret i mellemtiden (nu: {status}). Kortet er opdateret – prøv igen."
JOB_BAD_REJECTION_REASON = "Vælg en årsag til afslaget fra listen."


def _job_status_label(code: str) -> str:
    return JOB_STATUS_LABELS.get(code, code).lower()


@_error_text.register
def _(err: errors.JobOrderClosed) -> str:
    return JOB_CLOSED.format(status=_job_status_label(err.status))


@_error_text.register
def _(err: errors.BadFillCount) -> str:
    return JOB_BAD_FILL_COUNT.format(least=err.least, most=err.most, given=err.given)


@_error_text.register
def _(err: errors.JobOrderChanged) -> str:
    return JOB_CHANGED.format(status=_job_status_label(err.status))


@_error_text.register
def _(err: errors.UnknownRejectionReason) -> str:
    return JOB_BAD_REJECTION_REASON

OPENAPI_JOB_STATUS = (
    "Jobordrens livsforløb: aaben → delvist_besat → besat, eller annulleret / udloebet (efter fristen uden "
    "besatte stillinger, første hverdag efter fristen)"
)
OPENAPI_STATUS_CHANGE = (
    "Én statusændring på en jobordre (webhook-body og element i feedet). "
    "Ingen navne: kun id'er, status og antal."
)
OPENAPI_EVENT_ID = (
    "Idempotens-id (<jobordre>:<version>): samme ændring kan komme igen efter en fejl eller en genstart; "
    "gem de id'er, I har set"
)
OPENAPI_FEED_NEXT = "Send denne værdi som 'since' næste gang for at få ændringerne derefter"
OPENAPI_FEED_SUMMARY = "Statusændringer på jobordrer siden sidst (til systemer, der henter selv)"
OPENAPI_FEED_DESCRIPTION = (
    "Ældste først. Uden 'since' fra begyndelsen af det, der gemmes (de seneste ca. 100.000 ændringer). "
    "'flere' er true, når der kan være flere end 'limit' (spørg igen med 'naeste')."
)
OPENAPI_FEED_200 = "Ændringer efter 'since'"
OPENAPI_FEED_400 = "Ugyldig 'since' eller 'limit'"
OPENAPI_WEBHOOK_SUMMARY = "Matchbot kalder KEH's system ved hver statusændring på en jobordre"
OPENAPI_WEBHOOK_DESCRIPTION = (
    "POST til KEH_WEBHOOK_URL. X-Matchbot-Signature er "
    "'<nøgle-id>=<hex HMAC-SHA256 af \"<tidsstempel>.<body>\">' for hver konfigureret nøgle, "
    "kommasepareret (rotation); X-Matchbot-Timestamp er Unix-sekunder. "
    "Afvis forsøg, hvis tidsstemplet er mere end 5 minutter fra nu. "
    "Leveres mindst én gang: et svar uden 2xx prøves igen med stigende pause "
    "(5 s, 10 s, 20 s … højst KEH_WEBHOOK_MAX_BACKOFF_SECONDS), også efter en genstart."
)
OPENAPI_WEBHOOK_2XX = "Modtaget (alt andet end 2xx prøves igen)"
# --- reports (issue 12): employer sector and clause contract on a job order -------------------------

CARD_FACT_SECTOR = "Arbejdsgiver"
CARD_FACT_CONTRACT = "Klausulkontrakt"
CARD_CONTRACT = "{id} ({forvaltning}, {required} klausulstillinger)"
CARD_FORM_SECTOR = "Arbejdsgiver (sektor/forvaltning)"
CARD_FORM_CONTRACT_ID = "Klausulkontrakt: id (kun ved beskæftigelsesklausul)"
CARD_FORM_CONTRACT_FORVALTNING = "Klausulkontrakt: forvaltning"
CARD_FORM_CONTRACT_POSITIONS = "Klausulkontrakt: krævede stillinger"
CARD_FORM_FIELD_NAMES.update(
    {
        "employer_sector": "Arbejdsgiver",
        "contract": "Klausulkontrakt",
    }
)


# --- cover and transfer: fravær, stedfortræder, overdrag (issue 11.6) ------------------------------

CMD_FRAVAER = (
    "registrér fravær (datoer DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD): påmindelser og nye kandidater går til "
    "stedfortræderen i perioden; **fravær** alene viser det, **fravær slut** afslutter det"
)
USAGE_FRAVAER = "fravær fra «dato» til «dato» [stedfortræder «e-mail»]"
CMD_OVERDRAG = (
    "overdrag en sag til en anden jobkonsulent; **overdrag alle «fra-e-mail» «til-e-mail»** overdrager "
    "alle åbne sager (fx ved skift af jobcenter)"
)
USAGE_OVERDRAG = "overdrag «jobordre» «kandidat» «e-mail»"
COVER_NO_UPN = (
    "Jeg kender ikke din e-mail i Teams endnu, så jeg kan ikke registrere fravær. Prøv igen om lidt."
)
ABSENCE_USAGE = (
    "Skriv fx **fravær fra 07.12.2026 til 11.12.2026 stedfortræder kollega@kk.dk** "
    "(en leder kan skrive en jobkonsulents e-mail først: **fravær kons@kk.dk fra … til …**)."
)
ABSENCE_SET = "Fravær registreret for {consultant}: {starts}–{ends}."
ABSENCE_SET_STAND_IN = " Påmindelser og nye kandidater går til stedfortræderen **{stand_in}** i perioden."
ABSENCE_SET_NO_STAND_IN = (
    " Ingen stedfortræder: påmindelser går stadig til {consultant}. Tilføj **stedfortræder «e-mail»** "
    "for at sende dem videre."
)
ABSENCE_NONE = "Der er ikke registreret fravær for {consultant}."
ABSENCE_NOW = "Fravær for {consultant}: {starts}–{ends}{stand_in}."
ABSENCE_NOW_STAND_IN = ", stedfortræder {stand_in}"
ABSENCE_CLEARED = (
    "Fraværet for {consultant} er afsluttet: påmindelser og nye kandidater går til {consultant} igen."
)
ABSENCE_BAD = (
    "Fraværet {starts}–{ends} kan ikke registreres: sidste dag skal være samme dag som eller efter den "
    "første og ikke før i dag ({today})."
)
ABSENCE_TOO_LONG = (
    "Et fravær kan højst vare {max_days} dage. Tjek årstallet, eller registrér det i flere dele."
)
SAME_CONSULTANT = "Det er den samme jobkonsulent ({upn}): vælg en anden stedfortræder eller modtager."
BAD_UPN = "'{value}' er ikke en e-mail/UPN (fx kollega@kk.dk)."
NOT_FOR_OTHERS = (
    "Det kan kun jobkonsulenten selv og matchenhedens ledere ({leads}). Intet er ændret."
)
NOT_FOR_OTHERS_NO_LEADS = "Det kan kun jobkonsulenten selv. Intet er ændret."
TRANSFER_USAGE = (
    "Skriv **overdrag «jobordre» «kandidat» «e-mail»** for én sag eller "
    "**overdrag alle «fra-e-mail» «til-e-mail»** for alle åbne sager."
)
TRANSFER_DONE = "{candidate_id} på {job_order_id} er overdraget fra {old} til **{new}**."
TRANSFER_ALREADY = "{candidate_id} på {job_order_id} er allerede overdraget til {new}."
TRANSFER_ALL_DONE = "{count} åbne sager er overdraget fra {old} til **{new}** ({jobs} jobordrer)."
TRANSFER_ALL_NONE = "{old} har ingen åbne sager at overdrage."
TRANSFER_UNREACHABLE = (
    " {new} kan ikke nås i Teams endnu; sagerne står under **mine**, når de skriver til botten."
)
CARD_TRANSFER_TITLE = "Sager overdraget til dig"
CARD_TRANSFER_INTRO = (
    "{count} åbne sager er overdraget til dig fra {old} af {actor} {when}. Skriv **mine** for at se dem."
)
CARD_TRANSFER_LINE = "**{candidate_id}** på {job_order_id}: {label}"
CARD_TRANSFER_NOTE = "Overdraget til dig fra {old} af {actor} {when}."
# On a hand-over or reminder card that reaches a stand-in.
CARD_COVERING = "Du får denne som stedfortræder for {consultant} (fravær til og med {until})."
# Who may change a candidate's status (issue 14.4).
NOT_YOUR_CASE = (
    "Kun kandidatens jobkonsulent ({consultant}){stand_in} og matchenhedens ledere ({leads}) kan ændre "
    "status. Intet er ændret."
)
NOT_YOUR_CASE_STAND_IN = ", stedfortræderen ({stand_in})"
NOT_YOUR_CASE_NO_CONSULTANT = "ukendt"


@_error_text.register
def _(err: errors.BadUpn) -> str:
    return BAD_UPN.format(value=echo(err.value))


@_error_text.register
def _(err: errors.BadAbsence) -> str:
    return ABSENCE_BAD.format(starts=_day(err.starts), ends=_day(err.ends), today=_day(err.today))


@_error_text.register
def _(err: errors.AbsenceTooLong) -> str:
    return ABSENCE_TOO_LONG.format(max_days=err.max_days)


@_error_text.register
def _(err: errors.SameConsultant) -> str:
    return SAME_CONSULTANT.format(upn=err.upn)


@_error_text.register
def _(err: errors.NotForOthers) -> str:
    if not err.leads:
        return NOT_FOR_OTHERS_NO_LEADS
    return NOT_FOR_OTHERS.format(leads=", ".join(err.leads))


@_error_text.register
def _(err: errors.NotYourCase) -> str:
    stand_in = NOT_YOUR_CASE_STAND_IN.format(stand_in=err.stand_in) if err.stand_in else ""
    return NOT_YOUR_CASE.format(
        consultant=err.consultant or NOT_YOUR_CASE_NO_CONSULTANT,
        stand_in=stand_in,
        leads=", ".join(err.leads),
    )


# --- Local try-out in the Microsoft 365 Agents Playground (issue 14: `matchbot serve --sample-data`) ---

CLI_HELP_SERVE_SAMPLE_DATA = (
    "indlæs eksempeldata (data/candidates.jsonl og data/job_orders) i det indlejrede lager ved start: "
    "til lokal afprøvning, fx i Agents Playground"
)
SERVE_SAMPLE_DATA_NEEDS_EMBEDDED = (
    "--sample-data bruges kun med det indlejrede lager (tom REDIS_URL): eksempeldata blandes aldrig "
    "ind i en rigtig kandidatpulje."
)
# --- reports (issue 12): rapport måltal | resultater | tid | klausuler, exports, monthly status ----------

REPORT_KINDS = {"måltal": "maaltal", "maaltal": "maaltal", "resultater": "resultater", "tid": "tid",
                "klausuler": "klausuler"}  # fmt: skip
REPORT_BAD_KIND = "'{value}' er ikke en rapport. Skriv rapport måltal, resultater, tid eller klausuler."
REPORT_BAD_MONTH = "'{value}' er ikke en måned. Skriv ÅÅÅÅ-MM (fx 2026-11)."
REPORT_BAD_CONTRACT = "'{value}' er ikke et kontrakt-id."
REPORT_SMALL = " *"
REPORT_SMALL_NOTE = "* færre end 5 personer: tallet er usikkert og kan pege på enkeltpersoner."
REPORT_NONE = "–"
REPORT_YES = "ja"
REPORT_EMPTY = "Ingen data i perioden."
REPORT_PERIOD = "Periode: {period}"
REPORT_ALL_TIME = "alt indtil nu"
REPORT_RULE = "Tælleregel: {rule}"
REPORT_EXCLUDED = "Udeladt/bemærk: {items}"
REPORT_EXCLUDED_NONE = "Udeladt: intet."
REPORT_SOURCE = "Kilde til måltal: {source}"
REPORT_CHART_ALT = "Diagram: {title}"
REPORT_CHART_LINK_MISSING = "Diagrammet er for stort til kortet; se Excel-eksporten."
REPORT_ABOUT_SHEET = "Om rapporten"
REPORT_ABOUT_COLUMNS = ("Felt", "Værdi")
REPORT_ABOUT_TITLE = "Rapport"
REPORT_ABOUT_PERIOD = "Periode"
REPORT_ABOUT_RULE = "Tælleregel"
REPORT_ABOUT_EXCLUDED = "Udeladt/bemærk"
REPORT_ABOUT_SMALL = "Små tal"
REPORT_ABOUT_SOURCE = "Kilde"
REPORT_SMALL_COLUMN = "Færre end 5 personer"
EXCLUDED_TEXTS = {
    "other_employer": (
        "{n} forløb/ansættelser hos private eller andre offentlige arbejdsgivere (tæller ikke i KK's måltal)"
    ),
    "no_sector": "{n} forløb/ansættelser på jobordrer uden arbejdsgiversektor",
    "no_duration": "{n} forløb uden varighed, talt til periodens slutning",
    "anonymised": (
        "{n} anonymiserede (retention) talt med ud fra historikken (startdato = dagen ansat blev registreret)"
    ),
    "no_job_order": "{n} opfølgninger, hvis jobordre ikke findes mere",
    "clause_without_contract": "{n} jobordrer med klausul, men uden kontrakt (ikke talt)",
}
MONTHS_SHORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

MAALTAL_TITLE = "Måltal: særlige jobordninger"
MAALTAL_PERIOD = "januar-{month} {year} (status ved udgangen af {month})"
MAALTAL_RULE = (
    "løntilskud, virksomhedspraktik og nytteindsats i helårspersoner (forløbsdage i perioden / "
    "periodens dage); fleksjob som antal ansatte ved månedens udgang; kun jobordrer med en KK-forvaltning "
    "som arbejdsgiver; målopfyldelse = status / måltal"
)
MAALTAL_NO_TARGETS = "Ingen måltal for {year} i config/targets.toml: status vises uden målopfyldelse."
MAALTAL_COLUMNS = ("Forvaltning", "Ordning", "Status", "Måltal", "Målopfyldelse %")
MAALTAL_SHEET = "Måltal"
MAALTAL_SCHEME_SHEET = "Ordninger"
MAALTAL_SCHEME_COLUMNS = ("Forvaltning", "Ordning", "Status", "Enhed", "Antal forløb", "Antal personer")
MAALTAL_AVERAGE = "Samlet målopfyldelse (gennemsnit)"
MAALTAL_KK = "KK i alt"
MAALTAL_UNITS = {"helaarspersoner": "helårspersoner", "ansatte": "ansatte"}
MAALTAL_CHART_STATUS = "Status"
MAALTAL_CHART_TARGET = "Måltal"

RESULTS_TITLE = "Resultater i 3. måned"
RESULTS_RULE = (
    "ansættelser/forløb med start i perioden; i job = 'i job eller uddannelse i 3. måned' ved "
    "3-måneders-tjekket; andel blandt de tjekkede"
)
RESULTS_COLUMNS = ("Ordning", "Målgruppe", "Center", "Arbejdsgiver", "Ansat", "I job 3. md.", "Andel %")
RESULTS_SHEET = "Resultater"
RESULTS_EXTRA_COLUMNS = ("Ophørt", "Afventer tjek")

TIME_TITLE = "Tid fra jobordre til ansættelse"
TIME_RULE = (
    "jobordrer modtaget i perioden; dage fra modtagelse til første kandidat på shortlisten, første "
    "beslutning (godkendt/afvist), første henvisning eller ansøgning og første ansættelse; median og "
    "p80 (nearest rank) over de jobordrer, der nåede trinnet; besættelsesgrad = ansatte (højst antal "
    "stillinger) / stillinger"
)
TIME_COLUMNS = ("Trin", "Jobordrer", "Median dage", "p80 dage")
TIME_STEPS = {"shortlist": "Shortlist", "decision": "Første beslutning", "referral": "Henvist/ansøgt",
              "hire": "Ansat"}  # fmt: skip
TIME_FILL = "Besættelsesgrad: {filled} af {positions} stillinger ({rate}) på {jobs} jobordrer"
TIME_SHEET = "Tid"
TIME_FILL_SHEET = "Besættelse"
TIME_FILL_COLUMNS = ("Jobordre", "Modtaget", "Stillinger", "Ansatte", "Besættelsesgrad %")

CLAUSE_TITLE = "Beskæftigelsesklausuler pr. kontrakt"
CLAUSE_RULE = (
    "krævede klausulstillinger pr. kontrakt (jobordrens kontraktoplysninger) mod kandidater ansat på "
    "kontraktens jobordrer (også hvis de siden er ophørt); alle perioder"
)
CLAUSE_ONLY = "kontrakt {contract}"
CLAUSE_COLUMNS = ("Forvaltning", "Kontrakt", "Krævet", "Besat", "Mangler", "Besat %")
CLAUSE_TOTAL = "{forvaltning} i alt"
CLAUSE_SHEET = "Klausuler"
CLAUSE_EXTRA_COLUMNS = ("Jobordrer",)

REPORT_EXPORT_BAD_FORMAT = "Formatet skal være csv, xlsx eller json."
REPORT_API_UNKNOWN = "Ukendt rapport. Brug maaltal, resultater, tid eller klausuler."
REPORT_CHART_GONE = "Diagrammet findes ikke (mere), eller linket er ugyldigt."
MONTHLY_STATUS_INTRO = "Månedlig status på måltal for {period}."
OPENAPI_REPORT_SUMMARY = "Hent en rapport (måltal, resultater, tid, klausuler) som CSV, Excel eller JSON"
OPENAPI_REPORT_DESCRIPTION = (
    "Samme tal som kortet `rapport …` i Teams. `periode`: ÅÅÅÅ-MM eller ÅÅÅÅ (måltal: en måned; uden: "
    "sidste hele måned), `kontrakt`: kontrakt-id for klausuler. CSV med `;` og decimalkomma (dansk "
    "Excel); Excel med ét ark pr. tabel og arket 'Om rapporten' (periode, tælleregel, udeladt)."
)
OPENAPI_REPORT_200 = "Rapporten"
OPENAPI_REPORT_400 = "Ugyldig periode, kontrakt eller format (dansk besked)"
CLI_HELP_REPORT = "eksportér en rapport (måltal, resultater, tid, klausuler) som CSV eller Excel"
CLI_METAVAR_REPORT = "maaltal|resultater|tid|klausuler"
CLI_METAVAR_REPORT_ARG = "periode|kontrakt"
CLI_HELP_REPORT_OUT = "filen, der skrives"
CLI_REPORT_WRITTEN = "Rapporten er skrevet til {path} ({size} bytes)."
CLI_REPORT_UNWRITABLE = "Rapporten kan ikke skrives til {path}: {reason}"
DEMO_STEP_MONTHLY = "Månedlig status på måltal og eksport"
DEMO_STEP_MONTHLY_TEXT = (
    "Første arbejdsdag i måneden poster botten status på måltal for sidste måned i kanalen (én gang, "
    "også med flere kørende bots): praktikken i Borgerservice ({job_order_id}) tæller for Kultur- og "
    "Fritidsforvaltningen. Rapporten hentes som Excel fra GET /api/rapporter/maaltal."
)
DEMO_EXPORT_WRITTEN = "Eksport: {path} ({size} bytes; ark: {sheets})"


# --- interest before review and escalation (issue 11, items 4-5) ---------------------------------------

INTEREST_TITLE = "Er kandidaten interesseret?"
INTEREST_INTRO = (
    "Din kandidat **{candidate_id}** er på matchenhedens shortlist til jobbet herunder. Spørg kandidaten, "
    "før lederen vurderer: et *Nej* giver pladsen til den næste kandidat."
)
INTEREST_ANSWER_BY = "Svar gerne senest {when}. Lederen kan beslutte uden dit svar."
INTEREST_YES = "Ja"
INTEREST_NO = "Nej"
INTEREST_NOT_YET = "Ved ikke endnu"
INTEREST_YOUR_ANSWER = "Dit svar: {answer} ({when})"
INTEREST_ANSWER_LABELS = {"ja": "Ja", "nej": "Nej", "ved_ikke": "Ved ikke endnu"}
# The line on the shortlist card, per candidate.
INTEREST_ROW_ASKED = "Interesse: spurgt, afventer svar fra jobkonsulenten"
INTEREST_ROW_ANSWER = "Interesse: {answer} ({actor} {when})"
INTEREST_ROW_NO = "Interesse: Nej ({actor} {when}); pladsen er givet til næste kandidat"
INTEREST_ROW_UNANSWERED = "Interesse: ikke svaret inden for {hours} arbejdstimer"
INTEREST_ROW_LEAD_MAY_DECIDE = "; lederen kan beslutte uden"  # only while the lead has not decided
INTEREST_ROW_UNREACHABLE = "Interesse: jobkonsulenten kan ikke nås i Teams endnu"
INTEREST_UNKNOWN_ANSWER = "Vælg Ja, Nej eller Ved ikke endnu."
INTEREST_NOT_ASKED = "Der er ikke spurgt om {candidate_id}s interesse til jobordre {job_order_id}."
INTEREST_ALREADY_NO = (
    "{candidate_id} er allerede meldt ikke interesseret til jobordre {job_order_id}, "
    "og pladsen er givet videre."
)
INTEREST_ONLY_CONSULTANT = (
    "Kun kandidatens jobkonsulent ({consultant}), dennes stedfortræder eller matchenhedens ledere kan svare."
)
INTEREST_THANKS = "Tak, dit svar er gemt: {answer}."
INTEREST_THANKS_NO = "Tak, dit svar er gemt: Nej. Næste kandidat er sat på shortlisten."

ESCALATION_TITLE = "Eskalering: ingen har handlet"
ESCALATION_UNDECIDED = (
    "Shortlisten til jobordre **{job_order_id}** ({title}) har stadig {waiting} uden beslutning, "
    "{hours} arbejdstimer efter den blev postet. Beslut på kortet i matchenhedens kanal."
)
# Several shortlists in one round: one note per lead, a line per job order (not one message each).
ESCALATION_UNDECIDED_MANY = (
    "{count} shortlister har stadig kandidater uden beslutning, {hours} arbejdstimer efter de blev "
    "postet. Beslut på kortene i matchenhedens kanal:"
)
ESCALATION_UNDECIDED_LINE = "**{job_order_id}** ({title}): {waiting}"
ESCALATION_UNDECIDED_CHANNEL = (
    "Påmindelse til lederne: jobordre {job_order_id} ({title}) har stadig {waiting} uden "
    "beslutning efter {hours} arbejdstimer."
)
ESCALATION_UNDECIDED_CHANNEL_MANY = (
    "Påmindelse til lederne: {count} shortlister har stadig kandidater uden beslutning efter {hours} "
    "arbejdstimer: {job_orders}."
)


def count_candidates(n: int) -> str:
    """'1 kandidat' / '3 kandidater'."""
    return f"{n} kandidat" if n == 1 else f"{n} kandidater"


ESCALATION_REMINDER_AGAIN = (
    "Påmindelsen er ikke fulgt op: {candidate_id} på jobordre {job_order_id} står stadig som '{label}' "
    "siden {since}. Opdatér status herunder."
)
ESCALATION_REMINDER_COVER = (
    "Påmindelsen til {consultant} er ignoreret to gange: {candidate_id} på jobordre {job_order_id} står "
    "stadig som '{label}' siden {since}. Du får den som {role}; opdatér status herunder."
)
ESCALATION_ROLE_STAND_IN = "stedfortræder"
ESCALATION_ROLE_TEAM_LEAD = "teamleder"
ESCALATION_REMINDER_LEADS = (
    "Ingen har fulgt op: {candidate_id} på jobordre {job_order_id} står stadig som '{label}' siden {since} "
    "hos {consultant}, trods påmindelser og eskalering. Opdatér status herunder eller find en ny ansvarlig."
)
ESCALATION_REMINDER_CHANNEL = (
    "Eskalering: {candidate_id} på jobordre {job_order_id} står stadig som '{label}' siden {since}, "
    "trods påmindelser."
)

# the demo's steps for interest and escalation
DEMO_STEP_INTEREST = "Interesse før vurdering: jobkonsulenterne svarer"
DEMO_STEP_INTEREST_TEXT = (
    "Hver kandidat på shortlisten til {job_order_id} gav et 1:1-spørgsmål til kandidatens jobkonsulent "
    "({count} i alt). Én svarer Ja, en anden Nej: den næste kandidat kommer på listen, og kortet i kanalen "
    "opdateres på stedet."
)
DEMO_QUESTIONS_HIDDEN = "… og {count} spørgsmål mere til jobkonsulenterne (vises ikke her)."
DEMO_STEP_ESCALATION = "Eskalering: ingen har besluttet"
DEMO_STEP_ESCALATION_TEXT = (
    "Tirsdag, 16 arbejdstimer efter shortlisterne blev postet (weekenden tæller ikke), venter der stadig "
    "kandidater på en beslutning: lederen får besked 1:1, og kanalen får en linje. Spørgsmål uden svar "
    "står nu som 'ikke svaret' på kortene."
)
DEMO_ESCALATIONS_SENT = "Eskaleringer sendt: {count}."


# --- the lead's week: uge (issue 11.7) --------------------------------------------------------------

CMD_UGE = "ugens overblik: alle åbne jobordrer efter frist, og hvor hver enkelt står (overskredne først)"
USAGE_UGE = "uge"
CARD_WEEK_TITLE = "Ugens jobordrer"
CARD_WEEK_SUBTITLE = "Uge {week} · {count} åbne jobordrer, {overdue} med overskredet frist"
CARD_WEEK_EMPTY = "Der er ingen åbne jobordrer."
CARD_WEEK_HEAD = "**{job_order_id}** · {title}"
CARD_WEEK_DEADLINE = "Frist {deadline}"
CARD_WEEK_OVERDUE = "Frist {deadline} (overskredet)"
CARD_WEEK_NO_DEADLINE = "Ingen frist"
CARD_WEEK_FILLED = "Besat {filled}/{positions}"
# Where a job order is stuck (bot.domain.week.Stuck), with how many stand there.
CARD_WEEK_STUCK = {
    "samtale": "Jobsamtale ({n})",
    "konsulent": "Afventer jobkonsulent ({n})",
    "interesse": "Afventer svar om interesse ({n})",
    "beslutning": "Afventer beslutning ({n})",
    "intet": "Ingen kandidater i gang",
}
CARD_WEEK_LINE = "{deadline} · {stuck} · {filled}"
# Interest before review (issue 11.4): candidates whose consultant has not answered "Er kandidaten
# interesseret?" yet, per job order, oldest question first.
CARD_WEEK_INTEREST_TITLE = "Afventer jobkonsulentens svar: Er kandidaten interesseret?"
CARD_WEEK_INTEREST_HEAD = "**{job_order_id}** · {n} uden svar"
CARD_WEEK_INTEREST_ITEM = "{candidate_id} ({consultant}, spurgt {asked})"
CARD_WEEK_INTEREST_NO_CONSULTANT = "ingen jobkonsulent"
CARD_WEEK_INTEREST_MORE = "og {n} flere"

# --- cards that read well in every client (issue 14): placeholders, dates, notices, lists -----------
# Command placeholders are written «jobordre»: Teams and Web Chat drop "<jobordre>" as an HTML tag.
CARD_DATE_PLACEHOLDER = "Vælg dato"  # Input.Date: else the client's own English "Select a date..."
CARD_TIME_PLACEHOLDER = "Vælg tidspunkt"
CARD_DATE_SHORT = "%d.%m.%y"  # strftime: "11.12.26", where a full year would not fit (lists)
WELCOME_GROUP = (
    "Hej! Jeg er Matchbot for den tværgående matchenhed. Skriv **hjælp** for at se, hvad jeg kan; "
    "shortlister for nye jobordrer lægger jeg i matchenhedens kanal."
)
CARD_DATE_INTERVIEW = "Jobsamtale {day}"
CARD_DATE_INTERVIEW_AT = "Jobsamtale {day} kl. {time}"
CARD_DATE_START = "Start {day}"
CARD_DATE_CHECK = "3-måneders-tjek fra {day}"
CARD_TIME = "%H:%M"
CARD_STATUS_TIME = "Tidspunkt for jobsamtalen (valgfrit)"
BAD_TIME = "'{value}' er ikke et tidspunkt. Skriv det som TT:MM, fx 10:30."
CARD_JOB_LIST_ITEM = "{job_order_id} · {title} · {company}"
CARD_JOB_LIST_COUNTS = "{deadline} · {waiting} til beslutning · {in_progress} i gang · {hired} ansat/startet"
CARD_JOB_LIST_DEADLINE = "Frist {deadline}"
CARD_JOB_LIST_DEADLINE_EXPIRED = "Frist {deadline} (udløbet)"
CARD_JOB_LIST_NO_DEADLINE = "Ingen frist"
CARD_REPORT_COUNTS = (
    "{hired} ansat/startet · {in_job} i job el. uddannelse · {stopped} ikke i job/uddannelse · "
    "{waiting} tjek mangler"
)
CARD_REPORT_SHARE = "Andel i job el. uddannelse i 3. måned: {share} · {reference}: {reference_share}"
CARD_HANDOVER_WAITING = (
    "{count} venter, fordi jobkonsulenten ikke kan nås i Teams endnu (de sendes, så snart jobkonsulenten "
    "åbner Matchbot)."
)

# --- confirming irreversible steps (issue 14.4) ------------------------------------------------------

CONFIRM_STEP = (
    "Bekræft: {candidate_id} på {job_order_id} sættes til **{label}**{date}. Det kan ikke fortrydes."
)
CONFIRM_STEP_DATE = " ({date})"
CONFIRM_BUTTON = "Bekræft: {label}"
CONFIRM_CANCEL = "Fortryd"
CONFIRM_CANCELLED = "Intet er ændret."


# --- Agents Playground try-out, continued (issue 14: `matchbot serve --sample-data --now …`) ---

CLI_HELP_SERVE_NOW = (
    "kun med --sample-data: bottens ur starter på dette tidspunkt (ÅÅÅÅ-MM-DDTTT:MM med tidszone), "
    "så eksempeljobordrerne er åbne som på den dag"
)
SERVE_NOW_NEEDS_SAMPLE_DATA = "--now bruges kun sammen med --sample-data (lokal afprøvning og browsertests)."
CLI_BAD_MOMENT = "ugyldigt tidspunkt: {value} (brug fx 2026-12-04T09:00+01:00)"


# KEH's card (bot/ui/cards/keh.py) and its buttons (bot/features/keh.py).
KEH_CARD_TITLE = "Jobordre {job_order_id}: {title}"
KEH_FACT_COMPANY = "Virksomhed"
KEH_FACT_STATUS = "Status"
KEH_FACT_FILLED = "Besat"
KEH_FILLED_OF = "{filled} af {of}"
KEH_FACT_CONTACT_ROLE = "Kontakt hos virksomheden"
KEH_FACT_DEADLINE = "Ansøgningsfrist"
KEH_CARD_NO_SHORTLIST = "Matchenheden har endnu ikke lavet en shortliste."
KEH_CARD_PROGRESS = (
    "Shortliste: {proposed} foreslået · {approved} godkendt · {referred} henvist/ansøgt · "
    "{interview} til samtale · {hired} ansat"
)
KEH_CARD_REFERRED = "Kandidater hos virksomheden – hvad svarede virksomheden?"
KEH_CARD_CANDIDATE = "{candidate_id}: {label}"
KEH_CARD_START_LABEL = "Startdato (ved Ansat)"
KEH_CARD_REASON_LABEL = "Årsag (ved Afslag)"
KEH_CARD_REASON_PLACEHOLDER = "Vælg årsag"
KEH_CARD_FILLED_LABEL = "Antal besatte stillinger i alt"
KEH_CARD_CLOSED = "Jobordren er {status}. Tak for samarbejdet."
KEH_BUTTON_FILLED = "Besat"
KEH_BUTTON_CANCEL = "Annulleret"
KEH_BUTTON_MORE = "Ønsker flere kandidater"
KEH_BUTTON_HIRED = "Ansat"
KEH_BUTTON_REJECTED = "Afslag"
KEH_REJECTION_LABELS: dict[str, str] = {
    "kvalifikationer": "Kvalifikationer",
    "sprog": "Sprog",
    "erfaring": "Erfaring",
    "kemi": "Kemi",
    "stillingen_besat": "Stillingen er besat",
    "andet": "Andet",
}
KEH_REJECTION_REASON = "Virksomhedens afslag (via KEH): {reason}"
KEH_NOTE_FILLED = "Besat: {filled} af {of} – meldt af {actor} {when}"
KEH_NOTE_CANCELLED = "Annulleret – meldt af {actor} {when}"
KEH_NOTE_MORE = "Ønske om flere kandidater sendt til matchenheden {when}"
KEH_NOTE_HIRED = "{candidate_id} ansat – meldt af {actor} {when}"
KEH_NOTE_REJECTED = "{candidate_id}: afslag ({reason}) – meldt af {actor} {when}"
KEH_MORE_TO_CHANNEL = (
    "KEH ønsker flere kandidater til jobordre {job_order_id} ({title}): {filled} af {positions} besat. "
    "Skriv `match {job_order_id}` for en ny shortliste."
)
KEH_START_REQUIRED = "Vælg virksomhedens startdato for kandidaten, og tryk Ansat igen."
KEH_ONLY = "Kun KEH's virksomhedskonsulent på jobordren ({keh}) og matchenhedens ledere kan melde dette."


@_error_text.register
def _(err: errors.KehOnly) -> str:
    return KEH_ONLY.format(keh=err.keh)

# The demo's KEH step (bot/demo/run.py, issue 11).
DEMO_STEP_KEH = "Københavns Erhvervshus: fra jobordre til besat"
DEMO_STEP_KEH_TEXT = (
    "En ny jobordre med KEH's virksomhedskonsulent: hun får sit eget kort 1:1, der opdateres ved hvert "
    "skridt (shortliste, godkendt, henvist, samtale). Virksomheden ansætter kandidaten, hun trykker Ansat, "
    "og jobordren er besat – KEH's system får besked med en signeret webhook."
)
DEMO_KEH_STATE = "GET /api/jobordrer/{job_order_id}: {status} ({filled} af {positions} besat)"
# --- candidates busy on another job order (issue 10, item 5; config/cross_job_orders.toml) -----------

# On the shortlist card, first among the candidate's notes: where else the candidate is in progress.
CARD_BUSY_ELSEWHERE = "I gang med {job_order_id}: {label}"
CLI_FILTER_LABELS["optaget"] = "i gang på en anden jobordre"  # "exclude": left out, not marked


# --- the demo's forløb (issue 10, item 4) ------------------------------------------------------------

DEMO_STEP_FORLOEB = "En virksomhedspraktik er et forløb, ikke en ansættelse"
DEMO_STEP_FORLOEB_TEXT = (
    "Lederen godkender en kandidat til praktikken {job_order_id}. Efter samtalen tilbyder knapperne "
    "'Startet i forløb' – ikke 'Ansat' – og forløbet får en slutdato ud fra jobordrens varighed."
)
DEMO_STEP_FORLOEB_END = "Tre måneder efter praktikken: i job, i uddannelse eller hverken?"
DEMO_STEP_FORLOEB_END_TEXT = (
    "Forvaltningen måler forløb på andelen i job eller uddannelse 3 måneder efter forløbets afslutning; "
    "påmindelsen tilbyder netop de udfald."
)
