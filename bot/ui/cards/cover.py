"""The card a consultant gets when cases are handed over to them (``overdrag alle``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ui import texts
from bot.ui.cards.base import Card, adaptive_card, text_block, title_block
from bot.ui.cards.followup import StatusView


def transfer_card(moved: Sequence[StatusView], *, old: str, actor: str, at: str) -> Card:
    """The cases now the reader's (ids and status only), from whom, by whom and when."""
    intro = texts.CARD_TRANSFER_INTRO.format(count=len(moved), old=old, actor=actor, when=at)
    body: list[dict[str, Any]] = [title_block(texts.CARD_TRANSFER_TITLE), text_block(intro)]
    body += [
        text_block(
            texts.CARD_TRANSFER_LINE.format(
                candidate_id=s.candidate_id, job_order_id=s.job_order_id, label=s.state_label
            ),
            spacing="None",
        )
        for s in moved
    ]
    return adaptive_card(body, fallback=texts.CARD_TRANSFER_TITLE)
