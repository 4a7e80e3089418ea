# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task[T]] = []
    last_error: BaseException | None = None
    try:
        for index, replica in enumerate(replicas):
            latest = asyncio.ensure_future(replica())
            started.append(latest)
            next_start = loop.time() + delay
            last = index == len(replicas) - 1
            running = {task for task in started if not task.done()}
            while running:
                timeout = None if last else max(0.0, next_start - loop.time())
                done, running = await asyncio.wait(running, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if task.exception() is None:
                        return task.result()
                    last_error = task.exception()  # only the most recent failure is kept
                if not done or latest in done:
                    break
        assert last_error is not None
        raise last_error
    finally:
        for task in started:
            task.cancel()
        await asyncio.gather(*started, return_exceptions=True)
