# expect: fail bounded
import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    async def fetch(session: aiohttp.ClientSession, path: str) -> str | None:
        for _ in range(retries + 1):
            try:
                async with session.get(base_url + path, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                    if response.status < 500:
                        return await response.text()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
        return None

    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch(session, path) for path in paths))  # every request at once
    return dict(zip(paths, bodies))
