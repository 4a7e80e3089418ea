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
            if attempt == attempts or loop.time() >= give_up_at:  # the wait itself is not counted
                raise
            wait = random.uniform(0, min(max_delay, base_delay * 2 ** (attempt - 1)))
        await asyncio.sleep(wait)
    raise ValueError("attempts must be at least 1")
