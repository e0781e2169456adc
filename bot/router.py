"""The router: one registry of what the bot handles, and one dispatch loop (parse → find → call).

Why a registry: each feature (``bot.features``) declares its typed commands (``@command``) and card
buttons (``@action``) on the methods that implement them; the router collects them, so the help
card, the parser and the dispatch read the same declarations, and adding a command is one decorated
method plus its texts in ``bot.ui.texts``. Nothing here imports botbuilder: the Teams edge
(``bot.teams``) hands in a ``Turn`` and sends back what the router returns, so the dialogue is tested
without HTTP. Every path answers something: unknown input gets the command list, refused input a
Danish reason, never silence.

Adding a command: a method on a feature class with ``@command("navn", usage=..., help=...)`` and its
texts in ``bot.ui.texts``. A new feature class also goes into ``FEATURES`` (the help card's order) and
into the list ``create_app`` hands the router; the router refuses to start if a declared command or
a card verb (``cards.VERBS``) has no handler.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.commands import (
    ActionHandler,
    ActionSpec,
    CardAction,
    CommandHandler,
    CommandSpec,
    CommandTable,
    IdKind,
    Parsed,
    Rejected,
    as_int,
    command,
    declared_actions,
    declared_commands,
)
from bot.domain.errors import DomainError
from bot.domain.signing import CardSigner, Verdict
from bot.features.cover import CoverService
from bot.features.followup import FollowUpService
from bot.features.handover import HandoverService
from bot.features.job_orders import JobOrderService
from bot.features.reports import ReportService
from bot.features.shortlist import ShortlistService
from bot.features.week import WeekService
from bot.store import JobOrderStore, PoolReads
from bot.turn import ActionResult, Reply, Turn
from bot.ui import cards, texts
from matching.models import Identifier
from matching.privacy import contains_cpr

__all__ = ["COMMANDS", "FEATURES", "Parsed", "Rejected", "Router", "help_lines", "parse"]

log = logging.getLogger("matchbot.handlers")

# The features whose commands a user can type, in the order the help card lists them.
FEATURES: tuple[type, ...] = (
    JobOrderService,
    ShortlistService,
    HandoverService,
    FollowUpService,
    CoverService,
    ReportService,
    WeekService,
)

_ID = TypeAdapter(Identifier)  # the domain's id rule (pattern, length, no CPR), not a copy of it


def _valid_id(value: str) -> bool:
    try:
        _ID.validate_python(value)
    except ValidationError:
        return False
    return True


def _has_cpr(value: object) -> bool:
    if isinstance(value, str):
        return contains_cpr(value)
    if isinstance(value, dict):
        return any(_has_cpr(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_cpr(v) for v in value)
    return False


class Router:
    """The bot's dialogue: one method per kind of incoming activity, one registry behind them."""

    def __init__(
        self,
        job_orders: JobOrderStore,
        pool: PoolReads,
        features: Sequence[object],
        *,
        reachable: Sequence[Callable[[str], Awaitable[int]]],
        signer: CardSigner,
    ) -> None:
        """``features`` are the objects whose decorated methods handle commands and buttons;
        ``reachable`` deliver what waited for a consultant who just got a 1:1 conversation (hand-overs,
        interest questions); ``signer`` checks that a button's data is what the bot drew on a card."""
        self.job_orders = job_orders
        self.signer = signer
        self.pool = pool
        self._reachable = reachable
        self._commands: dict[str, tuple[CommandSpec, CommandHandler]] = {}
        self._actions: dict[str, tuple[ActionSpec, ActionHandler]] = {}
        for feature in (self, *features):
            for spec, name in declared_commands(type(feature)):
                self._commands[spec.name] = (spec, getattr(feature, name))
            for act, name in declared_actions(type(feature)):
                self._actions[act.verb] = (act, getattr(feature, name))
        missing = sorted(set(COMMANDS) - set(self._commands)) + sorted(cards.VERBS - set(self._actions))
        if missing:
            raise ValueError(f"no handler for {', '.join(missing)}")

    # --- typed commands -------------------------------------------------------------------------

    async def on_message(self, turn: Turn, text: str) -> list[Reply]:
        parsed = parse(text)
        if isinstance(parsed, Rejected):
            if parsed.cpr:
                log.warning("cpr-like input refused", extra={"conversation_type": turn.conversation_type})
            if parsed.show_help:
                return [Reply(card=cards.help_card(help_lines(), intro=parsed.message))]
            return [Reply(parsed.message)]
        replies = [Reply(parsed.note)] if parsed.note else []
        spec, handler = self._commands[parsed.name]
        bad = next((a for a in parsed.args[: len(spec.ids)] if not _valid_id(a)), None)
        if bad is not None:
            return [*replies, Reply(texts.BAD_ID.format(value=texts.echo(bad)))]
        args = await self._known_case(spec.ids, parsed.args)
        try:
            replies.append(await handler(turn, args))
        except DomainError as exc:
            replies.append(Reply(texts.error_text(exc)))
        return replies

    async def _known_case(self, kinds: tuple[IdKind, ...], args: tuple[str, ...]) -> tuple[str, ...]:
        """'jobordre jo-2026-0001' finds JO-2026-0001 and 'hvorfor … k-d7a598' finds K-D7A598: ids are
        stored as KEH and the case systems write them, upper case; people type them in lower case."""
        fixed = list(args)
        for i, kind in enumerate(kinds[: len(args)]):
            fixed[i] = await self._stored_case(kind, args[i])
        return tuple(fixed)

    async def _stored_case(self, kind: IdKind, value: str) -> str:
        upper = value.upper()
        if value == upper:
            return value
        if kind == "job":
            if not await self.job_orders.get_job_order(value) and await self.job_orders.get_job_order(upper):
                return upper
        elif await self.pool.get_candidate(value) is None and await self.pool.get_candidate(upper):
            return upper
        return value

    @command(
        "hjælp",
        usage=texts.USAGE_HJAELP,
        help=texts.CMD_HELP,
        aliases=("hjaelp", "help", "?", "kommandoer"),
    )
    async def help_command(self, turn: Turn, args: tuple[str, ...]) -> Reply:
        return Reply(card=cards.help_card(help_lines()))

    # --- buttons (Action.Execute invoke or Action.Submit message) -----------------------------------

    async def on_action(self, turn: Turn, data: dict[str, Any]) -> ActionResult:
        if _has_cpr(data):
            log.warning("cpr-like card input refused")
            return ActionResult(text=texts.CPR_REFUSED)
        pressed = CardAction(
            verb=str(data.get("verb", "")),
            job=str(data.get("job", "")),
            cand=str(data.get("cand", "")),
            version=as_int(data.get("v"), -1),
            data=data,
        )
        found = self._actions.get(pressed.verb)
        if found is None:
            return ActionResult(text=texts.ACTION_UNKNOWN)
        spec, handler = found
        # Only data the bot drew on a card (bot.domain.signing): a forged job order, candidate or
        # target, or a field added (``ok``), is refused before any handler reads it; nothing changes.
        verdict = self.signer.verify(data)
        if verdict is not Verdict.OK:
            log.warning(
                "card action refused: signature", extra={"verb": pressed.verb, "signature": verdict.value}
            )
            return ActionResult(text=texts.ACTION_NOT_SIGNED)
        if spec.job and not _valid_id(pressed.job):
            return ActionResult(text=texts.ACTION_UNKNOWN)
        # A decision or status always names the candidate and the version the card was drawn from.
        if spec.record and (not _valid_id(pressed.cand) or pressed.version < 0):
            return ActionResult(text=texts.ACTION_UNKNOWN)
        try:
            return await handler(turn, pressed)
        except DomainError as exc:
            return ActionResult(text=texts.error_text(exc))

    # --- lifecycle ------------------------------------------------------------------------------------

    async def on_installed(self, turn: Turn) -> list[Reply]:
        welcome = {"personal": texts.WELCOME_PERSONAL, "groupChat": texts.WELCOME_GROUP}
        # a group chat is no channel: shortlists go to the match unit's channel, not "her i kanalen"
        return [Reply(welcome.get(turn.conversation_type, texts.WELCOME_CHANNEL))]

    async def on_reachable(self, upn: str) -> int:
        """A consultant just got a 1:1 conversation: deliver what waited for them; how many went out."""
        return sum([await deliver(upn) for deliver in self._reachable])


_TABLE = CommandTable(spec for feature in (Router, *FEATURES) for spec, _ in declared_commands(feature))
COMMANDS: dict[str, CommandSpec] = _TABLE.specs
parse = _TABLE.parse
help_lines = _TABLE.help_lines
