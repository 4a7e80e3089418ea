# expect: fail behaviour
import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    semaphore = asyncio.Semaphore(limit)

    async def fetch(session: aiohttp.ClientSession, path: str) -> str | None:
        attempts = 0
        while True:  # keeps hammering a server that keeps failing
            attempts += 1
            try:
                async with semaphore:
                    async with session.get(base_url + path, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                        if response.status < 500:
                            return await response.text()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            if attempts > 10 * (retries + 1):
                return None

    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch(session, path) for path in paths))
    return dict(zip(paths, bodies))
