"""``GET /api/rapporter/{rapport}``: the reports as CSV, Excel or JSON for the administration's own
tools, behind the job order API's credential; and ``GET /api/rapporter/graf/{id}``, a chart image
behind a short-lived signed URL (Teams fetches it without a credential, so the signature is the key).

Query: ``periode`` (ÅÅÅÅ-MM or ÅÅÅÅ; for ``maaltal`` a month), ``kontrakt`` (``klausuler``),
``format`` = ``csv`` (default) | ``xlsx`` | ``json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.features.reports import REPORT_KINDS, BadReportInput, ChartLinks, ReportService
from bot.store.reports import ReportReads
from bot.ui import texts
from bot.ui.exports import CONTENT_TYPES, EXPORT_FORMATS, export
from bot.ui.report_views import ReportView

Authorize = Callable[[web.Request], web.Response | None]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"fejl": message}, status=status)


def view_json(view: ReportView) -> dict[str, Any]:
    return {
        "rapport": view.kind,
        "titel": view.title,
        "periode": view.period,
        "taelleregel": view.rule,
        "udeladt": list(view.excluded),
        "noter": list(view.notes),
        "tabeller": [
            {"navn": s.name, "kolonner": list(s.columns), "raekker": s.rows, "faerre_end_5_personer": s.small}
            for s in view.sheets
        ],
    }


def _is_store_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) or type(exc).__module__.startswith("redis")


@dataclass
class ReportsApi:
    reports: ReportService
    store: ReportReads
    links: ChartLinks
    authorize: Authorize  # the job order API's credential check (same keys, same answers)

    async def get_report(self, request: web.Request) -> web.StreamResponse:
        denied = self.authorize(request)
        if denied is not None:
            return denied
        kind = request.match_info["kind"]
        if kind not in REPORT_KINDS:
            return _error(404, texts.REPORT_API_UNKNOWN)
        fmt = request.query.get("format", "csv")
        if fmt not in (*EXPORT_FORMATS, "json"):
            return _error(400, texts.REPORT_EXPORT_BAD_FORMAT)
        arg = request.query.get("kontrakt" if kind == "klausuler" else "periode") or None
        try:
            view = await self.reports.view(kind, arg)
        except BadReportInput as exc:
            return _error(400, str(exc))
        except Exception as exc:
            if not _is_store_error(exc):
                raise
            return _error(503, texts.INTAKE_UNAVAILABLE_READ)
        if fmt == "json":
            return web.json_response(view_json(view))
        body = export(view, "csv" if fmt == "csv" else "xlsx")
        filename = f"rapport-{kind}{'-' + arg if arg else ''}.{fmt}"
        return web.Response(
            body=body,
            headers={
                "Content-Type": CONTENT_TYPES[fmt],
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )

    async def get_chart(self, request: web.Request) -> web.StreamResponse:
        chart_id = request.match_info["chart_id"]
        expires = request.query.get("udloeber", "")
        signature = request.query.get("signatur", "")
        if not self.links.valid(chart_id, expires, signature):
            return _error(404, texts.REPORT_CHART_GONE)
        png = await self.store.get_chart(chart_id)
        if png is None:
            return _error(404, texts.REPORT_CHART_GONE)
        return web.Response(
            body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=600"}
        )

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/rapporter/graf/{chart_id}", self.get_chart)
        app.router.add_get("/api/rapporter/{kind}", self.get_report)
