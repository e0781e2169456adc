"""The lead's week (``uge``, and the Monday post): one small container per open job order.

Why containers and not a table: at 360 px (Teams on a phone) a five-column table wraps mid-word; two
short lines per job order (id and title; deadline, where it is stuck, filled n/m) read on a phone and
on a laptop alike. Overdue job orders come first, their deadline line in the attention colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.week import WeekLine
from bot.ui import texts
from bot.ui.cards.base import Card, adaptive_card, text_block, title_block, when


def _line(w: WeekLine) -> dict[str, Any]:
    if w.deadline is None:
        deadline = texts.CARD_WEEK_NO_DEADLINE
    else:
        template = texts.CARD_WEEK_OVERDUE if w.overdue else texts.CARD_WEEK_DEADLINE
        deadline = template.format(deadline=when(w.deadline))
    stuck = texts.CARD_WEEK_STUCK[w.stuck.value].format(n=w.waiting)
    filled = texts.CARD_WEEK_FILLED.format(filled=w.filled, positions=w.positions)
    facts: dict[str, Any] = {"isSubtle": not w.overdue, "spacing": "None"}
    if w.overdue:
        facts["color"] = "Attention"
    return {
        "type": "Container",
        "separator": True,
        "items": [
            text_block(texts.CARD_WEEK_HEAD.format(job_order_id=w.job_order_id, title=w.title)),
            text_block(texts.CARD_WEEK_LINE.format(deadline=deadline, stuck=stuck, filled=filled), **facts),
        ],
    }


def week_card(lines: Sequence[WeekLine], *, week: str) -> Card:
    overdue = sum(1 for w in lines if w.overdue)
    body: list[dict[str, Any]] = [
        title_block(texts.CARD_WEEK_TITLE),
        text_block(
            texts.CARD_WEEK_SUBTITLE.format(week=week, count=len(lines), overdue=overdue),
            isSubtle=True,
            spacing="None",
        ),
    ]
    if not lines:
        body.append(text_block(texts.CARD_WEEK_EMPTY))
    body += [_line(w) for w in lines]
    return adaptive_card(body, fallback=texts.CARD_WEEK_TITLE)
