import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    semaphore = asyncio.Semaphore(limit)

    async def fetch_one(url: str) -> str:
        async with semaphore:  # at most `limit` coroutines get past this line at a time
            return await fetch(url)

    return list(await asyncio.gather(*(fetch_one(url) for url in urls)))
