# expect: fail bounded
import asyncio
from typing import Awaitable, Callable


async def run_pipeline(
    items: list[int], workers: int, process: Callable[[int], Awaitable[int]]
) -> list[int]:
    results: list[int] = []
    for start in range(0, len(items), workers):
        batch = items[start:start + workers]
        # The whole batch waits for its slowest item before the next batch starts.
        results += await asyncio.gather(*(process(item) for item in batch))
    return results
