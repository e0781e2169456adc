"""The command parser: Danish commands, case and typo tolerance, CPR refusal, never silence."""

from __future__ import annotations

import pytest

from bot import router as commands
from bot.ui import texts


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("hjælp", "hjælp", ()),
        ("HJÆLP", "hjælp", ()),
        ("hjaelp", "hjælp", ()),
        ("<at>Matchbot</at> match JO-1", "match", ("JO-1",)),
        ("Match&nbsp;JO-1", "match", ("JO-1",)),
        ("jobordre", "jobordre", ()),
        ("jobordre JO-7", "jobordre", ("JO-7",)),
        ("status JO-1 K-1 kontaktet", "status", ("JO-1", "K-1", "kontaktet")),
        ("status JO-1 K-1 samtale 2026-12-01", "status", ("JO-1", "K-1", "samtale", "2026-12-01")),
        ("hvorfor JO-1 K-9", "hvorfor", ("JO-1", "K-9")),
        ("Overblik JO-1", "overblik", ("JO-1",)),
        ("mine", "mine", ()),
    ],
)
def test_commands_parse(text: str, name: str, args: tuple[str, ...]) -> None:
    parsed = commands.parse(text)
    assert isinstance(parsed, commands.Parsed)
    assert (parsed.name, parsed.args, parsed.note) == (name, args, None)


def test_small_typo_in_a_read_only_command_runs_with_a_did_you_mean() -> None:
    parsed = commands.parse("hvorfro JO-1 K-2")
    assert isinstance(parsed, commands.Parsed) and parsed.name == "hvorfor"
    assert parsed.note == "Mente du **hvorfor JO-1 K-2**?"


def test_typo_in_a_changing_command_only_suggests() -> None:
    parsed = commands.parse("mach JO-1")
    assert isinstance(parsed, commands.Rejected) and not parsed.show_help
    assert parsed.message == "Mente du **match JO-1**?"


def test_unknown_input_gets_the_command_list() -> None:
    parsed = commands.parse("hvad kan du")
    assert isinstance(parsed, commands.Rejected)
    assert parsed.show_help and parsed.message == texts.UNKNOWN_COMMAND
    empty = commands.parse("  <at>Matchbot</at> ")
    assert isinstance(empty, commands.Rejected) and empty.message == texts.EMPTY_MESSAGE


def test_wrong_number_of_arguments_shows_usage() -> None:
    parsed = commands.parse("match")
    assert isinstance(parsed, commands.Rejected) and parsed.message == "Brug: **match «jobordre»**"


@pytest.mark.parametrize(
    "text", ["hvorfor JO-1 0101901234", "status JO-1 K-1 afslag 311299-1234", "010190 1234"]
)
def test_cpr_like_text_is_refused(text: str) -> None:
    parsed = commands.parse(text)
    assert isinstance(parsed, commands.Rejected) and parsed.cpr
    assert parsed.message == texts.CPR_REFUSED


def test_help_lists_every_command() -> None:
    usages = [u for u, _ in commands.help_lines()]
    assert [u.split()[0] for u in usages] == list(commands.COMMANDS)
