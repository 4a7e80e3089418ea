import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    """`limit` workers take paths off a queue; the session's timeout applies to every request on its own."""
    results: dict[str, str | None] = {}
    todo: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        todo.put_nowait(path)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not todo.empty():  # every path is queued before the workers start
            path = todo.get_nowait()
            results[path] = None
            for _ in range(retries + 1):
                try:
                    async with session.get(base_url + path) as response:
                        if response.ok:
                            results[path] = await response.text()
                            break
                        if response.status < 500:
                            break  # a 4xx will not get better by asking again
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass

    per_request = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(timeout=per_request) as session:
        await asyncio.gather(*(worker(session) for _ in range(min(limit, len(paths)))))
    return {path: results[path] for path in paths}
