# expect: fail behaviour
import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    semaphore = asyncio.Semaphore(limit)

    async def fetch(session: aiohttp.ClientSession, path: str) -> str | None:
        for _ in range(retries + 1):
            try:
                async with semaphore:
                    async with session.get(base_url + path) as response:  # waits as long as the server likes
                        if response.status < 500:
                            return await response.text()
            except aiohttp.ClientError:
                pass
        return None

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
        bodies = await asyncio.gather(*(fetch(session, path) for path in paths))
    return dict(zip(paths, bodies))
