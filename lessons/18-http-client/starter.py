import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    # TODO: one request at a time, a new session for each, no timeout and no retry.
    # Share one session, keep `limit` requests in flight, give each attempt `timeout`
    # seconds and retry 5xx answers and timeouts up to `retries` more times.
    results: dict[str, str | None] = {}
    for path in paths:
        async with aiohttp.ClientSession() as session:
            async with session.get(base_url + path) as response:
                results[path] = await response.text()
    return results
