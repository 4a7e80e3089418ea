import asyncio
import random
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")

TRANSIENT = (ConnectionError, TimeoutError)


async def retry(operation: Callable[[], Awaitable[T]], *, attempts: int, base_delay: float,
                max_delay: float, deadline: float) -> T:
    # TODO: one failure and it is all over. Retry TRANSIENT errors, up to `attempts`
    # times, waiting a random, exponentially growing (and capped) time in between,
    # and never sleeping past `deadline` seconds from now.
    return await operation()
