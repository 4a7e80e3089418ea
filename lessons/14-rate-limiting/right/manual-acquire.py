import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    slots = asyncio.BoundedSemaphore(limit)

    async def one(url: str) -> str:
        await slots.acquire()
        try:
            return await fetch(url)
        finally:
            slots.release()

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(url)) for url in urls]
    return [task.result() for task in tasks]
