"""Button data signatures (``bot.domain.signing``, issue 14.4): what is signed, rotation, key sources,
and that every card family's buttons carry nothing the signature leaves open."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain.signing import (
    KEY_CONFIGURED,
    KEY_DERIVED,
    KEY_RANDOM,
    SIGNATURE_FIELD,
    CardSigner,
    Verdict,
    signing_keys,
    unsigned_fields,
)
from bot.ui import cards
from config.settings import Settings
from tests.unit.test_cards import job, row, status

KEY, NEW_KEY = b"k" * 32, b"n" * 32
DATA = {"verb": "status", "job": "JO-2026-0101", "cand": "K-1001", "v": 3, "to": "kontaktet"}


def test_what_decides_a_press_is_signed_and_what_the_user_enters_is_not() -> None:
    signer = CardSigner((KEY,))
    signed = signer.sign(DATA)
    assert len(signed[SIGNATURE_FIELD]) == 22 and signer.verify(signed) is Verdict.OK
    for field, value in (
        ("job", "JO-2026-0102"),
        ("cand", "K-1003"),
        ("v", 4),
        ("to", "ansat"),
        ("verb", "afvis"),
    ):
        assert signer.verify({**signed, field: value}) is Verdict.WRONG, field
    assert signer.verify({**signed, "ok": 1}) is Verdict.WRONG  # a field added: the confirmation skipped
    assert signer.verify({k: v for k, v in signed.items() if k != "to"}) is Verdict.WRONG  # one taken away
    assert signer.verify({**signed, "dato": "2026-12-01", "tid": "10:30"}) is Verdict.OK  # the user's inputs
    assert signer.verify({**signed, "v": "3"}) is Verdict.OK  # a client that sends the number as text
    assert signer.verify(DATA) is Verdict.MISSING
    assert signer.verify({**DATA, SIGNATURE_FIELD: 17}) is Verdict.MISSING
    assert CardSigner((NEW_KEY,)).verify(signed) is Verdict.WRONG  # another bot's key


def test_rotation_signs_with_the_first_key_and_accepts_every_one() -> None:
    old, rotated = CardSigner((KEY,)), CardSigner((NEW_KEY, KEY))
    assert rotated.verify(old.sign(DATA)) is Verdict.OK  # cards drawn before the rotation still work
    assert old.verify(rotated.sign(DATA)) is Verdict.WRONG  # new cards use the new key
    assert CardSigner((NEW_KEY,)).verify(rotated.sign(DATA)) is Verdict.OK
    assert "k" * 8 not in repr(rotated)


def test_keys_come_from_the_setting_else_a_shared_secret_else_the_process() -> None:
    keys, source = signing_keys(["a" * 16, "b" * 16], "report-secret-0123456789")
    assert source == KEY_CONFIGURED and keys == (b"a" * 16, b"b" * 16)
    derived, source = signing_keys([], "report-secret-0123456789")
    assert (
        source == KEY_DERIVED and derived == signing_keys([], "report-secret-0123456789")[0]
    )  # replicas agree
    assert derived[0] != b"report-secret-0123456789"  # not the chart links' key itself
    one, source = signing_keys([], "")
    assert source == KEY_RANDOM and one != signing_keys([], "")[0]


def test_the_setting_takes_a_comma_separated_list_and_refuses_short_keys() -> None:
    settings = Settings.model_validate({"CARD_SIGNING_KEYS": "n" * 20 + ", " + "k" * 20})
    assert [k.get_secret_value() for k in settings.card_signing_keys] == ["n" * 20, "k" * 20]
    with pytest.raises(ValidationError, match="mindst 16 tegn"):
        Settings.model_validate({"CARD_SIGNING_KEYS": "kort"})


def _actions(card: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") in ("Action.Execute", "Action.Submit") and "data" in node:
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _input_ids(card: Any) -> list[str]:
    ids: list[str] = []
    stack = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                ids.append(node["id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return ids


def _card_families() -> list[cards.Card]:
    hand = cards.handover_card(job(), row(1, "samtale"), status("samtale", "Til jobsamtale"))
    return [
        cards.shortlist_card(cards.ShortlistView(job(), [row(i) for i in range(1, 8)], shown=5)),
        hand,
        cards.reminder_card(status("kontaktet", "Kontaktet"), "Opdatér status."),
        cards.confirm_card(
            hand, status("samtale", "Til jobsamtale"), "startet_forloeb", "Startet", "07.12.2026"
        ),
        cards.job_order_card(job()),
        cards.job_order_form_card(),
    ]


def test_sign_card_signs_every_button_and_leaves_no_deciding_field_open() -> None:
    signer = CardSigner((KEY,))
    for card in _card_families():
        before = repr(card)
        signed = cards.sign_card(card, signer)
        assert repr(card) == before  # the card a feature built is not changed
        actions = _actions(signed)
        assert actions, card.get("fallbackText")
        for node in actions:
            assert signer.verify(node["data"]) is Verdict.OK
            # Every field is signed or is one of the card's inputs ("dato": the date chosen before a
            # confirmation, the user's own input carried on): nothing a forger could change unseen.
            assert unsigned_fields(node["data"], [*_input_ids(card), "dato"]) == [], node["data"]
    rejects = [
        a for a in _actions(cards.sign_card(_card_families()[0], signer)) if a["data"]["verb"] == "afvis"
    ]
    assert rejects  # the reject form's button inside the Action.ShowCard is signed too
