# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task[T]] = []
    try:
        for index, replica in enumerate(replicas):
            started.append(asyncio.ensure_future(replica()))
            next_start = loop.time() + delay
            last = index == len(replicas) - 1
            running = {task for task in started if not task.done()}
            timeout = None if last else max(0.0, next_start - loop.time())
            done, _ = await asyncio.wait(running, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                return task.result()  # whatever finished first: an answer, or an error
        raise RuntimeError("unreachable")
    finally:
        for task in started:
            task.cancel()
        await asyncio.gather(*started, return_exceptions=True)
