"""`matchbot` command line. Each sub-command parses its arguments and calls one function.

Exit codes: 0 ok, 2 bad input (with a Danish message naming file, line and field).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matchbot", description="Matchbot – tværgående matchenhed")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    # --- matching (issue: matching core) --------------------------------------------------
    p = sub.add_parser("match", help="match en jobordre mod en kandidatpulje og vis shortlisten")
    p.add_argument("--job-order", required=True, help="jobordre som JSON-fil")
    p.add_argument("--candidates", required=True, help="kandidatpulje som JSONL-fil")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_match"))

    p = sub.add_parser("explain", help="forklar hvorfor en kandidat er (eller ikke er) på listen")
    p.add_argument("--job-order", required=True)
    p.add_argument("--candidates", required=True)
    p.add_argument("--candidate", required=True, help="kandidatens pseudonyme id")
    p.add_argument("--top", type=int, default=10)
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_explain"))
    return parser


def _lazy(module: str, name: str) -> Handler:
    """Import the handler only when its command runs, so `matchbot match` never loads botbuilder."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        fn: Handler = getattr(importlib.import_module(module), name)
        return fn(args)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
