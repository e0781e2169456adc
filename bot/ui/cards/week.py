"""The lead's week (``uge``, and the Monday post): one small container per open job order.

Why containers and not a table: at 360 px (Teams on a phone) a five-column table wraps mid-word; two
short lines per job order (id and title; deadline, where it is stuck, filled n/m) read on a phone and
on a laptop alike. Overdue job orders come first, their deadline line in the attention colour. Below
them, the candidates whose consultants have not answered "Er kandidaten interesseret?" (interest
before review), per job order with the consultant to chase and when they were asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.week import InterestWait, WeekLine
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


INTEREST_NAMED = 5  # candidates named per job order in the interest section; the rest are counted


def _interest_item(w: InterestWait) -> str:
    consultant = w.consultant or texts.CARD_WEEK_INTEREST_NO_CONSULTANT
    return texts.CARD_WEEK_INTEREST_ITEM.format(
        candidate_id=w.candidate_id, consultant=consultant, asked=when(w.asked_at.date())
    )


def _interest_section(lines: Sequence[WeekLine]) -> list[dict[str, Any]]:
    """TextBlocks (they wrap at 360 px), one pair per job order with unanswered interest questions."""
    waiting = [w for w in lines if w.awaiting_interest]
    if not waiting:
        return []
    body = [text_block(texts.CARD_WEEK_INTEREST_TITLE, weight="Bolder", separator=True, spacing="Medium")]
    for w in waiting:
        items = [_interest_item(i) for i in w.awaiting_interest[:INTEREST_NAMED]]
        rest = len(w.awaiting_interest) - INTEREST_NAMED
        if rest > 0:
            items.append(texts.CARD_WEEK_INTEREST_MORE.format(n=rest))
        head = texts.CARD_WEEK_INTEREST_HEAD.format(job_order_id=w.job_order_id, n=len(w.awaiting_interest))
        body.append(text_block(head))
        body.append(text_block(", ".join(items), isSubtle=True, spacing="None"))
    return body


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
    body += _interest_section(lines)
    return adaptive_card(body, fallback=texts.CARD_WEEK_TITLE)
