# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task[T]] = []
    errors: list[BaseException] = []
    try:
        for index, replica in enumerate(replicas):
            started.append(asyncio.ensure_future(replica()))
            next_start = loop.time() + delay
            last = index == len(replicas) - 1
            running = {task for task in started if not task.done()}
            while running:
                timeout = None if last else next_start - loop.time()
                if timeout is not None and timeout <= 0:
                    break
                done, running = await asyncio.wait(running, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if task.exception() is None:
                        return task.result()
                    errors.append(task.exception())  # noted, but the next replica still waits for the delay
            if last:
                break
        raise ExceptionGroup("every replica failed", errors)
    finally:
        for task in started:
            task.cancel()
        await asyncio.gather(*started, return_exceptions=True)
