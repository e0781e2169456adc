"""The candidate pool: reads and small changes on the live generation, and the atomic swap of a
whole new generation for imports.

Why generations: an import of 100k candidates takes seconds; a matcher reading the pool meanwhile must see the
old pool or the new one, never a half-written mix. So an import writes a complete new generation
hash (``keys.pool_generation(prefix, n+1)``) beside the live one and then, in one MULTI guarded by
WATCH on ``keys.pool_meta``, points ``generation`` at it, bumps ``version`` (running bots reload
their index) and unlinks the old generation. If the pool changed while we were writing (another
import, ``put_candidates``, a purge) the WATCH fails and the import is built again from the new
state, so no concurrent change is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.store import keys
from bot.store.base import StoreBase
from bot.store.codec import MAX_CAS_ATTEMPTS
from matching.models import CandidateProfile

WRITE_CHUNK = 2000
MAX_SWAP_ATTEMPTS = 5

PUT_CHUNK = 500  # profiles per put script (each bumps ``pool_version`` once)

Progress = Callable[[int], None]

# KEYS[1] pool meta, KEYS[2] generation hash. ARGV[1] expected generation, ARGV[2..] id, json pairs.
POOL_PUT_LUA = """
if (redis.call('HGET', KEYS[1], 'generation') or '0') ~= ARGV[1] then return -1 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
return (#ARGV - 1) / 2
"""

# KEYS[1] pool meta, KEYS[2] generation hash. ARGV[1] expected generation, ARGV[2] candidate id.
POOL_REMOVE_LUA = """
if (redis.call('HGET', KEYS[1], 'generation') or '0') ~= ARGV[1] then return -1 end
local n = redis.call('HDEL', KEYS[2], ARGV[2])
if n > 0 then redis.call('HINCRBY', KEYS[1], 'version', 1) end
return n
"""


class PoolReads(StoreBase):
    """The live pool generation: read it, upsert or remove single profiles (a swap may run meanwhile)."""

    async def _generation(self) -> int:
        return int(await self.r.hget(keys.pool_meta(self.prefix), "generation") or 0)

    async def put_candidates(self, profiles: Iterable[CandidateProfile], chunk: int = PUT_CHUNK) -> int:
        """Upsert profiles into the live pool (each chunk bumps ``pool_version``); returns the count."""
        batch: list[str] = []
        total = 0
        for profile in profiles:
            batch += [profile.id, profile.model_dump_json()]
            if len(batch) >= 2 * chunk:
                total += await self._on_live_generation(POOL_PUT_LUA, batch, "put_candidates")
                batch = []
        if batch:
            total += await self._on_live_generation(POOL_PUT_LUA, batch, "put_candidates")
        return total

    async def _on_live_generation(self, script: str, args: list[str], what: str) -> int:
        """Run a pool script on the live generation; it answers -1 when a swap moved the generation
        between our read and its run, and then we run it again on the new one."""
        for _ in range(MAX_CAS_ATTEMPTS):
            gen = await self._generation()
            script_keys = [keys.pool_meta(self.prefix), keys.pool_generation(self.prefix, gen)]
            n = await self._eval_int(script, script_keys, [str(gen), *args])
            if n >= 0:
                return n
        raise RuntimeError(f"pool generation kept changing during {what}")

    async def all_candidates(self) -> list[CandidateProfile]:
        """Every profile in the live pool generation (never a mix of two generations)."""
        for _ in range(MAX_CAS_ATTEMPTS):
            gen = await self._generation()
            raw = await self.r.hgetall(keys.pool_generation(self.prefix, gen))
            if await self._generation() == gen:
                return [CandidateProfile.model_validate_json(v) for _, v in sorted(raw.items())]
        raise RuntimeError("pool generation kept changing during all_candidates")

    async def get_candidate(self, candidate_id: str) -> CandidateProfile | None:
        raw = await self.r.hget(keys.pool_generation(self.prefix, await self._generation()), candidate_id)
        return CandidateProfile.model_validate_json(raw) if raw else None

    async def pool_version(self) -> int:
        """Changes whenever the pool changes; readers reload their index when it moves."""
        return int(await self.r.hget(keys.pool_meta(self.prefix), "version") or 0)

    async def remove(self, candidate_id: str) -> bool:
        """Remove one profile from the live pool; True when it was there."""
        return await self._on_live_generation(POOL_REMOVE_LUA, [candidate_id], "remove") > 0

    async def _pool_consultants(self, candidate_ids: list[str]) -> dict[str, str]:
        gen_key = keys.pool_generation(self.prefix, await self._generation())
        raws = await self.r.hmget(gen_key, candidate_ids)
        return {
            cid: str(json.loads(raw).get("consultant", ""))
            for cid, raw in zip(candidate_ids, raws, strict=True)
            if raw
        }


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
