# expect: fail bounded
import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    active = 0

    async def fetch_one(url: str) -> str:
        nonlocal active
        while active >= limit:
            await asyncio.sleep(0.05)  # check again later: a slot may sit idle until then
        active += 1
        try:
            return await fetch(url)
        finally:
            active -= 1

    return list(await asyncio.gather(*(fetch_one(url) for url in urls)))
