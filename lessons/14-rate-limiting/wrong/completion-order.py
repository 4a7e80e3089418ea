# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    semaphore = asyncio.Semaphore(limit)

    async def fetch_one(url: str) -> str:
        async with semaphore:
            return await fetch(url)

    # as_completed yields in finishing order, not url order
    return [await next_page for next_page in asyncio.as_completed([fetch_one(url) for url in urls])]
