"""The building blocks every card is made of: the card itself, text, tables, buttons, times.

Why one module: every text that reaches a card goes through ``text_block`` (and ``no_links``), and
every button through ``action``, so the link defence and the Execute/Submit pairing hold everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

from bot.domain.clock import ZONE
from bot.domain.signing import CardSigner
from bot.ui import texts

Card = dict[str, Any]

CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# Verbs: the only strings a button can send back. Cards already posted in Teams carry them, so they
# stay as they are.
VERB_APPROVE = "godkend"
VERB_REJECT = "afvis"
VERB_SHOW_MORE = "vis_flere"
VERB_SEND_APPROVED = "send_godkendte"
VERB_STATUS = "status"
VERB_SAVE_JOB_ORDER = "gem_jobordre"
VERB_MATCH = "match"
VERB_INTEREST = "interesse"  # Ja / Nej / Ved ikke endnu on "Er kandidaten interesseret?" (issue 11)
VERBS = frozenset(
    {
        VERB_APPROVE,
        VERB_REJECT,
        VERB_SHOW_MORE,
        VERB_SEND_APPROVED,
        VERB_STATUS,
        VERB_SAVE_JOB_ORDER,
        VERB_MATCH,
        VERB_INTEREST,
    }
)

# Caseworkers read Copenhagen wall-clock time; the store keeps UTC. The bot's one zone.
LOCAL_ZONE = ZONE

# Notices by meaning (``notice``): Teams colours them green / yellow / red.
NoticeKind = Literal["good", "attention", "warning"]
NOTICE_GOOD: NoticeKind = "good"  # done as asked: "Status sat til …", "2 godkendte sendt …"
NOTICE_WARNING: NoticeKind = "warning"  # done, but look: "1 venter …", "allerede godkendt af …"
NOTICE_ATTENTION: NoticeKind = "attention"  # refused or failed: nothing changed
_NOTICE_COLOURS: dict[str, str] = {"good": "Good", "warning": "Warning", "attention": "Attention"}


def local(moment: datetime) -> datetime:
    """A moment in Copenhagen time (CET/CEST by date); a naive datetime is taken to be UTC, as stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_ZONE)


def when(moment: datetime | date | None) -> str:
    """Danish short date/time in Copenhagen time: '23.11.2026 kl. 09:15'; a date stays a date."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):  # before date: a datetime is also a date
        return local(moment).strftime(texts.CARD_WHEN_DATETIME)
    return moment.strftime(texts.CARD_WHEN_DATE)


def bullet(reason: str) -> str:
    """One reason as a list line under a candidate."""
    return texts.CARD_BULLET.format(reason=reason)


def no_links(text: str) -> str:
    """Break Markdown link syntax: a job title like '[Klik her](http://…)' from outside must not
    become a link on a card in the municipality's channel (our own texts use no links)."""
    return text.replace("](", "] (")


def text_block(text: str, **extra: str | bool) -> dict[str, Any]:
    return {"type": "TextBlock", "text": no_links(text), "wrap": True, **extra}


def title_block(text: str) -> dict[str, Any]:
    return text_block(text, size="Large", weight="Bolder")


def adaptive_card(
    body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None, *, fallback: str
) -> Card:
    card: Card = {
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "fallbackText": no_links(fallback),
    }
    if actions:
        card["actions"] = actions
    return card


def with_notice(card: Card, text: str, kind: NoticeKind = NOTICE_WARNING) -> Card:
    """The card with a notice for the person who pressed on top (Action.Execute answers that person
    only): "allerede godkendt af …" is theirs to read, not a message to the whole channel. ``kind``
    colours it by meaning (``notice``)."""
    return {**card, "body": [notice(kind, text), *card.get("body", [])]}


def attachment(card: Card) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": card}


def action(title: str, verb: str, data: Mapping[str, Any], *, style: str | None = None) -> dict[str, Any]:
    """An Action.Execute with an Action.Submit fallback carrying the same data. The data is signed
    (``sign_card``) as the card leaves the bot, with the key of the running bot."""
    payload = {"verb": verb, **data}
    submit: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": payload}
    execute: dict[str, Any] = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        "fallback": submit,
    }
    if style:
        execute["style"] = style
        submit["style"] = style
    return execute


_SIGNED_ACTIONS = frozenset({"Action.Execute", "Action.Submit"})


def sign_card(card: Card, signer: CardSigner) -> Card:
    """``card`` with every button's data signed (``bot.domain.signing``): an Action.Execute, its
    Action.Submit fallback, and the buttons inside an Action.ShowCard (the reject form). A copy: the
    card a feature built (and may keep) is not changed. Called by the messenger and the edge, where
    every card leaves the bot, so no card carries data the router would refuse."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: walk(value) for key, value in node.items()}
        if out.get("type") in _SIGNED_ACTIONS and isinstance(out.get("data"), dict):
            out["data"] = signer.sign(out["data"])
        return out

    signed: Card = walk(card)
    return signed


def find_action(card: dict[str, Any], verb: str, **match: Any) -> dict[str, Any] | None:
    """The data of the first Action.Execute with ``verb`` (and matching data) anywhere in a card."""
    stack: list[Any] = [card]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if (
                node.get("type") == "Action.Execute"
                and node.get("verb") == verb
                and all(node.get("data", {}).get(k) == v for k, v in match.items())
            ):
                data: dict[str, Any] = dict(node["data"])
                return data
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def table_row(cells: Sequence[str], *, bold: bool = False) -> dict[str, Any]:
    weight = {"weight": "Bolder"} if bold else {}
    return {
        "type": "TableRow",
        "cells": [{"type": "TableCell", "items": [text_block(cell, **weight)]} for cell in cells],
    }


def table(rows: Sequence[Sequence[str]], widths: Sequence[int], *, bold_last: bool = False) -> Card:
    """A Table whose first row is the header (bold); ``bold_last`` for a total row."""
    last = len(rows) - 1
    return {
        "type": "Table",
        "firstRowAsHeader": True,
        "columns": [{"width": w} for w in widths],
        "rows": [table_row(r, bold=i == 0 or (bold_last and i == last)) for i, r in enumerate(rows)],
    }


# --- shared by every card family (issue 14): notices, dates, date inputs, lists that fit a phone -----


def notice(kind: NoticeKind, text: str, **extra: str | bool) -> dict[str, Any]:
    """A line coloured by what it means (Teams: green / yellow / red), bold so it is read first."""
    return text_block(text, color=_NOTICE_COLOURS[kind], weight="Bolder", **extra)


def date_text(moment: date | datetime | None, *, short: bool = False) -> str:
    """A day as caseworkers write it: '09.12.2026', ``short`` '09.12.26' (narrow places: lists, tables).
    A datetime is its Copenhagen day. Never breaks across lines: digits and dots only."""
    if moment is None:
        return ""
    day = local(moment).date() if isinstance(moment, datetime) else moment
    return day.strftime(texts.CARD_DATE_SHORT if short else texts.CARD_WHEN_DATE)


def date_input(input_id: str, label: str, *, value: date | None = None) -> dict[str, Any]:
    """An Input.Date with a Danish placeholder (else the client shows its own "Select a date...")."""
    element: dict[str, Any] = {
        "type": "Input.Date",
        "id": input_id,
        "label": label,
        "placeholder": texts.CARD_DATE_PLACEHOLDER,
    }
    if value is not None:
        element["value"] = value.isoformat()
    return element


def time_input(input_id: str, label: str) -> dict[str, Any]:
    """An optional Input.Time with a Danish placeholder."""
    return {"type": "Input.Time", "id": input_id, "label": label, "placeholder": texts.CARD_TIME_PLACEHOLDER}


def plain_text(text: str) -> str:
    """``text`` without Markdown emphasis, for the places a client shows text as it is (the message
    answering an Action.Execute): "Shortlisten for JO-1 …", never "Shortlisten for **JO-1** …"."""
    return text.replace("**", "")


def list_item(title: str, lines: Sequence[str], *, bold_title: bool = True) -> dict[str, Any]:
    """One entry of a list that reads well at 360 px and on a laptop: a title line and short lines
    under it, wrapping between words only. Used where a table would need more columns than a phone
    has room for (job order list, results per scheme)."""
    items = [text_block(title, **({"weight": "Bolder"} if bold_title else {}))]
    items += [text_block(line, spacing="None", isSubtle=True) for line in lines if line]
    return {"type": "Container", "separator": True, "items": items}
