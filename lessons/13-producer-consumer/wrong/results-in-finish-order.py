# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable


async def run_pipeline(
    items: list[int], workers: int, process: Callable[[int], Awaitable[int]]
) -> list[int]:
    queue: asyncio.Queue[tuple[int, int] | None] = asyncio.Queue()
    for index, item in enumerate(items):
        queue.put_nowait((index, item))
    for _ in range(workers):
        queue.put_nowait(None)  # one "no more work" marker per worker
    results: list[int] = []

    async def worker() -> None:
        while True:
            entry = await queue.get()
            if entry is None:
                return
            index, item = entry
            results.append(await process(item))  # in the order the workers finish

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        await asyncio.gather(*tasks)  # raises the first exception a worker raised
    finally:
        for task in tasks:
            task.cancel()  # after an error, stop the other workers too
        await asyncio.gather(*tasks, return_exceptions=True)
    return results
