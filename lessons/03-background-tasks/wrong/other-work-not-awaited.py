# expect: fail unawaited
import asyncio
from typing import Awaitable, Callable


async def background_task(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Result from {name}"



async def run_with_other_work(
    jobs: list[tuple[str, float]], other_work: Callable[[], Awaitable[None]]
) -> list[str]:
    tasks = [asyncio.create_task(background_task(name, delay)) for name, delay in jobs]
    other_work()
    return [await task for task in tasks]
