import asyncio
from typing import Awaitable, Callable


async def background_task(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Result from {name}"


async def run_with_other_work(
    jobs: list[tuple[str, float]], other_work: Callable[[], Awaitable[None]]
) -> list[str]:
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(background_task(*job)) for job in jobs]
    await asyncio.sleep(0)  # let every job take its first step before other_work
    try:
        await other_work()
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    results: list[str] = []
    for task in tasks:
        results.append(await task)
    return results
