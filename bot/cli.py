"""`matchbot` command line. Each sub-command parses its arguments and calls one function.

Exit codes: 0 ok, 2 bad input (with a Danish message naming file, line and field), bad configuration
or a database that cannot be reached: every failure is 2 and a Danish message, never a traceback.
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
    p.add_argument("--candidates", required=True, help="kandidatpulje: .jsonl, .json eller .csv (som import)")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_match"))

    p = sub.add_parser("explain", help="forklar hvorfor en kandidat er (eller ikke er) på listen")
    p.add_argument("--job-order", required=True)
    p.add_argument("--candidates", required=True)
    p.add_argument("--candidate", required=True, help="kandidatens pseudonyme id")
    p.add_argument("--top", type=int, default=10)
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_explain"))

    # --- intake, operations, demo (issue 5) --------------------------------------------------
    p = sub.add_parser("import", help="importér kandidater eller jobordrer fra en fil (JSONL eller CSV)")
    imp = p.add_subparsers(dest="what", required=True, metavar="HVAD")
    imports = (
        ("candidates", "kandidatpulje (CandidateProfile-felter)"),
        ("job-orders", "jobordrer (JobOrder-felter); de matches og postes som via API'et"),
    )
    for what, helptext in imports:
        q = imp.add_parser(what, help=helptext)
        q.add_argument("file", metavar="FIL", help=".jsonl, .json eller .csv (lister med ';' eller '|')")
        if what == "candidates":
            q.add_argument("--mode", choices=["upsert", "replace"], default="upsert",
                           help="replace: kandidater, der mangler i filen, deaktiveres")
        q.add_argument("--report", help="skriv valideringsrapporten som CSV hertil")
        q.set_defaults(handler=_lazy("bot.cli_commands", "cmd_import"))

    p = sub.add_parser("worker", help="kør kø-workeren alene (matcher jobordrer fra API'et)")
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_worker"))

    p = sub.add_parser("demo", help="matchenhedens dag på eksempeldata: uden Redis og uden Teams")
    p.add_argument("--fast", action="store_true", help="ingen pauser mellem trinene")
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_demo"))

    # --- follow-up: erasure (issue 3) --------------------------------------------------------
    p = sub.add_parser("purge", help="slet al data om en kandidat (opfølgninger, shortlister, pulje …)")
    p.add_argument("--candidate", required=True, help="kandidatens pseudonyme id")
    p.add_argument("--actor", help="hvem der sletter (UPN); standard: cli:<brugernavn>")
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_purge"))

    # --- Teams bot (issue 4) -----------------------------------------------------------------
    p = sub.add_parser("serve", help="start botten (POST /api/messages, jobordre-API, /healthz, /metrics)")
    p.add_argument("--host", help="standard: HOST fra miljøet (0.0.0.0)")
    p.add_argument("--port", type=int, help="standard: PORT fra miljøet (3978)")
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_serve"))

    p = sub.add_parser("teams-package", help="byg Teams-app-pakken (zip) med app-id'et fra MicrosoftAppId")
    p.add_argument("--out", default="dist/matchbot-teams.zip", help="hvor zip-filen skrives")
    p.set_defaults(handler=_lazy("bot.cli_commands", "cmd_teams_package"))
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
