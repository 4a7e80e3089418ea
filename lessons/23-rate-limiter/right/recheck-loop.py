"""A lock for the line, and a loop that re-checks the level after each exact sleep."""
import asyncio
import time


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._capacity = float(burst)
        self._level = float(burst)
        self._stamp = time.monotonic()
        self._line = asyncio.Lock()

    def _top_up(self) -> None:
        now = time.monotonic()
        self._level = min(self._capacity, self._level + (now - self._stamp) * self._rate)
        self._stamp = now

    async def acquire(self) -> None:
        async with self._line:
            self._top_up()
            while self._level < 1:
                await asyncio.sleep((1 - self._level) / self._rate)
                self._top_up()
            self._level -= 1
