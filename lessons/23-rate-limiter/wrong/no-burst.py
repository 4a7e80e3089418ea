# expect: fail bounded
import asyncio


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = 0.0  # starts empty: the first callers wait as if the bucket had just been used up
        self.updated: float | None = None
        self.turn = asyncio.Lock()

    def _refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        async with self.turn:
            self._refill(loop.time())
            if self.tokens < 1:
                await asyncio.sleep((1 - self.tokens) / self.rate)
                self._refill(loop.time())
            self.tokens -= 1
