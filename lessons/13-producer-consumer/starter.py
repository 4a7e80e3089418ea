import asyncio
from typing import Awaitable, Callable


async def run_pipeline(
    items: list[int], workers: int, process: Callable[[int], Awaitable[int]]
) -> list[int]:
    # TODO: put the items on an asyncio.Queue and start `workers` worker tasks that
    # take items off it, so that `workers` items are processed at a time.
    results = []
    for item in items:
        results.append(await process(item))
    return results
