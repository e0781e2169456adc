"""Atomic candidate pool swap for imports (engineer I, on engineer F's pool keys).

Why: an import of 100k candidates takes seconds; a matcher reading the pool meanwhile must see the
old pool or the new one, never a half-written mix. So an import writes a complete new generation
hash (``keys.pool_generation(prefix, n+1)``) beside the live one and then, in one MULTI guarded by
WATCH on ``keys.pool_meta``, points ``generation`` at it, bumps ``version`` (running bots reload
their index) and unlinks the old generation. If the pool changed while we were writing (another
import, ``put_candidates``, a purge) the WATCH fails and the import is built again from the new
state, so no concurrent change is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.store import keys
from matching.models import CandidateProfile

WRITE_CHUNK = 2000
MAX_SWAP_ATTEMPTS = 5

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class SwapResult:
    written: int  # profiles from the import now in the pool
    deactivated: int  # replace mode: candidates missing from the import, kept but inactive
    total: int  # profiles in the new generation
    generation: int
    version: int
    kept: int = 0  # ``keep``: candidates carried over exactly as they were (neither updated nor deactivated)


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class PoolSwapper:
    """Write a new pool generation next to the live one, then switch to it in one step."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self.meta = keys.pool_meta(prefix)

    async def _live(self) -> tuple[int, int]:
        raw = await self.redis.hmget(self.meta, ["generation", "version"])
        return int(raw[0] or 0), int(raw[1] or 0)

    async def swap_in(
        self,
        profiles: Sequence[CandidateProfile],
        mode: Literal["upsert", "replace"],
        progress: Progress | None = None,
        *,
        keep: Collection[str] = (),
    ) -> SwapResult:
        """Make ``profiles`` the pool (replace) or merge them into it (upsert), atomically.

        ``keep``: ids whose live profile is carried over exactly as it is (an import row that failed
        validation is no statement that the candidate left). Read inside each attempt, so a retried
        swap carries the current profile.
        """
        encoded = {p.id: p.model_dump_json() for p in profiles}
        keep_ids = sorted(set(keep) - set(encoded))
        for _ in range(MAX_SWAP_ATTEMPTS):
            base_gen, base_version = await self._live()
            staging_gen = int(await self.redis.hincrby(self.meta, "next_generation", 1))
            staging_gen = max(staging_gen, base_gen + 1)
            live_key = keys.pool_generation(self.prefix, base_gen)
            staging_key = keys.pool_generation(self.prefix, staging_gen)
            await self.redis.delete(staging_key)
            kept: dict[str, str] = {}
            if keep_ids:
                raws = await self.redis.hmget(live_key, keep_ids)
                kept = {i: _s(raw) for i, raw in zip(keep_ids, raws, strict=True) if raw}
            deactivated = await self._write(live_key, staging_key, {**encoded, **kept}, mode, progress)
            result = await self._flip(base_gen, base_version, staging_gen, live_key)
            if result is not None:
                total = int(await self.redis.hlen(staging_key))
                return SwapResult(len(encoded), deactivated, total, staging_gen, result, len(kept))
            await self.redis.delete(staging_key)  # the pool moved under us: build again
        raise RuntimeError("kandidatpuljen blev ændret af en anden under hele importen; prøv igen")

    async def _write(
        self, live_key: str, staging_key: str, encoded: dict[str, str], mode: str, progress: Progress | None
    ) -> int:
        deactivated = 0
        # Carry over what the import does not mention: as it is (upsert) or inactive (replace).
        cursor: int = 0
        while True:
            scanned: Any = await self.redis.hscan(live_key, cursor, count=WRITE_CHUNK)
            cursor, chunk = scanned
            carry: dict[Any, Any] = {}
            for raw_id, raw in chunk.items():
                cid = _s(raw_id)
                if cid in encoded:
                    continue
                if mode == "replace":
                    old = CandidateProfile.model_validate_json(raw)
                    if old.active:
                        deactivated += 1
                    carry[cid] = old.model_copy(update={"active": False}).model_dump_json()
                else:
                    carry[cid] = _s(raw)
            if carry:
                await self.redis.hset(staging_key, mapping=carry)
            if cursor == 0:
                break
        items = list(encoded.items())
        async with self.redis.pipeline(transaction=False) as pipe:
            for start in range(0, len(items), WRITE_CHUNK):
                part: dict[Any, Any] = dict(items[start : start + WRITE_CHUNK])
                pipe.hset(staging_key, mapping=part)
                await pipe.execute()
                if progress is not None:
                    progress(min(WRITE_CHUNK, len(items) - start))
        return deactivated

    async def _flip(self, base_gen: int, base_version: int, staging_gen: int, live_key: str) -> int | None:
        """Point the pool at the staging generation if nobody changed the pool meanwhile.

        "Meanwhile" starts when the copy began, not at the WATCH: a ``put_candidates`` or a purge while
        the staging hash was written bumped ``version`` and is not in the copy, so the swap is rebuilt.
        """
        async with self.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(self.meta, live_key)
                gen_raw, version_raw = await pipe.hmget(self.meta, ["generation", "version"])
                if int(gen_raw or 0) != base_gen or int(version_raw or 0) != base_version:
                    await pipe.reset()  # type: ignore[no-untyped-call]
                    return None
                pipe.multi()  # type: ignore[no-untyped-call]
                pipe.hset(self.meta, "generation", str(staging_gen))
                pipe.hincrby(self.meta, "version", 1)
                pipe.unlink(live_key)
                _, version, _ = await pipe.execute()
                return int(version)
            except WatchError:
                return None
