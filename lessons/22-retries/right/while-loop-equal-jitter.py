"""A while loop on time.monotonic(), with "equal jitter": half the ceiling, plus a random half."""
import asyncio
import random
import time
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")

TRANSIENT = (ConnectionError, TimeoutError)


async def retry(operation: Callable[[], Awaitable[T]], *, attempts: int, base_delay: float,
                max_delay: float, deadline: float) -> T:
    stop_at = time.monotonic() + deadline
    failures = 0
    while True:
        try:
            return await operation()
        except TRANSIENT as error:
            failures += 1
            if failures >= attempts:
                raise
            ceiling = min(max_delay, base_delay * 2 ** (failures - 1))
            pause = ceiling / 2 + random.uniform(0, ceiling / 2)
            if time.monotonic() + pause > stop_at:
                raise error
        await asyncio.sleep(pause)
