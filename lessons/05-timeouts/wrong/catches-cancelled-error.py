# expect: fail behaviour
import asyncio


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"



async def with_timeout(delay: float, limit: float) -> str | None:
    try:
        return await asyncio.wait_for(slow_operation(delay), timeout=limit)
    except asyncio.CancelledError:
        return None
