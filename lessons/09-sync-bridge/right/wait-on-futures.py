import asyncio
import concurrent.futures


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": "fetched"}


def fetch_sync(url: str) -> dict:
    return asyncio.run(fetch_data(url))


def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict:
    future = asyncio.run_coroutine_threadsafe(fetch_data(url), loop)
    done, _ = concurrent.futures.wait([future])  # this worker waits; the loop does the work
    return done.pop().result()
