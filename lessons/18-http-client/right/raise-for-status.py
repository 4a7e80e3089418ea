import asyncio

import aiohttp


class TryAgain(Exception):
    """An attempt failed in a way that another attempt may not."""


async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]:
    in_flight = asyncio.BoundedSemaphore(limit)
    each_attempt = aiohttp.ClientTimeout(total=timeout)

    async def get_once(session: aiohttp.ClientSession, path: str) -> str:
        try:
            async with in_flight:
                async with session.get(base_url + path, timeout=each_attempt, raise_for_status=True) as response:
                    return await response.text()
        except aiohttp.ClientResponseError as error:
            if error.status >= 500:
                raise TryAgain(path) from error
            raise
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
            raise TryAgain(path) from error

    async def get(session: aiohttp.ClientSession, path: str) -> str | None:
        attempts_left = retries + 1
        while attempts_left:
            attempts_left -= 1
            try:
                return await get_once(session, path)
            except TryAgain:
                pass
            except aiohttp.ClientResponseError:
                return None  # a 4xx answer: asking again will not change it
        return None

    async with aiohttp.ClientSession() as session:
        pages = await asyncio.gather(*(get(session, path) for path in paths))
    return dict(zip(paths, pages))
