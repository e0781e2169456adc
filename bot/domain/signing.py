"""Button data signed by the bot, so data nobody drew on a card is refused (issue 14.4). Pure rule.

Why: a button press arrives as JSON the client sends back (an ``adaptiveCard/action`` invoke or an
Action.Submit message). Anyone who can post one could write data for another job order, candidate or
target status; the version in the data catches an old button replayed, not a forged one. So every
button's data carries ``sig``: an HMAC-SHA256 (truncated to 128 bits) over the fields that decide
what happens (``DECIDING_FIELDS``, present or absent), made with the bot's key; the router refuses
data whose signature is missing or wrong, before any handler reads it.

What is signed: the verb, job order, candidate, card version, target status and the other fields the
bot itself put in the data. Not what the user enters on the card (a date, a time, a reason, the job
order form): clients merge inputs into the same data, and they are the user's to choose. A field
that is absent is signed as absent, so adding one (``ok`` to skip the confirmation) breaks the
signature too.

Keys: the first signs, every one verifies (rotation: put the new key first, drop the old one once
the cards drawn with it no longer matter).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# The fields of a button's data that decide what a press does (``bot.ui.cards`` puts them there); any
# other field is a user's input. A new deciding field must be added here, else it is not protected:
# ``unsigned_fields`` (used by the card tests) names data fields that are neither here nor inputs.
DECIDING_FIELDS: tuple[str, ...] = (
    "verb",
    "job",
    "cand",
    "v",
    "to",
    "ok",
    "fortryd",
    "answer",
    "shown",
    "then",
)
SIGNATURE_FIELD = "sig"
SIGNATURE_BYTES = 16  # 128 bits: truncated HMAC-SHA256, 22 characters in the data
# Domain separation: the same secret used for another purpose (chart links) gives another key here.
_KEY_LABEL = b"matchbot card buttons v1"
_MESSAGE_PREFIX = b"matchbot-card-action\n"


class Verdict(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no signature: a card drawn before signing, or data written by hand
    WRONG = "wrong"  # a signature that fits no key: forged or changed data, or a key no longer known


def derive_key(secret: str) -> bytes:
    """A key for button data from a shared secret meant for something else (``REPORT_URL_SECRET``):
    every replica with the same secret signs alike, and neither use reveals the other's key."""
    return hmac.new(secret.encode(), _KEY_LABEL, hashlib.sha256).digest()


def random_key() -> bytes:
    """A key for this process only (cards from another process or before a restart are refused)."""
    return secrets.token_bytes(32)


def _value(value: Any) -> str:
    """One field's value as text, the same whether a client sends 1 or "1" back."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def canonical(data: Mapping[str, Any]) -> bytes:
    """The signed form: each deciding field in a fixed order, with its value, or marked absent."""
    fields = [[name, _value(data[name])] if name in data else [name] for name in DECIDING_FIELDS]
    return _MESSAGE_PREFIX + json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode()


def _signature(key: bytes, data: Mapping[str, Any]) -> str:
    digest = hmac.new(key, canonical(data), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# Where the keys come from (for the start-up log; never the key itself).
KEY_CONFIGURED = "configured"  # CARD_SIGNING_KEYS
KEY_DERIVED = "derived"  # from REPORT_URL_SECRET, shared by the replicas already
KEY_RANDOM = "random"  # this process only


@dataclass(frozen=True)
class CardSigner:
    """Signs button data with the first key and accepts data signed with any of ``keys``."""

    keys: tuple[bytes, ...]
    source: str = KEY_CONFIGURED

    def __repr__(self) -> str:  # never a key in a log or a traceback
        return f"CardSigner(keys=<{len(self.keys)}>, source={self.source!r})"

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a card signer needs at least one key")

    def sign(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` with its signature (an old ``sig`` replaced)."""
        clean = {k: v for k, v in data.items() if k != SIGNATURE_FIELD}
        return {**clean, SIGNATURE_FIELD: _signature(self.keys[0], clean)}

    def verify(self, data: Mapping[str, Any]) -> Verdict:
        given = data.get(SIGNATURE_FIELD)
        if not isinstance(given, str) or not given:
            return Verdict.MISSING
        found = False
        for key in self.keys:  # every key compared, in constant time each
            found |= hmac.compare_digest(given.encode(), _signature(key, data).encode())
        return Verdict.OK if found else Verdict.WRONG


def signing_keys(configured: Sequence[str], shared_secret: str) -> tuple[tuple[bytes, ...], str]:
    """The keys and where they come from: ``CARD_SIGNING_KEYS`` (``configured``), else derived from a
    secret every replica already shares (``REPORT_URL_SECRET``), else one random key for this process.
    The source (``KEY_*``) is for the start-up log, never the key."""
    if configured:
        return tuple(k.encode() for k in configured), KEY_CONFIGURED
    if shared_secret:
        return (derive_key(shared_secret),), KEY_DERIVED
    return (random_key(),), KEY_RANDOM


def unsigned_fields(data: Mapping[str, Any], inputs: Sequence[str]) -> list[str]:
    """Fields of a button's data that are neither deciding (signed) nor a user's input: a card that
    puts such a field in its data leaves it open to forging (the card tests fail on any)."""
    return sorted(k for k in data if k not in DECIDING_FIELDS and k != SIGNATURE_FIELD and k not in inputs)
