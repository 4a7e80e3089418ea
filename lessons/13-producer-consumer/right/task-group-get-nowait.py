import asyncio
from typing import Awaitable, Callable


async def run_pipeline(items: list[int], workers: int, process: Callable[[int], Awaitable[int]]) -> list[int]:
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for entry in enumerate(items):
        queue.put_nowait(entry)
    results = [0] * len(items)

    async def worker() -> None:
        # Every item is on the queue before any worker starts, so empty really means done here.
        while True:
            try:
                index, item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            results[index] = await process(item)

    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())
    return results
