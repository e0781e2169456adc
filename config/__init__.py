"""Configuration: data files validated at start-up, and environment settings.

Every loader here raises :class:`ConfigError` naming the file and the field, so a
typo in a TOML file stops start-up with a message an operator can act on.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

CONFIG_DIR = Path(__file__).resolve().parent

M = TypeVar("M", bound=BaseModel)


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or fails validation."""


def config_path(name: str) -> Path:
    return CONFIG_DIR / name


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: filen findes ikke") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: ugyldig TOML: {exc}") from exc


def validate_file(model: type[M], path: Path) -> M:
    """Load ``path`` as TOML and validate it as ``model``; errors name file and field."""
    data = load_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, source=str(path))) from exc


def format_validation_error(exc: ValidationError, source: str = "") -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(rod)"
        parts.append(f"{source + ': ' if source else ''}felt '{loc}': {err['msg']}")
    return "\n".join(parts)
