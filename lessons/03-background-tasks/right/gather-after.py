import asyncio
from typing import Awaitable, Callable


async def background_task(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Result from {name}"


async def run_with_other_work(jobs, other_work):
    started = []
    for name, delay in jobs:
        started.append(asyncio.create_task(background_task(name, delay), name=f"job-{name}"))
    await other_work()
    results = await asyncio.gather(*started)
    return list(results)
