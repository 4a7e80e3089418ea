# expect: fail behaviour
import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    pages = [""] * len(urls)
    position = 0

    async def worker() -> None:
        nonlocal position
        while position < len(urls):
            index = position
            pages[index] = await fetch(urls[index])
            position += 1  # moved on only after the fetch: the other workers took the same url meanwhile

    await asyncio.gather(*(worker() for _ in range(limit)))
    return pages
