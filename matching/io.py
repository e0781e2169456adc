"""Reading job orders and candidate pools with errors a caseworker can act on.

Every failure is an :class:`InputFileError` naming the file, the line (or list element) and the
field, in Danish: "data/kandidater.jsonl, linje 17, felt 'postcode': '9999' er ikke et kendt dansk
postnummer". Never the English text of the OS or the JSON parser, and never a CPR number.

One reader for every file of records (:func:`read_records`): ``.jsonl`` (one object per line),
``.json`` (an object or a list), ``.csv`` (header row with the model's field names; list fields
split on ';' or '|'; empty cells mean "not given"; a decimal comma is a decimal point; Excel's
Windows-1252 is read when the file is not UTF-8). ``matchbot import`` validates every record and
reports the bad ones; :func:`load_candidates` (``matchbot match``) stops at the first.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import re
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from matching import texts
from matching.models import CandidateProfile, JobOrder, field_errors
from matching.privacy import redact_cpr

M = TypeVar("M", bound=BaseModel)

ID_KIND: dict[type[BaseModel], str] = {CandidateProfile: texts.ID_CANDIDATE, JobOrder: texts.ID_JOB_ORDER}
CP1252 = "cp1252"

_LIST_SPLIT = str.maketrans({"|": ";"})
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_TRUE = {"true", "1", "ja", "j", "yes", "y", "sand"}
_FALSE = {"false", "0", "nej", "n", "no", "falsk"}


class InputFileError(ValueError):
    """A bad input file; ``str()`` is the full Danish message.

    Path, field and message are all redacted: an unknown column can be named like a CPR number.
    """

    def __init__(
        self, path: str | Path, line: int | None, field: str | None, message: str, unit: str = texts.LINE
    ) -> None:
        self.path = redact_cpr(str(path))
        self.line = line
        self.unit = unit
        self.field = redact_cpr(field) if field else field
        self.message = redact_cpr(message)  # validation messages echo values; never a CPR number
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", {self.unit} {self.line}"
        if self.field:
            where += texts.FILE_WHERE_FIELD.format(field=self.field)
        return f"{where}: {self.message}"


def os_error_reason(exc: OSError, missing: str = texts.FILE_NOT_FOUND) -> str:
    """A Danish reason for a failed open; ``missing`` is what a FileNotFoundError means here."""
    if isinstance(exc, IsADirectoryError):
        return texts.FILE_IS_DIRECTORY
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return missing
    if isinstance(exc, PermissionError):
        return texts.FILE_NO_ACCESS
    return texts.FILE_OS_ERROR.format(code=errno.errorcode.get(exc.errno or -1, type(exc).__name__))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, None, None, os_error_reason(exc)) from exc


def _read_text(path: Path) -> str:
    try:
        return _read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, None, None, texts.FILE_NOT_UTF8) from exc


def _bad_json(exc: json.JSONDecodeError) -> str:
    return texts.FILE_BAD_JSON_AT.format(column=exc.colno)


def first_error(
    path: Path, line: int | None, problems: list[tuple[str | None, str]], unit: str = texts.LINE
) -> InputFileError:
    field, message = problems[0]
    if len(problems) > 1:
        message += texts.FILE_MORE_PROBLEMS.format(problems="; ".join(f"{f}: {m}" for f, m in problems[1:4]))
    return InputFileError(path, line, field, message, unit)


def _object_line(text: str, key: str) -> int | None:
    """Best effort: the line of ``"key":`` in a pretty-printed JSON file."""
    needle = json.dumps(key) + ":"
    for no, line in enumerate(text.splitlines(), start=1):
        if needle in line.replace('": ', '":'):
            return no
    return None


def load_job_order(path: str | Path) -> JobOrder:
    """One job order from a JSON file."""
    path = Path(path)
    text = _read_text(path)
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, exc.lineno, None, _bad_json(exc)) from exc
    if not isinstance(data, dict):
        raise InputFileError(path, 1, None, texts.FILE_NOT_OBJECT)
    try:
        return JobOrder.model_validate(data)
    except ValidationError as exc:
        err = first_error(path, None, list(field_errors(exc)))
        top = (err.field or "").split(".")[0]
        line = _object_line(text, top) if top in data else None
        raise InputFileError(path, line, err.field, err.message) from exc


# --- files of records (candidate pools, job order imports) -------------------------------------------


class JsonLine(str):
    """A JSONL line not parsed yet: validated with ``model_validate_json`` in one step (faster)."""


@dataclass(frozen=True)
class Records:
    """The records of a file, each with its line (CSV, JSONL) or list element (JSON); None: the file."""

    path: Path
    items: list[tuple[int | None, Any]]
    unit: str = texts.LINE
    encoding: str = "utf-8"


@cache
def _fields_of(model: type[BaseModel]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(list, bool, number) fields: how a CSV cell is read for each."""
    lists, bools, numbers = set(), set(), set()
    for name, info in model.model_fields.items():
        ann = info.annotation
        options = typing.get_args(ann) if isinstance(ann, types.UnionType) else (ann,)
        if any(typing.get_origin(a) is list for a in options):
            lists.add(name)
        elif ann is bool:
            bools.add(name)
        elif ann in (int, float):
            numbers.add(name)
    return frozenset(lists), frozenset(bools), frozenset(numbers)


def _csv_row(row: dict[str | Any, str | Any], model: type[BaseModel]) -> dict[str, Any]:
    """A CSV row as the JSON the model expects: lists split, Danish yes/no and decimal comma, empty
    cells omitted."""
    lists, bools, numbers = _fields_of(model)
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:  # more cells than headers
            out[texts.FILE_EXTRA_COLUMNS] = value
            continue
        name = str(key).strip()
        if value is None:
            continue
        text = str(value).strip()
        if text == "":
            continue
        if name in lists:
            out[name] = [part.strip() for part in text.translate(_LIST_SPLIT).split(";") if part.strip()]
        elif name in bools and text.lower() in _TRUE | _FALSE:
            out[name] = text.lower() in _TRUE
        elif name in numbers and _DECIMAL_COMMA.fullmatch(text):  # Danish Excel: "20,5"
            out[name] = text.replace(",", ".")
        else:
            out[name] = text
    return out


def _csv_records(path: Path, text: str, model: type[BaseModel]) -> list[tuple[int | None, Any]]:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        return [(reader.line_num, _csv_row(row, model)) for row in reader]
    except csv.Error as exc:  # a NUL byte, a runaway quote: the rest of the file cannot be trusted
        raise InputFileError(path, reader.line_num, None, texts.FILE_BAD_CSV) from exc


def read_records(path: str | Path, model: type[BaseModel]) -> Records:
    """Every record of a file, not validated yet; a file that cannot be read is an InputFileError."""
    path = Path(path)
    raw = _read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            return Records(path, _csv_records(path, raw.decode("utf-8-sig"), model))
        except UnicodeDecodeError:
            pass
        try:  # Excel's "CSV (semikolonsepareret)" is Windows-1252
            return Records(path, _csv_records(path, raw.decode(CP1252), model), encoding=CP1252)
        except UnicodeDecodeError as exc:
            raise InputFileError(path, None, None, texts.FILE_NOT_TEXT) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, None, None, texts.FILE_NOT_UTF8) from exc
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, exc.lineno, None, _bad_json(exc)) from exc
        if isinstance(data, list):
            return Records(path, list(enumerate(data, start=1)), unit=texts.ELEMENT)
        return Records(path, [(None, data)])
    # .jsonl and anything else: one JSON object per line, parsed by pydantic itself
    lines = enumerate(text.splitlines(), start=1)
    return Records(path, [(no, JsonLine(line)) for no, line in lines if line.strip()])


def validate_record(model: type[M], record: Any) -> M | list[tuple[str | None, str]]:
    """The record as a model, or its problems as (field, Danish reason) pairs."""
    try:
        if isinstance(record, JsonLine):
            return model.model_validate_json(record)
        if isinstance(record, dict):
            return model.model_validate(record)
    except ValidationError as exc:
        kinds = {e["type"] for e in exc.errors()}
        if "json_invalid" in kinds:  # pydantic's own reason is English: ask the stdlib for the column
            try:
                json.loads(record)
            except json.JSONDecodeError as bad:
                return [(None, _bad_json(bad))]
            return [(None, texts.FILE_BAD_JSON)]
        if kinds & {"model_type", "model_attributes_type"}:
            return [(None, texts.FILE_NOT_OBJECT)]
        return list(field_errors(exc))
    return [(None, texts.FILE_NOT_OBJECT)]


def duplicate_id(model: type[BaseModel], item_id: str, unit: str, first: int | None) -> str:
    """The reason for a record whose id an earlier record of the file already has."""
    kind = ID_KIND.get(model, texts.ID_OTHER)
    return texts.FILE_DUPLICATE_ID.format(kind=kind, id=item_id, unit=unit, line=first)


def load_candidates(path: str | Path) -> list[CandidateProfile]:
    """A candidate pool (JSONL, JSON list or CSV, as ``matchbot import``); the first bad record stops
    it, because a shortlist from a partly read pool would silently miss candidates. Ids must be unique."""
    records = read_records(path, CandidateProfile)
    profiles: list[CandidateProfile] = []
    seen: dict[str, int | None] = {}
    for no, record in records.items:
        profile = validate_record(CandidateProfile, record)
        if isinstance(profile, list):
            raise first_error(records.path, no, profile, records.unit)
        if profile.id in seen:
            message = duplicate_id(CandidateProfile, profile.id, records.unit, seen[profile.id])
            raise InputFileError(records.path, no, "id", message, records.unit)
        seen[profile.id] = no
        profiles.append(profile)
    if not profiles:
        raise InputFileError(records.path, None, None, texts.FILE_EMPTY_POOL)
    return profiles
