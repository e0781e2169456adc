"""`matchbot demo` runs the whole day to the funnel in a clean environment: no Redis, no Teams."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.domain.states import STATE_LABELS
from bot.ui import texts

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_the_day_to_the_funnel_without_redis_or_teams(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "Microsoft", "MICROSOFT", "MATCH"))
    }
    env.update({"PYTHONPATH": str(ROOT), "COLUMNS": "120", "HOME": str(tmp_path)})
    env.pop("MATCHBOT_DATA_DIR", None)
    # a clean working directory: no .env, no data/ next to it; the bundled sample data is found by itself
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--fast"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for expected in (
        texts.DEMO_WARNING_TITLE,  # the loud warning: nothing persists
        "Shortlist:",  # job orders became shortlist cards in the channel
        texts.DEMO_STEP_DECISIONS,
        "Godkendt af",  # the lead's decision on the card, updated in place
        "Ny kandidat til dig",  # the hand-over to the consultant, 1:1
        "Påmindelse:",  # a reminder on the next working days
        "tirsdag",  # … which for a Friday approval is Tuesday
        "Er kandidaten stadig i job",  # the 3-month check
        texts.DEMO_FUNNEL_TITLE,  # and the funnel at the end
        STATE_LABELS["i_job_3_mdr"],
        texts.INTEREST_TITLE,  # interest asked 1:1 before the lead decides …
        "trykkede [Nej]",  # … a consultant says no …
        "pladsen er givet til næste kandidat",  # … and the card in the channel shows it, in place
        "ikke svaret inden for 8 arbejdstimer",  # silence is shown as such
        texts.ESCALATION_TITLE,  # an undecided shortlist reaches the lead 1:1 …
        "Påmindelse til lederne: 4 shortlister",  # … and the channel
        # Issue 10, item 4: the praktik is a forløb; it starts as one and ends in a forløb outcome.
        texts.DEMO_STEP_FORLOEB,
        "trykkede [Startet i forløb]",
        "[I job]  [I uddannelse]  [Hverken job eller uddannelse]  [Afbrudt]",
        texts.DEMO_STEP_FORLOEB_END,
        "Status nu: I uddannelse",
    ):
        assert expected in out, expected
    assert "Traceback" not in out + result.stderr
    # Issue 12: the demo ends with the monthly måltal status in the channel and its Excel export.
    assert texts.DEMO_STEP_MONTHLY in out and texts.MAALTAL_TITLE in out
    assert "januar-maj 2027" in out and "ark: Måltal, " in re.sub(r"\s+", " ", out)
    # the praktik at Borgerservice (KFF) counts: 6 weeks of January-May 2027 in helårspersoner
    assert "KFF *: Ordning Løntilskud, praktik og nytteindsats, Status 0,3" in re.sub(r"[\s│]+", " ", out)
    # … after the rest of the story (KEH, the forløb's outcome) and the overview (issue 10: jobordrer,
    # overblik, rapport), in the order the clock runs.
    order = [
        texts.DEMO_STEP_KEH,
        texts.DEMO_STEP_FORLOEB_END,
        texts.DEMO_STEP_FUNNEL,
        texts.DEMO_STEP_MONTHLY,
    ]
    assert [out.index(step) for step in order] == sorted(out.index(step) for step in order)
    # The lead decides on Friday 20 November at 09:00 Copenhagen time, and the cards say 09:00 (not UTC).
    assert "Godkendt af leder.matchenhed@kk.dk 20.11.2026 kl. 09:00" in out
    assert "20.11.2026 kl. 08:00" not in out
    # Issue 10: Copenhagen's story. Only Jobcenter København's centres and @kk.dk consultants (no
    # Brøndby or Aarhus staff); a virksomhedspraktik list with people on ledighedsydelse; an apprentice
    # list led by unskilled adults.
    flat = re.sub(r"(\s*│\s*)+", " ", out)  # the panels' text without their frame and line breaks
    consultants = set(re.findall(r"jobkonsulent (\S+@\S+)", flat))
    assert consultants and all(upn.endswith("@kk.dk") for upn in consultants), consultants
    centres = set(re.findall(r"· (Jobcenter [^·]+?) · jobkonsulent", flat))
    assert centres and all(c.startswith("Jobcenter København – ") for c in centres), centres
    praktik = _card(flat, "Shortlist: Virksomhedspraktik som kontorassistent")
    assert "ledighedsydelse · visiteret til fleksjob" in praktik
    apprentice = _card(flat, "Shortlist: Elektrikerlærlinge")
    first = apprentice[apprentice.index("1. K-") : apprentice.index("2. K-")]
    assert "ufaglært" in first and "18–24 år" not in first
    assert "er allerede uddannet i faget" in apprentice  # the trained electricians are counted out
    # Issue 11: a job order from arrival to "besat" on KEH's own 1:1 card.
    keh_part = out[out.index(texts.DEMO_STEP_KEH) :]
    assert "1:1-chat med vk@erhvervshus.kk.dk" in keh_part and "Status: Åben" in keh_part
    assert "Til jobsamtale" in keh_part and "Status: Besat" in keh_part and "Besat: 1 af 1" in keh_part


def _card(out: str, title: str) -> str:
    """The terminal panel of the first card whose text starts with ``title``."""
    start = out.index(title)
    return out[start : out.index("╰", start)]
