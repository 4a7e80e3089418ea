# expect: fail bounded
import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    async def fetch_one(url: str) -> str:
        async with asyncio.Semaphore(limit):  # a fresh semaphore for each fetch limits nothing
            return await fetch(url)

    return list(await asyncio.gather(*(fetch_one(url) for url in urls)))
