import asyncio
from typing import Awaitable, Callable


async def run_pipeline(items: list[int], workers: int, process: Callable[[int], Awaitable[int]]) -> list[int]:
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for entry in enumerate(items):
        queue.put_nowait(entry)
    results = [0] * len(items)

    async def worker() -> None:
        while True:
            index, item = await queue.get()
            try:
                results[index] = await process(item)
            finally:
                queue.task_done()

    # If a worker raises, the group cancels this block (and the join with it) and raises the error.
    async with asyncio.TaskGroup() as group:
        pool = [group.create_task(worker()) for _ in range(workers)]
        await queue.join()
        for task in pool:
            task.cancel()  # every item is done: the workers are only waiting on get()
    return results
