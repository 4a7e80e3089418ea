# expect: fail behaviour
import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    semaphore = asyncio.Semaphore(limit)

    async def fetch(session: aiohttp.ClientSession, path: str) -> str | None:
        try:
            async with asyncio.timeout(timeout):  # one time limit for all the attempts at this path together
                for _ in range(retries + 1):
                    try:
                        async with semaphore:
                            async with session.get(base_url + path) as response:
                                if response.status < 500:
                                    return await response.text()
                    except aiohttp.ClientError:
                        pass
        except TimeoutError:
            pass
        return None

    async with aiohttp.ClientSession() as session:  # one session: its connections are reused
        bodies = await asyncio.gather(*(fetch(session, path) for path in paths))
    return dict(zip(paths, bodies))
