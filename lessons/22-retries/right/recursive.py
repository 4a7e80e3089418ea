"""One attempt per call, recursing for the next; the deadline is an absolute loop time."""
import asyncio
import random
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")

TRANSIENT = (ConnectionError, TimeoutError)


async def retry(operation: Callable[[], Awaitable[T]], *, attempts: int, base_delay: float,
                max_delay: float, deadline: float) -> T:
    give_up_at = asyncio.get_running_loop().time() + deadline
    return await _attempt(operation, 1, attempts, base_delay, max_delay, give_up_at)


async def _attempt(operation: Callable[[], Awaitable[T]], number: int, attempts: int, base_delay: float,
                   max_delay: float, give_up_at: float) -> T:
    try:
        return await operation()
    except TRANSIENT:
        if number == attempts:
            raise
        backoff = random.uniform(0.0, min(base_delay * (2 ** (number - 1)), max_delay))
        if asyncio.get_running_loop().time() + backoff > give_up_at:
            raise
    await asyncio.sleep(backoff)
    return await _attempt(operation, number + 1, attempts, base_delay, max_delay, give_up_at)
