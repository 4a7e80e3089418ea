# expect: fail behaviour
import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    semaphore = asyncio.Semaphore(limit)

    async def fetch(path: str) -> str | None:
        for _ in range(retries + 1):
            try:
                async with semaphore:
                    async with aiohttp.ClientSession() as session:  # a new session (and connection) per request
                        async with session.get(base_url + path, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                            if response.status < 500:
                                return await response.text()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
        return None

    bodies = await asyncio.gather(*(fetch(path) for path in paths))
    return dict(zip(paths, bodies))
