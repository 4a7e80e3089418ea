# expect: fail behaviour
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
            while self.tokens < 1:
                await asyncio.sleep(0.01)  # check again in a moment
                self._refill(loop.time())
            self.tokens -= 1
