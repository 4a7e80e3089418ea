import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for entry in enumerate(urls):
        queue.put_nowait(entry)
    pages = [""] * len(urls)

    async def worker() -> None:
        while not queue.empty():  # every url is queued up front: empty means done
            index, url = queue.get_nowait()
            pages[index] = await fetch(url)

    await asyncio.gather(*(worker() for _ in range(limit)))
    return pages
