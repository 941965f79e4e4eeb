"""Per-user cooldowns and a cap on answers computed at once."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Cooldowns:
    """One question per user per `seconds`, per guild."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._last: dict[tuple[int | None, int], float] = {}
        self._clock = clock or (lambda: time.monotonic())  # looked up at each call

    def retry_after(self, guild_id: int | None, user_id: int, seconds: float) -> int:
        """0 if the user may ask now (and records it), else whole seconds to wait."""
        now = self._clock()
        last = self._last.get((guild_id, user_id))
        if last is not None and now - last < seconds:
            return max(1, math.ceil(seconds - (now - last)))
        self._last[(guild_id, user_id)] = now
        return 0


class AnswerSlots:
    """At most `size` answers computed at once; the rest wait their turn in order."""

    def __init__(self, size: int) -> None:
        self._semaphore = asyncio.Semaphore(max(1, size))
        self.waiting = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self.waiting += 1
        acquired = False
        try:
            await self._semaphore.acquire()
            acquired = True
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            if acquired:
                self._semaphore.release()
