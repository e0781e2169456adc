"""The help card: what the bot answers to ``hjælp`` and to a command it does not know."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ui import texts
from bot.ui.cards.base import Card, adaptive_card, text_block, title_block


def help_card(commands: Sequence[tuple[str, str]], intro: str | None = None) -> Card:
    """``commands``: (usage, help) pairs; ``intro`` e.g. why the user sees help instead of an answer."""
    body: list[dict[str, Any]] = [title_block(texts.HELP_TITLE)]
    if intro:
        body.append(text_block(intro, weight="Bolder"))
    body.append(text_block(texts.HELP_INTRO, isSubtle=True))
    body.append({"type": "FactSet", "facts": [{"title": u, "value": h} for u, h in commands]})
    return adaptive_card(body, fallback=texts.HELP_TITLE)
