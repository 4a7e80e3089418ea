# expect: fail blocking
import asyncio
import urllib.request

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    results: dict[str, str | None] = {}
    for path in paths:
        # A synchronous request inside a coroutine: the event loop stops until it is answered, and here the
        # server runs on that very loop, so the answer never comes.
        with urllib.request.urlopen(base_url + path) as response:
            results[path] = response.read().decode()
    return results
