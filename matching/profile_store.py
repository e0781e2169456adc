"""Candidate profiles kept as interned columns, rebuilt on demand for the few rows that are shown.

A pool repeats the same jobcentres, consultants, postcodes and title lists over and over; a
``CandidateProfile`` object per candidate costs ≈ 1.4 kB (1.4 GB at a million candidates) although
matching reads only numpy columns and needs a whole profile only for the ten candidates it shows and
for ``explain``. So each row keeps small integer references into interned strings and tuples
(≈ 50 bytes a row plus the id), and :meth:`ProfileStore.get` rebuilds an equal profile with
``model_construct`` (the values were validated on the way in).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import repeat
from operator import attrgetter, itemgetter
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
# The fields put_many reads, fetched per profile by one C call from the model's ``__dict__`` (twice
# as fast as attribute access on a pydantic model) and then handled a column at a time.
_FIELDS_OF = attrgetter("__dict__")
_ROW_FIELDS = itemgetter(
    "id",
    "jobcenter",
    "consultant",
    "postcode",
    "desired_titles",
    "experience_titles",
    "skills",
    "certificates",
    "languages",
    "trade",
    "max_commute_km",
    "hours_per_week",
    "available_from",
    "benefit",
    "active",
    "target_group",
    "age_band",
    "education_level",
    "weeks_unemployed",
    "flex_approved",
)
_LISTS = {
    "desired": "desired_titles",
    "experience": "experience_titles",
    "skills": "skills",
    "certificates": "certificates",
    "languages": "languages",
}


RowIndex = slice | npt.NDArray[np.int64]


def row_index(rows: Sequence[int]) -> RowIndex:
    """Rows as a numpy index: a run of consecutive rows (a load appends them) as a slice, which
    numpy reads and writes as a block instead of gathering and scattering row by row."""
    if isinstance(rows, range) and rows.step == 1:
        return slice(rows.start, rows.stop)
    return np.asarray(rows, dtype=np.int64)


class _Interner:
    """Distinct values, each stored once; index 0 is reserved for nothing."""

    def __init__(self) -> None:
        self.values: list[Any] = [None]
        self.index: dict[Any, int] = {None: 0}  # None (no trade) is reference 0

    def add(self, value: Any) -> int:
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.values)
            self.values.append(value)
        return i

    def codes(self, values: Sequence[Any]) -> npt.NDArray[np.int32]:
        """The ids of many values (new ones added in order of first appearance), looked up by
        ``map`` in C straight into an array rather than a Python call per value: a chunk repeats
        the same few values. Only the values seen first are handled in Python: in a pool with
        spelling noise nearly every chunk brings some, and walking the whole chunk for them cost as
        much as the lookups."""
        index = self.index
        out = np.fromiter(map(index.get, values, repeat(-1)), dtype=np.int32, count=len(values))
        for i in np.flatnonzero(out < 0).tolist():
            out[i] = self.add(values[i])  # added at its first copy, found at the later ones
        return out


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
        self._put_scheme_fields(
            np.asarray([row], dtype=np.int64),
            [p.target_group],
            [p.age_band],
            [p.education_level],
            [p.weeks_unemployed],
            [p.flex_approved],
        )
        self.commute[row] = p.max_commute_km
        self.hours[row] = p.hours_per_week
        self.avail[row] = p.available_from.toordinal() if p.available_from else 0
        self.benefit[row] = _BENEFIT_CODE[p.benefit]
        self.active[row] = p.active

    def put_many(self, rows: Sequence[int], profiles: list[CandidateProfile]) -> npt.NDArray[np.int32]:
        """Store a chunk (rows as ``put`` takes them, no row twice); the interned references per row.

        The references are returned so the caller can memoise encodings per interned value (an id
        is cheaper to hash than a tuple of strings); numeric fields are written one column at a time.
        """
        if len(rows) != len(profiles):
            raise ValueError(f"{len(rows)} rækker til {len(profiles)} profiler")
        if rows and max(rows) >= self._cap:
            self._grow(max(1024, self._cap * 2, max(rows) + 1))
        if not profiles:
            return np.zeros((0, len(_REFS)), dtype=np.int32)
        (
            ids,
            jobcenter,
            consultant,
            postcode,
            desired,
            experience,
            skills,
            certificates,
            languages,
            trade,
            commute,
            hours,
            avail,
            benefit,
            active,
            target,
            age,
            education,
            weeks,
            flex,
        ) = zip(*map(_ROW_FIELDS, map(_FIELDS_OF, profiles)), strict=True)
        r = row_index(rows)
        if isinstance(r, slice) and r.start == len(self.ids):  # a load: rows appended
            self.ids.extend(ids)
        else:
            for row, cid in zip(rows, ids, strict=True):
                if row == len(self.ids):
                    self.ids.append(cid)
                else:
                    self.ids[row] = cid
        strings, tuples = self._strings.codes, self._tuples.codes
        refs = np.empty((len(profiles), len(_REFS)), dtype=np.int32)
        refs[:, 0] = strings(jobcenter)
        refs[:, 1] = strings(consultant)
        refs[:, 2] = strings(postcode)
        for col, lists in ((3, desired), (4, experience), (5, skills), (6, certificates), (7, languages)):
            refs[:, col] = tuples(list(map(tuple, lists)))
        refs[:, 8] = strings(trade)  # None (no trade) is 0
        self._refs[r] = refs
        self.commute[r] = commute
        self.hours[r] = hours
        ordinal = {d: d.toordinal() if d else 0 for d in set(avail)}
        self.avail[r] = list(map(ordinal.__getitem__, avail))
        self.benefit[r] = list(map(_BENEFIT_CODE.__getitem__, benefit))
        self.active[r] = active
        self._put_scheme_fields(r, target, age, education, weeks, flex)
        return refs

    def _put_scheme_fields(
        self,
        r: RowIndex,
        target: Sequence[TargetGroup],
        age: Sequence[AgeBand | None],
        education: Sequence[EducationLevel | None],
        weeks: Sequence[int | None],
        flex: Sequence[bool],
    ) -> None:
        self.target[r] = list(map(TARGET_CODE.__getitem__, target))
        self.age[r] = list(map(AGE_CODE.__getitem__, age))
        self.education[r] = list(map(EDUCATION_CODE.__getitem__, education))
        self.weeks[r] = [NO_WEEKS if w is None else w for w in weeks]
        self.flex[r] = flex

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
