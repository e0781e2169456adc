"""`matchbot` command line. Each sub-command parses its arguments and calls one function
(``bot.cli_commands``).

Exit codes: 0 ok, 2 bad input (with a Danish message naming file, line and field), bad configuration
or a database that cannot be reached: every failure is 2 and a Danish message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime

from bot import cli_commands as run
from bot import cli_reports
from bot.ui import texts

Handler = Callable[[argparse.Namespace], int]


def _matching(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("match", help=texts.CLI_HELP_MATCH)
    p.add_argument("--job-order", required=True, help=texts.CLI_HELP_JOB_ORDER_FILE)
    p.add_argument("--candidates", required=True, help=texts.CLI_HELP_POOL_FILE)
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", action="store_true", help=texts.CLI_HELP_JSON)
    p.set_defaults(handler=run.cmd_match)

    p = sub.add_parser("explain", help=texts.CLI_HELP_EXPLAIN)
    p.add_argument("--job-order", required=True)
    p.add_argument("--candidates", required=True)
    p.add_argument("--candidate", required=True, help=texts.CLI_HELP_CANDIDATE_ID)
    p.add_argument("--top", type=int, default=10)
    p.set_defaults(handler=run.cmd_explain)

    p = sub.add_parser("evaluate", help=texts.CLI_HELP_EVALUATE)
    p.add_argument("--dir", default="data/evaluation", help=texts.CLI_HELP_EVALUATE_DIR)
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--misses", action="store_true", help=texts.CLI_HELP_EVALUATE_MISSES)
    p.set_defaults(handler=run.cmd_evaluate)


def _intake(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help=texts.CLI_HELP_IMPORT)
    imp = p.add_subparsers(dest="what", required=True, metavar=texts.CLI_METAVAR_WHAT)
    imports = (
        ("candidates", texts.CLI_HELP_IMPORT_CANDIDATES),
        ("job-orders", texts.CLI_HELP_IMPORT_JOB_ORDERS),
    )
    for what, helptext in imports:
        q = imp.add_parser(what, help=helptext)
        q.add_argument("file", metavar=texts.CLI_METAVAR_FILE, help=texts.CLI_HELP_IMPORT_FILE)
        if what == "candidates":
            q.add_argument(
                "--mode", choices=["upsert", "replace"], default="upsert", help=texts.CLI_HELP_IMPORT_MODE
            )
        q.add_argument("--report", help=texts.CLI_HELP_IMPORT_REPORT)
        q.set_defaults(handler=run.cmd_import)

    p = sub.add_parser("worker", help=texts.CLI_HELP_WORKER)
    p.set_defaults(handler=run.cmd_worker)

    p = sub.add_parser("demo", help=texts.CLI_HELP_DEMO)
    p.add_argument("--fast", action="store_true", help=texts.CLI_HELP_DEMO_FAST)
    p.set_defaults(handler=run.cmd_demo)


def _moment(value: str) -> datetime:
    """An ISO moment with its time zone (``--now``); a naive one would be read as UTC by nobody's intent."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(texts.CLI_BAD_MOMENT.format(value=value))
    return moment


def _operations(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("purge", help=texts.CLI_HELP_PURGE)
    p.add_argument("--candidate", required=True, help=texts.CLI_HELP_CANDIDATE_ID)
    p.add_argument("--actor", help=texts.CLI_HELP_PURGE_ACTOR)
    p.set_defaults(handler=run.cmd_purge)

    p = sub.add_parser("serve", help=texts.CLI_HELP_SERVE)
    p.add_argument("--host", help=texts.CLI_HELP_HOST)
    p.add_argument("--port", type=int, help=texts.CLI_HELP_PORT)
    p.add_argument("--sample-data", action="store_true", help=texts.CLI_HELP_SERVE_SAMPLE_DATA)
    p.add_argument("--now", type=_moment, help=texts.CLI_HELP_SERVE_NOW)
    p.set_defaults(handler=run.cmd_serve)

    p = sub.add_parser("teams-package", help=texts.CLI_HELP_TEAMS_PACKAGE)
    p.add_argument("--out", default="dist/matchbot-teams.zip", help=texts.CLI_HELP_TEAMS_PACKAGE_OUT)
    p.set_defaults(handler=run.cmd_teams_package)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matchbot", description=texts.CLI_DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar=texts.CLI_METAVAR_COMMAND)
    _matching(sub)
    _intake(sub)
    _operations(sub)
    cli_reports.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
