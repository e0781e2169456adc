"""Reading job orders (JSON) and candidate pools (JSONL) with errors a caseworker can act on.

Every failure is an :class:`InputFileError` naming the file, the line and the field, in Danish:
"data/kandidater.jsonl, linje 17, felt 'postcode': '9999' er ikke et kendt dansk postnummer".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matching.models import CandidateProfile, JobOrder, field_errors
from matching.privacy import redact_cpr

MSG_NOT_FOUND = "filen findes ikke"
MSG_UNREADABLE = "filen kan ikke læses: {error}"
MSG_NOT_UTF8 = "filen er ikke UTF-8-tekst"
MSG_BAD_JSON = "ugyldig JSON ({error})"
MSG_NOT_OBJECT = "skal være et JSON-objekt"
MSG_DUPLICATE_ID = "kandidat-id '{id}' findes også på linje {line}"
MSG_EMPTY_POOL = "filen indeholder ingen kandidater"


class InputFileError(ValueError):
    """A bad input file; ``str()`` is the full Danish message."""

    def __init__(self, path: str | Path, line: int | None, field: str | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = redact_cpr(message)  # validation messages echo values; never a CPR number
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", linje {self.line}"
        if self.field:
            where += f", felt '{self.field}'"
        return f"{where}: {self.message}"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputFileError(path, None, None, MSG_NOT_FOUND) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(path, None, None, MSG_NOT_UTF8) from exc
    except OSError as exc:
        raise InputFileError(path, None, None, MSG_UNREADABLE.format(error=exc.strerror)) from exc


def _first_error(path: Path, line: int | None, exc: ValidationError) -> InputFileError:
    errors = field_errors(exc)
    field, message = errors[0]
    if len(errors) > 1:
        message += " (og " + "; ".join(f"{f}: {m}" for f, m in errors[1:4]) + ")"
    return InputFileError(path, line, field, message)


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
        raise InputFileError(path, exc.lineno, None, MSG_BAD_JSON.format(error=exc.msg)) from exc
    if not isinstance(data, dict):
        raise InputFileError(path, 1, None, MSG_NOT_OBJECT)
    try:
        return JobOrder.model_validate(data)
    except ValidationError as exc:
        err = _first_error(path, None, exc)
        top = (err.field or "").split(".")[0]
        line = _object_line(text, top) if top in data else None
        raise InputFileError(path, line, err.field, err.message) from exc


def load_candidates(path: str | Path) -> list[CandidateProfile]:
    """A candidate pool, one JSON object per line; blank lines are skipped; ids must be unique."""
    path = Path(path)
    text = _read_text(path)
    profiles: list[CandidateProfile] = []
    seen: dict[str, int] = {}
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, no, None, MSG_BAD_JSON.format(error=exc.msg)) from exc
        if not isinstance(data, dict):
            raise InputFileError(path, no, None, MSG_NOT_OBJECT)
        try:
            profile = CandidateProfile.model_validate(data)
        except ValidationError as exc:
            raise _first_error(path, no, exc) from exc
        if profile.id in seen:
            raise InputFileError(
                path, no, "id", MSG_DUPLICATE_ID.format(id=profile.id, line=seen[profile.id])
            )
        seen[profile.id] = no
        profiles.append(profile)
    if not profiles:
        raise InputFileError(path, None, None, MSG_EMPTY_POOL)
    return profiles
