# expect: fail leaked-tasks
import asyncio
from typing import Awaitable, Callable


async def run_pipeline(
    items: list[int], workers: int, process: Callable[[int], Awaitable[int]]
) -> list[int]:
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for index, item in enumerate(items):
        queue.put_nowait((index, item))
    results: list[int] = [0] * len(items)

    async def worker() -> None:
        while True:
            index, item = await queue.get()
            try:
                results[index] = await process(item)
            finally:
                queue.task_done()

    for _ in range(workers):
        asyncio.create_task(worker())
    await queue.join()
    return results  # the workers are still waiting on queue.get()
