"""The correct `subject` the learner's tests run against (lessons 1 and 5, in one module)."""

import asyncio


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": "result"}


async def slow_operation(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Completed after {delay}s"


async def with_timeout(delay: float, limit: float) -> str | None:
    try:
        return await asyncio.wait_for(slow_operation(delay), timeout=limit)
    except TimeoutError:
        return None
