# expect: fail behaviour
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
                queue.task_done()  # join() no longer hangs when process raises...

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    await queue.join()
    for task in tasks:
        task.cancel()
    # ...but return_exceptions=True turns the dead worker's error into a value nobody reads.
    await asyncio.gather(*tasks, return_exceptions=True)
    return results
