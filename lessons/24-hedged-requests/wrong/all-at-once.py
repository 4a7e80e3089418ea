# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    started = [asyncio.ensure_future(replica()) for replica in replicas]  # every replica, right away
    errors: list[BaseException] = []
    try:
        for next_done in asyncio.as_completed(started):
            try:
                return await next_done
            except Exception as error:
                errors.append(error)
        raise ExceptionGroup("every replica failed", errors)
    finally:
        for task in started:
            task.cancel()
        await asyncio.gather(*started, return_exceptions=True)
