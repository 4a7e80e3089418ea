import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"


async def with_timeout(delay: float, limit: float) -> str | None:
    operation = slow_operation(delay)
    try:
        result = await asyncio.wait_for(operation, limit)
    except asyncio.TimeoutError:
        result = None
    return result
