import asyncio
from typing import Awaitable, Callable


async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]:
    # TODO: fast, but it opens every connection at once. Never run more than
    # `limit` fetches at the same time.
    return list(await asyncio.gather(*(fetch(url) for url in urls)))
