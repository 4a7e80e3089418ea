import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    """Keeps a window of at most `limit` fetches running; each one that finishes makes room for the next."""
    pages: list[str] = [""] * len(urls)
    running: dict[asyncio.Task[str], int] = {}
    upcoming = iter(enumerate(urls))
    try:
        while True:
            for index, url in upcoming:
                running[asyncio.create_task(fetch(url))] = index
                if len(running) == limit:
                    break
            if not running:
                return pages
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                pages[running.pop(task)] = task.result()
    finally:
        for task in running:
            task.cancel()  # only when something failed: don't leave the others running
        await asyncio.gather(*running, return_exceptions=True)
