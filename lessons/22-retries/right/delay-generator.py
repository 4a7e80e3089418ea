"""The ceilings come from a generator; the draws from a private random.Random; the error is kept and raised later."""
import asyncio
import itertools
import random
from typing import Awaitable, Callable, Iterator, TypeVar

T = TypeVar("T")

TRANSIENT = (ConnectionError, TimeoutError)

_rng = random.Random()


def ceilings(base_delay: float, max_delay: float) -> Iterator[float]:
    for n in itertools.count():
        yield min(max_delay, base_delay * 2 ** n)


async def retry(operation: Callable[[], Awaitable[T]], *, attempts: int, base_delay: float,
                max_delay: float, deadline: float) -> T:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    last_error: BaseException | None = None
    waits = ceilings(base_delay, max_delay)
    for attempt in range(attempts):
        if attempt:
            delay = _rng.random() * next(waits)
            if loop.time() + delay > end:
                break
            await asyncio.sleep(delay)
        try:
            return await operation()
        except TRANSIENT as error:
            last_error = error
    assert last_error is not None, "attempts must be at least 1"
    raise last_error
