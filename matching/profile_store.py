"""Candidate profiles kept as interned columns, rebuilt on demand for the few rows that are shown.

A pool repeats the same jobcentres, consultants, postcodes and title lists over and over; a
``CandidateProfile`` object per candidate costs ≈ 1.4 kB (1.4 GB at a million candidates) although
matching reads only numpy columns and needs a whole profile only for the ten candidates it shows and
for ``explain``. So each row keeps small integer references into interned strings and tuples
(≈ 50 bytes a row plus the id), and :meth:`ProfileStore.get` rebuilds an equal profile with
``model_construct`` (the values were validated on the way in).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.models import AgeBand, Benefit, CandidateProfile, EducationLevel, TargetGroup

_BENEFITS = list(Benefit)
_BENEFIT_CODE = {b: i for i, b in enumerate(_BENEFITS)}
# Scheme fields (issue 10): code 0 = not recorded, else 1 + the member's position.
TARGET_GROUPS = list(TargetGroup)
AGE_BANDS: list[AgeBand | None] = [None, *AgeBand]
EDUCATION_LEVELS: list[EducationLevel | None] = [None, *EducationLevel]
AGE_CODE = {a: i for i, a in enumerate(AGE_BANDS)}
EDUCATION_CODE = {e: i for i, e in enumerate(EDUCATION_LEVELS)}
TARGET_CODE = {g: i for i, g in enumerate(TARGET_GROUPS)}
NO_WEEKS = -1
_REFS = (
    "jobcenter",
    "consultant",
    "postcode",
    "desired",
    "experience",
    "skills",
    "certificates",
    "languages",
    "trade",  # interned string, 0 = none
)
_LISTS = {
    "desired": "desired_titles",
    "experience": "experience_titles",
    "skills": "skills",
    "certificates": "certificates",
    "languages": "languages",
}


class _Interner:
    """Distinct values, each stored once; index 0 is reserved for nothing."""

    def __init__(self) -> None:
        self.values: list[Any] = [None]
        self.index: dict[Any, int] = {}

    def add(self, value: Any) -> int:
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.values)
            self.values.append(value)
        return i


class ProfileStore:
    """Rows of interned profile fields; ``put`` and ``get`` by row."""

    def __init__(self, capacity: int = 1024) -> None:
        self.ids: list[str] = []
        self._strings = _Interner()
        self._tuples = _Interner()
        self._cap = 0
        self._refs = np.zeros((0, len(_REFS)), dtype=np.int32)
        self.commute = np.zeros(0, dtype=np.float64)
        self.hours = np.zeros(0, dtype=np.int16)
        self.avail = np.zeros(0, dtype=np.int32)
        self.benefit = np.zeros(0, dtype=np.int8)
        self.active = np.zeros(0, dtype=bool)
        self.target = np.zeros(0, dtype=np.int8)
        self.age = np.zeros(0, dtype=np.int8)
        self.education = np.zeros(0, dtype=np.int8)
        self.weeks = np.zeros(0, dtype=np.int16)
        self.flex = np.zeros(0, dtype=bool)
        self._grow(capacity)

    def _grow(self, capacity: int) -> None:
        old = self._cap
        refs = np.zeros((capacity, len(_REFS)), dtype=np.int32)
        refs[:old] = self._refs[:old]
        self._refs = refs
        for name, dtype in (
            ("commute", np.float64),
            ("hours", np.int16),
            ("avail", np.int32),
            ("benefit", np.int8),
            ("active", bool),
            ("target", np.int8),
            ("age", np.int8),
            ("education", np.int8),
            ("weeks", np.int16),
            ("flex", bool),
        ):
            new = np.zeros(capacity, dtype=dtype)
            new[:old] = getattr(self, name)[:old]
            setattr(self, name, new)
        self._cap = capacity

    def put(self, row: int, p: CandidateProfile) -> None:
        """Store ``p`` at ``row`` (a new row is the next one, ``len(ids)``)."""
        if row == len(self.ids):
            if row >= self._cap:
                self._grow(max(1024, self._cap * 2))
            self.ids.append(p.id)
        else:
            self.ids[row] = p.id
        s, t = self._strings.add, self._tuples.add
        self._refs[row] = (
            s(p.jobcenter),
            s(p.consultant),
            s(p.postcode),
            t(tuple(p.desired_titles)),
            t(tuple(p.experience_titles)),
            t(tuple(p.skills)),
            t(tuple(p.certificates)),
            t(tuple(p.languages)),
            s(p.trade) if p.trade else 0,
        )
        self._put_scheme_fields([row], [p])
        self.commute[row] = p.max_commute_km
        self.hours[row] = p.hours_per_week
        self.avail[row] = p.available_from.toordinal() if p.available_from else 0
        self.benefit[row] = _BENEFIT_CODE[p.benefit]
        self.active[row] = p.active

    def put_many(self, rows: list[int], profiles: list[CandidateProfile]) -> npt.NDArray[np.int32]:
        """Store a chunk (rows as ``put`` takes them, no row twice); the interned references per row.

        The references are returned so the caller can memoise encodings per interned value (an id
        is cheaper to hash than a tuple of strings); numeric fields are written one column at a time.
        """
        if rows and max(rows) >= self._cap:
            self._grow(max(1024, self._cap * 2, max(rows) + 1))
        ids = self.ids
        for row, p in zip(rows, profiles, strict=True):
            if row == len(ids):
                ids.append(p.id)
            else:
                ids[row] = p.id
        sg, sa, tg, ta = self._strings.index.get, self._strings.add, self._tuples.index.get, self._tuples.add
        refs = np.asarray(
            [
                (
                    sg(p.jobcenter) or sa(p.jobcenter),
                    sg(p.consultant) or sa(p.consultant),
                    sg(p.postcode) or sa(p.postcode),
                    tg(d := tuple(p.desired_titles)) or ta(d),
                    tg(e := tuple(p.experience_titles)) or ta(e),
                    tg(k := tuple(p.skills)) or ta(k),
                    tg(c := tuple(p.certificates)) or ta(c),
                    tg(lg := tuple(p.languages)) or ta(lg),
                    (sg(p.trade) or sa(p.trade)) if p.trade else 0,
                )
                for p in profiles
            ],
            dtype=np.int32,
        ).reshape(len(profiles), len(_REFS))
        r = np.asarray(rows, dtype=np.int64)
        self._refs[r] = refs
        self.commute[r] = [p.max_commute_km for p in profiles]
        self.hours[r] = [p.hours_per_week for p in profiles]
        self.avail[r] = [p.available_from.toordinal() if p.available_from else 0 for p in profiles]
        self.benefit[r] = [_BENEFIT_CODE[p.benefit] for p in profiles]
        self.active[r] = [p.active for p in profiles]
        self._put_scheme_fields(rows, profiles)
        return refs

    def _put_scheme_fields(self, rows: list[int], profiles: list[CandidateProfile]) -> None:
        r = np.asarray(rows, dtype=np.int64)
        self.target[r] = [TARGET_CODE[p.target_group] for p in profiles]
        self.age[r] = [AGE_CODE[p.age_band] for p in profiles]
        self.education[r] = [EDUCATION_CODE[p.education_level] for p in profiles]
        self.weeks[r] = [NO_WEEKS if p.weeks_unemployed is None else p.weeks_unemployed for p in profiles]
        self.flex[r] = [p.flex_approved for p in profiles]

    def string(self, i: int) -> str:
        """The interned string with id ``i`` (a reference returned by ``put_many``)."""
        value: str = self._strings.values[i]
        return value

    def items(self, i: int) -> tuple[str, ...]:
        """The interned tuple with id ``i`` (a reference returned by ``put_many``)."""
        value: tuple[str, ...] = self._tuples.values[i]
        return value

    def get(self, row: int) -> CandidateProfile:
        """The profile stored at ``row``, equal to the one put there."""
        refs = self._refs[row].tolist()
        strings, tuples = self._strings.values, self._tuples.values
        fields: dict[str, Any] = {
            "id": self.ids[row],
            "jobcenter": strings[refs[0]],
            "consultant": strings[refs[1]],
            "postcode": strings[refs[2]],
            "max_commute_km": float(self.commute[row]),
            "hours_per_week": int(self.hours[row]),
            "available_from": date.fromordinal(int(self.avail[row])) if self.avail[row] else None,
            "benefit": _BENEFITS[int(self.benefit[row])],
            "active": bool(self.active[row]),
            "target_group": TARGET_GROUPS[int(self.target[row])],
            "age_band": AGE_BANDS[int(self.age[row])],
            "education_level": EDUCATION_LEVELS[int(self.education[row])],
            "weeks_unemployed": None if self.weeks[row] == NO_WEEKS else int(self.weeks[row]),
            "trade": strings[refs[8]] if refs[8] else None,
            "flex_approved": bool(self.flex[row]),
        }
        for k, name in enumerate(_REFS[3:8], start=3):
            fields[_LISTS[name]] = list(tuples[refs[k]])
        return CandidateProfile.model_construct(**fields)
