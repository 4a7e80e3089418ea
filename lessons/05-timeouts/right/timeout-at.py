import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"


async def with_timeout(delay: float, limit: float) -> str | None:
    deadline = asyncio.get_running_loop().time() + limit
    try:
        async with asyncio.timeout_at(deadline):
            return await slow_operation(delay)
    except TimeoutError:
        return None
