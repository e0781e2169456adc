"""The help card: what the bot answers to ``hjælp`` and to a command it does not know."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ui import texts
from bot.ui.cards.base import Card, adaptive_card, list_item, text_block, title_block


def help_card(commands: Sequence[tuple[str, str]], intro: str | None = None) -> Card:
    """``commands``: (usage, help) pairs; ``intro`` e.g. why the user sees help instead of an answer."""
    body: list[dict[str, Any]] = [title_block(texts.HELP_TITLE)]
    if intro:
        body.append(text_block(intro, weight="Bolder"))
    body.append(text_block(texts.HELP_INTRO, isSubtle=True))
    # One list entry per command, not a FactSet: a FactSet's title column breaks long usage lines
    # mid-word at phone width (360 px); a list entry wraps between words at any width.
    body += [list_item(usage, [help_text]) for usage, help_text in commands]
    return adaptive_card(body, fallback=texts.HELP_TITLE)
