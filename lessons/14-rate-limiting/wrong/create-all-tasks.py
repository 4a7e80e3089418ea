# expect: fail bounded
import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    tasks = [asyncio.create_task(fetch(url)) for url in urls]  # every fetch starts right now
    return [await task for task in tasks]
