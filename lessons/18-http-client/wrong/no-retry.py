# expect: fail behaviour
import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    semaphore = asyncio.Semaphore(limit)

    async def fetch(session: aiohttp.ClientSession, path: str) -> str | None:
        try:
            async with semaphore:
                async with session.get(base_url + path, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                    return await response.text() if response.status < 500 else None  # one 503 and it gives up
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return None

    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch(session, path) for path in paths))
    return dict(zip(paths, bodies))
