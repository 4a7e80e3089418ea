# expect: fail concurrency
import asyncio
from typing import Awaitable, Callable


async def background_task(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Result from {name}"


async def run_with_other_work(
    jobs: list[tuple[str, float]], other_work: Callable[[], Awaitable[None]]
) -> list[str]:
    # TODO: the jobs should run *while* other_work runs, not before it.
    results = []
    for name, delay in jobs:
        results.append(await background_task(name, delay))
    await other_work()
    return results
