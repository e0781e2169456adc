"""``every(interval, beat)``: run a renewal (a lease, a claim) at an interval while a block runs.

Why an event and not ``task.cancel()``: a cancellation that lands inside a Redis call can be
swallowed by the client's retry and connection handling; the beat then keeps running and
``await task`` at the end of the block waits for ever (seen in the intake tests: a worker that never
stopped). Here the loop checks a stop event between beats and the block's exit waits at most for
the beat in progress, whose Redis call is bounded by the client's timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable


@contextlib.asynccontextmanager
async def every(interval: float, beat: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """Call ``beat()`` every ``interval`` seconds until the block ends; ``beat`` handles its errors."""
    stop = asyncio.Event()

    async def loop() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            if stop.is_set():
                return
            await beat()

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await task
