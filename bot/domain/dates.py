"""Dates as people type or pick them: ÅÅÅÅ-MM-DD (the date picker, ISO) or DD.MM.ÅÅÅÅ as the cards write.

Why in the domain: a status date (interview, start) and an absence's first and last day are read by
the same rule, whichever feature the text arrives through.
"""

from __future__ import annotations

import re
from datetime import date

from matching.models import DATE_YEARS

_DANISH_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")  # 1.12.2026, 01/12/2026


def parse_date(value: object) -> date | None:
    """A typed or picked date: ÅÅÅÅ-MM-DD (the date picker, ISO) or DD.MM.ÅÅÅÅ as the cards write it."""
    if not value:
        return None
    text = str(value).strip()
    try:
        if found := _DANISH_DATE.match(text):
            day, month, year = (int(g) for g in found.groups())
            parsed = date(year, month, day)
        else:
            parsed = date.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.year in DATE_YEARS else None
