"""No lock and no sleeping waiter: a line of futures, and one timer armed for when the next token is due."""
import asyncio
from collections import deque


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = burst
        self._tokens = float(burst)
        self._last: float | None = None
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    def _refill(self, now: float) -> None:
        if self._last is not None:
            self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        self._refill(loop.time())
        if not self._waiters and self._tokens >= 1:
            self._tokens -= 1
            return
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        self._arm(loop)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._tokens += 1  # granted just as we were cancelled: the token goes back
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            self._arm(loop)
            raise

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """One timer, for the moment the first waiter's token is due."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiters:
            self._refill(loop.time())
            self._timer = loop.call_later(max(0.0, (1 - self._tokens) / self._rate), self._grant, loop)

    def _grant(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        self._refill(loop.time())
        while self._waiters and self._tokens >= 1 - 1e-9:
            self._tokens -= 1
            self._waiters.popleft().set_result(None)
        self._arm(loop)
