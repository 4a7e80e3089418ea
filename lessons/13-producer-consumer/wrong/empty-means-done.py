# expect: fail race
import asyncio
from typing import Awaitable, Callable


async def run_pipeline(
    items: list[int], workers: int, process: Callable[[int], Awaitable[int]]
) -> list[int]:
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    results: list[int] = [0] * len(items)

    async def producer() -> None:
        for index, item in enumerate(items):
            await queue.put((index, item))

    async def worker() -> None:
        await asyncio.sleep(0)  # "let the producer go first"
        while not queue.empty():  # an empty queue is taken to mean "all done"
            index, item = queue.get_nowait()
            results[index] = await process(item)

    await asyncio.gather(producer(), *(worker() for _ in range(workers)))
    return results
