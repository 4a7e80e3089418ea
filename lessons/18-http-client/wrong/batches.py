# expect: fail bounded
import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    semaphore = asyncio.Semaphore(limit)
    per_request = aiohttp.ClientTimeout(total=timeout)

    async def fetch(session: aiohttp.ClientSession, path: str) -> str | None:
        for _ in range(retries + 1):
            try:
                async with semaphore:  # a slot per request in flight, given back before a retry queues again
                    async with session.get(base_url + path, timeout=per_request) as response:
                        if response.status < 500:
                            return await response.text()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass  # a transient failure: try again
        return None

    async with aiohttp.ClientSession() as session:  # one session: its connections are reused
        bodies: list[str | None] = []
        for start in range(0, len(paths), limit):  # each batch waits for its slowest page
            bodies += await asyncio.gather(*(fetch(session, path) for path in paths[start:start + limit]))
    return dict(zip(paths, bodies))
