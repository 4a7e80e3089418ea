"""Waiters queue futures; a dispenser task, started when someone has to wait, hands out tokens in turn."""
import asyncio
from collections import deque


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.checked_at: float | None = None
        self.line: deque[asyncio.Future[None]] = deque()
        self.dispenser: asyncio.Task[None] | None = None

    def top_up(self) -> None:
        now = asyncio.get_running_loop().time()
        if self.checked_at is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.checked_at) * self.rate)
        self.checked_at = now

    async def acquire(self) -> None:
        self.top_up()
        if not self.line and self.tokens >= 1:
            self.tokens -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.line.append(turn)
        if self.dispenser is None or self.dispenser.done():
            self.dispenser = asyncio.create_task(self.dispense())
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.tokens += 1  # handed a token as we were cancelled: put it back
                if self.line and (self.dispenser is None or self.dispenser.done()):
                    self.dispenser = asyncio.create_task(self.dispense())
            raise

    async def dispense(self) -> None:
        while self.line:
            if self.line[0].done():  # its caller was cancelled
                self.line.popleft()
                continue
            self.top_up()
            if self.tokens < 1:
                await asyncio.sleep((1 - self.tokens) / self.rate)
                continue  # top up again; the head may have left meanwhile
            self.tokens -= 1
            self.line.popleft().set_result(None)
