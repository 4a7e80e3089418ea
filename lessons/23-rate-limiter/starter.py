import asyncio


class TokenBucket:
    """At most `burst` calls at once, then `rate` calls per second on average."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst

    async def acquire(self) -> None:
        # TODO: this lets every caller through at once. Keep up to `burst` tokens,
        # refilled at `rate` per second; take one per call, and make callers wait
        # (in the order they came) until their token is due.
        return None
