"""A report view as CSV for Danish Excel (``;`` separator, decimal comma, UTF-8 with BOM) and as an
Excel workbook (openpyxl): one sheet per table plus "Om rapporten" (period, counting rule, exclusions).

Why a BOM and ``;``: Danish Excel opens a CSV with its list separator (``;``) and reads æøå right only
with a BOM; a decimal point would be read as a thousands separator.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.ui import texts
from bot.ui.report_views import Cell, ReportView, Sheet
from matching.models import da_number

ExportFormat = Literal["csv", "xlsx"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")  # characters Excel refuses in a sheet name


def da_cell(value: Cell, decimals: int = 1) -> str:
    """A cell as a Dane reads it: decimal comma, '' for no figure."""
    if value is None:
        return ""
    if isinstance(value, float):
        return da_number(value, decimals)
    return str(value)


def about_rows(view: ReportView) -> list[tuple[str, str]]:
    return [
        (texts.REPORT_ABOUT_TITLE, view.title),
        (texts.REPORT_ABOUT_PERIOD, view.period),
        (texts.REPORT_ABOUT_RULE, view.rule),
        (texts.REPORT_ABOUT_EXCLUDED, "; ".join(view.excluded) or texts.REPORT_EXCLUDED_NONE),
        (texts.REPORT_ABOUT_SMALL, texts.REPORT_SMALL_NOTE),
        *((texts.REPORT_ABOUT_SOURCE, note) for note in view.notes),
    ]


def _with_small(sheet: Sheet) -> tuple[tuple[str, ...], list[list[Cell]]]:
    columns = (*sheet.columns, texts.REPORT_SMALL_COLUMN)
    rows = [
        [*row, texts.REPORT_YES if i < len(sheet.small) and sheet.small[i] else ""]
        for i, row in enumerate(sheet.rows)
    ]
    return columns, rows


def to_csv(view: ReportView) -> bytes:
    """The first table, then the other tables, then "Om rapporten", separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for i, sheet in enumerate(view.sheets):
        if i:
            writer.writerow([])
            writer.writerow([sheet.name])
        columns, rows = _with_small(sheet)
        writer.writerow(columns)
        writer.writerows([da_cell(c) for c in row] for row in rows)
    writer.writerow([])
    writer.writerows(about_rows(view))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(view: ReportView) -> bytes:
    """One sheet per table (numbers as numbers, one decimal shown) and "Om rapporten"."""
    book = Workbook()
    first = True
    for sheet in view.sheets:
        ws = book.active if first and book.active is not None else book.create_sheet()
        first = False
        ws.title = _SHEET_FORBIDDEN.sub("-", sheet.name)[:_SHEET_NAME_MAX]
        columns, rows = _with_small(sheet)
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, row in enumerate(rows):
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"
                if i < len(sheet.bold) and sheet.bold[i]:
                    cell.font = Font(bold=True)
        for letter, width in zip("ABCDEFGHIJ", (16, 34, 12, 12, 14, 14, 12, 12, 12, 12), strict=False):
            ws.column_dimensions[letter].width = width
    about = book.create_sheet(texts.REPORT_ABOUT_SHEET)
    about.append(list(texts.REPORT_ABOUT_COLUMNS))
    for name, value in about_rows(view):
        about.append([name, value])
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(view: ReportView, fmt: ExportFormat) -> bytes:
    return to_csv(view) if fmt == "csv" else to_xlsx(view)
