# expect: fail cancellation
import asyncio


class TokenBucket:
    """Books each caller a time slot up front (GCRA): exact, but a cancelled caller keeps its slot."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1 / rate
        self.tolerance = (burst - 1) * self.interval
        self.theoretical: float | None = None

    async def acquire(self) -> None:
        now = asyncio.get_running_loop().time()
        theoretical = now if self.theoretical is None else max(self.theoretical, now)
        allowed_at = theoretical - self.tolerance
        self.theoretical = theoretical + self.interval
        if allowed_at > now:
            await asyncio.sleep(allowed_at - now)
