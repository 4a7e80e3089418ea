# expect: fail cancellation
import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"



async def with_timeout(delay: float, limit: float) -> str | None:
    task = asyncio.create_task(slow_operation(delay))
    done, _ = await asyncio.wait({task}, timeout=limit)
    if done:
        return task.result()
    task.cancel()  # asks the task to stop, but returns before it has
    return None
