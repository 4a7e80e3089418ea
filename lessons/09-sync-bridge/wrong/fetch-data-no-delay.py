# expect: fail behaviour
import asyncio


async def fetch_data(url: str) -> dict:
    return {"url": url, "data": "result"}


def fetch_sync(url: str) -> dict:
    return asyncio.run(fetch_data(url))


def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict:
    return asyncio.run_coroutine_threadsafe(fetch_data(url), loop).result()
