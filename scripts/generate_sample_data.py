#!/usr/bin/env python3
"""Generate Matchbot's synthetic sample data: a candidate pool, job orders and planted matches.

Why a generator and not a hand-written file: the quality test needs thousands of realistic profiles
plus a few *planted* candidates per job order that a consultant would clearly pick first (same
occupation in another spelling, passing every hard filter, near the workplace) and *traps* that look
right but fail exactly one hard filter. Writing those by hand would be unreviewable; a seeded
generator makes the data reproducible (same seed, same bytes) and explains itself.

All data is synthetic: no real people, pseudonymous ids ("K-7F3A9C"), consultants as initials-style
UPNs. Company names are invented; CVR numbers are random 8-digit numbers.

    python3 scripts/generate_sample_data.py            # writes data/ with the default seed
    python3 scripts/generate_sample_data.py --seed 7 --out /tmp/sample
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from a fresh clone
    sys.path.insert(0, str(REPO))

from matching.centres import centre_catalog  # noqa: E402
from matching.geo import postcodes  # noqa: E402
from matching.models import (  # noqa: E402
    AgeBand,
    Benefit,
    CandidateProfile,
    ClauseContract,
    EducationLevel,
    EmployerSector,
    EmploymentType,
    JobOrder,
    TargetGroup,
    certificate_label,
)
from matching.privacy import contains_cpr  # noqa: E402
from matching.schemes import default_schemes  # noqa: E402
from matching.taxonomy import Occupation, default_taxonomy  # noqa: E402

DEFAULT_SEED = 20261123
DEFAULT_CANDIDATES = 2400
TODAY = date(2026, 11, 23)

# Hard-filter names as the matching engine reports them (matching.results.FILTERS).
TRAP_FILTERS = (
    "inaktiv", "ydelse", "maalgruppe", "visitation", "alder", "uddannet", "certifikat", "timer", "afstand",
    "tilgaengelig",
)

NON_FLEX_BENEFITS = (
    Benefit.DAGPENGE,
    Benefit.KONTANTHJAELP_JOBPARAT,
    Benefit.UDDANNELSESHJAELP,
)


# --- job orders as companies write them ------------------------------------------------------


@dataclass(frozen=True)
class JobTemplate:
    """One job order plus what the generator needs to plant candidates for it."""

    occupation: str  # taxonomy id of the occupation the order is for
    title: str
    company: str
    employment_type: EmploymentType
    hours: int
    postcode: str
    description: str
    start: date
    deadline: date
    positions: int = 1
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    cvr: bool = True
    referral: bool = False
    clause: bool = False
    # Desired-title spellings of the planted candidates (the jobcentre's words, not the company's).
    planted: tuple[str, ...] = ()
    # Hard filters that planted look-alikes fail, one trap per entry.
    traps: tuple[str, ...] = ()
    # A forløb's length (virksomhedspraktik, løntilskud, nytteindsats, jobrotation).
    duration: int | None = None
    # Benefits of the planted candidates, one per entry (default: drawn among the job-ready).
    planted_benefits: tuple[Benefit, ...] = ()
    # An academic job order: planted candidates have a videregående uddannelse (Karrierecentret).
    academic: bool = False


E = EmploymentType
D = date

# Who employs (rapport måltal counts forløb and fleksjob per Københavns Kommune forvaltning; rapport
# resultater splits by sector): Københavns Kommune's workplaces by the forvaltning they belong to, other
# public employers, and everyone else private.
S = EmployerSector
SECTOR_BY_COMPANY: dict[str, EmployerSector] = {
    "Københavns Kommune, Beskæftigelses- og Integrationsforvaltningen": S.BIF,
    "Københavns Kommune, Børne- og Ungdomsforvaltningen": S.BUF,
    "Københavns Kommune, Børnehuset Fælledhaven": S.BUF,
    "Københavns Kommune, Borgerservice Amager": S.KFF,  # Borgerservice is Kultur- og Fritid's
    "Københavns Kommune, Hjemmeplejen Amager": S.SUF,
    "Københavns Kommune, Hjemmesygeplejen Valby": S.SUF,
    "Københavns Kommune, Plejecenter Sundholm": S.SUF,
    "Københavns Kommune, Sundheds- og Omsorgsforvaltningen": S.SUF,
    "Københavns Kommune, Teknik- og Miljøforvaltningen": S.TMF,
    "Københavns Kommune, Økonomiforvaltningen": S.OEKF,
    "Københavns Ejendomme og Indkøb": S.OEKF,  # KEID is part of Økonomiforvaltningen
    "Region Hovedstaden, Bispebjerg Hospital": S.OFFENTLIG_ANDEN,
    "Region Hovedstaden, Amager og Hvidovre Hospital": S.OFFENTLIG_ANDEN,
}
# The municipal contracts behind the clause job orders (synthetic ids; rapport klausuler counts
# required against filled positions per contract).
CONTRACT_BY_COMPANY: dict[str, ClauseContract] = {
    "Sjællands Byg A/S": ClauseContract(id="BYK-2025-031", forvaltning=S.OEKF, required_positions=6),
    "Nordvest Entreprise A/S": ClauseContract(id="BYK-2026-012", forvaltning=S.OEKF, required_positions=4),
    "Grøn Anlæg Entreprise A/S": ClauseContract(id="TMF-2026-004", forvaltning=S.TMF, required_positions=5),
}

JOBS: tuple[JobTemplate, ...] = (
    JobTemplate(
        "lagermedarbejder", "Lagerarbejdere til travlt lager i Brøndby", "Vestegnens Distribution ApS",
        E.ORDINAERT_JOB, 37, "2605",
        "Vi har travlt op til jul og i det nye år og søger 4 lagerarbejdere til plukning og pakning af "
        "ordrer til dagligvarebutikker på Sjælland. Arbejdet foregår i dagholdet kl. 6–14 med håndscanner "
        "og truck. Du skal have gyldigt truckcertifikat og kunne løfte tungt.",
        D(2027, 1, 4), D(2026, 12, 11), positions=4,
        skills=("plukning", "håndscanner", "kørsel med truck"), certificates=("truckcertifikat",),
        languages=("dansk",), planted=("Lagermedarbejder", "Lagerassistent", "Warehouse worker"),
        traps=("certifikat", "afstand"),
    ),
    JobTemplate(
        "sosu_hjaelper", "SOSU-hjælpere til hjemmeplejen", "Københavns Kommune, Hjemmeplejen Amager",
        E.ORDINAERT_JOB, 32, "2300",
        "Hjemmeplejen Amager søger social- og sundhedshjælpere til dag- og aftenvagter. Du hjælper "
        "borgere med personlig pleje og praktiske opgaver og dokumenterer i omsorgssystemet. Vi kører på "
        "el-cykel i området. Du skal tale og skrive dansk.",
        D(2027, 1, 2), D(2026, 12, 7), positions=3, cvr=False,
        skills=("personlig pleje", "forflytning", "dokumentation"), languages=("dansk",),
        planted=("Social- og sundhedshjælper", "SOSU hjælper", "SSH"), traps=("inaktiv", "ydelse"),
    ),
    JobTemplate(
        "rengoeringsassistent", "Rengøringsmedarbejder (m/k) søges", "Nordvest Erhvervsrengøring ApS",
        E.ORDINAERT_JOB, 25, "2400",
        "Til kontorrengøring i Nordvest søger vi en stabil rengøringsmedarbejder i tidsrummet kl. 6–11 "
        "på hverdage. Du arbejder selvstændigt med daglig rengøring, gulvvask og affaldshåndtering. "
        "Erfaring med maskinrengøring er et plus.",
        D(2026, 12, 14), D(2026, 12, 4), positions=2, referral=True,
        skills=("daglig rengøring", "gulvvask", "maskinrengøring"),
        planted=("Rengøringsassistent", "Rengøringshjælp", "Cleaner"), traps=("timer", "afstand"),
    ),
    JobTemplate(
        "pakkerimedarbejder", "Pakkeri medarbejdere", "Avedøre Fresh Pack A/S",
        E.ORDINAERT_JOB, 37, "2650",
        "Vi pakker frugt og grønt til supermarkeder og søger 6 pakkerimedarbejdere til dag- og aftenhold. "
        "Du pakker, vejer og mærker varer og laver kvalitetskontrol. Arbejdet foregår på køl (5 grader).",
        D(2027, 1, 11), D(2026, 12, 18), positions=6,
        skills=("pakning", "kvalitetskontrol", "skifteholdsarbejde"), languages=("engelsk",),
        planted=("Pakkerimedarbejder", "Pakker", "Packer"), traps=("tilgaengelig",),
    ),
    JobTemplate(
        "lastbilchauffoer", "Chauffør kat. C til distribution i Storkøbenhavn",
        "Hvidovre Vognmandsforretning ApS",
        E.ORDINAERT_JOB, 37, "2650",
        "Vi søger en chauffør med kørekort kat. C og gyldigt kvalifikationsbevis til distribution af "
        "byggematerialer i Storkøbenhavn. Bilen har kran og lift. Du møder kl. 6 og har fast rute med "
        "kundekontakt ved aflevering.",
        D(2027, 1, 4), D(2026, 12, 11), positions=2,
        skills=("distribution", "kundekontakt", "læsning og losning"),
        certificates=("koerekort_c", "kvalifikationsbevis"), languages=("dansk",),
        planted=("Lastbilchauffør", "Lastvognschauffør", "C-chauffør"), traps=("certifikat", "ydelse"),
    ),
    JobTemplate(
        "buschauffoer", "Buschauffører til bybusser i København (kat. D)", "Hovedstadens Bybusser A/S",
        E.ORDINAERT_JOB, 37, "2500",
        "Vi kører bybusser for Movia og søger buschauffører med kørekort kat. D og kvalifikationsbevis. "
        "Du får grundig introduktion til ruterne og arbejder i skiftende vagter, også weekend.",
        D(2027, 2, 1), D(2027, 1, 8), positions=10,
        skills=("kundeservice", "sikker kørsel"), certificates=("koerekort_d", "kvalifikationsbevis"),
        languages=("dansk",), planted=("Buschauffør", "Bus driver", "Chauffør kat. D"),
        traps=("certifikat",),
    ),
    JobTemplate(
        "koekkenmedhjaelper", "Køkkenmedhjælpere til kantine i Ørestad", "Ørestad Kantineservice ApS",
        E.ORDINAERT_JOB, 30, "2300",
        "Vores kantine laver frokost til 600 medarbejdere hver dag. Vi søger to køkkenmedhjælpere til "
        "madforberedelse, salatbar, opvask og rengøring af køkkenet. Du skal have hygiejnebevis.",
        D(2027, 1, 4), D(2026, 12, 9), positions=2,
        skills=("madforberedelse", "opvask", "hygiejne"), certificates=("hygiejnebevis",),
        planted=("Køkkenassistent", "Køkkenhjælper", "Kitchen assistant"), traps=("certifikat",),
    ),
    JobTemplate(
        "opvasker", "Dishwasher / Opvasker til travl restaurant i Indre By", "Restaurant Kanalkroen ApS",
        E.ORDINAERT_JOB, 20, "1050",
        "We are looking for a dishwasher for evenings Thursday–Saturday. Du holder styr på opvasken, "
        "hjælper køkkenet med enkel madforberedelse og rengøring. Engelsk er arbejdssproget.",
        D(2026, 12, 7), D(2026, 12, 1),
        skills=("opvask", "opvaskemaskine", "rengøring"), languages=("engelsk",),
        planted=("Opvaskemedarbejder", "Kitchen porter", "Opvaskeassistent"), traps=("afstand",),
    ),
    JobTemplate(
        "tjener", "Serveringsmedarbejdere til weekendvagter – få timer", "Kongens Have Selskaber ApS",
        E.SMAAJOB, 8, "1307",
        "Til selskaber og julefrokoster søger vi serveringsmedarbejdere til fredag- og lørdagsaftener, "
        "ca. 8 timer om ugen. Du serverer, rydder af og hjælper i baren. Et godt første skridt på "
        "arbejdsmarkedet — vi lærer dig op.",
        D(2026, 12, 4), D(2026, 12, 1), positions=4,
        skills=("servering", "kundeservice"), languages=("dansk",),
        planted=("Tjener", "Servitrice", "Waiter"), traps=("ydelse",),
    ),
    JobTemplate(
        "stuepige", "Housekeeping / Stuepiger til hotel på Vesterbro", "Hotel Vesterbro Park A/S",
        E.ORDINAERT_JOB, 30, "1620",
        "Hotellet har 220 værelser og søger stuepiger/roomattendants til værelsesrengøring og "
        "sengeredning. Arbejdstid kl. 8–14, også weekend. Vi lærer dig vores standarder.",
        D(2027, 1, 4), D(2026, 12, 10), positions=3,
        skills=("værelsesrengøring", "sengeredning", "hygiejne"),
        planted=("Hotelrengøring", "Room attendant", "Værelsespige"), traps=("afstand", "inaktiv"),
    ),
    JobTemplate(
        "receptionist", "Receptionist til hotel i Kødbyen (engelsk er et krav)", "Kødbyen Hotel ApS",
        E.LOENTILSKUD_PRIVAT, 37, "1799",
        "Løntilskudsstilling i 6 måneder med mulighed for fast ansættelse. Du tager imod gæster, "
        "håndterer booking i Opera og besvarer telefon og mails på dansk og engelsk.",
        D(2027, 1, 11), D(2026, 12, 14), duration=26,
        skills=("kundeservice", "booking", "telefonpasning"), languages=("dansk", "engelsk"),
        planted=("Hotelreceptionist", "Receptionsmedarbejder", "Front desk agent"), traps=("ydelse",),
    ),
    JobTemplate(
        "butiksassistent", "Butiksmedarbejdere til supermarked på Nørrebro", "Nørrebro Dagligvarer ApS",
        E.ORDINAERT_JOB, 25, "2200",
        "Vi søger butiksmedarbejdere til kasse og varepåfyldning i vores supermarked på Nørrebrogade. "
        "Vagter i dagtimerne og weekend. Du er serviceminded og kan arbejde i tempo.",
        D(2026, 12, 14), D(2026, 12, 2), positions=2, referral=True,
        skills=("kasse", "varepåfyldning", "kundeservice"), languages=("dansk",),
        planted=("Butiksassistent", "Ekspedient", "Butiksmedhjælper"),
        traps=("ydelse", "inaktiv", "maalgruppe"),
    ),
    JobTemplate(
        "kassemedarbejder", "Kasseassistent søges til weekend", "Vanløse Supermarked ApS",
        E.SMAAJOB, 10, "2720",
        "Småjob på ca. 10 timer om ugen lørdag og søndag i kassen. Passer til dig, der gerne vil i gang "
        "med få timer. Oplæring i kasseapparat og betalingsterminal.",
        D(2026, 12, 5), D(2026, 12, 1),
        skills=("kasse", "betalingsterminal", "kundeservice"),
        planted=("Kassemedarbejder", "Kassedame", "Cashier"), traps=("timer",),
    ),
    JobTemplate(
        "varepaafylder", "Natopfyldere til varehus i Hvidovre", "Varehuset Hvidovre A/S",
        E.ORDINAERT_JOB, 30, "2650",
        "Vi fylder op om natten (kl. 22–04) og søger natopfyldere til dagligvarer og frost. Du arbejder "
        "med håndscanner, datokontrol og palleløfter.",
        D(2027, 1, 4), D(2026, 12, 15), positions=3,
        skills=("varepåfyldning", "datokontrol", "håndscanner"),
        planted=("Varepåfylder", "Opfylder", "Shelf stacker"),
    ),
    JobTemplate(
        "toemrer", "Tømrere til renovering af almene boliger (beskæftigelsesklausul)", "Sjællands Byg A/S",
        E.LOENTILSKUD_PRIVAT, 37, "2450",
        "Renoveringen af 300 almene boliger i Sydhavnen for Københavns Kommune har en "
        "beskæftigelsesklausul. Vi ansætter tømrere i løntilskud til udskiftning af vinduer og "
        "indvendig renovering. Sikkerhedskort til byggepladsen er et krav.",
        D(2027, 2, 1), D(2027, 1, 11), positions=2, clause=True, duration=26,
        skills=("tømrerarbejde", "montage", "renovering"), certificates=("sikkerhedskursus_bygge",),
        languages=("dansk",), planted=("Tømrer", "Tømrersvend", "Carpenter"), traps=("certifikat",),
    ),
    JobTemplate(
        "byggearbejder", "Byggepladsarbejdere til Københavns Kommunes skolebyggeri – beskæftigelsesklausul",
        "Nordvest Entreprise A/S",
        E.VIRKSOMHEDSPRAKTIK, 37, "2700",
        "Entreprisen på den nye skole i Brønshøj har en beskæftigelsesklausul. Vi tilbyder "
        "virksomhedspraktik i 8 uger med oprydning, materialehåndtering og hjælp til håndværkerne — "
        "med mulighed for ansættelse bagefter.",
        D(2027, 1, 11), D(2026, 12, 18), positions=3, clause=True, duration=8,
        skills=("oprydning", "tunge løft", "håndværktøj"),
        planted=("Byggearbejder", "Bygningsarbejder", "Construction worker"), traps=("afstand",),
    ),
    JobTemplate(
        "stilladsarbejder", "Stilladsmontører til byggeri i Nordhavn", "Havnens Stilladser ApS",
        E.ORDINAERT_JOB, 37, "2150",
        "Vi opstiller og nedtager stilladser på boligbyggeri i Nordhavn og søger stilladsmontører med "
        "stilladskursus. Du arbejder i højden i alt slags vejr i et fast sjak.",
        D(2027, 1, 4), D(2026, 12, 11), positions=2,
        skills=("arbejde i højden", "stilladsmontage", "tunge løft"), certificates=("stilladscertifikat",),
        planted=("Stilladsarbejder", "Scaffolder", "Stilladsmand"), traps=("certifikat",),
    ),
    JobTemplate(
        "anlaegsarbejder", "Anlægsarbejdere til klimatilpasning – Københavns Kommune (beskæftigelsesklausul)",
        "Grøn Anlæg Entreprise A/S",
        E.LOENTILSKUD_PRIVAT, 37, "2300",
        "Klimatilpasningsprojektet på Amager skal ansætte ledige i løntilskud efter kontraktens "
        "beskæftigelsesklausul. Opgaverne er jordarbejde, ledningsarbejde og belægning. "
        "Sikkerhedskort er et krav.",
        D(2027, 2, 1), D(2027, 1, 15), positions=2, clause=True, duration=26,
        skills=("jordarbejde", "ledningsarbejde", "håndværktøj"), certificates=("sikkerhedskursus_bygge",),
        planted=("Anlægsarbejder", "Anlægsstruktør", "Groundworker"), traps=("certifikat",),
    ),
    JobTemplate(
        "jord_og_betonarbejder", "Jord- og betonarbejdere", "Kastrup Beton & Anlæg ApS",
        E.ORDINAERT_JOB, 37, "2770",
        "Til udvidelsen af et logistikcenter ved lufthavnen søger vi jord- og betonarbejdere til "
        "forskalling, armering og støbning. Erfaring fra byggeplads er et krav.",
        D(2027, 2, 1), D(2027, 1, 11), positions=3,
        skills=("støbning", "forskalling", "armering"), certificates=("sikkerhedskursus_bygge",),
        planted=("Betonarbejder", "Struktør", "Jordarbejder"),
    ),
    JobTemplate(
        "maler", "Malervikar (jobrotation)", "Københavns Ejendomme og Indkøb",
        E.JOBROTATION, 37, "2400",
        "Mens vores egne malere er på AMU-kursus, søger vi en malervikar i jobrotation i 3 måneder til "
        "vedligehold af skoler og institutioner: spartling, maling og afdækning.",
        D(2027, 1, 11), D(2026, 12, 16), cvr=False, duration=13,
        skills=("maling", "spartling", "afdækning"),
        planted=("Bygningsmaler", "Malersvend", "Painter"),
    ),
    JobTemplate(
        "paedagogmedhjaelper", "Pædagogmedhjælpere til børnehave på Østerbro",
        "Københavns Kommune, Børnehuset Fælledhaven",
        E.ORDINAERT_JOB, 30, "2100",
        "Vi er en integreret institution med 80 børn og søger to pædagogmedhjælpere til børnehavegruppen. "
        "Du er nærværende, glad for leg og læring og samarbejder godt med forældrene. Børneattest "
        "indhentes.",
        D(2027, 1, 2), D(2026, 12, 4), positions=2, cvr=False,
        skills=("leg og læring", "omsorg", "samarbejde med forældre"), certificates=("boerneattest",),
        languages=("dansk",), planted=("Pædagogisk medhjælper", "Børnehavemedhjælper", "Childcare assistant"),
        traps=("inaktiv", "certifikat"),
    ),
    JobTemplate(
        "paedagogisk_assistent", "PAU-elever (voksenlærling) til daginstitutioner i Valby",
        "Københavns Kommune, Børne- og Ungdomsforvaltningen",
        E.VOKSENLAERLING, 37, "2500",
        "Vil du uddanne dig til pædagogisk assistent som voksenlærling? Vi har 4 elevpladser i Valbys "
        "daginstitutioner med start i februar. Du skal have erfaring fra arbejde med børn.",
        D(2027, 2, 1), D(2026, 12, 18), positions=4, cvr=False,
        skills=("pædagogisk arbejde", "omsorg"), certificates=("boerneattest",), languages=("dansk",),
        planted=("Pædagogisk assistent", "Pædagogisk assistentelev", "Pædagogassistent"),
    ),
    JobTemplate(
        "sosu_elev", "Social- og sundhedsassistentelever (voksenlærlinge)",
        "Københavns Kommune, Sundheds- og Omsorgsforvaltningen",
        E.VOKSENLAERLING, 37, "2400",
        "Vi optager voksenlærlinge på social- og sundhedsassistentuddannelsen med start i februar. "
        "Du har erfaring fra ældreplejen og vil gerne have en uddannelse med løn.",
        D(2027, 2, 8), D(2027, 1, 4), positions=8, cvr=False,
        skills=("personlig pleje", "dokumentation"), languages=("dansk",),
        planted=("SOSU-elev", "Social- og sundhedselev", "SOSU-assistentelev"), traps=("ydelse",),
    ),
    JobTemplate(
        "vagt", "Vagter til butikscenter i Ørestad", "Sikring Øst A/S",
        E.ORDINAERT_JOB, 37, "2300",
        "Vi søger vagter til et stort butikscenter: adgangskontrol, rundering og hjælp til kunder og "
        "butikker. Du skal have vagtcertifikat og ren straffeattest.",
        D(2027, 1, 4), D(2026, 12, 11), positions=3,
        skills=("adgangskontrol", "rundering", "konfliktnedtrapning"),
        certificates=("vagtcertifikat", "straffeattest"), languages=("dansk",),
        planted=("Sikkerhedsvagt", "Vagtfunktionær", "Security guard"), traps=("certifikat",),
    ),
    JobTemplate(
        "lufthavnssikkerhed", "Security Officers til Københavns Lufthavn",
        "Lufthavnens Sikkerhedsservice A/S",
        E.ORDINAERT_JOB, 30, "2770",
        "Som security officer screener du passagerer og bagage i lufthavnens sikkerhedskontrol. Du "
        "gennemgår et betalt kursus og skal have ren straffeattest. Skiftende vagter, dansk og engelsk.",
        D(2027, 2, 1), D(2026, 12, 18), positions=15,
        skills=("screening", "kundeservice", "engelsk"), certificates=("straffeattest",),
        languages=("dansk", "engelsk"),
        planted=("Security officer (lufthavn)", "Sikkerhedskontrollør", "Airport security officer"),
        traps=("afstand",),
    ),
    JobTemplate(
        "doermand", "Dørmænd til natklub i Indre By – weekender", "Natklubben Gothersgade ApS",
        E.SMAAJOB, 12, "1123",
        "Vi søger dørmænd fredag og lørdag nat, ca. 12 timer om ugen. Du skal have dørmandsbevis og "
        "være rolig og god til at nedtrappe konflikter.",
        D(2026, 12, 4), D(2026, 12, 1), positions=2,
        skills=("konfliktnedtrapning", "adgangskontrol"), certificates=("doermandsbevis",),
        planted=("Dørmand", "Dørvagt", "Doorman"), traps=("certifikat",),
    ),
    JobTemplate(
        "produktionsmedarbejder", "Produktionsmedarbejdere til fødevarevirksomhed i Glostrup (skiftehold)",
        "Glostrup Fødevarer A/S",
        E.ORDINAERT_JOB, 37, "2600",
        "Vi producerer færdigretter og søger produktionsmedarbejdere til 2-holdsskift. Du betjener "
        "maskiner på pakkelinjen og laver kvalitetskontrol. Hygiejnebevis er en fordel.",
        D(2027, 1, 4), D(2026, 12, 14), positions=5,
        skills=("maskinbetjening", "kvalitetskontrol", "skifteholdsarbejde"),
        planted=("Produktionsarbejder", "Fabriksarbejder", "Production worker"), traps=("ydelse",),
    ),
    JobTemplate(
        "maskinoperatoer", "Maskinoperatør til emballageproduktion", "Albertslund Emballage A/S",
        E.LOENTILSKUD_PRIVAT, 37, "2620",
        "Løntilskud i 6 måneder som maskinoperatør på vores linjer til papemballage. Du lærer omstilling "
        "og fejlfinding og har ansvar for kvaliteten på dit skift.",
        D(2027, 1, 18), D(2026, 12, 18), duration=26,
        skills=("maskinbetjening", "omstilling", "fejlfinding"),
        planted=("Maskinoperator", "Machine operator", "Maskinpasser"),
    ),
    JobTemplate(
        "slagteriarbejder", "Slagterimedarbejdere til udskæring", "Kødbyens Engros A/S",
        E.ORDINAERT_JOB, 37, "1799",
        "Vi søger medarbejdere til udskæring og pakning af svinekød. Arbejdet foregår i kølerum på "
        "dagholdet. Erfaring med knivarbejde er en fordel, men vi oplærer også nye.",
        D(2027, 1, 11), D(2026, 12, 18), positions=4,
        skills=("udskæring", "knivarbejde", "hygiejne"), certificates=("hygiejnebevis",),
        planted=("Slagteriarbejder", "Kødudskærer", "Industrislagter"), traps=("afstand",),
    ),
    JobTemplate(
        "park_og_vejarbejder", "Park- og vejarbejdere (nytteindsats)",
        "Københavns Kommune, Teknik- og Miljøforvaltningen",
        E.NYTTEINDSATS, 25, "2450",
        "Nytteindsats i Park og Vej: renholdelse af parker og pladser, græsslåning og vintertjeneste "
        "sammen med kommunens faste vejmænd. 25 timer om ugen i 13 uger.",
        D(2026, 12, 7), D(2026, 12, 1), positions=6, cvr=False, duration=13,
        skills=("renholdelse", "græsslåning", "småmaskiner"),
        planted=("Parkarbejder", "Vejarbejder", "Park- og vejmedarbejder"), traps=("ydelse",),
    ),
    JobTemplate(
        "anlaegsgartner", "Anlægsgartnere til grønne byrum", "Søborg Have & Anlæg ApS",
        E.VIRKSOMHEDSPRAKTIK, 30, "2860",
        "Virksomhedspraktik i 4 uger hos anlægsgartner: beplantning, belægning og pleje af grønne "
        "områder. Praktikken kan føre til løntilskud eller ansættelse til foråret.",
        D(2027, 2, 1), D(2027, 1, 15), duration=4,
        skills=("beplantning", "belægning", "grønne områder"),
        planted=("Anlægsgartnerarbejder", "Landscaper", "Anlægsgartnermedhjælper"),
    ),
    JobTemplate(
        "kundeservicemedarbejder", "Kundeservicemedarbejdere med dansk og engelsk",
        "Frederiksberg Energi A/S",
        E.ORDINAERT_JOB, 37, "2000",
        "Du besvarer kundernes henvendelser om elregninger på telefon, mail og chat. Vi tilbyder 4 ugers "
        "oplæring. Du skal skrive og tale dansk og engelsk.",
        D(2027, 1, 4), D(2026, 12, 9), positions=4,
        skills=("kundeservice", "telefon", "mail og chat"), languages=("dansk", "engelsk"),
        planted=("Kundeserviceassistent", "Customer service agent", "Kunderådgiver"),
        traps=("tilgaengelig",),
    ),
    JobTemplate(
        "callcentermedarbejder", "Call center medarbejder i fleksjob (15 timer)", "Amager Kontaktcenter ApS",
        E.FLEKSJOB, 15, "2300",
        "Fleksjob på 15 timer om ugen med udgående opkald og mødebooking. Du tilrettelægger selv "
        "timerne inden for kl. 9–16. Rolige rammer og hæve-sænkebord.",
        D(2027, 1, 4), D(2026, 12, 11),
        skills=("telefon", "kundeservice", "CRM"), languages=("dansk",),
        planted=("Callcentermedarbejder", "Kontaktcentermedarbejder", "Telefonmedarbejder"),
        traps=("visitation", "timer"),
    ),
    JobTemplate(
        "kontorassistent", "Kontormedarbejder i fleksjob", "Københavns Kommune, Økonomiforvaltningen",
        E.FLEKSJOB, 12, "1550",
        "Fleksjob på 12 timer om ugen med journalisering, scanning og telefonpasning i en rolig "
        "administrativ enhed på Rådhuset.",
        D(2027, 1, 11), D(2026, 12, 16), cvr=False,
        skills=("journalisering", "telefonpasning", "Office-pakken"), languages=("dansk",),
        planted=("Kontorassistent", "Administrativ medarbejder", "Kontorfunktionær"), traps=("visitation",),
    ),
    JobTemplate(
        "handicaphjaelper", "Handicaphjælper i fleksjob 20 timer", "BPA Hovedstaden ApS",
        E.FLEKSJOB, 20, "2200",
        "En ung mand med muskelsvind på Nørrebro søger en handicaphjælper i fleksjob til praktisk "
        "hjælp og personlig pleje i dagtimerne.",
        D(2027, 1, 4), D(2026, 12, 11),
        skills=("personlig pleje", "praktisk hjælp"),
        planted=("Personlig hjælper", "BPA-hjælper", "Handicapassistent"),
    ),
    JobTemplate(
        "it_supporter", "IT-supportere til servicedesk", "Østerbro IT Service A/S",
        E.ORDINAERT_JOB, 37, "2100",
        "Vi driver servicedesk for flere kommuner og søger IT-supportere til 1st level support: "
        "brugeradministration, Office 365 og fejlfinding på telefon og fjernsupport.",
        D(2027, 1, 4), D(2026, 12, 11), positions=2,
        skills=("brugeradministration", "Office 365", "fejlfinding"), languages=("dansk", "engelsk"),
        planted=("Helpdeskmedarbejder", "Service desk agent", "IT-supportmedarbejder"),
    ),
    JobTemplate(
        "portoer", "Portører til hospital i Nordvest", "Region Hovedstaden, Bispebjerg Hospital",
        E.LOENTILSKUD_OFFENTLIG, 37, "2400",
        "Løntilskud i 4 måneder i portørtjenesten: patienttransport, forflytning og levering af prøver "
        "og udstyr. Skiftende vagter.",
        D(2027, 1, 11), D(2026, 12, 14), positions=2, cvr=False, duration=17,
        skills=("patienttransport", "forflytning", "kundeservice"), languages=("dansk",),
        planted=("Hospitalsportør", "Patientportør", "Sygehusportør"), traps=("ydelse",),
    ),
    JobTemplate(
        "hospitalsserviceassistent", "Hospitalsserviceassistenter til Amager Hospital",
        "Region Hovedstaden, Amager og Hvidovre Hospital",
        E.VIRKSOMHEDSPRAKTIK, 30, "2300",
        "Virksomhedspraktik som serviceassistent: hospitalsrengøring, patientservice og forplejning på "
        "sengeafdelinger. Du får introduktion til hygiejne på hospital.",
        D(2027, 1, 4), D(2026, 12, 11), cvr=False, duration=4,
        skills=("hospitalsrengøring", "hygiejne", "patientservice"),
        planted=("Serviceassistent", "Hospitalsmedhjælper", "Serviceassistent på hospital"),
    ),
    JobTemplate(
        "budbringer", "Cykelbude til madlevering – vælg selv dine timer", "Byens Bude ApS",
        E.SMAAJOB, 8, "2200",
        "Lever mad på ladcykel eller el-cykel i København. Du vælger selv vagter; mindst 8 timer om ugen. "
        "Du skal kunne navigere med app.",
        D(2026, 12, 1), D(2026, 12, 1), positions=10,
        skills=("cykling", "lokalkendskab", "app"),
        planted=("Budbringer", "Cykelkurer", "Madbud"), traps=("inaktiv",),
    ),
    JobTemplate(
        "flyttemand", "Flyttemænd til flyttefirma", "Hvidovre Flytteforretning ApS",
        E.ORDINAERT_JOB, 37, "2650",
        "Vi flytter private og virksomheder og søger flyttemænd med B-kørekort. Du bærer, pakker og "
        "monterer møbler og er god til at tale med kunderne.",
        D(2027, 1, 4), D(2026, 12, 11), positions=2,
        skills=("tunge løft", "emballering", "kundeservice"), certificates=("koerekort_b",),
        planted=("Flyttearbejder", "Flyttehjælper", "Mover"), traps=("certifikat",),
    ),
    JobTemplate(
        "varebilschauffoer", "Pakkeudbringere med B-kørekort", "Citypakke Logistik ApS",
        E.ORDINAERT_JOB, 37, "2605",
        "Du kører pakker ud i Storkøbenhavn i varebil med fast rute. Mødetid kl. 7 på terminalen i "
        "Brøndby. Vi bruger håndscanner og app til ruteplanlægning.",
        D(2027, 1, 4), D(2026, 12, 11), positions=5,
        skills=("pakkeudbringning", "håndscanner", "ruteplanlægning"), certificates=("koerekort_b",),
        languages=("dansk",), planted=("Varebilschauffør", "Kurerchauffør", "Delivery driver"),
        traps=("certifikat", "afstand"),
    ),
    JobTemplate(
        "sygeplejerske", "Sygeplejersker til hjemmesygeplejen", "Københavns Kommune, Hjemmesygeplejen Valby",
        E.ORDINAERT_JOB, 37, "2500",
        "Hjemmesygeplejen i Valby søger sygeplejersker til dag- og aftenvagter. Du skal have dansk "
        "autorisation og kørekort B.",
        D(2027, 2, 1), D(2027, 1, 8), positions=2, cvr=False,
        skills=("sygepleje", "medicinhåndtering", "dokumentation"),
        certificates=("autorisation_sygeplejerske", "koerekort_b"), languages=("dansk",),
        planted=("Hjemmesygeplejerske", "Autoriseret sygeplejerske", "Nurse"), traps=("certifikat",),
    ),
    JobTemplate(
        "elektriker", "Elektrikerlærlinge (voksenlærling)", "Hvidovre El-service ApS",
        E.VOKSENLAERLING, 37, "2650",
        "Vi tager to voksenlærlinge i elektrikeruddannelsen. Du har erfaring fra byggeri eller "
        "installation og vil gerne have et svendebrev.",
        D(2027, 2, 1), D(2027, 1, 8), positions=2,
        skills=("elinstallation", "fejlfinding"),
        planted=("Elektriker", "Elmontør", "Electrician"), traps=("uddannet", "alder"),
    ),
    JobTemplate(
        "kok", "Kok til frokostrestaurant på Vesterbro", "Frokostkroen på Vesterbro ApS",
        E.ORDINAERT_JOB, 37, "1620",
        "Vi laver klassisk dansk frokost og smørrebrød og søger en kok til køkkenet i dagtimerne. "
        "Du skal have hygiejnebevis og erfaring med à la carte.",
        D(2027, 1, 4), D(2026, 12, 9),
        skills=("madlavning", "à la carte", "anretning"), certificates=("hygiejnebevis",),
        planted=("Restaurantkok", "Cook", "Uddannet kok"), traps=("certifikat",),
    ),
    JobTemplate(
        "rengoeringsassistent", "Rengøring – småjob på få timer om morgenen", "Amager Kontorservice ApS",
        E.SMAAJOB, 9, "2300",
        "Småjob: 3 morgener om ugen kl. 6–9 med kontorrengøring i Ørestad. Et godt sted at starte, hvis "
        "du gerne vil prøve kræfter med få timer.",
        D(2026, 12, 7), D(2026, 12, 1),
        skills=("daglig rengøring", "gulvvask"),
        planted=("Rengøringsassistent", "Rengøringsmedarbejder", "Rengøringshjælp"),
    ),
    JobTemplate(
        "lagermedarbejder", "Lagermedarbejder i jobrotation", "Brøndby Reservedelslager A/S",
        E.JOBROTATION, 37, "2605",
        "Mens to af vores faste medarbejdere er på truckkursus og AMU-uddannelse, ansætter vi en "
        "vikar i jobrotation i 12 uger til plukning, pakning og varemodtagelse.",
        D(2027, 1, 18), D(2026, 12, 18), duration=12,
        skills=("plukning", "varemodtagelse", "håndscanner"),
        planted=("Lagerarbejder", "Lagerhjælper", "Lagerekspedient"),
    ),
    JobTemplate(
        "sosu_assistent", "Social- og sundhedsassistent til plejecenter – løntilskud",
        "Københavns Kommune, Plejecenter Sundholm",
        E.LOENTILSKUD_OFFENTLIG, 32, "2300",
        "Løntilskud i 4 måneder på et plejecenter med 90 beboere. Du har ansvar for medicin, sårpleje "
        "og dokumentation i FSIII og skal have autorisation.",
        D(2027, 1, 4), D(2026, 12, 11), cvr=False, duration=17,
        skills=("medicinhåndtering", "sårpleje", "dokumentation"), certificates=("autorisation_sosu",),
        languages=("dansk",), planted=("SOSU-assistent", "Sygehjælper", "SSA"), traps=("certifikat",),
    ),
    # Academic and public-sector job orders (issue 10: ~40 % of Copenhagen's dagpenge recipients are
    # academics, and the unit fills the administration's own vacancies too).
    JobTemplate(
        "oekonom", "Økonomisk konsulent til Økonomiforvaltningen", "Københavns Kommune, Økonomiforvaltningen",
        E.ORDINAERT_JOB, 37, "1550",
        "Vi søger en økonom til budgetopfølgning og analyser af kommunens økonomi. Du har en "
        "samfundsvidenskabelig kandidatuddannelse og er stærk i Excel og formidling.",
        D(2027, 2, 1), D(2027, 1, 8), cvr=False, academic=True,
        skills=("budgetopfølgning", "analyse", "Excel"), languages=("dansk",),
        planted=("Cand.oecon.", "Økonomisk konsulent", "Controller"), traps=("tilgaengelig",),
    ),
    JobTemplate(
        "jurist", "Juridisk sagsbehandler i løntilskud – Beskæftigelses- og Integrationsforvaltningen",
        "Københavns Kommune, Beskæftigelses- og Integrationsforvaltningen",
        E.LOENTILSKUD_OFFENTLIG, 37, "1550",
        "Løntilskud i 4 måneder med klagesager og partshøringer i forvaltningens juridiske enhed. Du er "
        "cand.jur. og skriver et klart dansk.",
        D(2027, 1, 18), D(2026, 12, 18), cvr=False, academic=True, duration=17,
        skills=("forvaltningsret", "sagsbehandling", "skriftlig formidling"), languages=("dansk",),
        planted=("Cand.jur.", "Juridisk konsulent", "Juridisk medarbejder"), traps=("ydelse",),
    ),
    JobTemplate(
        "kommunikationsmedarbejder", "Kommunikationskonsulent (barselsvikariat) til boligorganisation",
        "Sundby Boligselskab", E.ORDINAERT_JOB, 37, "2300",
        "Barselsvikariat i 12 måneder: nyhedsbreve, hjemmeside og kommunikation til beboerne. Du har en "
        "videregående uddannelse i kommunikation eller journalistik.",
        D(2027, 1, 4), D(2026, 12, 11), academic=True,
        skills=("tekstforfatning", "web", "sociale medier"), languages=("dansk",),
        planted=("Kommunikationsmedarbejder", "Webredaktør", "Tekstforfatter"), traps=("afstand",),
    ),
    JobTemplate(
        "projektmedarbejder", "Projektkoordinator til klimaplanen – Teknik- og Miljøforvaltningen",
        "Københavns Kommune, Teknik- og Miljøforvaltningen",
        E.ORDINAERT_JOB, 37, "1550",
        "Du koordinerer projekter i klimaplanen med borgere, forsyningsselskaber og andre forvaltninger. "
        "Kandidatuddannelse og erfaring med projektstyring.",
        D(2027, 2, 1), D(2027, 1, 11), cvr=False, academic=True,
        skills=("projektstyring", "koordinering", "interessenthåndtering"), languages=("dansk", "engelsk"),
        planted=("Projektmedarbejder", "Projektleder", "Projektassistent"),
    ),
    JobTemplate(
        "webudvikler", "Udviklere til digitale selvbetjeningsløsninger", "Østerbro Digital ApS",
        E.ORDINAERT_JOB, 37, "2100",
        "Vi bygger selvbetjeningsløsninger til kommuner og søger udviklere med erfaring i Python eller "
        "C#. Arbejdssproget er dansk og engelsk.",
        D(2027, 1, 11), D(2026, 12, 14), positions=2, academic=True,
        skills=("Python", "webudvikling", "databaser"), languages=("engelsk",),
        planted=("Softwareudvikler", "Programmør", "Systemudvikler"),
    ),
    # A virksomhedspraktik where people on ledighedsydelse belong on the list (a step towards a
    # fleksjob): domain brief 2026-12.
    JobTemplate(
        "kontorassistent", "Virksomhedspraktik som kontorassistent – 12 timer om ugen",
        "Københavns Kommune, Borgerservice Amager", E.VIRKSOMHEDSPRAKTIK, 12, "2300",
        "Virksomhedspraktik i 6 uger med scanning, journalisering og telefonpasning i Borgerservice. "
        "Rolige rammer; praktikken kan være et skridt mod et fleksjob.",
        D(2027, 1, 11), D(2026, 12, 18), cvr=False, duration=6,
        skills=("journalisering", "scanning", "telefonpasning"), languages=("dansk",),
        planted=("Administrativ medarbejder", "Kontorfunktionær", "Kontormedarbejder"),
        planted_benefits=(Benefit.LEDIGHEDSYDELSE, Benefit.LEDIGHEDSYDELSE, Benefit.DAGPENGE),
        traps=("inaktiv",),
    ),
)


# --- geography and jobcentres ------------------------------------------------------------------

# Postcode -> weight for where candidates live: the City of Copenhagen only (config/centres.toml
# lists its postcodes; Frederiksberg and the suburbs are other municipalities' jobcentres).
HOME_WEIGHTS: dict[str, float] = {
    "2300": 14, "2200": 12, "2400": 13, "2450": 8, "2500": 9, "2700": 7, "2720": 5, "2100": 9,
    "2150": 1,
}
# Inner-city street postcodes (1050–1799) are spread over this weight.
INNER_CITY_WEIGHT = 10.0
KK_DOMAIN = centre_catalog().upn_domain
UNGECENTER = centre_catalog().by_kind("unge")[0]
KARRIERECENTRET = centre_catalog().by_kind("akademikere")[0]


def jobcenter_for(postcode: str, young: bool, academic: bool, rng: random.Random) -> tuple[str, str]:
    """(Jobcenter København's centre, UPN domain) for a candidate: under-30s mostly in the youth
    centre, academics over 30 in Karrierecentret, the others in the district centre of their home."""
    if young and rng.random() < 0.9:
        return UNGECENTER, KK_DOMAIN
    if academic and not young:
        return KARRIERECENTRET, KK_DOMAIN
    district = centre_catalog().district_for(postcode)
    if district is None:
        raise SystemExit(f"postnummer {postcode} ligger ikke i Københavns Kommune")
    return district, KK_DOMAIN


# --- candidate vocabulary --------------------------------------------------------------------

# Relative frequency of occupations among job-ready candidates (default 1).
OCCUPATION_WEIGHTS: dict[str, float] = {
    "lagermedarbejder": 14, "rengoeringsassistent": 12, "butiksassistent": 9, "sosu_hjaelper": 7,
    "koekkenmedhjaelper": 7, "produktionsmedarbejder": 7, "paedagogmedhjaelper": 7,
    "pakkerimedarbejder": 6, "byggearbejder": 6, "kontorassistent": 6, "kundeservicemedarbejder": 6,
    "chauffoer": 4, "varebilschauffoer": 4, "lastbilchauffoer": 4, "tjener": 4, "opvasker": 4,
    "vagt": 4, "stuepige": 3, "kassemedarbejder": 4, "salgsassistent": 4, "hjemmehjaelper": 4,
    "plejehjemsassistent": 3, "budbringer": 3, "callcentermedarbejder": 3, "kok": 3,
    "truckfoerer": 3, "plukker": 3, "receptionist": 3, "it_supporter": 3, "varepaafylder": 3,
    "anlaegsarbejder": 3, "park_og_vejarbejder": 3, "gartner": 2, "anlaegsgartner": 2, "maler": 2,
    "toemrer": 2, "buschauffoer": 2, "taxichauffoer": 2, "flyttemand": 2, "servicemedarbejder": 3,
    "sosu_assistent": 3, "bogholder": 2, "sekretaer": 2, "maskinoperatoer": 2, "slagteriarbejder": 1.5,
    "hospitalsserviceassistent": 2, "portoer": 1.5, "paedagog": 2, "laerervikar": 1.5,
    "undervisningsassistent": 1.5, "cafemedarbejder": 2, "barista": 2, "bartender": 2,
    "fastfoodmedarbejder": 2, "jord_og_betonarbejder": 1.5, "stilladsarbejder": 1.5,
    "handicaphjaelper": 1.5, "dagplejer": 1, "elektriker": 1.5, "mekaniker": 1.5,
}
EXTRA_LANGUAGES = (
    "arabisk", "tyrkisk", "polsk", "somali", "urdu", "farsi", "rumænsk", "litauisk", "spansk",
    "tigrinya", "ukrainsk", "kurdisk", "bosnisk", "tysk", "fransk", "svensk", "portugisisk",
)
GENERIC_SKILLS = (
    "kundeservice", "teamarbejde", "fleksibilitet", "selvstændigt arbejde", "skifteholdsarbejde",
    "it-kendskab", "mødestabilitet",
)


@dataclass
class Pool:
    """Jobcentres' consultants, drawn once per jobcentre so a consultant has many candidates."""

    rng: random.Random
    consultants: dict[str, list[str]] = field(default_factory=dict)
    used_upns: set[str] = field(default_factory=set)

    def consultant(self, jobcenter: str, domain: str) -> str:
        staff = self.consultants.get(jobcenter)
        if staff is None:
            size = 10 if domain == KK_DOMAIN else 3
            staff = [self._upn(domain) for _ in range(size)]
            self.consultants[jobcenter] = staff
        return self.rng.choice(staff)

    def _upn(self, domain: str) -> str:
        letters = "abcdefghijklmnoprstuvy"
        while True:
            initials = "".join(self.rng.choice(letters) for _ in range(self.rng.choice((2, 2, 3, 4))))
            upn = f"{initials}{self.rng.randint(10, 99)}@{domain}"
            if upn not in self.used_upns:
                self.used_upns.add(upn)
                return upn


class IdMaker:
    """Pseudonymous candidate ids: "K-" and six hex characters, at least two of them letters."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self) -> str:
        while True:
            body = "".join(self.rng.choice("0123456789ABCDEF") for _ in range(6))
            if sum(c.isalpha() for c in body) < 2:
                continue
            cid = f"K-{body}"
            if cid not in self.used and not contains_cpr(cid):
                self.used.add(cid)
                return cid


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


def home_postcode(rng: random.Random, inner_city: list[str]) -> str:
    if rng.random() < INNER_CITY_WEIGHT / (INNER_CITY_WEIGHT + sum(HOME_WEIGHTS.values())):
        return rng.choice(inner_city)
    return weighted(rng, HOME_WEIGHTS)


def jobcentre_spelling(rng: random.Random, occ: Occupation) -> str:
    """How a jobcentre records a job wish: mostly the canonical title, sometimes a variant."""
    variants = [v for v in occ.variants if not v.endswith("mænd")]  # plurals are for job orders
    if rng.random() < 0.62 or not variants:
        return occ.title
    return rng.choice(variants)


# --- the seeds' figures (data/README.md lists them with the figures the pool came out at) -------
# Beskæftigelsesplan 2014: 73 % of Copenhagen's job-ready over 30 and 64 % of those under 30 are
# dagpenge recipients; 79 % of the jobklare kontanthjælp group have no vocational education.
# Beskæftigelsesplan 2022: academics are about 40 % of Copenhagen's dagpenge recipients.
LEDIGHEDSYDELSE_SHARE = 0.06  # visiteret til fleksjob, outside the job-ready figures
AGE_WEIGHTS = {AgeBand.A18_24: 13, AgeBand.A25_29: 19, AgeBand.A30_49: 48, AgeBand.A50: 20}
DAGPENGE_SHARE_30_PLUS = 0.73
DAGPENGE_SHARE_UNDER_30 = 0.64
# Of the under-30s not on dagpenge: uddannelseshjælp (no vocational education) or kontanthjælp.
UDDANNELSESHJAELP_OF_OTHER_UNDER_30 = 0.6
ACADEMIC_SHARE_OF_DAGPENGE = 0.40
UNSKILLED_SHARE_OF_KONTANTHJAELP = 0.79
# Academic occupations (Karrierecentret's people) and the degree recorded as their trade.
ACADEMIC_DEGREES: dict[str, tuple[str, ...]] = {
    "oekonom": ("Cand.oecon.", "Cand.polit.", "Cand.merc."),
    "jurist": ("Cand.jur.",),
    "projektmedarbejder": ("Cand.scient.pol.", "Cand.scient.adm.", "Cand.soc."),
    "kommunikationsmedarbejder": ("Cand.mag. i kommunikation", "Cand.public."),
    "webudvikler": ("Cand.scient. i datalogi", "Civilingeniør"),
    "laerer": ("Cand.pæd.",),
    "sagsbehandler": ("Cand.scient.soc.",),
    "hr_assistent": ("Cand.psych.", "Cand.merc. HRM"),
}
ACADEMIC_WEIGHTS = {
    "oekonom": 5, "jurist": 3, "projektmedarbejder": 6, "kommunikationsmedarbejder": 6, "webudvikler": 4,
    "laerer": 2, "sagsbehandler": 2, "hr_assistent": 2,
}
# Skilled trades (faglært): a skilled candidate's trade is their occupation when it is one of these,
# else one of them (a trade learnt earlier, outside the job wish).
SKILLED_TRADES = {
    "elektriker": "Elektriker", "toemrer": "Tømrer", "maler": "Maler", "kok": "Kok",
    "sosu_assistent": "Social- og sundhedsassistent", "mekaniker": "Mekaniker", "smed": "Smed",
    "frisoer": "Frisør", "bager": "Bager", "butiksassistent": "Butiksassistent",
    "kontorassistent": "Kontorassistent", "vvs_montoer": "VVS-montør", "snedker": "Snedker",
}


@dataclass(frozen=True)
class Person:
    """The scheme fields of one drawn candidate."""

    benefit: Benefit
    age: AgeBand
    target: TargetGroup
    academic: bool

    @property
    def young(self) -> bool:
        return self.age.lowest < 30


def draw_person(rng: random.Random) -> Person:
    if rng.random() < LEDIGHEDSYDELSE_SHARE:
        age = rng.choice((AgeBand.A30_49, AgeBand.A30_49, AgeBand.A50, AgeBand.A25_29))
        return Person(Benefit.LEDIGHEDSYDELSE, age, TargetGroup.JOBPARAT, False)
    age = rng.choices(list(AGE_WEIGHTS), weights=list(AGE_WEIGHTS.values()))[0]
    if age.lowest < 30:
        if rng.random() < DAGPENGE_SHARE_UNDER_30:
            benefit = Benefit.DAGPENGE
        elif rng.random() < UDDANNELSESHJAELP_OF_OTHER_UNDER_30:
            benefit = Benefit.UDDANNELSESHJAELP
        else:
            benefit = Benefit.KONTANTHJAELP_JOBPARAT
    else:
        dagpenge = rng.random() < DAGPENGE_SHARE_30_PLUS
        benefit = Benefit.DAGPENGE if dagpenge else Benefit.KONTANTHJAELP_JOBPARAT
    target = TargetGroup.JOBPARAT
    if benefit is Benefit.UDDANNELSESHJAELP:
        target = TargetGroup.UDDANNELSESPARAT if rng.random() < 0.8 else TargetGroup.AKTIVITETSPARAT
    academic = benefit is Benefit.DAGPENGE and age is not AgeBand.A18_24 and (
        rng.random() < ACADEMIC_SHARE_OF_DAGPENGE / (1 - AGE_WEIGHTS[AgeBand.A18_24] / 100 * 0.64)
    )
    return Person(benefit, age, target, academic)


def draw_education(rng: random.Random, person: Person, occ: Occupation) -> tuple[EducationLevel, str | None]:
    if person.academic:
        return EducationLevel.VIDEREGAAENDE, rng.choice(ACADEMIC_DEGREES.get(occ.id, ("Cand.mag.",)))
    if person.benefit is Benefit.UDDANNELSESHJAELP or person.age is AgeBand.A18_24:
        return EducationLevel.UFAGLAERT, None
    unskilled = (
        UNSKILLED_SHARE_OF_KONTANTHJAELP if person.benefit is Benefit.KONTANTHJAELP_JOBPARAT else 0.45
    )
    if rng.random() < unskilled:
        return EducationLevel.UFAGLAERT, None
    return EducationLevel.FAGLAERT, SKILLED_TRADES.get(occ.id) or rng.choice(sorted(SKILLED_TRADES.values()))


def draw_weeks(rng: random.Random, benefit: Benefit) -> int:
    roll = rng.random()
    if benefit is Benefit.LEDIGHEDSYDELSE:
        return rng.randint(8, 104)
    if roll < 0.6:
        return rng.randint(1, 26)
    if roll < 0.87:
        return rng.randint(27, 52)
    return rng.randint(53, 104)


def draw_hours(rng: random.Random, benefit: Benefit) -> int:
    if benefit is Benefit.LEDIGHEDSYDELSE:
        return rng.choice((8, 10, 12, 15, 15, 18, 20, 20, 25))
    roll = rng.random()
    if roll < 0.08:
        return rng.choice((8, 9, 10, 12, 15))  # småjob: a few hours a week
    if roll < 0.20:
        return rng.choice((20, 25, 28))
    if roll < 0.35:
        return rng.choice((30, 32))
    return 37


def draw_commute(rng: random.Random) -> float:
    return float(rng.choice((5, 8, 10, 10, 12, 15, 15, 20, 20, 25, 25, 30, 30, 40, 50, 60)))


def draw_languages(rng: random.Random) -> list[str]:
    langs: list[str] = []
    if rng.random() < 0.88:
        langs.append("dansk")
    if rng.random() < 0.55 or not langs:
        langs.append("engelsk")
    if rng.random() < 0.32:
        langs.append(rng.choice(EXTRA_LANGUAGES))
    return langs


def draw_certificates(rng: random.Random, occs: list[Occupation], young: bool) -> list[str]:
    certs: list[str] = []
    if rng.random() < (0.25 if young else 0.5):
        certs.append("koerekort_b")
    for occ in occs:
        for code in occ.certificates:
            p = 0.6 if code == "truckcertifikat" else 0.45
            if code not in certs and rng.random() < p:
                certs.append(code)
    if rng.random() < 0.08:
        certs.append("foerstehjaelp")
    return list(dict.fromkeys(certs))


def draw_available(rng: random.Random) -> date | None:
    if rng.random() < 0.4:
        return None
    return date(2026, 11, 1) + timedelta(days=rng.randint(0, 110))


# --- generation ----------------------------------------------------------------------------------


@dataclass
class Generated:
    candidates: list[CandidateProfile]
    jobs: list[JobOrder]
    expected: dict[str, Any]


class Generator:
    def __init__(self, seed: int, n_candidates: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n_candidates = n_candidates
        self.taxonomy = default_taxonomy()
        self.occ_ids = [o.id for o in self.taxonomy.occupations]
        self.occ_weights = {oid: OCCUPATION_WEIGHTS.get(oid, 0.6) for oid in self.occ_ids}
        self.table = postcodes()
        self.inner_city = [c for c in self.table.codes if 1050 <= int(c) <= 1799]
        self.copenhagen = [c for c in self.table.codes if centre_catalog().is_copenhagen_postcode(c)]
        self.academic_weights = {o: w for o, w in ACADEMIC_WEIGHTS.items() if self.taxonomy.get(o)}
        self.ids = IdMaker(self.rng)
        self.pool = Pool(self.rng)

    def occ(self, occ_id: str) -> Occupation:
        occ = self.taxonomy.get(occ_id)
        if occ is None:
            raise SystemExit(f"ukendt erhverv i skabelon: {occ_id}")
        return occ

    # ---- pool -------------------------------------------------------------------------------

    def random_candidate(self) -> CandidateProfile:
        rng = self.rng
        person = draw_person(rng)
        benefit = person.benefit
        pool_weights = self.academic_weights if person.academic else self.occ_weights
        occ = self.occ(weighted(rng, pool_weights))
        related = [self.occ(r) for r in sorted(self.taxonomy.related(occ.id))]
        desired = [jobcentre_spelling(rng, occ)]
        wish_occs = [occ]
        if related and rng.random() < 0.35:
            other = rng.choice(related)
            desired.append(jobcentre_spelling(rng, other))
            wish_occs.append(other)
        if rng.random() < 0.08:
            other = self.occ(weighted(rng, self.occ_weights))
            desired.append(jobcentre_spelling(rng, other))
            wish_occs.append(other)
        experience: list[str] = []
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
            source = rng.choice([occ, occ, *related, self.occ(weighted(rng, self.occ_weights))])
            experience.append(jobcentre_spelling(rng, source))
        skill_pool = list(dict.fromkeys(s for o in wish_occs for s in o.skills))
        skills = rng.sample(skill_pool, k=min(len(skill_pool), rng.randint(0, 3)))
        if rng.random() < 0.4:
            skills.append(rng.choice(GENERIC_SKILLS))
        postcode = home_postcode(rng, self.inner_city)
        young = person.young
        jobcenter, domain = jobcenter_for(postcode, young, person.academic, rng)
        far = False
        education, trade = draw_education(rng, person, occ)
        return CandidateProfile(
            id=self.ids.new(),
            jobcenter=jobcenter,
            consultant=self.pool.consultant(jobcenter, domain),
            desired_titles=desired,
            experience_titles=experience,
            skills=skills,
            certificates=draw_certificates(rng, wish_occs, young),
            languages=draw_languages(rng),
            postcode=postcode,
            max_commute_km=float(rng.choice((10, 15, 20, 30, 40))) if far else draw_commute(rng),
            hours_per_week=draw_hours(rng, benefit),
            available_from=draw_available(rng),
            benefit=benefit,
            active=rng.random() >= 0.05,
            target_group=person.target,
            age_band=person.age,
            weeks_unemployed=draw_weeks(rng, benefit),
            education_level=education,
            trade=trade,
            flex_approved=benefit is Benefit.LEDIGHEDSYDELSE,
        )

    # ---- job orders ---------------------------------------------------------------------------

    def job_order(self, number: int, t: JobTemplate) -> JobOrder:
        return JobOrder(
            id=f"JO-2026-{number:04d}",
            title=t.title,
            company=t.company,
            employment_type=t.employment_type,
            hours_per_week=t.hours,
            positions=t.positions,
            postcode=t.postcode,
            description=t.description,
            skills=list(t.skills),
            required_certificates=list(t.certificates),
            languages=list(t.languages),
            start_date=t.start,
            deadline=t.deadline,
            cvr=f"{self.rng.randint(1, 4)}{self.rng.randint(0, 9_999_999):07d}" if t.cvr else None,
            referral_with_obligation=t.referral,
            employment_clause=t.clause,
            duration_weeks=t.duration,
            employer_sector=SECTOR_BY_COMPANY.get(t.company, EmployerSector.PRIVAT),
            contract=CONTRACT_BY_COMPANY.get(t.company) if t.clause else None,
        )

    # ---- planted candidates and traps ---------------------------------------------------------

    def near_postcode(self, job_postcode: str, max_km: float) -> tuple[str, float]:
        """A Copenhagen home postcode within ``max_km`` of the workplace, widening to 10 km for a
        workplace outside the city (the pool is Copenhagen's citizens)."""
        i = self.table.index_of(job_postcode)
        dist = self.table.distances_from_index(i)
        km = {c: float(dist[self.table.index_of(c)]) for c in self.copenhagen}
        for limit in (max_km, 6.0, 8.0, 10.0):
            near = [c for c in self.copenhagen if km[c] <= limit]
            if near:
                code = self.rng.choice(near)
                return code, km[code]
        raise SystemExit(f"ingen københavnske postnumre inden for 10 km af {job_postcode}")

    def far_postcode(self, job_postcode: str, min_km: float) -> str:
        """A Copenhagen home postcode more than ``min_km`` from the workplace."""
        i = self.table.index_of(job_postcode)
        dist = self.table.distances_from_index(i)
        options = [c for c in sorted(HOME_WEIGHTS) if dist[self.table.index_of(c)] > min_km]
        if not options:
            raise SystemExit(f"intet københavnsk postnummer over {min_km} km fra {job_postcode}")
        return self.rng.choice(options)

    def planted_person(self, t: JobTemplate, benefit: Benefit | None) -> Person:
        """Who a consultant would pick first for ``t``: eligible on every scheme rule."""
        rng = self.rng
        if t.employment_type is EmploymentType.FLEKSJOB or benefit is Benefit.LEDIGHEDSYDELSE:
            age = rng.choice((AgeBand.A30_49, AgeBand.A50))
            return Person(Benefit.LEDIGHEDSYDELSE, age, TargetGroup.JOBPARAT, False)
        if t.academic:
            age = rng.choice((AgeBand.A30_49, AgeBand.A30_49, AgeBand.A50))
            return Person(Benefit.DAGPENGE, age, TargetGroup.JOBPARAT, True)
        benefit = benefit or rng.choices(NON_FLEX_BENEFITS, weights=(70, 22, 8))[0]  # as the pool
        if benefit is Benefit.UDDANNELSESHJAELP:
            apprentice = t.employment_type is EmploymentType.VOKSENLAERLING
            young = (AgeBand.A25_29,) if apprentice else (AgeBand.A18_24, AgeBand.A25_29)
            return Person(benefit, rng.choice(young), TargetGroup.UDDANNELSESPARAT, False)
        age = rng.choice((AgeBand.A25_29, AgeBand.A30_49, AgeBand.A30_49, AgeBand.A50))
        return Person(benefit, age, TargetGroup.JOBPARAT, False)

    def planted_candidate(
        self, t: JobTemplate, spelling: str, job: JobOrder, benefit: Benefit | None = None
    ) -> CandidateProfile:
        rng = self.rng
        occ = self.occ(t.occupation)
        person = self.planted_person(t, benefit)
        if person.benefit is Benefit.LEDIGHEDSYDELSE:
            hours = min(37, t.hours + rng.choice((0, 0, 3, 5)))
        else:
            hours = max(t.hours, rng.choice((t.hours, 37, 37)))
        postcode, km = self.near_postcode(t.postcode, 4.0)
        commute = float(max(10, math.ceil(km) + rng.choice((10, 15, 20))))
        others = [
            v for v in [occ.title, *occ.variants]
            if v != spelling and not _is_english(v) and not v.endswith("mænd")
        ]
        experience = [rng.choice(others)] if others else []
        skills = list(t.skills) + [s for s in occ.skills if s not in t.skills][:1]
        certs = list(dict.fromkeys([*t.certificates, *occ.certificates]))
        langs = list(dict.fromkeys(["dansk", *t.languages]))
        jobcenter, domain = jobcenter_for(postcode, person.young, person.academic, rng)
        start = job.start_date or TODAY
        if t.employment_type is EmploymentType.VOKSENLAERLING:  # an apprentice list: unskilled adults
            education, trade = EducationLevel.UFAGLAERT, None
            experience = []  # a wish for the trade, no job in it yet
        else:
            education, trade = draw_education(rng, person, occ)
            if trade and SKILLED_TRADES.get(occ.id):
                trade = SKILLED_TRADES[occ.id]
        profile = CandidateProfile(
            id=self.ids.new(),
            jobcenter=jobcenter,
            consultant=self.pool.consultant(jobcenter, domain),
            desired_titles=[spelling],
            experience_titles=experience,
            skills=skills,
            certificates=certs,
            languages=langs,
            postcode=postcode,
            max_commute_km=commute,
            hours_per_week=hours,
            available_from=start - timedelta(days=rng.randint(7, 30)),
            benefit=person.benefit,
            active=True,
            target_group=person.target,
            age_band=person.age,
            weeks_unemployed=draw_weeks(rng, person.benefit),
            education_level=education,
            trade=trade,
            flex_approved=person.benefit is Benefit.LEDIGHEDSYDELSE,
        )
        # Eligible on the scheme's unemployment-length condition too (løntilskud for jobparate).
        need = default_schemes().min_unemployment_for(t.employment_type, profile)
        if need is not None and (profile.weeks_unemployed or 0) < need:
            weeks = need + (profile.weeks_unemployed or 0) % 27  # no draw: the rest of the data stays
            profile = profile.model_copy(update={"weeks_unemployed": weeks})
        return profile

    def trap(self, t: JobTemplate, job: JobOrder, kind: str) -> tuple[CandidateProfile, str]:
        """A look-alike of a planted candidate that fails exactly one hard filter, and why (Danish)."""
        occ = self.occ(t.occupation)
        base = self.planted_candidate(t, occ.title, job, Benefit.DAGPENGE if kind != "visitation" else None)
        changes: dict[str, Any] = {}
        if kind == "inaktiv":
            changes["active"] = False
            reason = "Kandidaten er markeret som inaktiv"
        elif kind == "certifikat":
            if not t.certificates:
                raise SystemExit(f"{job.id}: certifikatfælde kræver et påkrævet certifikat")
            missing = t.certificates[0]
            changes["certificates"] = [c for c in base.certificates if c != missing]
            reason = f"Mangler {certificate_label(missing).lower()}"
        elif kind == "afstand":
            commute = float(self.rng.choice((2, 3, 4)))
            changes["postcode"] = self.far_postcode(t.postcode, commute + 1.5)
            changes["max_commute_km"] = commute
            km = self.table.distance_km(changes["postcode"], t.postcode)
            reason = f"Bor {km:.0f} km væk, vil højst pendle {commute:.0f} km"
        elif kind == "timer":
            if t.hours <= 8:
                raise SystemExit(f"{job.id}: timefælde kræver et job på mere end 8 timer")
            changes["hours_per_week"] = max(8, t.hours - self.rng.choice((2, 4, 5)))
            reason = f"Kan arbejde {changes['hours_per_week']} timer, jobbet er {t.hours}"
        elif kind == "ydelse":
            if t.employment_type in (EmploymentType.FLEKSJOB, EmploymentType.VIRKSOMHEDSPRAKTIK):
                raise SystemExit(f"{job.id}: ledighedsydelse er ikke en ydelsesfælde for {t.employment_type}")
            changes.update(benefit=Benefit.LEDIGHEDSYDELSE, flex_approved=True, target_group="jobparat")
            reason = "På ledighedsydelse: fleksjob eller virksomhedspraktik"
        elif kind == "visitation":
            changes.update(benefit=Benefit.DAGPENGE, flex_approved=False, target_group="jobparat")
            reason = "Ikke visiteret til fleksjob"
        elif kind == "maalgruppe":
            changes.update(
                benefit=Benefit.UDDANNELSESHJAELP, target_group="aktivitetsparat", age_band="25-29"
            )
            reason = f"Aktivitetsparat: ikke til {t.employment_type.label.lower()}"
        elif kind == "alder":
            changes["age_band"] = AgeBand.A18_24
            reason = "18–24 år: voksenlærling kræver 25 år"
        elif kind == "uddannet":
            changes.update(education_level=EducationLevel.FAGLAERT, trade=occ.title)
            reason = f"Allerede uddannet {occ.title.lower()}: en læreplads er for ufaglærte"
        elif kind == "tilgaengelig":
            start = job.start_date or TODAY
            changes["available_from"] = start + timedelta(days=self.rng.randint(45, 90))
            reason = "Først ledig længe efter jobstart"
        else:
            raise SystemExit(f"ukendt fælde: {kind}")
        data = base.model_dump()
        data.update(changes)
        if {"postcode", "benefit", "age_band"} & set(changes):
            age = AgeBand(data["age_band"])
            jobcenter, domain = jobcenter_for(data["postcode"], age.lowest < 30, False, self.rng)
            data["jobcenter"] = jobcenter
            data["consultant"] = self.pool.consultant(jobcenter, domain)
        return CandidateProfile.model_validate(data), reason

    # ---- all of it ------------------------------------------------------------------------------

    def run(self) -> Generated:
        jobs: list[JobOrder] = []
        planted: dict[str, list[str]] = {}
        traps: dict[str, list[dict[str, str]]] = {}
        occupations: dict[str, str] = {}
        special: list[CandidateProfile] = []
        for n, t in enumerate(JOBS, start=1):
            job = self.job_order(n, t)
            jobs.append(job)
            occupations[job.id] = t.occupation
            planted[job.id] = []
            for i, spelling in enumerate(t.planted):
                forced = t.planted_benefits[i] if i < len(t.planted_benefits) else None
                cand = self.planted_candidate(t, spelling, job, forced)
                special.append(cand)
                planted[job.id].append(cand.id)
            for kind in t.traps:
                cand, reason = self.trap(t, job, kind)
                special.append(cand)
                entry = {"candidate_id": cand.id, "filter": kind, "reason": reason}
                traps.setdefault(job.id, []).append(entry)
        pool = [self.random_candidate() for _ in range(self.n_candidates)]
        candidates = pool + special
        self.rng.shuffle(candidates)
        expected = {
            "about": (
                "Syntetiske data. 'planted': kandidater pr. jobordre, som en konsulent ville vælge først "
                "(samme fag i en anden stavemåde, består alle hårde filtre, bor tæt på) og som skal være "
                "i top 10. 'traps': kandidater med samme jobønske, der fejler præcis ét hårdt filter og "
                "aldrig må komme på listen. 'occupation': jobordrens erhverv i config/occupations.toml."
            ),
            "seed": self.seed,
            "occupation": occupations,
            "planted": planted,
            "traps": traps,
        }
        return Generated(candidates, jobs, expected)


_ENGLISH = re.compile(
    r"\b(worker|assistant|driver|agent|cleaner|operator|officer|porter|guard|technician|attendant|"
    r"helper|courier|mover|nurse|cook|waiter|packer|picker)\b",
    re.IGNORECASE,
)


def _is_english(title: str) -> bool:
    return bool(_ENGLISH.search(title))


# --- writing ---------------------------------------------------------------------------------------


def _dump(model: CandidateProfile | JobOrder) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def write(generated: Generated, out: Path) -> None:
    """Write the files; job_orders/ is replaced whole so a smaller run leaves no stale orders."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "candidates.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for cand in generated.candidates:
            fh.write(json.dumps(_dump(cand), ensure_ascii=False, separators=(",", ":")) + "\n")
    jo_dir = out / "job_orders"
    if jo_dir.exists():
        shutil.rmtree(jo_dir)
    jo_dir.mkdir()
    for job in generated.jobs:
        text = json.dumps(_dump(job), ensure_ascii=False, indent=2)
        (jo_dir / f"{job.id}.json").write_text(text + "\n", encoding="utf-8", newline="\n")
    text = json.dumps(generated.expected, ensure_ascii=False, indent=2)
    (out / "expected_matches.json").write_text(text + "\n", encoding="utf-8", newline="\n")


def figures(candidates: list[CandidateProfile]) -> dict[str, float]:
    """The pool's figures against the seeds' (data/README.md): shares in percent, one decimal."""
    ready = [c for c in candidates if c.benefit is not Benefit.LEDIGHEDSYDELSE]

    def share(part: list[CandidateProfile], whole: list[CandidateProfile]) -> float:
        return round(100 * len(part) / len(whole), 1) if whole else 0.0

    over = [c for c in ready if c.age_band is not None and c.age_band.lowest >= 30]
    under = [c for c in ready if c.age_band is not None and c.age_band.lowest < 30]
    dagpenge = [c for c in candidates if c.benefit is Benefit.DAGPENGE]
    catalog = centre_catalog()
    return {
        "dagpenge_30_plus": share([c for c in over if c.benefit is Benefit.DAGPENGE], over),
        "dagpenge_under_30": share([c for c in under if c.benefit is Benefit.DAGPENGE], under),
        "academics_of_dagpenge": share(
            [c for c in dagpenge if c.education_level is EducationLevel.VIDEREGAAENDE and c.trade
             and c.trade.startswith(("Cand.", "Civil"))],
            dagpenge,
        ),
        "under_30": share(under, ready),
        "ledighedsydelse": share([c for c in candidates if c.benefit is Benefit.LEDIGHEDSYDELSE], candidates),
        "copenhagen_postcodes": share(
            [c for c in candidates if catalog.is_copenhagen_postcode(c.postcode)], candidates
        ),
        "copenhagen_centres": share([c for c in candidates if c.jobcenter in catalog.names], candidates),
        "kk_consultants": share(
            [c for c in candidates if c.consultant.endswith("@" + KK_DOMAIN)], candidates
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generér syntetiske eksempeldata til Matchbot.")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"tilfældighedsfrø (standard {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "data", help="mappe at skrive til (standard data/)"
    )
    parser.add_argument(
        "--candidates", type=int, default=DEFAULT_CANDIDATES,
        help=f"antal tilfældige kandidater ud over de plantede (standard {DEFAULT_CANDIDATES})",
    )
    args = parser.parse_args(argv)
    generated = Generator(args.seed, args.candidates).run()
    write(generated, args.out)
    n_planted = sum(len(v) for v in generated.expected["planted"].values())
    n_traps = sum(len(v) for v in generated.expected["traps"].values())
    print(
        f"Skrev {len(generated.candidates)} kandidater ({n_planted} plantede, {n_traps} fælder) og "
        f"{len(generated.jobs)} jobordrer til {args.out}"
    )
    for name, value in figures(generated.candidates).items():
        print(f"  {name}: {str(value).replace('.', ',')} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
