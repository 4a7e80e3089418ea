import asyncio


class TokenBucket:
    """At most `burst` calls at once, then `rate` calls per second on average."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)  # the bucket starts full
        self.updated: float | None = None
        self.turn = asyncio.Lock()  # waiters queue here, first come, first served

    def _refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    async def acquire(self) -> None:
        async with self.turn:
            loop = asyncio.get_running_loop()
            self._refill(loop.time())
            if self.tokens < 1:
                await asyncio.sleep((1 - self.tokens) / self.rate)  # exactly until the next token is due
                self._refill(loop.time())
            self.tokens -= 1
