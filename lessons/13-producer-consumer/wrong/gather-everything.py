# expect: fail bounded
import asyncio
from typing import Awaitable, Callable


async def run_pipeline(
    items: list[int], workers: int, process: Callable[[int], Awaitable[int]]
) -> list[int]:
    # Fast, but ignores `workers`: every item is processed at once.
    return list(await asyncio.gather(*(process(item) for item in items)))
