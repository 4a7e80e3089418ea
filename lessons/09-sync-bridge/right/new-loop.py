import asyncio


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": "result"}


def fetch_sync(url: str) -> dict:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(fetch_data(url))
    finally:
        loop.close()


def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict:
    future = asyncio.run_coroutine_threadsafe(fetch_data(url), loop)
    return future.result(timeout=60)
