import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"


async def with_timeout(delay: float, limit: float) -> str | None:
    # TODO: give up at `limit` seconds, and cancel the slow operation when you do.
    result = await slow_operation(delay)
    return result
