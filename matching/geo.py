"""Danish postcode centres and distances between them.

Distances are great-circle kilometres between the land-area centres of postcodes
(``config/postcodes.csv``, from DAWA). Good enough to say "7 km fra arbejdsstedet";
travel time is a later refinement.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from config import ConfigError, config_path
from matching import texts

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Postcode:
    code: str
    name: str
    lat: float
    lon: float


class PostcodeTable:
    """Postcode lookup plus vectorised distance from one postcode to many."""

    def __init__(self, rows: list[Postcode]) -> None:
        self._by_code = {r.code: r for r in rows}
        self.codes = [r.code for r in rows]
        self._index = {c: i for i, c in enumerate(self.codes)}
        self._lat = np.radians(np.array([r.lat for r in rows], dtype=np.float64))
        self._lon = np.radians(np.array([r.lon for r in rows], dtype=np.float64))

    @classmethod
    def load(cls, path: Path) -> PostcodeTable:
        rows: list[Postcode] = []
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                for lineno, rec in enumerate(csv.DictReader(fh), start=2):
                    try:
                        code = rec["postcode"].strip()
                        if len(code) != 4 or not code.isdigit():
                            raise ValueError(texts.CONFIG_POSTCODE_DIGITS.format(code=code))
                        rows.append(Postcode(code, rec["name"].strip(), float(rec["lat"]), float(rec["lon"])))
                    except (KeyError, ValueError, AttributeError) as exc:
                        raise ConfigError(f"{path}:{lineno}: {exc}") from exc
        except FileNotFoundError as exc:
            raise ConfigError(texts.CONFIG_FILE_NOT_FOUND.format(path=path)) from exc
        return cls(rows)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Postcode | None:
        return self._by_code.get(code)

    def name(self, code: str) -> str:
        pc = self._by_code.get(code)
        return pc.name if pc else code

    def index_of(self, code: str) -> int:
        return self._index[code]

    def distance_km(self, a: str, b: str) -> float:
        i, j = self._index[a], self._index[b]
        return float(self.distances_from_index(i)[j])

    def distances_from_index(self, i: int) -> npt.NDArray[np.float64]:
        """Haversine distance from postcode ``i`` to every postcode, in km."""
        dlat = self._lat - self._lat[i]
        dlon = self._lon - self._lon[i]
        a = np.sin(dlat / 2) ** 2 + np.cos(self._lat[i]) * np.cos(self._lat) * np.sin(dlon / 2) ** 2
        result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        return result


@cache
def postcodes() -> PostcodeTable:
    """The bundled table, loaded once (pure data, safe to share)."""
    return PostcodeTable.load(config_path("postcodes.csv"))
