# expect: fail cancellation
import asyncio


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
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
            self.tokens -= 1  # taken first, then waited for: a cancelled caller keeps it
            if self.tokens < 0:
                await asyncio.sleep(-self.tokens / self.rate)
