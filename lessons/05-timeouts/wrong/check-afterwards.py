# expect: fail behaviour
import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"


async def with_timeout(delay: float, limit: float) -> str | None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    result = await slow_operation(delay)
    if loop.time() - start > limit:
        return None
    return result
