# expect: fail leaked-tasks
import asyncio
from typing import Awaitable, Callable


async def background_task(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Result from {name}"


async def run_with_other_work(
    jobs: list[tuple[str, float]], other_work: Callable[[], Awaitable[None]]
) -> list[str]:
    tasks = [asyncio.create_task(background_task(name, delay)) for name, delay in jobs]
    await other_work()
    # Only waits until the first job is done: the rest are abandoned.
    if tasks:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    return [task.result() if task.done() else f"Result from {name}" for task, (name, _) in zip(tasks, jobs)]
