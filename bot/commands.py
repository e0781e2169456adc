"""The Danish commands users type, parsed into (name, args) with typo tolerance.

Why a registry: help text, the manifest's command list and the parser read the same table, so
a new command is one entry. Matching is case-insensitive; a first word that is *close* to a
command (rapidfuzz) gets "Mente du …?". Read-only commands run straight away with that note;
commands that change something (``match``, ``status``) only suggest, because running the wrong
change is worse than asking. Text that looks like a CPR number is refused before anything else
looks at it, so it is never stored or logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.ui import texts
from matching.models import fold
from matching.privacy import contains_cpr


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str
    help: str
    min_args: int
    max_args: int
    changes_state: bool = False
    aliases: tuple[str, ...] = ()


COMMANDS: dict[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        CommandSpec("hjælp", "hjælp", texts.CMD_HELP, 0, 0, aliases=("hjaelp", "help", "?", "kommandoer")),
        CommandSpec("jobordre", "jobordre <id>", texts.CMD_JOBORDRE, 0, 1, aliases=("job",)),
        CommandSpec("jobordrer", "jobordrer", texts.CMD_JOBORDRER, 0, 1, aliases=("liste",)),
        CommandSpec("match", "match <jobordre>", texts.CMD_MATCH, 1, 1, changes_state=True),
        CommandSpec("mine", "mine", texts.CMD_MINE, 0, 0, aliases=("mine opfølgninger",)),
        CommandSpec(
            "status",
            "status <jobordre> <kandidat> <ny status> [dato]",
            texts.CMD_STATUS,
            3,
            4,
            changes_state=True,
        ),
        CommandSpec("hvorfor", "hvorfor <jobordre> <kandidat>", texts.CMD_HVORFOR, 2, 2),
        CommandSpec("overblik", "overblik <jobordre>", texts.CMD_OVERBLIK, 1, 1, aliases=("tragt",)),
        CommandSpec("rapport", "rapport [periode]", texts.CMD_RAPPORT, 0, 1, aliases=("resultater",)),
    )
}

def _key(word: str) -> str:
    """The lookup key of a typed word: folded, or the word itself when folding leaves nothing ("?").

    Why: fold("?") is "", and so is fold("...") or fold("!!!"); keyed by "" every punctuation-only
    word would run "hjælp".
    """
    return fold(word) or word.strip()


_LOOKUP: dict[str, str] = {_key(a): s.name for s in COMMANDS.values() for a in (s.name, *s.aliases)}
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


def help_lines() -> list[tuple[str, str]]:
    return [(s.usage, s.help) for s in COMMANDS.values()]


def _resolve(word: str) -> tuple[str | None, float]:
    key = _key(word)
    if key in _LOOKUP:
        return _LOOKUP[key], 100.0
    if not key:
        return None, 0.0
    hit = process.extractOne(key, list(_LOOKUP), scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF)
    if hit is None:
        return None, 0.0
    return _LOOKUP[hit[0]], float(hit[1])


def parse(text: str) -> Parsed | Rejected:
    """Turn a typed message into a command, a suggestion, or a refusal; never silence."""
    if contains_cpr(text):
        return Rejected(texts.CPR_REFUSED, show_help=False, cpr=True)
    words = clean(text).split()
    if not words:
        return Rejected(texts.EMPTY_MESSAGE)
    name, score = _resolve(words[0])
    args = tuple(words[1:])
    if name is None:
        return Rejected(texts.UNKNOWN_COMMAND)
    spec = COMMANDS[name]
    corrected = texts.echo(" ".join((name, *args)))
    note = None if score == 100.0 else texts.DID_YOU_MEAN.format(suggestion=corrected)
    if not spec.min_args <= len(args) <= spec.max_args:
        usage = texts.USAGE.format(usage=spec.usage)
        return Rejected(f"{note} {usage}" if note else usage, show_help=False)
    if note and spec.changes_state:
        return Rejected(note, show_help=False)
    return Parsed(name, args, note)
