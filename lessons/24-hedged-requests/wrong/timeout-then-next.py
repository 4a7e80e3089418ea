# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    errors: list[BaseException] = []
    for index, replica in enumerate(replicas):
        last = index == len(replicas) - 1
        try:
            # Gives up on a slow replica (cancelling it) instead of letting it race the next one.
            return await (replica() if last else asyncio.wait_for(replica(), timeout=delay))
        except TimeoutError:
            continue
        except Exception as error:
            errors.append(error)
    raise ExceptionGroup("every replica failed", errors)
