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

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    joined = asyncio.create_task(queue.join())
    try:
        await asyncio.wait([joined, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                task.result()
        return results
    finally:
        joined.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(joined, *tasks, return_exceptions=True)
