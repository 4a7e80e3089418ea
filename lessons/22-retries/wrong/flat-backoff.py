# expect: fail behaviour
import asyncio
import random
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")

TRANSIENT = (ConnectionError, TimeoutError)


async def retry(operation: Callable[[], Awaitable[T]], *, attempts: int, base_delay: float,
                max_delay: float, deadline: float) -> T:
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + deadline
    for attempt in range(1, attempts + 1):
        try:
            return await operation()
        except TRANSIENT:
            if attempt == attempts:
                raise
            wait = random.uniform(0, base_delay)  # jittered, but it never grows
            if loop.time() + wait > give_up_at:
                raise
        await asyncio.sleep(wait)
    raise ValueError("attempts must be at least 1")
