"""CPR and contact-data guard: the one place that decides what looks like a Danish CPR number, and
what looks like a person's contact data in free text.

Candidates are citizens on benefits; a CPR number must never be stored, shown or
logged. Everything that accepts free text (ids, notes, titles, typed commands)
runs it through :func:`contains_cpr` and refuses it.

Contact data (an e-mail address, a Danish phone number, a name after "kontakt", "hr.", "fru" …) does
not belong in a rejection note or a job order's description either: notes refuse it
(:func:`contact_data_kinds`), descriptions arriving from other systems have it replaced
(:func:`redact_contact_data`). What a pattern cannot see (a bare name in a sentence) is removed by
retention (README: retention per field).
"""

from __future__ import annotations

import html
import re
import secrets
import unicodedata

from matching import texts

# DDMMYY-SSSS, DDMMYYSSSS, DDMMYY SSSS (also with '/', '.' or spaces around the separator) with a
# plausible day and month. Not bounded by digits on either side, so an 11-digit number is not one.
# Spaces, not line breaks: "010326" at a line's end and a postcode on the next is no CPR number.
_CPR_RE = re.compile(
    r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}(?:[ \t]{0,2}[-/.][ \t]{0,2}|[ \t]{0,2})\d{4}(?!\d)"
)
# What people (and Word, and Teams' HTML) turn a typed CPR number into: dashes of every kind,
# full-width digits, non-breaking spaces, markup between the digits.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_TAG_RE = re.compile(r"<[^<>]{0,200}>")
_ANY_DIGIT = re.compile(r"\d")


def _normalised(text: str) -> tuple[str, str]:
    """The text as a reader sees it: entities decoded (&nbsp;, &#8209;), full-width digits and every
    dash made plain, invisible format and combining characters dropped; once with markup removed
    ("010190<b></b>1234") and once with it kept ("<010190-1234>" is not a tag to drop)."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_DASHES)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Mn"))
    return _TAG_RE.sub("", text), text


def contains_cpr(text: str) -> bool:
    """True when ``text`` holds something shaped like a CPR number, however it was typed."""
    if _CPR_RE.search(text):
        return True
    if not _ANY_DIGIT.search(text) or (text.isascii() and "<" not in text and "&" not in text):
        return False  # no digit at all (\d is Unicode: full-width ones count), or nothing to normalise
    return any(_CPR_RE.search(variant) for variant in _normalised(text))


def check_no_cpr(text: str) -> str:
    """Return ``text`` unchanged, or raise ``ValueError`` with the Danish refusal."""
    if contains_cpr(text):
        raise ValueError(texts.CPR_REFUSAL)
    return text


def redact_cpr(text: str) -> str:
    """Replace CPR-like substrings; for log lines built from text we did not write.

    A CPR number only visible after normalising (an en dash, full-width digits) is redacted in the
    normalised text: the line loses its exact spelling, never the redaction.
    """
    redacted = _CPR_RE.sub(texts.CPR_REDACTED, text)
    for variant in _normalised(redacted) if contains_cpr(redacted) else ():
        if _CPR_RE.search(variant):
            return redact_cpr(_CPR_RE.sub(texts.CPR_REDACTED, variant))  # once more: the other variant
    return redacted


def random_id(nbytes: int = 8) -> str:
    """A random hex id (request ids, idempotency keys) that is never CPR-shaped.

    Hex digits can form a CPR-like run ("…e1805627042e…" reads as 180562-7042): such a log
    line or Redis key would look like personal data to any scanner, so draw again.
    """
    while True:
        candidate = secrets.token_hex(nbytes)
        if not contains_cpr(candidate):
            return candidate


# --- contact data ----------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Danish numbers: 8 digits, written together or in pairs/fours, with or without +45 / 0045. Not inside
# a longer digit run or word (a CVR number in its own field is no concern here; a date has separators).
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)45[ \t]?)?(?:\d{8}|\d{2}(?:[ \t]\d{2}){3}|\d{4}[ \t]\d{4})(?!\w)"
)
# A capitalised name (one to three words) after a word that introduces a person.
_NAME_AFTER_RE = re.compile(
    r"(?i:\b(?:kontakt(?:person|en)?|hr\.|fru|frk\.|spørg efter|henvendelse til|ring til|skriv til))"
    r"[ \t]*:?[ \t]+"
    r"(?P<name>[A-ZÆØÅ][a-zæøåéü]+(?:[ \t-][A-ZÆØÅ][a-zæøåéü]+){0,2})"
)
# Eight digits after "CVR" are the company's number, not a phone.
_CVR_BEFORE_RE = re.compile(r"(?i)cvr[\w.-]*[ \t]*:?[ \t]*$")


def _phone(match: re.Match[str]) -> bool:
    return not _CVR_BEFORE_RE.search(match.string[max(0, match.start() - 12) : match.start()])


def contact_data_kinds(text: str) -> list[str]:
    """Which kinds of contact data ``text`` seems to hold ("e-mail", "telefon", "navn"); empty if none."""
    found = []
    if _EMAIL_RE.search(text):
        found.append("e-mail")
    if any(_phone(m) for m in _PHONE_RE.finditer(text)):
        found.append("telefon")
    if _NAME_AFTER_RE.search(text):
        found.append("navn")
    return found


def redact_contact_data(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and names after a contact word replaced."""
    text = _EMAIL_RE.sub(texts.EMAIL_REDACTED, text)
    text = _PHONE_RE.sub(lambda m: texts.PHONE_REDACTED if _phone(m) else m.group(0), text)
    return _NAME_AFTER_RE.sub(_name_redacted, text)


def _name_redacted(match: re.Match[str]) -> str:
    """The contact word stays ("kontakt [navn fjernet]"): the reader still sees what was there."""
    return match.group(0)[: match.start("name") - match.start(0)] + texts.NAME_REDACTED
