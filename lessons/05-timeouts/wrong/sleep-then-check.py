# expect: fail behaviour
import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"


async def with_timeout(delay: float, limit: float) -> str | None:
    task = asyncio.create_task(slow_operation(delay))
    await asyncio.sleep(limit)
    if task.done():
        return task.result()
    task.cancel()
    return None
