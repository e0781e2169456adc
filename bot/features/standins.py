"""Who covers a consultant today: the public lookup other features ask before they send or allow.

Why a module of its own: reminders, hand-overs, escalation and the status check all need the same
answer ("is this consultant away today, and who stands in?"), and none of them should depend on the
commands that set an absence (``bot.features.cover``). The rule is pure (``bot.domain.cover``); the
absence is read from Redis (``bot.store.cover``); "today" is the Copenhagen day of the bot's clock.
"""

from __future__ import annotations

from datetime import date

from bot.domain.clock import Clock, local_date, utc_now
from bot.domain.cover import Absence, recipient, stand_in_on
from bot.store.cover import CoverStore


class StandIns:
    """``await stand_ins.current("kons.a@kk.dk", today)`` → the stand-in's UPN, or None."""

    def __init__(self, store: CoverStore, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    def today(self) -> date:
        return local_date(self.clock())

    async def absence(self, consultant: str) -> Absence | None:
        """The consultant's current or next absence, as entered (``fravær``)."""
        if not consultant:
            return None
        return await self.store.get_absence(consultant)

    async def current(self, consultant: str, today: date | None = None) -> str | None:
        """The stand-in covering ``consultant`` on ``today`` (default: today in Copenhagen), or None."""
        return stand_in_on(await self.absence(consultant), today or self.today())

    async def deliver_to(self, consultant: str, today: date | None = None) -> tuple[str, Absence | None]:
        """Whom a reminder or hand-over for ``consultant``'s case goes to, and the absence when that is a
        stand-in (the card says so)."""
        absence = await self.absence(consultant)
        stand_in = stand_in_on(absence, today or self.today())
        return recipient(consultant, stand_in), absence if stand_in else None
