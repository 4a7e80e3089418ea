import asyncio
from typing import Awaitable, Callable


async def run_pipeline(items: list[int], workers: int, process: Callable[[int], Awaitable[int]]) -> list[int]:
    queue: asyncio.Queue[tuple[int, int] | None] = asyncio.Queue(maxsize=max(1, workers))
    results = [0] * len(items)

    async def producer() -> None:
        for entry in enumerate(items):
            await queue.put(entry)
        for _ in range(workers):
            await queue.put(None)

    async def worker() -> None:
        while (entry := await queue.get()) is not None:
            index, item = entry
            results[index] = await process(item)

    tasks = [asyncio.create_task(producer()), *(asyncio.create_task(worker()) for _ in range(workers))]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return results
