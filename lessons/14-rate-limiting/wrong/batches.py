# expect: fail bounded
import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    pages: list[str] = []
    for start in range(0, len(urls), limit):
        # Never more than `limit` at once, but each batch waits for its slowest fetch.
        pages += await asyncio.gather(*(fetch(url) for url in urls[start:start + limit]))
    return pages
