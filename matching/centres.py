"""Jobcenter København's centres and postcodes (``config/centres.toml``): the match unit's pool.

The unit works across Copenhagen's own centres; a candidate whose jobcentre names another
municipality is not Copenhagen's to match (issue 10). :func:`check_copenhagen_jobcenter` is the
rule the candidate model applies, so the import, the CLI and the bot all refuse such a row with the
same Danish sentence. Imports only config and texts (the models import this module).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, cached_property, lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config import config_path, validate_file
from matching import texts

PostcodeRange = Annotated[list[Annotated[int, Field(ge=1000, le=9999)]], Field(min_length=2, max_length=2)]
CentreKind = Literal["distrikt", "unge", "akademikere"]


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-zæøå]+", "", unicodedata.normalize("NFC", text).casefold())


def _in(code: int, ranges: list[list[int]]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


class Centre(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Annotated[str, Field(min_length=1)]
    kind: CentreKind
    aliases: list[str] = []
    postcodes: list[PostcodeRange] = []  # a district centre: the home postcodes it serves


class CentreCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    municipality: str
    upn_domain: str
    other_municipalities: list[str]
    postcodes: list[PostcodeRange]
    centre: list[Centre]

    @model_validator(mode="after")
    def _consistent(self) -> CentreCatalog:
        if _key(self.municipality) in {_key(m) for m in self.other_municipalities}:
            raise ValueError(texts.CONFIG_OWN_MUNICIPALITY.format(name=self.municipality))
        names = [_key(n) for c in self.centre for n in [c.name, *c.aliases]]
        if len(names) != len(set(names)):
            raise ValueError(texts.CONFIG_CENTRE_TWICE)
        for c in self.centre:
            for lo, hi in c.postcodes:
                if lo > hi or not (_in(lo, self.postcodes) and _in(hi, self.postcodes)):
                    raise ValueError(texts.CONFIG_CENTRE_POSTCODES.format(name=c.name, lo=lo, hi=hi))
        return self

    def is_copenhagen_postcode(self, postcode: str) -> bool:
        return postcode.isdigit() and _in(int(postcode), self.postcodes)

    def district_for(self, postcode: str) -> str | None:
        """The district centre serving a home postcode, or None outside Copenhagen."""
        if not postcode.isdigit():
            return None
        code = int(postcode)
        return next((c.name for c in self.centre if c.kind == "distrikt" and _in(code, c.postcodes)), None)

    def by_kind(self, kind: CentreKind) -> list[str]:
        return [c.name for c in self.centre if c.kind == kind]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.centre]

    def other_municipality(self, jobcenter: str) -> str | None:
        """The other municipality a jobcentre's name points to ("Jobcenter Brøndby" -> "Brøndby")."""
        words = {_key(w) for w in re.split(r"[\s,–—/()]+", jobcenter) if w}
        return next((m for key, m in self._other_keys if key in words), None)

    @cached_property
    def _other_keys(self) -> tuple[tuple[str, str], ...]:
        """The other municipalities' keys, folded once (not once per validated profile)."""
        return tuple((_key(m), m) for m in self.other_municipalities)


@cache
def centre_catalog() -> CentreCatalog:
    """``config/centres.toml`` validated (errors name the file and the field)."""
    return validate_file(CentreCatalog, config_path("centres.toml"))


@lru_cache(maxsize=4096)
def _other_municipality(jobcenter: str) -> str | None:
    """Memoised: a pool names a handful of jobcentres, and every profile's is checked on import."""
    return centre_catalog().other_municipality(jobcenter)


def check_copenhagen_jobcenter(value: str) -> str:
    """Refuse a jobcentre of another municipality: the pool is Jobcenter København's citizens."""
    other = _other_municipality(value)
    if other is not None:
        raise ValueError(texts.OTHER_MUNICIPALITY.format(jobcenter=value, municipality=other))
    return value
