# expect: fail cancellation
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task[T]] = []
    errors: list[BaseException] = []
    for index, replica in enumerate(replicas):
        latest = asyncio.ensure_future(replica())
        started.append(latest)
        next_start = loop.time() + delay
        last = index == len(replicas) - 1
        running = {task for task in started if not task.done()}
        while running:
            timeout = None if last else max(0.0, next_start - loop.time())
            # If the caller cancels us here, the replicas carry on by themselves.
            done, running = await asyncio.wait(running, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.exception() is None:
                    for other in started:
                        other.cancel()
                    await asyncio.gather(*started, return_exceptions=True)
                    return task.result()
                errors.append(task.exception())
            if not done or latest in done:
                break
    raise ExceptionGroup("every replica failed", errors)
