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
    results: list[int] = [0] * len(items)

    async def worker() -> None:
        while True:
            entry = await queue.get()
            if entry is None:
                return
            index, item = entry
            results[index] = await process(item)

    # The block ends when every worker has returned. If one raises, the group
    # cancels the others, waits for them, and raises the error (in an ExceptionGroup).
    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())
    return results
