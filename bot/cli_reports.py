"""``matchbot report maaltal|resultater|tid|klausuler [periode|kontrakt] --format csv|xlsx --out FIL``:
a report exported from the command line, the same view as the card and the API."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.features.reports import REPORT_KINDS, BadReportInput, ChartLinks, ReportService
from bot.store import Stores
from bot.store.connection import connect
from bot.ui import texts
from bot.ui.exports import EXPORT_FORMATS, ExportFormat, export
from config import ConfigError
from config.settings import Settings

EXIT_OK, EXIT_BAD = 0, 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help=texts.CLI_HELP_REPORT)
    p.add_argument("kind", choices=REPORT_KINDS, metavar=texts.CLI_METAVAR_REPORT)
    p.add_argument("arg", nargs="?", default=None, metavar=texts.CLI_METAVAR_REPORT_ARG)
    p.add_argument("--format", choices=EXPORT_FORMATS, default="csv", dest="fmt")
    p.add_argument("--out", required=True, help=texts.CLI_HELP_REPORT_OUT)
    p.set_defaults(handler=cmd_report)


async def write_report(settings: Settings, kind: str, arg: str | None, fmt: ExportFormat, out: Path) -> int:
    """Compute the report from the configured Redis and write it to ``out``; returns the bytes written."""
    client = await connect(settings)
    try:
        stores = Stores.open(client, settings.redis_key_prefix, retention_days=settings.retention_days)
        service = ReportService(stores.reports, stores.followups, ChartLinks(stores.reports, "", b""))
        view = await service.view(kind, arg)
    finally:
        await client.aclose()
    body = export(view, fmt)
    out.write_bytes(body)
    return len(body)


def cmd_report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        size = asyncio.run(write_report(Settings(), args.kind, args.arg, args.fmt, out))
    except BadReportInput as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD
    except ConfigError as exc:
        print(texts.CLI_CONFIG_ERROR.format(error=exc), file=sys.stderr)
        return EXIT_BAD
    except OSError as exc:
        print(texts.CLI_REPORT_UNWRITABLE.format(path=out, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_BAD
    print(texts.CLI_REPORT_WRITTEN.format(path=out, size=size))
    return EXIT_OK
