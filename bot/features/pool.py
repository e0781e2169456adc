"""The matcher's index over the store's candidate pool, kept in memory and rebuilt when it changes.

Why among the features: it is what ``match``, the intake worker and "hvorfor" share, the one place
where the pure matcher (``matching.index``, which knows nothing of Redis) meets the stored pool
(``bot.store.pool``, which keeps no data in memory).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from matching.index import MatchIndex
from matching.models import CandidateProfile

log = logging.getLogger("matchbot.services")


class CandidatePool(Protocol):
    """The part of the store the index is built from."""

    async def pool_version(self) -> int: ...
    async def all_candidates(self) -> list[CandidateProfile]: ...


class PoolIndex:
    """The matcher's index over the store's candidate pool, rebuilt when ``pool_version`` moves.

    Why here and not per request: building the index over 100k candidates takes seconds; a match
    takes milliseconds. One lock makes concurrent requests wait for one rebuild, not start ten.
    """

    def __init__(
        self, store: CandidatePool, build: Callable[[Sequence[CandidateProfile]], MatchIndex] | None = None
    ) -> None:
        self._store = store
        self._build = build or MatchIndex.build
        self._index: MatchIndex | None = None
        self._version: int | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> MatchIndex:
        version = await self._store.pool_version()
        if self._index is not None and version == self._version:
            return self._index
        async with self._lock:
            version = await self._store.pool_version()
            if self._index is None or version != self._version:
                profiles = await self._store.all_candidates()
                self._index = await asyncio.to_thread(self._build, profiles)
                self._version = version
                del profiles
                # The pool lives for hours: move it out of the cyclic GC's scans, or every full
                # collection walks 100k profiles while activities wait (halved throughput in the bench).
                gc.collect()
                gc.freeze()
                log.info("pool loaded", extra={"candidates": len(self._index), "pool_version": version})
        return self._index

    @property
    def loaded(self) -> MatchIndex | None:
        return self._index
