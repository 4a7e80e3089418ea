import asyncio

import aiohttp


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    slots = asyncio.Semaphore(limit)

    async def attempt(session: aiohttp.ClientSession, url: str) -> str | None:
        """One request: the body, or None for a 5xx answer. Raises on a timeout or a broken connection."""
        async with slots:
            async with asyncio.timeout(timeout):  # started once the request has its slot
                async with session.get(url) as response:
                    if response.status >= 500:
                        return None
                    return await response.text()

    async def fetch(session: aiohttp.ClientSession, path: str) -> str | None:
        for _ in range(1 + retries):
            try:
                text = await attempt(session, base_url + path)
            except (TimeoutError, aiohttp.ClientError):
                continue
            if text is not None:
                return text
        return None

    async with aiohttp.ClientSession() as session:
        async with asyncio.TaskGroup() as group:
            tasks = {path: group.create_task(fetch(session, path)) for path in paths}
    return {path: task.result() for path, task in tasks.items()}
