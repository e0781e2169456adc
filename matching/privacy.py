"""CPR guard: the one place that decides what looks like a Danish CPR number.

Candidates are citizens on benefits; a CPR number must never be stored, shown or
logged. Everything that accepts free text (ids, notes, titles, typed commands)
runs it through :func:`contains_cpr` and refuses it.
"""

from __future__ import annotations

import re
import secrets

CPR_REFUSAL = "CPR-numre må ikke indgå"

# DDMMYY-SSSS, DDMMYYSSSS or DDMMYY SSSS with a plausible day and month. Not bounded by
# digits on either side, so that an 11-digit number is not read as a CPR number.
_CPR_RE = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")


def contains_cpr(text: str) -> bool:
    """True when ``text`` holds something shaped like a CPR number."""
    return bool(_CPR_RE.search(text))


def check_no_cpr(text: str) -> str:
    """Return ``text`` unchanged, or raise ``ValueError`` with the Danish refusal."""
    if contains_cpr(text):
        raise ValueError(CPR_REFUSAL)
    return text


def redact_cpr(text: str) -> str:
    """Replace CPR-like substrings; for log lines built from text we did not write."""
    return _CPR_RE.sub("[CPR fjernet]", text)


def random_id(nbytes: int = 8) -> str:
    """A random hex id (request ids, idempotency keys) that is never CPR-shaped.

    Hex digits can form a CPR-like run ("…e1805627042e…" reads as 180562-7042): such a log
    line or Redis key would look like personal data to any scanner, so draw again.
    """
    while True:
        candidate = secrets.token_hex(nbytes)
        if not contains_cpr(candidate):
            return candidate
