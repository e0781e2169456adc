"""The report family's card (``rapport måltal|resultater|tid|klausuler``): title, period, the table
(Adaptive Cards 1.5 Table, narrow enough for Teams on a phone), the chart, and the honest-numbers
footer (counting rule, what was left out, cells with fewer than 5 people marked)."""

from __future__ import annotations

from typing import Any

from bot.ui import texts
from bot.ui.cards.base import Card, adaptive_card, table, text_block, title_block
from bot.ui.report_views import Cell, ReportView, card_columns, card_rows


def _cell(value: Cell) -> str:
    if value is None:
        return texts.REPORT_NONE
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def report_family_card(
    view: ReportView, chart_url: str | None = None, *, chart_missing: bool = False
) -> Card:
    """``chart_url``: a data URI or a signed https URL of the chart PNG (None: no chart)."""
    body: list[dict[str, Any]] = [
        title_block(view.title),
        text_block(texts.REPORT_PERIOD.format(period=view.period), isSubtle=True),
    ]
    sheet = view.sheets[0]
    if not sheet.rows:
        body.append(text_block(texts.REPORT_EMPTY))
    else:
        n = card_columns(view)
        rows = [list(sheet.columns[:n])]
        for i, row in enumerate(card_rows(sheet, n)):
            cells = [_cell(c) for c in row]
            if i < len(sheet.small) and sheet.small[i]:
                cells[0] += texts.REPORT_SMALL
            rows.append(cells)
        widths = list(view.widths) or [1] * n
        body.append(table(rows, widths))
        if any(sheet.small):
            body.append(text_block(texts.REPORT_SMALL_NOTE, isSubtle=True, size="Small"))
    body += [text_block(note) for note in view.notes]
    if chart_url:
        alt = texts.REPORT_CHART_ALT.format(title=view.title)
        body.append({"type": "Image", "url": chart_url, "altText": alt, "size": "Stretch"})
    elif chart_missing:
        body.append(text_block(texts.REPORT_CHART_LINK_MISSING, isSubtle=True, size="Small"))
    body.append(text_block(texts.REPORT_RULE.format(rule=view.rule), isSubtle=True, size="Small"))
    excluded = texts.REPORT_EXCLUDED.format(items="; ".join(view.excluded)) if view.excluded else None
    body.append(text_block(excluded or texts.REPORT_EXCLUDED_NONE, isSubtle=True, size="Small"))
    return adaptive_card(body, fallback=view.title)
