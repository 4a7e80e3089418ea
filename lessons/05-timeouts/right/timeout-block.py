import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"


async def with_timeout(delay: float, limit: float) -> str | None:
    try:
        async with asyncio.timeout(limit):
            return await slow_operation(delay)
    except TimeoutError:
        return None
