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
    last_error: BaseException | None = None
    for attempt in range(1, attempts + 1):
        try:
            return await operation()
        except TRANSIENT as error:
            last_error = error
        wait = random.uniform(0, min(max_delay, base_delay * 2 ** (attempt - 1)))
        if loop.time() + wait > give_up_at:
            break
        await asyncio.sleep(wait)  # also after the very last attempt
    assert last_error is not None
    raise last_error
