"""Måltal (targets) for the special job schemes per forvaltning, scheme and year: ``config/targets.toml``.

Why data: the city council adopts new måltal every year (the 2017 figures are the shipped example);
the match unit corrects them without a code change. Validated at start-up: an unknown scheme,
group, forvaltning or employment type stops the bot with a message naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config import config_path, validate_file
from matching import texts
from matching.models import FORVALTNINGER, EmployerSector, EmploymentType

TARGETS_FILE = "targets.toml"

Unit = Literal["helaarspersoner", "ansatte"]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Source = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchemeSpec(_Strict):
    """One row of the 2017 layout (Løntilskud, Virksomhedspraktik …): which job types it counts."""

    label: Annotated[str, Field(min_length=1, max_length=40)]
    employment_types: Annotated[list[EmploymentType], Field(min_length=1)]
    unit: Unit
    source: Source


class GroupSpec(_Strict):
    """One måltal covers these schemes (2017: one for praktik, nytteindsats and løntilskud together)."""

    label: Annotated[str, Field(min_length=1, max_length=60)]
    schemes: Annotated[list[Code], Field(min_length=1)]
    source: Source


class YearTargets(_Strict):
    source: Source
    note: str = ""
    targets: dict[EmployerSector, dict[Code, Annotated[float, Field(ge=0, le=100_000)]]]


class TargetConfig(_Strict):
    schemes: dict[Code, SchemeSpec]
    groups: dict[Code, GroupSpec]
    years: dict[Annotated[int, Field(ge=2000, le=2100)], YearTargets] = {}

    @model_validator(mode="after")
    def _consistent(self) -> TargetConfig:
        seen: dict[EmploymentType, str] = {}
        for code, scheme in self.schemes.items():
            for kind in scheme.employment_types:
                if kind in seen:
                    raise ValueError(
                        texts.CONFIG_TARGETS_TYPE_TWICE.format(code=code, kind=kind.value, other=seen[kind])
                    )
                seen[kind] = code
        in_group: dict[str, str] = {}
        for code, group in self.groups.items():
            units = {self.schemes[s].unit for s in group.schemes if s in self.schemes}
            for s in group.schemes:
                if s not in self.schemes:
                    known = ", ".join(self.schemes)
                    raise ValueError(
                        texts.CONFIG_TARGETS_UNKNOWN_SCHEME.format(code=code, scheme=s, known=known)
                    )
                if s in in_group:
                    raise ValueError(
                        texts.CONFIG_TARGETS_SCHEME_TWICE.format(code=code, scheme=s, other=in_group[s])
                    )
                in_group[s] = code
            if len(units) > 1:
                raise ValueError(
                    texts.CONFIG_TARGETS_MIXED_UNITS.format(code=code, units=", ".join(sorted(units)))
                )
        for year, spec in self.years.items():
            for sector, targets in spec.targets.items():
                if not sector.is_forvaltning:
                    valid = ", ".join(f.value for f in FORVALTNINGER)
                    raise ValueError(
                        texts.CONFIG_TARGETS_NOT_FORVALTNING.format(
                            year=year, sector=sector.value, valid=valid
                        )
                    )
                for target_group in targets:
                    if target_group not in self.groups:
                        known = ", ".join(self.groups)
                        raise ValueError(
                            texts.CONFIG_TARGETS_UNKNOWN_GROUP.format(
                                year=year, sector=sector.value, group=target_group, known=known
                            )
                        )
        return self

    def unit_of(self, group: str) -> Unit:
        return self.schemes[self.groups[group].schemes[0]].unit

    def scheme_of(self, kind: EmploymentType) -> str | None:
        for code, scheme in self.schemes.items():
            if kind in scheme.employment_types:
                return code
        return None


def load_targets(path: Path | None = None) -> TargetConfig:
    return validate_file(TargetConfig, path or config_path(TARGETS_FILE))
