"""How a feature declares what it handles, and how a typed message becomes one of those commands.

Why declarations beside the code: a feature marks the method that implements a typed command with
``@command`` (its name, usage, help and arguments) and the method behind a card button with
``@action`` (its verb). The router (``bot.router``) collects them, so the help card, the manifest
check, the parser and the dispatch read one declaration: a new command is one decorated method plus
its texts in ``bot.ui.texts``.

Parsing is case-insensitive; a first word that is *close* to a command (rapidfuzz) gets "Mente du
…?". Read-only commands run straight away with that note; commands that change something
(``match``, ``status``) only suggest, because running the wrong change is worse than asking. Text
that looks like a CPR number is refused before anything else looks at it, so it is never stored or
logged.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from rapidfuzz import fuzz, process

from bot.turn import ActionResult, Reply, Turn
from bot.ui import texts
from matching.models import fold
from matching.privacy import contains_cpr

IdKind = Literal["job", "candidate"]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A typed command. ``ids`` names the leading arguments that are ids: each is checked against the
    id rule, and typed in the wrong case it is repaired to the stored id."""

    name: str
    usage: str
    help: str
    min_args: int
    max_args: int
    changes_state: bool = False
    aliases: tuple[str, ...] = ()
    ids: tuple[IdKind, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """A card button. ``job``: the data names a valid job order; ``record``: also a valid candidate
    and the card version the button was drawn from (the idempotency key of a decision)."""

    verb: str
    job: bool = True
    record: bool = False


@dataclass(frozen=True, slots=True)
class CardAction:
    """A pressed button's data, with the fields every action reads already taken out."""

    verb: str
    job: str
    cand: str
    version: int
    data: Mapping[str, Any]

    def text(self, key: str) -> str:
        """A form field as stripped text ('' when absent)."""
        return str(self.data.get(key) or "").strip()

    def number(self, key: str, default: int = 0) -> int:
        return as_int(self.data.get(key), default)


def as_int(value: Any, default: int = 0) -> int:
    """A number a client sent, or ``default`` when it is none."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


CommandHandler = Callable[[Turn, tuple[str, ...]], Awaitable[Reply]]
ActionHandler = Callable[[Turn, CardAction], Awaitable[ActionResult]]
C = TypeVar("C", bound=Callable[..., Awaitable[Reply]])
A = TypeVar("A", bound=Callable[..., Awaitable[ActionResult]])

_COMMAND_ATTR = "__matchbot_command__"
_ACTION_ATTR = "__matchbot_action__"


def command(
    name: str,
    *,
    usage: str,
    help: str,
    args: int | tuple[int, int] = 0,
    ids: tuple[IdKind, ...] = (),
    changes_state: bool = False,
    aliases: tuple[str, ...] = (),
) -> Callable[[C], C]:
    """Declare the decorated method as the handler of the typed command ``name``.

    ``args`` is the exact number of arguments or (fewest, most).
    """
    low, high = (args, args) if isinstance(args, int) else args
    spec = CommandSpec(name, usage, help, low, high, changes_state, aliases, ids)

    def mark(handler: C) -> C:
        setattr(handler, _COMMAND_ATTR, spec)
        return handler

    return mark


def action(verb: str, *, job: bool = True, record: bool = False) -> Callable[[A], A]:
    """Declare the decorated method as the handler of the card button ``verb``."""
    spec = ActionSpec(verb, job, record)

    def mark(handler: A) -> A:
        setattr(handler, _ACTION_ATTR, spec)
        return handler

    return mark


def declared_commands(feature: type) -> list[tuple[CommandSpec, str]]:
    """(spec, method name) of the commands a feature class declares, in the order it defines them."""
    found = ((getattr(v, _COMMAND_ATTR, None), k) for k, v in vars(feature).items())
    return [(spec, name) for spec, name in found if isinstance(spec, CommandSpec)]


def declared_actions(feature: type) -> list[tuple[ActionSpec, str]]:
    """(spec, method name) of the card actions a feature class declares."""
    found = ((getattr(v, _ACTION_ATTR, None), k) for k, v in vars(feature).items())
    return [(spec, name) for spec, name in found if isinstance(spec, ActionSpec)]


# --- parsing ------------------------------------------------------------------------------------------

SUGGEST_CUTOFF = 70.0
_MENTION_RE = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A recognised command; ``note`` is the "Mente du …?" line when it was a near miss."""

    name: str
    args: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """Not runnable: ``message`` says why in Danish; ``show_help`` adds the command list."""

    message: str
    show_help: bool = True
    cpr: bool = False


def clean(text: str) -> str:
    """Strip Teams' @mention of the bot, HTML tags and &nbsp; from a message text."""
    text = _MENTION_RE.sub(" ", text)
    text = _TAG_RE.sub(" ", text).replace("&nbsp;", " ")
    return " ".join(text.split())


def _key(word: str) -> str:
    """The lookup key of a typed word: folded, or the word itself when folding leaves nothing ("?").

    Why: fold("?") is "", and so is fold("...") or fold("!!!"); keyed by "" every punctuation-only
    word would run "hjælp".
    """
    return fold(word) or word.strip()


class CommandTable:
    """The commands a user can type, looked up by name, alias or a near miss."""

    def __init__(self, specs: Iterable[CommandSpec]) -> None:
        self.specs: dict[str, CommandSpec] = {}
        for spec in specs:
            if spec.name in self.specs:
                raise ValueError(f"command {spec.name!r} is declared twice")
            self.specs[spec.name] = spec
        self._lookup = {_key(a): s.name for s in self.specs.values() for a in (s.name, *s.aliases)}

    def help_lines(self) -> list[tuple[str, str]]:
        return [(s.usage, s.help) for s in self.specs.values()]

    def _resolve(self, word: str) -> tuple[str | None, float]:
        key = _key(word)
        if key in self._lookup:
            return self._lookup[key], 100.0
        if not key:
            return None, 0.0
        hit = process.extractOne(key, list(self._lookup), scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF)
        if hit is None:
            return None, 0.0
        return self._lookup[hit[0]], float(hit[1])

    def parse(self, text: str) -> Parsed | Rejected:
        """Turn a typed message into a command, a suggestion, or a refusal; never silence."""
        if contains_cpr(text):
            return Rejected(texts.CPR_REFUSED, show_help=False, cpr=True)
        words = clean(text).split()
        if not words:
            return Rejected(texts.EMPTY_MESSAGE)
        name, score = self._resolve(words[0])
        args = tuple(words[1:])
        if name is None:
            return Rejected(texts.UNKNOWN_COMMAND)
        spec = self.specs[name]
        corrected = texts.echo(" ".join((name, *args)))
        note = None if score == 100.0 else texts.DID_YOU_MEAN.format(suggestion=corrected)
        if not spec.min_args <= len(args) <= spec.max_args:
            usage = texts.USAGE.format(usage=spec.usage)
            return Rejected(f"{note} {usage}" if note else usage, show_help=False)
        if note and spec.changes_state:
            return Rejected(note, show_help=False)
        return Parsed(name, args, note)
